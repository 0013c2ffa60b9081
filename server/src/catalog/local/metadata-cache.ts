// Parsed table metadata of local files, reused while the file keeps its size, mtime and inode. Every commit
// writes a new metadata file, so a hit is the common case of a table load; the stat still notices a file
// replaced or corrupted in place. The cached objects are shared: callers must treat them as read-only
// (applyUpdates clones before changing anything).
import { statSync } from 'node:fs';
import type { TableMetadata } from '../../iceberg/spec';

interface Entry { key: string; metadata: TableMetadata }

const MAX_ENTRIES = 256;

export class MetadataCache {
  private readonly entries = new Map<string, Entry>();

  /** The cached metadata of a local file, or parse(): a stat (microseconds) instead of a read and a parse. */
  async get(localPath: string, parse: () => Promise<TableMetadata>): Promise<TableMetadata> {
    const key = statKey(localPath);
    const hit = key && this.entries.get(localPath);
    if (hit && hit.key === key) return hit.metadata;
    const metadata = await parse();
    if (key) {
      this.entries.delete(localPath);
      this.entries.set(localPath, { key, metadata });
      if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    }
    return metadata;
  }
}

function statKey(localPath: string): string | undefined {
  try {
    const s = statSync(localPath, { bigint: true });
    return `${s.size}:${s.mtimeNs}:${s.ino}`;
  } catch {
    return undefined;
  }
}
