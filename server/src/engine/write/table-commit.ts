// The requirements and updates of a write's commit: a new table (staged create + assert-create), or a
// snapshot on an existing table guarded by its UUID and the main branch's snapshot id.
import type { PartitionSpec, Schema, Snapshot, TableMetadata, TableRequirement, TableUpdate } from '../../iceberg/spec.js';

/** The table metadata a staged create will have once committed, for producing its first snapshot. */
export function newTableMetadata(staged: TableMetadata, schema: Schema, lastColumnId: number, spec: PartitionSpec): TableMetadata {
  return {
    ...staged, 'last-sequence-number': 0n, 'last-column-id': lastColumnId, schemas: [schema],
    'current-schema-id': schema['schema-id'], 'partition-specs': [spec], 'default-spec-id': spec['spec-id'],
    snapshots: [], refs: {}, 'current-snapshot-id': undefined, 'snapshot-log': [],
    // A new v3 table's first snapshot takes row ids from 0.
    ...(staged['format-version'] >= 3 ? { 'next-row-id': 0n } : {}),
  };
}

/** Every update that turns a staged table into a real one, ending with its first snapshot. */
export function createUpdates(staged: TableMetadata, schema: Schema, lastColumnId: number, spec: PartitionSpec, properties: Record<string, string> | undefined, snapshot: Snapshot): TableUpdate[] {
  return [
    { action: 'assign-uuid', uuid: staged['table-uuid'] },
    { action: 'upgrade-format-version', 'format-version': staged['format-version'] },
    { action: 'add-schema', schema, 'last-column-id': lastColumnId },
    { action: 'set-current-schema', 'schema-id': -1 },
    { action: 'add-spec', spec },
    { action: 'set-default-spec', 'spec-id': -1 },
    { action: 'add-sort-order', 'sort-order': { 'order-id': 0, fields: [] } },
    { action: 'set-default-sort-order', 'sort-order-id': -1 },
    { action: 'set-location', location: staged.location },
    { action: 'set-properties', updates: { ...staged.properties, 'format-version': String(staged['format-version']), ...properties } },
    { action: 'add-snapshot', snapshot },
    { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshot['snapshot-id'] },
  ];
}

/** Schema and spec changes plus the snapshot, on top of `latest`; each change asserts what it was planned against. */
export function commitOnTable(latest: TableMetadata, change: {
  schema?: { schema: Schema; reused: boolean; lastColumnId: number };
  addedSpecs: PartitionSpec[];
  defaultSpecId?: number;
  snapshot: Snapshot;
  /** Assert the current schema even when it is kept: the files hold exactly its columns (v3 writes). */
  pinSchema?: boolean;
}): { requirements: TableRequirement[]; updates: TableUpdate[] } {
  const requirements: TableRequirement[] = [
    { type: 'assert-table-uuid', uuid: latest['table-uuid'] },
    { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': latest.refs.main?.['snapshot-id'] ?? null },
  ];
  const updates: TableUpdate[] = [];
  if (change.schema || change.pinSchema) requirements.push({ type: 'assert-current-schema-id', 'current-schema-id': latest['current-schema-id'] });
  if (change.schema) {
    const { schema, reused, lastColumnId } = change.schema;
    requirements.push({ type: 'assert-last-assigned-field-id', 'last-assigned-field-id': latest['last-column-id'] });
    if (reused) updates.push({ action: 'set-current-schema', 'schema-id': schema['schema-id'] });
    else updates.push({ action: 'add-schema', schema, 'last-column-id': lastColumnId }, { action: 'set-current-schema', 'schema-id': -1 });
  }
  if (change.addedSpecs.length) requirements.push({ type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': latest['last-partition-id'] });
  for (const spec of change.addedSpecs) updates.push({ action: 'add-spec', spec });
  if (change.defaultSpecId !== undefined) {
    requirements.push({ type: 'assert-default-spec-id', 'default-spec-id': latest['default-spec-id'] });
    updates.push({ action: 'set-default-spec', 'spec-id': change.defaultSpecId });
  }
  updates.push({ action: 'add-snapshot', snapshot: change.snapshot });
  updates.push({ action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': change.snapshot['snapshot-id'] });
  return { requirements, updates };
}
