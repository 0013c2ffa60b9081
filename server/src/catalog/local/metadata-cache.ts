// Parsed table metadata of local files, reused while the file keeps its size, mtime and inode. Every commit
// writes a new metadata file (and puts it here), so a hit is the common case of a table load; the stat still
// notices a file replaced or corrupted in place. The cached objects are shared: callers must treat them as
// read-only (applyUpdates copies what it changes). The cache holds at most a byte budget of metadata, weighed by
// the JSON text kept for large metadata or else the file size (parsed objects take a few times that), so a few
// huge tables cannot grow the server without bound.
import { statSync } from 'node:fs';
import type { ParsedMetadata } from './metadata-codec';

interface Entry { key: string; parsed: ParsedMetadata; bytes: number }

const MAX_ENTRIES = 256;
/** Default budget: 64 MiB of metadata files. */
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

export class MetadataCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly budgetBytes = DEFAULT_CACHE_BYTES) {}

  /** The cached metadata of a local file, or parse(): a stat (microseconds) instead of a read and a parse. */
  async get(localPath: string, parse: () => Promise<ParsedMetadata>): Promise<ParsedMetadata> {
    const stat = statOf(localPath);
    const hit = stat && this.entries.get(localPath);
    if (hit && hit.key === stat.key) {
      // Most recently used last, so eviction takes the least recently used first.
      this.entries.delete(localPath);
      this.entries.set(localPath, hit);
      return hit.parsed;
    }
    const parsed = await parse();
    this.keep(localPath, stat, parsed);
    return parsed;
  }

  /** Caches metadata the catalog has just written to a local file, so the next load of it is a hit. */
  put(localPath: string, parsed: ParsedMetadata): void {
    this.keep(localPath, statOf(localPath), parsed);
  }

  private keep(localPath: string, stat: { key: string; size: number } | undefined, parsed: ParsedMetadata): void {
    this.remove(localPath);
    const bytes = parsed.json?.byteLength ?? stat?.size ?? 0;
    // Metadata over a quarter of the budget is parsed each time rather than pushing out everything else.
    if (!stat || bytes > this.budgetBytes / 4) return;
    this.entries.set(localPath, { key: stat.key, parsed, bytes });
    this.bytes += bytes;
    while (this.entries.size > MAX_ENTRIES || this.bytes > this.budgetBytes) this.remove(this.entries.keys().next().value!);
  }

  /** Bytes of metadata files currently cached. */
  get cachedBytes(): number {
    return this.bytes;
  }

  private remove(localPath: string): void {
    const e = this.entries.get(localPath);
    if (!e) return;
    this.entries.delete(localPath);
    this.bytes -= e.bytes;
  }
}

function statOf(localPath: string): { key: string; size: number } | undefined {
  try {
    const s = statSync(localPath, { bigint: true });
    return { key: `${s.size}:${s.mtimeNs}:${s.ino}`, size: Number(s.size) };
  } catch {
    return undefined;
  }
}
