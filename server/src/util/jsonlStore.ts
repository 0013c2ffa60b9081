// A key → value store kept in one JSON-lines file, for results that are pure functions of their key (bind results,
// renders): read whole when opened, appended to on flush, never invalidated (a change anywhere is a different key).
// A value is parsed when first asked for: opening a 30 MB store of a 4,500-model project's renders parsed every line
// (~1 s of the editor's main thread, requests waiting); its keys alone are read in well under a tenth of that.
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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

const NEWLINE = 0x0a;
const QUOTE = 0x22;
const COMMA = 0x2c;
const BRACKET = 0x5b;
const BACKSLASH = 0x5c;

/**
 * A line as read from the file: its bytes (a view of the file's buffer), its value not parsed yet. Kept as bytes:
 * decoding a whole 32 MB store to one string took ~0.4 s on its own.
 */
class Unparsed {
  constructor(readonly bytes: Buffer) {}
}

/** The key of a line `["key", value]` (JSON.stringify's output), or undefined when the line does not start so. */
function keyOf(line: Buffer): string | undefined {
  if (line[0] !== BRACKET || line[1] !== QUOTE) return undefined;
  let end = 2;
  for (;;) {
    end = line.indexOf(QUOTE, end);
    if (end < 0) return undefined;
    // a quote after an odd run of backslashes is part of the key (neither byte occurs inside a multi-byte character)
    let slashes = 0;
    while (line[end - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) break;
    end++;
  }
  if (line[end + 1] !== COMMA) return undefined;
  try {
    return JSON.parse(line.toString('utf8', 1, end + 1)) as string;
  } catch {
    return undefined;
  }
}

/**
 * Lines that do not parse or validate (a write cut short, an older shape) are skipped. Failing to read or write only
 * means computing again. At most `maxEntries` are kept: the oldest go first when the file is compacted.
 */
export class JsonlStore<T> {
  private readonly entries = new Map<string, T | Unparsed>();
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  /** `contents`: the file as read already (JsonlStore.open), null when there is none; else it is read now. */
  constructor(readonly file: string, private readonly valid: (value: unknown) => value is T, private readonly maxEntries: number, contents?: Buffer | null) {
    removeStale(path.dirname(file), file);
    this.load(contents);
  }

  /** The store, its file read off the main thread (a large project's renders are tens of MB). */
  static async open<T>(file: string, valid: (value: unknown) => value is T, maxEntries: number): Promise<JsonlStore<T>> {
    let contents: Buffer | null = null;
    try {
      contents = await readFile(file);
    } catch {
      // none yet, or unreadable: an empty store
    }
    return new JsonlStore(file, valid, maxEntries, contents);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!(entry instanceof Unparsed)) return entry;
    let value: unknown;
    try {
      value = (JSON.parse(entry.bytes.toString('utf8')) as [unknown, unknown])[1];
    } catch {
      // a line cut short by a crash mid-write
    }
    if (!this.valid(value)) {
      // (or an older shape): not kept
      this.entries.delete(key);
      return undefined;
    }
    this.entries.set(key, value);
    return value;
  }

  /** Keeps `value` under `key`; a key kept already keeps its value unless `replace` (the file's later line wins). */
  set(key: string, value: T, replace = false): void {
    if (!replace && this.get(key) !== undefined) return;
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

  private load(contents: Buffer | null | undefined): void {
    let buf: Buffer;
    try {
      if (contents === null || (contents === undefined && !existsSync(this.file))) return;
      buf = contents ?? readFileSync(this.file);
    } catch {
      return;
    }
    let lines = 0;
    for (let start = 0; start < buf.length;) {
      let end = buf.indexOf(NEWLINE, start);
      if (end < 0) end = buf.length;
      if (end > start) {
        lines++;
        const line = buf.subarray(start, end);
        const key = keyOf(line);
        if (key !== undefined) {
          this.entries.delete(key); // re-inserted last: Map order is age order
          this.entries.set(key, new Unparsed(line));
        }
      }
      start = end + 1;
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
      const newline = Buffer.from('\n');
      writeFileSync(tmp, Buffer.concat(keep.flatMap(([k, v]) => [v instanceof Unparsed ? v.bytes : Buffer.from(JSON.stringify([k, v])), newline])), { mode: 0o600 });
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
