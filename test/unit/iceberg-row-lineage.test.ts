// v3 row lineage on write: manifest first_row_id assignment (the spec's "Row lineage example") and the catalog's
// add-snapshot check that advances next-row-id and refuses a range another commit already took.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignManifestRowIds } from '../../server/src/iceberg/row-lineage';
import { applyUpdates, TableUpdateError, type AnyTableUpdate } from '../../server/src/iceberg/apply-updates';
import { validateTableMetadata } from '../../server/src/iceberg/validate-metadata';
import type { ManifestFile, Snapshot, TableMetadata } from '../../server/src/iceberg/spec';

const manifest = (name: string, content: 0 | 1, added: bigint, existing: bigint, firstRowId?: bigint): ManifestFile => ({
  'manifest-path': name, 'manifest-length': 1n, 'partition-spec-id': 0, content, 'sequence-number': 1n, 'min-sequence-number': 1n,
  'added-snapshot-id': 1n, 'added-files-count': 1, 'existing-files-count': 0, 'deleted-files-count': 0,
  'added-rows-count': added, 'existing-rows-count': existing, 'deleted-rows-count': 0n,
  ...(firstRowId === undefined ? {} : { 'first-row-id': firstRowId }),
});

test("first_row_id assignment follows the spec's row lineage example", () => {
  const r = assignManifestRowIds([
    manifest('existing', 0, 75n, 0n, 925n),
    manifest('added1', 0, 100n, 25n),
    manifest('deletes', 1, 40n, 0n, 5n),
    manifest('added2', 0, 0n, 100n),
    manifest('added3', 0, 125n, 25n),
  ], 1000n);
  assert.deepEqual(r.manifests.map((m) => [m['manifest-path'], m['first-row-id']]), [
    ['existing', 925n], ['added1', 1000n], ['deletes', undefined], ['added2', 1125n], ['added3', 1225n],
  ]);
  assert.equal(r.firstRowId, 1000n);
  assert.equal(r.addedRows, 375n);
  // ids past 2^53 stay exact
  const big = assignManifestRowIds([manifest('a', 0, 3n, 0n), manifest('b', 0, 1n, 0n)], 9007199254740993n);
  assert.deepEqual(big.manifests.map((m) => m['first-row-id']), [9007199254740993n, 9007199254740996n]);
});

const v3: TableMetadata = applyUpdates(undefined, [
  { action: 'assign-uuid', uuid: 'u-3' },
  { action: 'upgrade-format-version', 'format-version': 3 },
  { action: 'add-schema', schema: { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'long' }] } },
  { action: 'set-current-schema', 'schema-id': -1 },
  { action: 'set-location', location: '/wh/t' },
], { nowMs: 1n });

const snap = (id: bigint, lineage: Partial<Snapshot>): Snapshot => ({
  'snapshot-id': id, 'sequence-number': id, 'timestamp-ms': 10n + id, 'manifest-list': `/wh/t/metadata/snap-${id}.avro`,
  summary: { operation: 'append' }, 'schema-id': 0, ...lineage,
});
const add = (s: Snapshot, branch = 'main'): AnyTableUpdate[] => [
  { action: 'add-snapshot', snapshot: s }, { action: 'set-snapshot-ref', 'ref-name': branch, type: 'branch', 'snapshot-id': s['snapshot-id'] },
];

test('a v3 add-snapshot advances next-row-id on any branch and refuses a stale or missing first-row-id', () => {
  assert.equal(v3['next-row-id'], 0n);
  const one = applyUpdates(v3, add(snap(1n, { 'first-row-id': 0n, 'added-rows': 5n })), { nowMs: 20n });
  assert.equal(one['next-row-id'], 5n);
  const branch = applyUpdates(one, add(snap(2n, { 'parent-snapshot-id': 1n, 'first-row-id': 5n, 'added-rows': 3n }), 'dev'), { nowMs: 30n });
  assert.equal(branch['next-row-id'], 8n);
  // A writer that planned from next-row-id 5 lost the race: a conflict (409), so it retries from 8.
  assert.throws(() => applyUpdates(branch, add(snap(3n, { 'parent-snapshot-id': 1n, 'first-row-id': 5n, 'added-rows': 1n })), { nowMs: 40n }),
    (e: unknown) => e instanceof TableUpdateError && e.kind === 'requirement-failed' && /first-row-id is behind table next-row-id: 5 < 8/.test(e.message));
  assert.throws(() => applyUpdates(branch, add(snap(3n, { 'parent-snapshot-id': 1n })), { nowMs: 40n }),
    (e: unknown) => e instanceof TableUpdateError && e.kind === 'invalid-update' && /no first-row-id, which format v3 requires/.test(e.message));
  const ahead = applyUpdates(branch, add(snap(3n, { 'parent-snapshot-id': 1n, 'first-row-id': 20n, 'added-rows': 2n })), { nowMs: 40n });
  assert.equal(ahead['next-row-id'], 22n);
});

test('stored v3 metadata never has a snapshot whose row ids reach past next-row-id', () => {
  const one = applyUpdates(v3, add(snap(1n, { 'first-row-id': 0n, 'added-rows': 5n })), { nowMs: 20n });
  assert.doesNotThrow(() => validateTableMetadata(one));
  assert.throws(() => validateTableMetadata({ ...one, 'next-row-id': 4n }),
    (e: unknown) => e instanceof TableUpdateError && e.kind === 'invalid-update' && /snapshot 1 assigned row ids up to 5, past next-row-id 4/.test(e.message));
});
