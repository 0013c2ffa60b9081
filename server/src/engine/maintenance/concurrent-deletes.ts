// Iceberg's RewriteFiles validation for a compaction that must rebase: position deletes committed since the
// compaction read the table, and that may point into a file it rewrote, would be lost (they name the old file), so
// the commit is refused. Equality deletes need no check: rewritten files keep the data sequence number of the
// snapshot that was read, so later equality deletes still apply to them.
import { partitionKey } from '../../iceberg/scan.js';
import type { DataFile, TableMetadata } from '../../iceberg/spec.js';
import type { Storage } from '../../storage/storage.js';
import type { ManifestIO } from '../write/manifest-io.js';
import { MaintenanceError } from './maintenance-error.js';

/** Field id of a position delete file's `file_path` column (its bounds say which data files it may touch). */
const FILE_PATH_ID = 2147483546;

/** Throws a 'conflict' when main no longer descends from `startId` or a newer position delete may touch a rewritten file (path → partition key). */
export async function checkNoNewPositionDeletes(io: ManifestIO, storage: Storage, latest: TableMetadata, startId: bigint, rewritten: Map<string, string>, table: string): Promise<void> {
  const newer: bigint[] = [];
  const byId = new Map(latest.snapshots.map((s) => [s['snapshot-id'], s]));
  let id: bigint | undefined = latest.refs.main?.['snapshot-id'];
  while (id !== undefined && id !== startId) {
    newer.push(id);
    id = byId.get(id)?.['parent-snapshot-id'];
  }
  if (id !== startId) {
    throw new MaintenanceError('conflict', `${table}'s main branch no longer descends from snapshot ${startId}, which the compaction read (it was rolled back or replaced); nothing was changed, run it again`, { table });
  }
  const partitions = new Set(rewritten.values());
  const specs = new Map(latest['partition-specs'].map((s) => [s['spec-id'], s]));
  for (const sid of newer) {
    for (const m of await io.readManifestList(storage, byId.get(sid)!['manifest-list'])) {
      if (m.content !== 1 || m['added-snapshot-id'] !== sid || m['added-files-count'] === 0) continue;
      const spec = specs.get(m['partition-spec-id']);
      for (const e of await io.readManifest(storage, m)) {
        const f = e['data-file'];
        if (e.status !== 1 || f.content !== 1) continue;
        const global = !spec || spec.fields.length === 0;
        if (touches(f, rewritten, global || partitions.has(partitionKey(spec!['spec-id'], spec!, f.partition)))) {
          throw new MaintenanceError('conflict', `a concurrent commit to ${table} deleted rows (${f['file-path']}) from files this compaction rewrote; nothing was changed, run it again`, { table, file: f['file-path'] });
        }
      }
    }
  }
}

function touches(f: DataFile, rewritten: Map<string, string>, samePartition: boolean): boolean {
  if (f['referenced-data-file'] !== undefined) return rewritten.has(f['referenced-data-file']);
  if (!samePartition) return false;
  const lower = f['lower-bounds']?.get(FILE_PATH_ID);
  const upper = f['upper-bounds']?.get(FILE_PATH_ID);
  if (!lower || !upper) return true;
  const lo = Buffer.from(lower), hi = Buffer.from(upper);
  for (const p of rewritten.keys()) {
    const b = Buffer.from(p, 'utf8');
    if (Buffer.compare(lo, b) <= 0 && Buffer.compare(b, hi) <= 0) return true;
  }
  return false;
}
