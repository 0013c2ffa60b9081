// What a maintenance run did (or, in a dry run, would do), in words: one line per partition or file, and a
// summary line. The CLI prints them; the catalog explorer shows the summary and logs the lines.
import { formatBytes } from '../../util/quantities.js';
import type { CompactResult } from './compact.js';
import type { ExpiredFileKind, ExpireResult } from './expire-snapshots.js';
import type { RewriteManifestsResult } from './rewrite-manifests.js';

export interface MaintenanceReport {
  lines: string[];
  summary: string;
  /** False when there was nothing to do. */
  changes: boolean;
  /** The few lines a confirmation shows when `lines` would be too many to read (one per file). */
  overview?: string[];
}

export function compactReport(r: CompactResult): MaintenanceReport {
  const lines = r.groups.map((g) => `${r.dryRun ? 'would rewrite' : 'rewrote'} ${g.partition}: ${g.dataFiles} data file(s), ${formatBytes(g.bytes)}${g.deleteFiles ? `, ${g.deleteFiles} delete file(s) applied` : ''}`);
  const deletes = r.removedDeleteFiles ? ` and ${r.dryRun ? 'remove' : 'removed'} ${r.removedDeleteFiles} delete file(s)` : '';
  const summary = !r.groups.length
    ? `${r.table}: nothing to compact (no partition has two small files or files with deletes)`
    : r.dryRun
      ? `${r.table}: would rewrite ${r.rewrittenDataFiles} data file(s) in ${r.groups.length} partition(s)${deletes}`
      : `${r.table}: rewrote ${r.rewrittenDataFiles} data file(s) in ${r.groups.length} partition(s) as ${r.addedDataFiles} (${formatBytes(r.bytesBefore)} → ${formatBytes(r.bytesAfter)})${deletes}; snapshot ${r.snapshotId} in ${r.ms} ms`;
  return { lines, summary, changes: r.groups.length > 0 };
}

export function expireReport(r: ExpireResult): MaintenanceReport {
  const lines = r.files.map((f) => `${r.dryRun ? 'would delete' : 'deleted'} ${f.kind} ${f.uri}`);
  const summary = !r.expiredSnapshots.length
    ? `${r.table}: no snapshot to expire (${r.keptSnapshots} kept)`
    : `${r.table}: ${r.dryRun ? 'would expire' : 'expired'} ${r.expiredSnapshots.length} snapshot(s) and ${r.dryRun ? 'delete' : 'deleted'} ${r.files.length} file(s) only they referenced; ${r.keptSnapshots} snapshot(s) kept`;
  return { lines, summary, changes: r.expiredSnapshots.length > 0, overview: r.files.length ? [expiredFilesByKind(r)] : [] };
}

const KIND_NAMES: Record<ExpiredFileKind, [string, string]> = {
  data: ['data file', 'data files'], delete: ['delete file', 'delete files'], manifest: ['manifest', 'manifests'],
  'manifest-list': ['manifest list', 'manifest lists'], statistics: ['statistics file', 'statistics files'],
};

/** `would delete 16 data files, 2 delete files, 6 manifests and 4 manifest lists`. */
function expiredFilesByKind(r: ExpireResult): string {
  const counts = new Map<ExpiredFileKind, number>();
  for (const f of r.files) counts.set(f.kind, (counts.get(f.kind) ?? 0) + 1);
  const parts = (Object.keys(KIND_NAMES) as ExpiredFileKind[]).filter((k) => counts.has(k))
    .map((k) => `${counts.get(k)} ${KIND_NAMES[k][counts.get(k) === 1 ? 0 : 1]}`);
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0];
  return `${r.dryRun ? 'would delete' : 'deleted'} ${list}`;
}

export function rewriteManifestsReport(r: RewriteManifestsResult): MaintenanceReport {
  const changes = r.manifestsAfter !== r.manifestsBefore || r.entries > 0;
  const summary = !changes
    ? `${r.table}: nothing to rewrite (${r.manifestsBefore} data manifest(s))`
    : `${r.table}: ${r.dryRun ? 'would rewrite' : 'rewrote'} ${r.manifestsBefore} data manifest(s) as ${r.manifestsAfter} (${r.entries} file entries)${r.snapshotId !== undefined ? `; snapshot ${r.snapshotId}` : ''}`;
  return { lines: [], summary, changes };
}
