import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StructType } from '../../server/src/iceberg/spec';
import { parsePartitionBy, planPartitionSpec } from '../../server/src/engine/write/partition-by';

function check(text: string, expected: string[] | RegExp) {
  if (expected instanceof RegExp) { assert.throws(() => parsePartitionBy(text), expected, text); return; }
  assert.deepEqual(parsePartitionBy(text).map((t) => `${t.transform}:${t.column}`), expected, text);
}

test('partition_by terms', () => {
  check('region', ['identity:region']);
  check('day(ts), bucket(16, id)', ['day:ts', 'bucket[16]:id']);
  check('years(d),months(d) , hour(ts)', ['year:d', 'month:d', 'hour:ts']);
  check('bucket(id, 8)', ['bucket[8]:id']);
  check('"Odd, name"', ['identity:Odd, name']);
  check('day("my ts")', ['day:my ts']);
  check('bucket(0, id)', /positive N/);
  check('day(1, ts)', /takes no number/);
  check('truncate(4, s)', /not supported/);
  check('lower(s)', /cannot read partition_by term/);
});

const schema: StructType = { type: 'struct', fields: [
  { id: 1, name: 'ts', required: false, type: 'timestamptz' },
  { id: 2, name: 'id', required: false, type: 'long' },
  { id: 3, name: 's', required: false, type: 'string' },
] };

test('specs: new fields from 1000, names per Iceberg convention, an equal spec reused, bad sources refused', () => {
  const a = planPartitionSpec(parsePartitionBy('day(ts), bucket(4, id), s'), schema, { specs: [], lastPartitionId: 999 });
  assert.deepEqual(a.spec, { 'spec-id': 0, fields: [
    { 'source-id': 1, 'field-id': 1000, name: 'ts_day', transform: 'day' },
    { 'source-id': 2, 'field-id': 1001, name: 'id_bucket', transform: 'bucket[4]' },
    { 'source-id': 3, 'field-id': 1002, name: 's', transform: 'identity' },
  ] });
  const again = planPartitionSpec(parsePartitionBy('day(ts), bucket(4, id), s'), schema, { specs: [{ 'spec-id': 0, fields: [] }, { ...a.spec, 'spec-id': 1 }], lastPartitionId: 1002 });
  assert.equal(again.isNew, false);
  assert.equal(again.spec['spec-id'], 1);
  const evolved = planPartitionSpec(parsePartitionBy('month(ts)'), schema, { specs: [a.spec], lastPartitionId: 1002 });
  assert.deepEqual(evolved.spec, { 'spec-id': 1, fields: [{ 'source-id': 1, 'field-id': 1003, name: 'ts_month', transform: 'month' }] });
  assert.throws(() => planPartitionSpec(parsePartitionBy('day(id)'), schema, { specs: [], lastPartitionId: 999 }), /not a date or timestamp/);
  assert.throws(() => planPartitionSpec(parsePartitionBy('nope'), schema, { specs: [], lastPartitionId: 999 }), /does not have/);
});
