// Bind results on disk, so a reopened project (or a second `floe check`) skips DuckDB for every model whose compiled
// SQL and upstream schemas are unchanged. A bind is a pure function of those two, of Floe's binder and of DuckDB, so
// the key is a hash of all four and an entry never needs invalidating: a change anywhere is a different key.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BindResult, UpstreamRelation } from './binder';

/** Bumped when what a cached result means changes shape (the build id covers changes of the binder's code). */
const FORMAT = 2;
/** Entries kept on disk at most; the oldest go first when a file is compacted. */
export const MAX_ENTRIES = 200_000;
/** A cache file not written for this long (another build's, a project gone) is deleted when a cache is opened. */
export const STALE_AFTER_MS = 14 * 24 * 3600 * 1000;

declare const __FLOE_BUILD__: string | undefined;

/**
 * Which binder wrote a result: the bundle's build id (a hash of the server's sources, set by server/tools/build.mjs).
 * Run from source there is none, and nothing is shared across processes.
 */
const BUILD = typeof __FLOE_BUILD__ === 'string' ? __FLOE_BUILD__ : `source-${process.pid}-${Date.now()}`;

export interface BindCache {
  get(sql: string, upstream: UpstreamRelation[]): BindResult | undefined;
  /** Keeps a result unless it was cut short. */
  set(sql: string, upstream: UpstreamRelation[], result: BindResult): void;
  /** Writes what was added since the last flush. */
  flush(): void;
}

/** The key of one bind: the engine (DuckDB's version), Floe's binder, the SQL and the stand-ins' names and columns. */
export function bindKey(engine: string, sql: string, upstream: UpstreamRelation[]): string {
  return createHash('sha256')
    .update(JSON.stringify([FORMAT, engine, sql, upstream.map((u) => [u.name, u.columns.map((c) => [c.name, c.type])])]))
    .digest('base64url')
    .slice(0, 32);
}

/** $FLOE_CACHE_DIR/bind, else $XDG_CACHE_HOME/floe/bind, else ~/.cache/floe/bind. */
export function defaultBindCacheDir(): string {
  if (process.env.FLOE_CACHE_DIR) return path.join(process.env.FLOE_CACHE_DIR, 'bind');
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'floe', 'bind');
}

/**
 * One JSON-lines file per project and binder build under `dir`: read whole when opened, appended to on flush.
 * Lines that do not parse (a write cut short) are skipped. Failing to read or write only means binding again.
 */
export class DiskBindCache implements BindCache {
  private readonly entries = new Map<string, BindResult>();
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly file: string;

  constructor(projectRoot: string, private readonly engine: string, dir = defaultBindCacheDir()) {
    const id = createHash('sha256').update(JSON.stringify([path.resolve(projectRoot), BUILD, engine])).digest('hex').slice(0, 24);
    this.file = path.join(dir, `${id}.jsonl`);
    removeStale(dir, this.file);
    this.load();
  }

  get(sql: string, upstream: UpstreamRelation[]): BindResult | undefined {
    return this.entries.get(bindKey(this.engine, sql, upstream));
  }

  set(sql: string, upstream: UpstreamRelation[], result: BindResult): void {
    if (result.partial) return;
    const key = bindKey(this.engine, sql, upstream);
    if (this.entries.has(key)) return;
    this.entries.set(key, result);
    this.pending.push(JSON.stringify([key, result]));
    // written a little later in one append; never keeps the process alive (the CLI flushes before it exits)
    this.timer ??= setTimeout(() => this.flush(), 2000).unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    try {
      mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      appendFileSync(this.file, `${lines.join('\n')}\n`, { mode: 0o600 });
    } catch {
      // an unwritable cache folder: results are simply not kept
    }
  }

  private load(): void {
    let text: string;
    try {
      if (!existsSync(this.file)) return;
      text = readFileSync(this.file, 'utf8');
    } catch {
      return;
    }
    let lines = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      lines++;
      try {
        const [key, result] = JSON.parse(line) as [string, BindResult];
        if (typeof key === 'string' && result && Array.isArray(result.columns) && Array.isArray(result.errors)) {
          this.entries.delete(key); // re-inserted last: Map order is age order
          this.entries.set(key, result);
        }
      } catch {
        // a line cut short by a crash mid-write
      }
    }
    if (lines > this.entries.size + 1000 || this.entries.size > MAX_ENTRIES) this.compact();
  }

  /** Rewrites the file with one line per key, newest kept (temp file and rename: never half a file). */
  private compact(): void {
    const keep = [...this.entries].slice(-MAX_ENTRIES);
    this.entries.clear();
    for (const [k, v] of keep) this.entries.set(k, v);
    try {
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, keep.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch {
      // left as it was
    }
  }
}

/** Deletes the folder's cache files unwritten for STALE_AFTER_MS (files of other builds are never read again). */
function removeStale(dir: string, keep: string): void {
  try {
    const now = Date.now();
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (file === keep || !name.endsWith('.jsonl')) continue;
      if (now - statSync(file).mtimeMs > STALE_AFTER_MS) rmSync(file, { force: true });
    }
  } catch {
    // no folder yet, or one we may not clean: nothing to do
  }
}
