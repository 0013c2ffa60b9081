// A key → value store kept in one JSON-lines file, for results that are pure functions of their key (bind results,
// renders): read whole when opened, appended to on flush, never invalidated (a change anywhere is a different key).
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A store file not written for this long (another build's, a project gone) is deleted when a store in its folder opens. */
export const STALE_AFTER_MS = 14 * 24 * 3600 * 1000;

declare const __FLOE_BUILD__: string | undefined;

/**
 * Which Floe wrote a result: the bundle's build id (a hash of the server's sources, set by server/tools/build.mjs).
 * Run from source there is none, and nothing is shared across processes.
 */
export const FLOE_BUILD = typeof __FLOE_BUILD__ === 'string' ? __FLOE_BUILD__ : `source-${process.pid}-${Date.now()}`;

/** $FLOE_CACHE_DIR/<name>, else $XDG_CACHE_HOME/floe/<name>, else ~/.cache/floe/<name>. */
export function cacheDir(name: string): string {
  if (process.env.FLOE_CACHE_DIR) return path.join(process.env.FLOE_CACHE_DIR, name);
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'floe', name);
}

/**
 * Lines that do not parse or validate (a write cut short, an older shape) are skipped. Failing to read or write only
 * means computing again. At most `maxEntries` are kept: the oldest go first when the file is compacted.
 */
export class JsonlStore<T> {
  private readonly entries = new Map<string, T>();
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly file: string, private readonly valid: (value: unknown) => value is T, private readonly maxEntries: number) {
    removeStale(path.dirname(file), file);
    this.load();
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): T | undefined {
    return this.entries.get(key);
  }

  /** Keeps `value` under `key`; a key kept already keeps its value unless `replace` (the file's later line wins). */
  set(key: string, value: T, replace = false): void {
    if (!replace && this.entries.has(key)) return;
    this.entries.set(key, value);
    this.pending.push(JSON.stringify([key, value]));
    // written a little later in one append; never keeps the process alive (the CLI and the server flush on exit)
    this.timer ??= setTimeout(() => this.flush(), 2000).unref();
  }

  /** Writes what was added since the last flush (synchronously: it works while the process exits). */
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
        const [key, value] = JSON.parse(line) as [unknown, unknown];
        if (typeof key === 'string' && this.valid(value)) {
          this.entries.delete(key); // re-inserted last: Map order is age order
          this.entries.set(key, value);
        }
      } catch {
        // a line cut short by a crash mid-write
      }
    }
    if (lines > this.entries.size + 1000 || this.entries.size > this.maxEntries) this.compact();
  }

  /** Rewrites the file with one line per key, newest kept (temp file and rename: never half a file). */
  private compact(): void {
    const keep = [...this.entries].slice(-this.maxEntries);
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

/** Deletes the folder's store files (ending in `ext`) unwritten for STALE_AFTER_MS (files of other builds are never read again). */
export function removeStale(dir: string, keep: string, ext = '.jsonl'): void {
  try {
    const now = Date.now();
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (file === keep || !name.endsWith(ext)) continue;
      if (now - statSync(file).mtimeMs > STALE_AFTER_MS) rmSync(file, { force: true });
    }
  } catch {
    // no folder yet, or one we may not clean: nothing to do
  }
}
