import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goldTargetOf, writeModeOf } from '../../server/src/run/gold-target';

const layers = { 'demo.gold': 's3://iceberg-gold/demo/gold' };

const cases: [string, Record<string, unknown>, unknown][] = [
  ['stg_x', { materialized: 'view', schema: 'silver' }, undefined],
  ['eph', { materialized: 'ephemeral', polaris_namespace: 'demo.gold' }, undefined],
  ['mart_a', { materialized: 'external', polaris_namespace: 'demo.gold', polaris_table: 'mart_b' },
    { table: { namespace: ['demo', 'gold'], name: 'mart_b' }, location: 's3://iceberg-gold/demo/gold/mart_b', incremental: false }],
  ['mart_c', { materialized: 'table', schema: 'gold', alias: 'c' }, { table: { namespace: ['gold'], name: 'c' }, incremental: false }],
  ['inc', { materialized: 'incremental', schema: 'gold', unique_key: ['a', 'b'], partition_by: 'day(ts)', on_schema_change: 'fail' },
    { table: { namespace: ['gold'], name: 'inc' }, incremental: true, uniqueKey: ['a', 'b'], partitionBy: 'day(ts)', onSchemaChange: 'fail' }],
  ['no_ns', { materialized: 'table' }, undefined],
];

test('goldTargetOf', () => {
  for (const [model, config, expected] of cases) {
    const got = goldTargetOf(model, config as never, layers);
    const plain = got && Object.fromEntries(Object.entries(got).filter(([, v]) => v !== undefined));
    assert.deepEqual(plain, expected, model);
  }
});

test('writeModeOf: create, overwrite, append, merge', () => {
  const t = goldTargetOf('m', { materialized: 'table', schema: 'g' }, {})!;
  const i = goldTargetOf('m', { materialized: 'incremental', schema: 'g' }, {})!;
  const k = goldTargetOf('m', { materialized: 'incremental', schema: 'g', unique_key: 'id' }, {})!;
  assert.deepEqual([writeModeOf(t, false), writeModeOf(t, true), writeModeOf(i, true), writeModeOf(k, true), writeModeOf(k, false)], ['create', 'overwrite', 'append', 'merge', 'create']);
});
