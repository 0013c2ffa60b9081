import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyUpdates, checkRequirements, TableUpdateError, type AnyTableUpdate } from '../../server/src/iceberg/apply-updates';
import type { Schema, Snapshot, TableMetadata, TableRequirement } from '../../server/src/iceberg/spec';

const SNAP_A = 7342794868382145167n;
const SNAP_B = 9223372036854775001n;
const schema0: Schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: true, type: 'long' }] };
const schema1: Schema = { ...schema0, 'schema-id': 7, fields: [...schema0.fields, { id: 2, name: 'tags', required: false, type: { type: 'list', 'element-id': 3, element: 'string', 'element-required': false } }] };

const createUpdates: AnyTableUpdate[] = [
  { action: 'assign-uuid', uuid: 'u-1' },
  { action: 'upgrade-format-version', 'format-version': 2 },
  { action: 'add-schema', schema: schema0 },
  { action: 'set-current-schema', 'schema-id': -1 },
  { action: 'add-spec', spec: { 'spec-id': 0, fields: [] } },
  { action: 'set-default-spec', 'spec-id': -1 },
  { action: 'add-sort-order', 'sort-order': { 'order-id': 0, fields: [] } },
  { action: 'set-default-sort-order', 'sort-order-id': -1 },
  { action: 'set-location', location: '/wh/ns/t/' },
  { action: 'set-properties', updates: { owner: 'floe' } },
];
const base: TableMetadata = applyUpdates(undefined, createUpdates, { nowMs: 1000n });

function snapshot(id: bigint, seq: bigint, parent?: bigint): Snapshot {
  return { 'snapshot-id': id, 'parent-snapshot-id': parent, 'sequence-number': seq, 'timestamp-ms': 2000n + seq, 'manifest-list': `/wh/ns/t/metadata/snap-${id}.avro`, summary: { operation: 'append' }, 'schema-id': 0 };
}
const withSnapshot = applyUpdates(base, [
  { action: 'add-snapshot', snapshot: snapshot(SNAP_A, 1n) },
  { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': SNAP_A },
], { nowMs: 3000n, previousMetadataFile: '/wh/ns/t/metadata/00000-a.metadata.json' });

/** Checks requirements against a table; expected is 'ok' or a fragment of the failure message. */
function checkReq(table: TableMetadata | undefined, req: TableRequirement, expected: 'ok' | RegExp) {
  if (expected === 'ok') return assert.doesNotThrow(() => checkRequirements(table, [req]), `${req.type} should pass`);
  assert.throws(() => checkRequirements(table, [req]), (e: unknown) => e instanceof TableUpdateError && e.kind === 'requirement-failed' && expected.test(e.message), `${req.type} should fail with ${expected}`);
}

test('creating from updates fills a valid v2 table', () => {
  assert.equal(base['table-uuid'], 'u-1');
  assert.equal(base.location, '/wh/ns/t');
  assert.equal(base['current-schema-id'], 0);
  assert.equal(base['last-column-id'], 1);
  assert.equal(base['default-spec-id'], 0);
  assert.equal(base['default-sort-order-id'], 0);
  assert.equal(base['last-updated-ms'], 1000n);
  assert.deepEqual(base.properties, { owner: 'floe' });
  assert.deepEqual(base['metadata-log'], []);
});

test('every requirement type passes on a match and fails on a mismatch', () => {
  const cases: [TableMetadata | undefined, TableRequirement, 'ok' | RegExp][] = [
    [undefined, { type: 'assert-create' }, 'ok'],
    [base, { type: 'assert-create' }, /already exists/],
    [undefined, { type: 'assert-table-uuid', uuid: 'u-1' }, /does not exist/],
    [base, { type: 'assert-table-uuid', uuid: 'u-1' }, 'ok'],
    [base, { type: 'assert-table-uuid', uuid: 'u-2' }, /UUID does not match/],
    [base, { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null }, 'ok'],
    [withSnapshot, { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null }, /created concurrently/],
    [withSnapshot, { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': SNAP_A }, 'ok'],
    [withSnapshot, { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': SNAP_A + 1n }, /main has changed/],
    [base, { type: 'assert-ref-snapshot-id', ref: 'dev', 'snapshot-id': SNAP_A }, /dev is missing/],
    [base, { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 1 }, 'ok'],
    [base, { type: 'assert-last-assigned-field-id', 'last-assigned-field-id': 5 }, /last assigned field id/],
    [base, { type: 'assert-current-schema-id', 'current-schema-id': 0 }, 'ok'],
    [base, { type: 'assert-current-schema-id', 'current-schema-id': 1 }, /current schema id/],
    [base, { type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': 999 }, 'ok'],
    [base, { type: 'assert-last-assigned-partition-id', 'last-assigned-partition-id': 1000 }, /partition id/],
    [base, { type: 'assert-default-spec-id', 'default-spec-id': 0 }, 'ok'],
    [base, { type: 'assert-default-spec-id', 'default-spec-id': 3 }, /default partition spec/],
    [base, { type: 'assert-default-sort-order-id', 'default-sort-order-id': 0 }, 'ok'],
    [base, { type: 'assert-default-sort-order-id', 'default-sort-order-id': 1 }, /default sort order/],
  ];
  for (const [table, req, expected] of cases) checkReq(table, req, expected);
});

/** Applies updates to a table and compares the picked part of the result, or expects an invalid-update error. */
function checkApply(table: TableMetadata, updates: AnyTableUpdate[], pick: (m: TableMetadata) => unknown, expected: unknown) {
  if (expected instanceof RegExp) {
    assert.throws(() => applyUpdates(table, updates, { nowMs: 5000n }), (e: unknown) => e instanceof TableUpdateError && e.kind === 'invalid-update' && (expected as RegExp).test(e.message));
    return;
  }
  assert.deepEqual(pick(applyUpdates(table, updates, { nowMs: 5000n })), expected);
}

test('every update type applies, and invalid ones fail with invalid-update', () => {
  const ids = (m: TableMetadata) => ({ schemas: m.schemas.map((s) => s['schema-id']), current: m['current-schema-id'], lastColumn: m['last-column-id'] });
  checkApply(base, [{ action: 'add-schema', schema: schema1 }, { action: 'set-current-schema', 'schema-id': -1 }], ids, { schemas: [0, 1], current: 1, lastColumn: 3 });
  checkApply(base, [{ action: 'add-schema', schema: { ...schema0, 'schema-id': 9 } }, { action: 'set-current-schema', 'schema-id': -1 }], ids, { schemas: [0], current: 0, lastColumn: 1 });
  checkApply(base, [{ action: 'set-current-schema', 'schema-id': 4 }], ids, /unknown schema: 4/);
  checkApply(base, [{ action: 'set-current-schema', 'schema-id': -1 }], ids, /no schema has been added/);
  checkApply(base, [{ action: 'remove-schemas', 'schema-ids': [0] }], ids, /current schema/);

  const spec = { 'spec-id': 0, fields: [{ 'source-id': 1, 'field-id': 1000, name: 'id_bucket', transform: 'bucket[4]' as const }] };
  checkApply(base, [{ action: 'add-spec', spec }, { action: 'set-default-spec', 'spec-id': -1 }], (m) => [m['default-spec-id'], m['last-partition-id'], m['partition-specs'].length], [1, 1000, 2]);
  checkApply(base, [{ action: 'add-spec', spec }, { action: 'set-default-spec', 'spec-id': -1 }, { action: 'remove-partition-specs', 'spec-ids': [0] }], (m) => m['partition-specs'].map((s) => s['spec-id']), [1]);
  checkApply(base, [{ action: 'remove-partition-specs', 'spec-ids': [0] }], (m) => m, /default partition spec/);
  checkApply(base, [{ action: 'set-default-spec', 'spec-id': 8 }], (m) => m, /unknown spec: 8/);

  const order = { 'order-id': 0, fields: [{ 'source-id': 1, transform: 'identity' as const, direction: 'asc' as const, 'null-order': 'nulls-first' as const }] };
  checkApply(base, [{ action: 'add-sort-order', 'sort-order': order }, { action: 'set-default-sort-order', 'sort-order-id': -1 }], (m) => [m['default-sort-order-id'], m['sort-orders'].length], [1, 2]);
  checkApply(base, [{ action: 'set-default-sort-order', 'sort-order-id': 3 }], (m) => m, /unknown order: 3/);

  checkApply(base, [{ action: 'assign-uuid', uuid: 'u-1' }], (m) => m['table-uuid'], 'u-1');
  checkApply(base, [{ action: 'assign-uuid', uuid: 'other' }], (m) => m, /cannot reassign/);
  checkApply(base, [{ action: 'upgrade-format-version', 'format-version': 3 }], (m) => m['format-version'], 3);
  checkApply(base, [{ action: 'upgrade-format-version', 'format-version': 1 }], (m) => m, /downgrade/);
  checkApply(base, [{ action: 'set-location', location: 's3://gold/t' }], (m) => m.location, 's3://gold/t');
  checkApply(base, [{ action: 'set-properties', updates: { a: '1' } }, { action: 'remove-properties', removals: ['owner'] }], (m) => m.properties, { a: '1' });
  checkApply(base, [{ action: 'add-encryption-key', 'encryption-key': {} }], (m) => m, /not supported/);
  checkApply(base, [{ action: 'frobnicate' } as unknown as AnyTableUpdate], (m) => m, /unknown update action/);
});

test('snapshots, refs and statistics keep int64 ids exact', () => {
  const snaps = (m: TableMetadata) => ({
    current: m['current-snapshot-id'], seq: m['last-sequence-number'], refs: Object.keys(m.refs).sort(),
    log: m['snapshot-log'].map((e) => e['snapshot-id']), stats: (m.statistics ?? []).length,
  });
  assert.deepEqual(snaps(withSnapshot), { current: SNAP_A, seq: 1n, refs: ['main'], log: [SNAP_A], stats: 0 });
  assert.deepEqual(withSnapshot['metadata-log'], [{ 'timestamp-ms': 1000n, 'metadata-file': '/wh/ns/t/metadata/00000-a.metadata.json' }]);
  assert.equal(withSnapshot['last-updated-ms'], 3000n);

  const two = [
    { action: 'add-snapshot', snapshot: snapshot(SNAP_B, 2n, SNAP_A) },
    { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': SNAP_B },
    { action: 'set-snapshot-ref', 'ref-name': 'v1', type: 'tag', 'snapshot-id': SNAP_A },
    { action: 'set-statistics', 'snapshot-id': SNAP_A, statistics: { 'snapshot-id': SNAP_A, 'statistics-path': '/s.puffin' } },
  ] as AnyTableUpdate[];
  checkApply(withSnapshot, two, snaps, { current: SNAP_B, seq: 2n, refs: ['main', 'v1'], log: [SNAP_A, SNAP_B], stats: 1 });
  checkApply(withSnapshot, [...two, { action: 'remove-snapshots', 'snapshot-ids': [SNAP_A] }], snaps, { current: SNAP_B, seq: 2n, refs: ['main'], log: [SNAP_B], stats: 0 });
  checkApply(withSnapshot, [...two, { action: 'remove-snapshot-ref', 'ref-name': 'main' }], snaps, { current: undefined, seq: 2n, refs: ['v1'], log: [SNAP_A, SNAP_B], stats: 1 });
  checkApply(withSnapshot, [...two, { action: 'remove-statistics', 'snapshot-id': SNAP_A }], snaps, { current: SNAP_B, seq: 2n, refs: ['main', 'v1'], log: [SNAP_A, SNAP_B], stats: 0 });
  checkApply(withSnapshot, [{ action: 'add-snapshot', snapshot: snapshot(SNAP_A, 2n) }], snaps, /already exists/);
  checkApply(withSnapshot, [{ action: 'add-snapshot', snapshot: snapshot(SNAP_B, 1n, SNAP_A) }], snaps, /older than last sequence number/);
  checkApply(withSnapshot, [{ action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': SNAP_B }], snaps, /unknown snapshot/);
  checkApply(withSnapshot, [{ action: 'set-snapshot-ref', 'ref-name': 'main', type: 'tag', 'snapshot-id': SNAP_A }], snaps, /main must be a branch/);
});

test('applyUpdates never mutates its input', () => {
  const before = structuredClone(withSnapshot);
  applyUpdates(withSnapshot, [{ action: 'set-properties', updates: { x: 'y' } }, { action: 'remove-snapshot-ref', 'ref-name': 'main' }], { nowMs: 9n });
  assert.deepEqual(withSnapshot, before);
});

test('updates leave the base metadata as it was (its containers are copied, its entries shared)', () => {
  const before = structuredClone(withSnapshot);
  const next = applyUpdates(withSnapshot, [
    { action: 'add-snapshot', snapshot: snapshot(SNAP_B, 2n, SNAP_A) },
    { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': SNAP_B },
    { action: 'set-snapshot-ref', 'ref-name': 'audit', type: 'tag', 'snapshot-id': SNAP_A },
    { action: 'add-schema', schema: schema1 },
    { action: 'set-current-schema', 'schema-id': -1 },
    { action: 'set-properties', updates: { owner: 'someone', extra: 'x' } },
    { action: 'remove-properties', removals: ['owner'] },
    { action: 'remove-snapshots', 'snapshot-ids': [SNAP_A] },
  ], { nowMs: 4000n, previousMetadataFile: '/wh/ns/t/metadata/00001-b.metadata.json' });
  assert.deepEqual(withSnapshot, before);
  assert.deepEqual(next.snapshots.map((s) => s['snapshot-id']), [SNAP_B]);
  assert.equal(next.properties.extra, 'x');
  assert.equal(next['metadata-log'].length, withSnapshot['metadata-log'].length + 1);
});
