// Builds one snapshot for a write on top of a parent: the manifests of the new files are written once; the
// manifest list (and, for overwrite, the manifests marking the parent's files deleted) are rebuilt per parent,
// which is how a commit is rebased after a conflict.
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataFile, ManifestEntry, ManifestFile, PartitionSpec, Schema, Snapshot, TableMetadata } from '../../iceberg/spec.js';
import type { Storage } from '../../storage/storage.js';
import type { ManifestIO } from './manifest-io.js';
import { assignManifestRowIds, nextRowIdOf, ROW_LINEAGE_VERSION } from '../../iceberg/row-lineage.js';

export type WriteOperation = 'append' | 'overwrite';

/** The parts of a write that do not depend on the parent snapshot. */
export interface PendingSnapshot {
  snapshotId: bigint;
  operation: WriteOperation;
  /** Overwrite: every live file of the parent is marked deleted. */
  replaceAll: boolean;
  dataFiles: DataFile[];
  deleteFiles: DataFile[];
  /** Manifests holding dataFiles and deleteFiles (entries inherit sequence numbers from the list). */
  manifests: ManifestFile[];
  schemaId: number;
}

export interface ProducedSnapshot {
  snapshot: Snapshot;
  /** Files written for this parent only; removed when this attempt certainly fails. */
  attemptFiles: string[];
}

/** A random positive 63-bit snapshot id, as Java's implementation makes. */
export function newSnapshotId(): bigint {
  return BigInt.asUintN(63, randomBytes(8).readBigUInt64BE());
}

/** Writes the manifests of the new files: one data manifest and, for merges, one equality-delete manifest. */
export async function writeNewManifests(io: ManifestIO, storage: Storage, args: {
  location: string; formatVersion: number; schema: Schema; spec: PartitionSpec; deleteSpec: PartitionSpec;
  snapshotId: bigint; dataFiles: DataFile[]; deleteFiles: DataFile[];
}): Promise<ManifestFile[]> {
  const out: ManifestFile[] = [];
  const added = (files: DataFile[]): ManifestEntry[] => files.map((f) => ({ status: 1, 'snapshot-id': args.snapshotId, 'data-file': f }));
  if (args.dataFiles.length) {
    out.push(await io.writeManifest(storage, {
      uri: manifestUri(args.location), formatVersion: args.formatVersion, schema: args.schema, spec: args.spec,
      content: 0, snapshotId: args.snapshotId, entries: added(args.dataFiles),
    }));
  }
  if (args.deleteFiles.length) {
    out.push(await io.writeManifest(storage, {
      uri: manifestUri(args.location), formatVersion: args.formatVersion, schema: args.schema, spec: args.deleteSpec,
      content: 1, snapshotId: args.snapshotId, entries: added(args.deleteFiles),
    }));
  }
  return out;
}

/** Builds the snapshot of a pending write on top of `base` (undefined for a new table): writes its manifest list. */
export async function produceSnapshot(io: ManifestIO, storage: Storage, pending: PendingSnapshot, base: TableMetadata, opts: { nowMs?: bigint } = {}): Promise<ProducedSnapshot> {
  const parentId = base.refs.main?.['snapshot-id'] ?? base['current-snapshot-id'];
  const parent = parentId === undefined ? undefined : base.snapshots.find((s) => s['snapshot-id'] === parentId);
  const sequenceNumber = base['last-sequence-number'] + 1n;
  const attemptFiles: string[] = [];
  const parentManifests = parent ? await io.readManifestList(storage, parent['manifest-list']) : [];

  let carried: ManifestFile[] = parentManifests;
  let deleted = { dataFiles: 0n, records: 0n, bytes: 0n, deleteFiles: 0n, eqDeletes: 0n, posDeletes: 0n };
  if (pending.replaceAll) {
    carried = [];
    for (const m of parentManifests) {
      const spec = base['partition-specs'].find((s) => s['spec-id'] === m['partition-spec-id']);
      const schema = schemaFor(base, spec);
      const live = (await io.readManifest(storage, m)).filter((e) => e.status !== 2);
      if (!live.length || !spec || !schema) continue;
      const entries: ManifestEntry[] = live.map((e) => ({
        status: 2, 'snapshot-id': pending.snapshotId,
        'sequence-number': e['sequence-number'], 'file-sequence-number': e['file-sequence-number'], 'data-file': e['data-file'],
      }));
      for (const e of live) {
        const f = e['data-file'];
        if (f.content === 0) { deleted.dataFiles++; deleted.records += f['record-count']; }
        else { deleted.deleteFiles++; if (f.content === 2) deleted.eqDeletes += f['record-count']; else deleted.posDeletes += f['record-count']; }
        deleted.bytes += f['file-size-in-bytes'];
      }
      const written = await io.writeManifest(storage, {
        uri: manifestUri(base.location), formatVersion: base['format-version'], schema, spec,
        content: m.content, snapshotId: pending.snapshotId, entries,
      });
      attemptFiles.push(written['manifest-path']);
      carried.push({ ...written, 'sequence-number': sequenceNumber, 'min-sequence-number': sequenceNumber });
    }
  }
  const ours = pending.manifests.map((m) => ({ ...m, 'sequence-number': sequenceNumber, 'min-sequence-number': sequenceNumber, 'added-snapshot-id': pending.snapshotId }));
  const { manifests, lineage } = withRowLineage(base, [...ours, ...carried]);
  const listUri = `${base.location.replace(/\/+$/, '')}/metadata/snap-${pending.snapshotId}-1-${randomUUID()}.avro`;
  await io.writeManifestList(storage, {
    uri: listUri, formatVersion: base['format-version'], snapshotId: pending.snapshotId, parentSnapshotId: parentId,
    sequenceNumber, manifests,
  });
  attemptFiles.push(listUri);

  const snapshot: Snapshot = {
    'snapshot-id': pending.snapshotId,
    ...(parentId !== undefined ? { 'parent-snapshot-id': parentId } : {}),
    'sequence-number': sequenceNumber,
    'timestamp-ms': laterThan(opts.nowMs ?? BigInt(Date.now()), parent?.['timestamp-ms']),
    'manifest-list': listUri,
    summary: summarize(pending, parent?.summary, deleted),
    'schema-id': pending.schemaId,
    ...lineage,
  };
  return { snapshot, attemptFiles };
}

/**
 * v3: the manifests get row id ranges from the table's next-row-id as it is on this attempt (a retry starts again
 * from the newer table's), and the snapshot records the range it took. Earlier versions are left as they are.
 */
export function withRowLineage(base: TableMetadata, manifests: ManifestFile[]): {
  manifests: ManifestFile[]; lineage: Pick<Snapshot, 'first-row-id' | 'added-rows'>;
} {
  if (base['format-version'] < ROW_LINEAGE_VERSION) return { manifests, lineage: {} };
  const assigned = assignManifestRowIds(manifests, nextRowIdOf(base));
  return { manifests: assigned.manifests, lineage: { 'first-row-id': assigned.firstRowId, 'added-rows': assigned.addedRows } };
}

/** A schema holding every source column of the spec: the current one if it does, else the newest that does. */
export function schemaFor(base: TableMetadata, spec: PartitionSpec | undefined) {
  const has = (s: Schema) => (spec?.fields ?? []).every((f) => hasFieldId(s.fields, f['source-id']));
  const current = base.schemas.find((s) => s['schema-id'] === base['current-schema-id']);
  if (current && has(current)) return current;
  return [...base.schemas].reverse().find(has);
}

function hasFieldId(fields: Schema['fields'], id: number): boolean {
  return fields.some((f) => f.id === id || (typeof f.type === 'object' && f.type.type === 'struct' && hasFieldId(f.type.fields, id)));
}

/** A snapshot time after its parent's, even when clocks disagree. */
export function laterThan(now: bigint, parentMs: bigint | undefined): bigint {
  return parentMs !== undefined && now <= parentMs ? parentMs + 1n : now;
}

function summarize(pending: PendingSnapshot, parent: Snapshot['summary'] | undefined,
  deleted: { dataFiles: bigint; records: bigint; bytes: bigint; deleteFiles: bigint; eqDeletes: bigint; posDeletes: bigint }): Snapshot['summary'] {
  const sum = (files: DataFile[], f: (d: DataFile) => bigint) => files.reduce((n, d) => n + f(d), 0n);
  const added = {
    dataFiles: BigInt(pending.dataFiles.length),
    records: sum(pending.dataFiles, (d) => d['record-count']),
    bytes: sum([...pending.dataFiles, ...pending.deleteFiles], (d) => d['file-size-in-bytes']),
    deleteFiles: BigInt(pending.deleteFiles.length),
    eqDeletes: sum(pending.deleteFiles, (d) => d['record-count']),
  };
  const s: Snapshot['summary'] = { operation: pending.operation };
  const put = (k: string, v: bigint) => { if (v !== 0n) s[k] = v.toString(); };
  put('added-data-files', added.dataFiles);
  put('added-records', added.records);
  put('added-files-size', added.bytes);
  put('added-delete-files', added.deleteFiles);
  put('added-equality-delete-files', added.deleteFiles);
  put('added-equality-deletes', added.eqDeletes);
  put('deleted-data-files', deleted.dataFiles);
  put('deleted-records', deleted.records);
  put('removed-files-size', deleted.bytes);
  put('removed-delete-files', deleted.deleteFiles);
  put('removed-equality-deletes', deleted.eqDeletes);
  put('removed-position-deletes', deleted.posDeletes);
  // Totals follow from the parent's totals; when the parent has none (e.g. written elsewhere without them), omit them.
  const total = (key: string, delta: bigint) => {
    const before = parent ? parent[key] : '0';
    if (before === undefined || !/^\d+$/.test(before)) return;
    s[key] = (BigInt(before) + delta).toString();
  };
  total('total-records', added.records - deleted.records);
  total('total-data-files', added.dataFiles - deleted.dataFiles);
  total('total-delete-files', added.deleteFiles - deleted.deleteFiles);
  total('total-files-size', added.bytes - deleted.bytes);
  total('total-equality-deletes', added.eqDeletes - deleted.eqDeletes);
  total('total-position-deletes', -deleted.posDeletes);
  return s;
}

export function manifestUri(location: string): string {
  return `${location.replace(/\/+$/, '')}/metadata/${randomUUID()}-m0.avro`;
}
