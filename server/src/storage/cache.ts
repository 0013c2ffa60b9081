// An on-disk cache of remote files. Iceberg data files are immutable, so a file cached once
// under its URI (plus size or ETag when known) is reused by every later preview.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';

/** Bytes fetched so far for one file; total is undefined when the size is not known yet. */
export interface FetchProgress { uri: string; bytes: number; total?: number }
export type ProgressListener = (progress: FetchProgress) => void;

/** Writes the object's bytes into `tempPath`, calling `onBytes` with each chunk's length; resolves to the byte count. */
export type Download = (tempPath: string, onBytes: (n: number) => void) => Promise<number>;

export interface CacheKey {
  uri: string;
  /** Expected size in bytes (e.g. file-size-in-bytes from a manifest); a cached file of another size is refetched. */
  size?: number;
  /** A version tag such as an S3 ETag; part of the key when given. */
  etag?: string;
  /**
   * Names a derived copy kept apart from the whole file (e.g. `head2-of-<size>`: a file holding only some row
   * groups of a Parquet object, see parquet-head.ts): never served for a key without the same variant.
   */
  variant?: string;
}

/** The default cache folder: $FLOE_CACHE_DIR, else $XDG_CACHE_HOME/floe/files, else ~/.cache/floe/files. */
export function defaultCacheDir(): string {
  if (process.env.FLOE_CACHE_DIR) return process.env.FLOE_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'floe', 'files');
}

export class FileCache {
  private readonly pending = new Map<string, { done: Promise<string>; listeners: Set<ProgressListener> }>();
  private readonly listeners = new Set<ProgressListener>();

  constructor(readonly dir: string = defaultCacheDir()) {}

  /** Subscribes to byte progress of downloads; returns the unsubscribe function. */
  onProgress(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The path a key is (or would be) cached at. */
  pathFor(key: CacheKey): string {
    const hash = createHash('sha256').update(`${key.uri}\0${key.etag ?? ''}`).digest('hex');
    const ext = path.extname(new URL(key.uri, 'file:///').pathname).slice(0, 16);
    const variant = key.variant ? `.${key.variant.replace(/[^A-Za-z0-9-]/g, '_')}` : '';
    return path.join(this.dir, hash.slice(0, 2), `${hash.slice(2, 40)}${variant}${ext}`);
  }

  /** The cached file's path when it is there (and of the expected size), without fetching anything. */
  async has(key: CacheKey): Promise<string | undefined> {
    const target = this.pathFor(key);
    const hit = await cachedSize(target);
    return hit !== undefined && (key.size === undefined || key.size === hit) ? target : undefined;
  }

  /** Returns the cached file's path, downloading it once; concurrent calls for one key share the download. */
  async get(key: CacheKey, download: Download, onProgress?: ProgressListener): Promise<string> {
    const hit = await this.has(key);
    if (hit) return hit;
    const target = this.pathFor(key);
    const shared = this.pending.get(target);
    if (shared) {
      // Joiners of a running download hear its remaining progress too.
      if (onProgress) shared.listeners.add(onProgress);
      return shared.done;
    }
    const listeners = new Set<ProgressListener>(onProgress ? [onProgress] : []);
    const done = this.fill(key, target, download, listeners).finally(() => this.pending.delete(target));
    this.pending.set(target, { done, listeners });
    return done;
  }

  private async fill(key: CacheKey, target: string, download: Download, callers: Set<ProgressListener>): Promise<string> {
    await fs.mkdir(path.dirname(target), { recursive: true });
    // Fill a temp file, then rename: readers (and other processes) never see a partial file.
    const temp = `${target}.part-${randomBytes(6).toString('hex')}`;
    let bytes = 0;
    const report = (n: number) => {
      bytes += n;
      const progress = { uri: key.uri, bytes, total: key.size };
      for (const l of callers) l(progress);
      for (const l of this.listeners) l(progress);
    };
    try {
      await download(temp, report);
      await fs.rename(temp, target);
      return target;
    } catch (e) {
      await fs.rm(temp, { force: true });
      throw e;
    }
  }
}

async function cachedSize(file: string): Promise<number | undefined> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return undefined;
  }
}
