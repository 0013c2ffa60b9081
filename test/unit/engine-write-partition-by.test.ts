import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PrimitiveType, StructType, Transform } from '../../server/src/iceberg/spec';
import { parsePartitionBy, partitionColumns, planPartitionSpec } from '../../server/src/engine/write/partition-by';

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
  check('truncate(4, s)', ['truncate[4]:s']);
  check('truncate(s, 4)', ['truncate[4]:s']);
  check('TRUNCATE( 10 , "my col" ), void(x)', ['truncate[10]:my col', 'void:x']);
  check('truncate(0, s)', /positive N/);
  check('truncate(s)', /positive N/);
  check('truncate(2147483648, s)', /positive N up to 2147483647/);
  check('void(2, x)', /takes no number/);
  check('truncate(4, s, 5)', /takes one number, not two/);
  check('lower(s)', /cannot read partition_by term "lower\(s\)": use .*bucket\(N, col\), truncate\(W, col\) or void\(col\)/);
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

const typed: StructType = { type: 'struct', fields: ([
  ['i', 'int'], ['l', 'long'], ['d', 'decimal(10, 2)'], ['s', 'string'], ['b', 'binary'], ['f', 'double'], ['ts', 'timestamp'], ['u', 'uuid'],
] as const).map(([name, type], i) => ({ id: i + 1, name, required: false, type })) };

function checkSpec(text: string, expected: [name: string, transform: string][] | RegExp) {
  const plan = () => planPartitionSpec(parsePartitionBy(text), typed, { specs: [], lastPartitionId: 999 });
  if (expected instanceof RegExp) { assert.throws(plan, expected, text); return; }
  assert.deepEqual(plan().spec.fields.map((f) => [f.name, f.transform]), expected, text);
}

test('truncate and void specs: Iceberg field names, truncate only on int, long, decimal, string and binary', () => {
  checkSpec('truncate(10, i), truncate(l, 100), truncate(5, d), truncate(3, s), truncate(2, b)', [
    ['i_trunc', 'truncate[10]'], ['l_trunc', 'truncate[100]'], ['d_trunc', 'truncate[5]'], ['s_trunc', 'truncate[3]'], ['b_trunc', 'truncate[2]'],
  ]);
  checkSpec('void(f)', [['f_null', 'void']]);
  checkSpec('truncate(4, f)', /cannot partition by truncate\[4\]\(f\): truncate applies to int, long, decimal, string and binary columns, not double/);
  checkSpec('truncate(4, ts)', /truncate\[4\]\(ts\).*not timestamp/);
  checkSpec('truncate(4, u)', /not uuid/);
});

/** The DuckDB SQL of one partition field over column `c` holds each fragment; keyType is how its text is read back. */
function checkSql(type: PrimitiveType, transform: Transform, fragments: string[], keyType: PrimitiveType) {
  const schema: StructType = { type: 'struct', fields: [{ id: 1, name: 'c', required: false, type }] };
  const [col] = partitionColumns({ 'spec-id': 0, fields: [{ 'source-id': 1, 'field-id': 1000, name: 'p', transform }] }, schema);
  for (const f of fragments) assert.ok(col.sql.includes(f), `${transform}(${type}): ${col.sql} lacks ${f}`);
  assert.deepEqual([col.resultType, col.keyType], [type, keyType], `${transform}(${type})`);
}

/** v - (((v % w) + w) % w): the floor to a multiple of w, also below zero. */
const floor = (v: string, w: string) => `${v} - (((${v} % ${w}) + ${w}) % ${w})`;

test('truncate SQL per source type: floor for numbers (guarded at the least value), code points for strings, hex of the first bytes for binary', () => {
  checkSql('int', 'truncate[10]', [floor('CAST("c" AS BIGINT)', '10'), '< -2147483648', 'AS INTEGER)', 'floors below the least int'], 'int');
  checkSql('long', 'truncate[1000]', [floor('CAST("c" AS HUGEINT)', '1000'), '< -9223372036854775808', 'AS BIGINT)'], 'long');
  const dec = (w: string, s: number) => floor(`CAST("c" AS DECIMAL(38, ${s}))`, `CAST('${w}' AS DECIMAL(38, ${s}))`);
  checkSql('decimal(10, 2)', 'truncate[5]', [dec('0.05', 2), "< CAST('-99999999.99' AS DECIMAL(38, 2))", 'AS DECIMAL(10, 2))'], 'decimal(10, 2)');
  checkSql('decimal(9, 0)', 'truncate[123]', [dec('123', 0), "< CAST('-999999999' AS DECIMAL(38, 0))"], 'decimal(9, 0)');
  checkSql('decimal(20, 4)', 'truncate[123456]', [dec('12.3456', 4)], 'decimal(20, 4)');
  checkSql('decimal(38, 9)', 'truncate[7]', [dec('0.000000007', 9)], 'decimal(38, 9)');
  checkSql('decimal(3, 3)', 'truncate[7]', [dec('0.007', 3), "< CAST('-0.999' AS DECIMAL(38, 3))"], 'decimal(3, 3)');
  checkSql('string', 'truncate[3]', ['substring("c", 1, 3)'], 'string');
  checkSql('binary', 'truncate[2]', ['left(hex("c"), 4)'], 'binary');
  checkSql('double', 'void', ['CAST(NULL AS VARCHAR)'], 'string');
});
