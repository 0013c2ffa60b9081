// Table maintenance from the catalog explorer: the same operations as `floe table optimize|expire-snapshots|
// rewrite-manifests`, on an explorer connection's catalog, with progress and cancellation; and the file counts
// a table node shows so the user sees when a table needs them.
import type { MaintenanceParams, MaintenanceResult } from '../protocol/explorer';
import type { Snapshot, TableMetadata } from '../iceberg/spec';
import { tableDisplayName } from '../catalog/names';
import { DuckSession } from '../engine/session';
import { compactTable } from '../engine/maintenance/compact';
import { expireSnapshots } from '../engine/maintenance/expire-snapshots';
import { rewriteManifests } from '../engine/maintenance/rewrite-manifests';
import { compactReport, expireReport, rewriteManifestsReport } from '../engine/maintenance/report';
import type { MaintenanceOptions, MaintenanceProgress } from '../engine/maintenance/maintained-table';
import { MaintenanceError } from '../engine/maintenance/maintenance-error';
import { WriteError } from '../engine/write';
import { formatBytes } from '../util/quantities';
import type { ConnectionRegistry } from './registry';
import { problemOf } from './errors';

/** Runs one maintenance operation; failures and cancellation come back as `{ error }`. */
export async function runTableMaintenance(registry: ConnectionRegistry, p: MaintenanceParams, run: { signal: AbortSignal; onProgress(p: MaintenanceProgress): void }): Promise<MaintenanceResult> {
  const table = { namespace: p.namespace, name: p.table };
  try {
    const catalog = await registry.catalog(p.connection);
    const common: MaintenanceOptions = { catalog, table, dryRun: p.dryRun, signal: run.signal, onProgress: run.onProgress };
    let report;
    if (p.action === 'optimize') {
      const session = await DuckSession.open();
      try {
        report = compactReport(await compactTable({ ...common, session, targetFileSizeBytes: p.targetFileSizeBytes }));
      } finally {
        session.close();
      }
    } else if (p.action === 'expireSnapshots') {
      report = expireReport(await expireSnapshots({ ...common, olderThanMs: p.olderThanMs, retainLast: p.retainLast }));
    } else {
      report = rewriteManifestsReport(await rewriteManifests(common));
    }
    if (!p.dryRun) registry.forgetTable(p.connection, table);
    return report;
  } catch (e) {
    const cancelled = run.signal.aborted || (e instanceof MaintenanceError && e.kind === 'cancelled') || (e instanceof WriteError && e.kind === 'cancelled');
    if (cancelled) return { error: `Cancelled: ${tableDisplayName(table)} was left unchanged.`, cancelled: true };
    if (e instanceof MaintenanceError || e instanceof WriteError) return { error: e.message };
    return { error: `${tableDisplayName(table)}: ${problemOf(e).reason}` };
  }
}

export interface TableFileStats { dataFiles: number; deleteFiles: number; bytes: bigint; records?: bigint; snapshots: number }

/** Totals of the current snapshot, from its summary (written by every engine that keeps totals); undefined when absent. */
export function tableFileStats(m: TableMetadata): TableFileStats | undefined {
  const id = m.refs.main?.['snapshot-id'] ?? m['current-snapshot-id'];
  const s: Snapshot | undefined = id === undefined ? undefined : m.snapshots.find((x) => x['snapshot-id'] === id);
  if (!s) return { dataFiles: 0, deleteFiles: 0, bytes: 0n, records: 0n, snapshots: m.snapshots.length };
  const n = (k: string) => (/^\d+$/.test(s.summary[k] ?? '') ? BigInt(s.summary[k]) : undefined);
  const dataFiles = n('total-data-files');
  const bytes = n('total-files-size');
  if (dataFiles === undefined || bytes === undefined) return undefined;
  return { dataFiles: Number(dataFiles), deleteFiles: Number(n('total-delete-files') ?? 0n), bytes, records: n('total-records'), snapshots: m.snapshots.length };
}

/** `120 files · 34 deletes · 1.2 MiB` for the table node's description. */
export function fileStatsDescription(s: TableFileStats): string {
  return [`${s.dataFiles} file${s.dataFiles === 1 ? '' : 's'}`, ...(s.deleteFiles ? [`${s.deleteFiles} delete file${s.deleteFiles === 1 ? '' : 's'}`] : []), formatBytes(s.bytes)].join(' · ');
}

/** The tooltip lines that explain the numbers and when maintenance helps. */
export function fileStatsTooltip(s: TableFileStats): string {
  const avg = s.dataFiles ? Number(s.bytes) / s.dataFiles : 0;
  const hints: string[] = [];
  if (s.deleteFiles) hints.push(`${s.deleteFiles} delete file(s) are applied on every read: Optimize Table rewrites the files they apply to.`);
  if (s.dataFiles > 1 && avg < 64 * 1024 * 1024) hints.push(`Files average ${formatBytes(Math.round(avg))}: Optimize Table compacts small files.`);
  if (s.snapshots > 1) hints.push(`${s.snapshots} snapshots are kept: Expire Snapshots removes old ones and their files.`);
  return [
    `${s.dataFiles} data file(s), ${s.deleteFiles} delete file(s), ${formatBytes(s.bytes)}${s.records !== undefined ? `, ${s.records} row(s) before deletes` : ''}`,
    ...hints,
  ].join('\n');
}
