// Builds a `replace` snapshot (same rows, different files or manifests) on top of the table's latest main branch:
// the files a compaction rewrote are marked deleted in the manifests that hold them, the manifests a manifest
// rewrite regrouped are dropped from the list, everything else (a concurrent append's manifests too) is carried.
// Rebuilt on each commit attempt; a removed file or replaced manifest no longer in the latest snapshot means a
// concurrent change touched what was rewritten, and the commit is refused (Iceberg's RewriteFiles validation).
import { randomUUID } from 'node:crypto';
import type { DataFile, ManifestEntry, ManifestFile, Snapshot, TableMetadata } from '../../iceberg/spec.js';
import type { Storage } from '../../storage/storage.js';
import type { ManifestIO } from '../write/manifest-io.js';
import { commitWithRetry } from '../write/commit-loop.js';
import { laterThan, manifestUri, schemaFor, withRowLineage, type ProducedSnapshot } from '../write/snapshot-producer.js';
import { commitOnTable } from '../write/table-commit.js';
import type { MaintainedTable, MaintenanceOptions } from './maintained-table.js';
import { MaintenanceError } from './maintenance-error.js';

export interface ReplacePlan {
  table: string;
  snapshotId: bigint;
  schemaId: number;
  /** Paths (as recorded in manifests) of data and delete files the snapshot removes. */
  removedFiles: Set<string>;
  /** Manifests dropped from the list as they are (their entries are in addedManifests). */
  replacedManifests: Set<string>;
  /** Manifests written once, before committing: the rewritten files, or the regrouped entries. */
  addedManifests: ManifestFile[];
  addedFiles: DataFile[];
  /** Extra summary fields (e.g. manifests-created). */
  summary?: Record<string, string>;
}

/** Writes the manifest list of the replace snapshot on `base`; throws a 'conflict' MaintenanceError when a concurrent change removed what it replaces. */
export async function produceReplaceSnapshot(io: ManifestIO, storage: Storage, plan: ReplacePlan, base: TableMetadata): Promise<ProducedSnapshot> {
  const parentId = base.refs.main?.['snapshot-id'];
  const parent = parentId === undefined ? undefined : base.snapshots.find((s) => s['snapshot-id'] === parentId);
  if (!parent) throw new MaintenanceError('conflict', `${plan.table} has no current snapshot any more; nothing was changed`, { table: plan.table });
  const sequenceNumber = base['last-sequence-number'] + 1n;
  const parentManifests = await io.readManifestList(storage, parent['manifest-list']);
  const attemptFiles: string[] = [];
  const removed: DataFile[] = [];
  const carried: ManifestFile[] = [];
  let manifests: ManifestFile[] = [];
  let lineage: Pick<Snapshot, 'first-row-id' | 'added-rows'> = {};
  const missingManifests = new Set(plan.replacedManifests);
  try {
    for (const m of parentManifests) {
      if (plan.replacedManifests.has(m['manifest-path'])) { missingManifests.delete(m['manifest-path']); continue; }
      if (plan.removedFiles.size === 0 || !mayHoldRemoved(m)) { carried.push(m); continue; }
      const entries = await io.readManifest(storage, m);
      const hits = entries.filter((e) => e.status !== 2 && plan.removedFiles.has(e['data-file']['file-path']));
      if (!hits.length) { carried.push(m); continue; }
      removed.push(...hits.map((e) => e['data-file']));
      // Entries deleted earlier are dropped; live ones stay as existing, with their sequence numbers.
      const kept: ManifestEntry[] = entries.filter((e) => e.status !== 2).map((e) => plan.removedFiles.has(e['data-file']['file-path'])
        ? { ...e, status: 2, 'snapshot-id': plan.snapshotId }
        : { ...e, status: 0 });
      const spec = base['partition-specs'].find((s) => s['spec-id'] === m['partition-spec-id']);
      const schema = schemaFor(base, spec);
      if (!spec || !schema) throw new MaintenanceError('unreadable-metadata', `${plan.table}'s manifest ${m['manifest-path']} uses partition spec ${m['partition-spec-id']}, which no schema of the table can describe`, { table: plan.table, file: m['manifest-path'] });
      const written = await io.writeManifest(storage, {
        uri: manifestUri(base.location), formatVersion: base['format-version'], schema, spec, content: m.content, snapshotId: plan.snapshotId, entries: kept,
      });
      attemptFiles.push(written['manifest-path']);
      carried.push(withSequence(written, sequenceNumber));
    }
    if (missingManifests.size) {
      throw new MaintenanceError('conflict', `${plan.table} changed while its manifests were rewritten (manifest ${[...missingManifests][0]} is no longer current); nothing was changed, run it again`, { table: plan.table });
    }
    // by path: one Puffin file has an entry per deletion vector in it
    const found = new Set(removed.map((f) => f['file-path']));
    if (found.size !== plan.removedFiles.size) {
      const gone = [...plan.removedFiles].find((p) => !found.has(p));
      throw new MaintenanceError('conflict', `a concurrent commit to ${plan.table} deleted ${gone}, which this compaction rewrote; nothing was changed, run it again`, { table: plan.table, file: gone });
    }
    const ours = plan.addedManifests.map((m) => withSequence(m, sequenceNumber));
    ({ manifests, lineage } = withRowLineage(base, [...ours, ...carried]));
    const listUri = `${base.location.replace(/\/+$/, '')}/metadata/snap-${plan.snapshotId}-1-${randomUUID()}.avro`;
    await io.writeManifestList(storage, {
      uri: listUri, formatVersion: base['format-version'], snapshotId: plan.snapshotId, parentSnapshotId: parentId,
      sequenceNumber, manifests,
    });
    attemptFiles.push(listUri);
  } catch (e) {
    await Promise.all(attemptFiles.map((u) => storage.delete(u).catch(() => undefined)));
    throw e;
  }
  const snapshot: Snapshot = {
    'snapshot-id': plan.snapshotId,
    'parent-snapshot-id': parentId,
    'sequence-number': sequenceNumber,
    'timestamp-ms': laterThan(BigInt(Date.now()), parent['timestamp-ms']),
    'manifest-list': attemptFiles[attemptFiles.length - 1],
    summary: replaceSummary(plan, removed, parent.summary),
    'schema-id': plan.schemaId,
    ...lineage,
  };
  return { snapshot, attemptFiles };
}

/**
 * Commits the replace snapshot with retry: each attempt is built on the latest metadata, after `validate` (which
 * throws to refuse); a refused or failed commit removes `ownFiles`. Returns the number of attempts.
 */
export async function commitReplace(opts: MaintenanceOptions, t: MaintainedTable, plan: ReplacePlan, ownFiles: string[], validate?: (latest: TableMetadata) => Promise<void>): Promise<number> {
  const committed = await commitWithRetry({
    catalog: opts.catalog, table: opts.table, storage: t.storage, snapshotId: plan.snapshotId, ownFiles, signal: opts.signal,
    maxAttempts: opts.maxCommitAttempts, initial: t.metadata,
    build: async (latest) => {
      if (!latest) throw new MaintenanceError('conflict', `${plan.table} was dropped meanwhile; nothing was changed`, { table: plan.table });
      await validate?.(latest);
      const produced = await produceReplaceSnapshot(t.io, t.storage, plan, latest);
      const { requirements, updates } = commitOnTable(latest, { addedSpecs: [], snapshot: produced.snapshot });
      return { requirements, updates, attemptFiles: produced.attemptFiles };
    },
  });
  return committed.attempts;
}

/** A manifest without live entries cannot hold a file to remove. */
function mayHoldRemoved(m: ManifestFile): boolean {
  return !(m['added-files-count'] + m['existing-files-count'] === 0 && m['deleted-files-count'] > 0);
}

/** The list entry of a manifest added by this snapshot: the snapshot's sequence number; entries may keep older data sequence numbers. */
function withSequence(m: ManifestFile, sequenceNumber: bigint): ManifestFile {
  const min = m['min-sequence-number'] >= 0n && m['min-sequence-number'] <= sequenceNumber ? m['min-sequence-number'] : sequenceNumber;
  return { ...m, 'sequence-number': sequenceNumber, 'min-sequence-number': min };
}

function replaceSummary(plan: ReplacePlan, removed: DataFile[], parent: Snapshot['summary']): Snapshot['summary'] {
  const s: Snapshot['summary'] = { operation: 'replace', ...plan.summary };
  const count = (files: DataFile[], content: number) => files.filter((f) => f.content === content);
  const records = (files: DataFile[]) => files.reduce((n, f) => n + f['record-count'], 0n);
  const bytes = (files: DataFile[]) => files.reduce((n, f) => n + f['file-size-in-bytes'], 0n);
  const removedData = count(removed, 0);
  const removedDeletes = removed.filter((f) => f.content !== 0);
  const delta: Record<string, bigint> = {
    'total-records': records(plan.addedFiles) - records(removedData),
    'total-data-files': BigInt(plan.addedFiles.length - removedData.length),
    'total-delete-files': -BigInt(removedDeletes.length),
    'total-files-size': bytes(plan.addedFiles) - bytes(removed),
    'total-equality-deletes': -records(count(removed, 2)),
    'total-position-deletes': -records(count(removed, 1)),
  };
  const put = (k: string, v: bigint) => { if (v !== 0n) s[k] = v.toString(); };
  put('added-data-files', BigInt(plan.addedFiles.length));
  put('added-records', records(plan.addedFiles));
  put('added-files-size', bytes(plan.addedFiles));
  put('deleted-data-files', BigInt(removedData.length));
  put('deleted-records', records(removedData));
  put('removed-files-size', bytes(removed));
  put('removed-delete-files', BigInt(removedDeletes.length));
  put('removed-equality-deletes', records(count(removed, 2)));
  put('removed-position-deletes', records(count(removed, 1)));
  // Totals follow from the parent's; a parent without them (written elsewhere) gives none.
  for (const [key, d] of Object.entries(delta)) {
    const before = parent[key] ?? (key.startsWith('total-') && parent['total-records'] !== undefined ? '0' : undefined);
    if (before !== undefined && /^\d+$/.test(before)) s[key] = (BigInt(before) + d).toString();
  }
  return s;
}
