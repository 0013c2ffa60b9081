import { test } from 'node:test';
import assert from 'node:assert/strict';
import { and, bindPredicate, cmp, isIn, isNull, matchesPartition, metricsMayMatch, notNull, or, projectToPartition, type Predicate } from '../../server/src/iceberg/predicate.js';
import { schemaFromJson } from '../../server/src/iceberg/metadata-json.js';
import { encodeValue } from '../../server/src/iceberg/single-value.js';
import type { DataFile, PartitionSpec, Schema } from '../../server/src/iceberg/spec.js';

const SCHEMA = schemaFromJson({ type: 'struct', 'schema-id': 0, fields: [
  { id: 1, name: 'id', required: true, type: 'long' },
  { id: 2, name: 'ts', required: false, type: 'timestamptz' },
  { id: 3, name: 'name', required: false, type: 'string' },
  { id: 4, name: 'score', required: false, type: 'double' },
] });
const SPEC: PartitionSpec = { 'spec-id': 0, fields: [
  { 'source-id': 2, 'field-id': 1000, name: 'ts_month', transform: 'month' },
  { 'source-id': 1, 'field-id': 1001, name: 'id_bucket', transform: 'bucket[4]' },
  { 'source-id': 3, 'field-id': 1002, name: 'name_trunc', transform: 'truncate[2]' },
] };
const JAN_2024 = (2024 - 1970) * 12;

/** Does the projected filter keep a file with this partition tuple? */
function checkPartition(filter: Predicate, partition: Record<string, unknown>, expected: boolean) {
  const projected = projectToPartition(bindPredicate(filter, SCHEMA), SPEC);
  assert.equal(matchesPartition(projected, partition), expected, `${JSON.stringify(filter, (_k, v) => (typeof v === 'bigint' ? String(v) : v))} on ${JSON.stringify(partition)}`);
}

test('predicates project through transforms inclusively', () => {
  const p = { ts_month: JAN_2024, id_bucket: 2, name_trunc: 'ab' };
  checkPartition(cmp('ts', '<', '2024-01-01T00:00:00Z'), p, false);      // strict bound steps back: month <= Dec 2023
  checkPartition(cmp('ts', '<=', '2024-01-01T00:00:00Z'), p, true);
  checkPartition(cmp('ts', '>', '2024-01-31T23:59:59.999999Z'), p, false);
  checkPartition(cmp('ts', '<', '2023-12-31T00:00:00Z'), p, false);
  checkPartition(cmp('ts', '>=', '2024-01-31T23:00:00Z'), p, true);
  checkPartition(cmp('ts', '>', '2024-02-01T00:00:00Z'), p, false);
  checkPartition(cmp('ts', '=', '2024-01-15T10:00:00+02:00'), p, true);
  checkPartition(cmp('ts', '!=', '2024-01-15T10:00:00Z'), p, true);
  checkPartition(cmp('id', '=', 34), { ...p, id_bucket: 2017239379 % 4 }, true);
  checkPartition(cmp('id', '=', 34), { ...p, id_bucket: (2017239379 % 4) + 1 }, false);
  checkPartition(cmp('id', '<', 34), p, true);                             // bucket cannot prune ranges
  checkPartition(isIn('id', [34, 35]), { ...p, id_bucket: 2017239379 % 4 }, true);
  checkPartition(cmp('name', '=', 'abc'), p, true);
  checkPartition(cmp('name', '=', 'xyz'), p, false);
  checkPartition(cmp('name', '>', 'b'), p, false);
  checkPartition(isNull('ts'), p, false);
  checkPartition(isNull('ts'), { ...p, ts_month: null }, true);
  checkPartition(or(cmp('name', '=', 'xyz'), cmp('ts', '=', '2024-01-02T00:00:00Z')), p, true);
  checkPartition(and(cmp('name', '=', 'abx'), cmp('ts', '=', '2025-01-02T00:00:00Z')), p, false);
  checkPartition(cmp('score', '>', 1.5), p, true);                          // unpartitioned column: unknown
  checkPartition(cmp('name', '=', null), p, false);                         // = NULL matches nothing
});

function file(metrics: Partial<DataFile>): DataFile {
  return { content: 0, 'file-path': 'f', 'file-format': 'PARQUET', partition: {}, 'record-count': 10n, 'file-size-in-bytes': 1n, ...metrics };
}

test('column metrics prune files that cannot match', () => {
  const f = file({
    'value-counts': new Map([[1, 10n], [3, 10n], [4, 10n]]),
    'null-value-counts': new Map([[1, 0n], [3, 10n], [4, 2n]]),
    'nan-value-counts': new Map([[4, 1n]]),
    'lower-bounds': new Map([[1, encodeValue('long', 10n)], [4, encodeValue('double', -1)]]),
    'upper-bounds': new Map([[1, encodeValue('long', 20n)], [4, encodeValue('double', 1)]]),
  });
  const cases: [Predicate, boolean][] = [
    [cmp('id', '=', 15), true], [cmp('id', '=', 21), false], [cmp('id', '<', 10), false], [cmp('id', '<=', 10), true],
    [cmp('id', '>', 20), false], [cmp('id', '>=', 20), true], [isIn('id', [1, 2, 30]), false], [isIn('id', [1, 12]), true],
    [isNull('id'), false], [notNull('id'), true],
    [isNull('name'), true], [notNull('name'), false], [cmp('name', '=', 'a'), false],             // all null
    [cmp('score', '>', 5), true],                                                                  // NaN sorts above bounds
    [cmp('score', '<', -5), false],
    [cmp('ts', '=', '2024-01-01T00:00:00Z'), true],                                                // no metrics: keep
    [and(cmp('id', '=', 15), cmp('id', '=', 30)), false], [or(cmp('id', '=', 15), cmp('id', '=', 30)), true],
  ];
  for (const [filter, expected] of cases) {
    assert.equal(metricsMayMatch(bindPredicate(filter, SCHEMA), f, new Set()), expected, JSON.stringify(filter));
  }
});

test('binding fails on unknown columns and tolerates unconvertible literals', () => {
  assert.throws(() => bindPredicate(cmp('missing', '=', 1), SCHEMA), /"missing"/);
  assert.deepEqual(bindPredicate(cmp('id', '=', 'abc'), SCHEMA), { op: 'true' });
  assert.deepEqual(bindPredicate(cmp('ID', '=', '7'), SCHEMA), { op: '=', id: 1, key: '1', type: 'long', value: 7n });
});

test('filter columns bind by exact name first; names equal ignoring case are never mixed up', () => {
  const s: Schema = { type: 'struct', 'schema-id': 0, fields: [
    { id: 1, name: 'user_id', required: false, type: 'int' }, { id: 2, name: 'USER_ID', required: false, type: 'int' }, { id: 3, name: 'Amount', required: false, type: 'int' },
  ] };
  assert.deepEqual(bindPredicate(cmp('USER_ID', '=', 1), s), { op: '=', id: 2, key: '2', type: 'int', value: 1 });
  assert.deepEqual(bindPredicate(cmp('user_id', '=', 1), s), { op: '=', id: 1, key: '1', type: 'int', value: 1 });
  assert.deepEqual(bindPredicate(cmp('amount', '=', 1), s), { op: '=', id: 3, key: '3', type: 'int', value: 1 });
  assert.throws(() => bindPredicate(cmp('User_Id', '=', 1), s), /differ only by case/);
});
