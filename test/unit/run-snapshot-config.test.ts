import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snapshotSpecOf, SnapshotConfigError } from '../../server/src/run/snapshot-config';
import { firstSnapshotSql, snapshotChangesSql } from '../../server/src/run/snapshot-sql';

const layers = { snaps: 's3://lake/snaps' };

test('snapshotSpecOf reads dbt’s snapshot config', () => {
  const cases: [Record<string, unknown>, Record<string, unknown>][] = [
    [{ target_schema: 'snaps', unique_key: 'id', strategy: 'timestamp', updated_at: 'updated_at' },
      { table: { namespace: ['snaps'], name: 's' }, location: 's3://lake/snaps/s', strategy: 'timestamp', uniqueKey: ['id'], updatedAt: 'updated_at', hardDeletes: 'ignore' }],
    [{ schema: 'a.b', alias: 'hist', unique_key: ['id', ' region '], strategy: 'check', check_cols: 'all', invalidate_hard_deletes: true },
      { table: { namespace: ['a', 'b'], name: 'hist' }, strategy: 'check', uniqueKey: ['id', 'region'], checkCols: 'all', hardDeletes: 'invalidate' }],
    // hard_deletes wins over the older flag
    [{ schema: 'x', unique_key: 'id', strategy: 'check', check_cols: ['name'], invalidate_hard_deletes: true, hard_deletes: 'new_record', dbt_valid_to_current: "DATE '9999-12-31'" },
      { table: { namespace: ['x'], name: 's' }, strategy: 'check', uniqueKey: ['id'], checkCols: ['name'], hardDeletes: 'new_record', validToCurrent: "DATE '9999-12-31'" }],
  ];
  for (const [config, expected] of cases) {
    const { meta, ...spec } = snapshotSpecOf('s', config as never, layers);
    assert.deepEqual(Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)), expected);
    assert.deepEqual(meta, { validFrom: 'dbt_valid_from', validTo: 'dbt_valid_to', scdId: 'dbt_scd_id', updatedAt: 'dbt_updated_at', isDeleted: 'dbt_is_deleted' });
  }
  // dbt 1.9: no schema configured, the profile target's schema
  assert.deepEqual(snapshotSpecOf('s', { unique_key: 'id', strategy: 'check', check_cols: 'all' } as never, {}, 'analytics').table, { namespace: ['analytics'], name: 's' });
  assert.deepEqual(snapshotSpecOf('s', { schema: 'snaps', unique_key: 'id', strategy: 'check', check_cols: 'all' } as never, {}, 'analytics').table, { namespace: ['snaps'], name: 's' });
  const renamed = snapshotSpecOf('s', { schema: 'x', unique_key: 'id', strategy: 'check', check_cols: 'all', snapshot_meta_column_names: { dbt_valid_from: 'start', dbt_scd_id: 'version' } } as never);
  assert.deepEqual(renamed.meta, { validFrom: 'start', validTo: 'dbt_valid_to', scdId: 'version', updatedAt: 'dbt_updated_at', isDeleted: 'dbt_is_deleted' });
});

test('snapshotSpecOf refuses what dbt refuses, naming the snapshot and the key', () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ unique_key: 'id', strategy: 'check', check_cols: 'all' }, /^snapshot s: names no target_schema or schema/],
    [{ schema: 'x', unique_key: 'id' }, /^snapshot s: has no strategy/],
    [{ schema: 'x', unique_key: 'id', strategy: 'merge' }, /^snapshot s: strategy 'merge' is not one dbt knows/],
    [{ schema: 'x', strategy: 'check', check_cols: 'all' }, /^snapshot s: has no unique_key/],
    [{ schema: 'x', unique_key: 'id', strategy: 'timestamp' }, /^snapshot s: uses strategy 'timestamp' but has no updated_at/],
    [{ schema: 'x', unique_key: 'id', strategy: 'check' }, /^snapshot s: uses strategy 'check' but check_cols is missing/],
    [{ schema: 'x', unique_key: 'id', strategy: 'check', check_cols: 'all', hard_deletes: 'purge' }, /^snapshot s: hard_deletes 'purge' is not one of ignore, invalidate, new_record/],
    [{ schema: 'x', unique_key: 'id', strategy: 'check', check_cols: 'all', snapshot_meta_column_names: { dbt_valid: 'v' } }, /^snapshot s: snapshot_meta_column_names has 'dbt_valid'/],
    [{ schema: 'x', unique_key: 'id', strategy: 'check', check_cols: 'all', snapshot_meta_column_names: { dbt_valid_from: 'dbt_valid_to' } }, /gives two columns the same name/],
  ];
  for (const [config, message] of cases) assert.throws(() => snapshotSpecOf('s', config as never), (e: unknown) => e instanceof SnapshotConfigError && message.test(e.message), String(message));
});

test('snapshot SQL quotes every identifier it writes; unique_key and updated_at that are not columns are dbt expressions', () => {
  const spec = snapshotSpecOf('s', { schema: 'x', unique_key: ['we"ird', 'lower(code)'], strategy: 'timestamp', updated_at: 'Changed At', snapshot_meta_column_names: { dbt_scd_id: 'scd"id' } } as never);
  const input = { spec, sourceSql: 'select 1', sourceColumns: ['we"ird', 'code', 'Changed At'], now: '2026-01-01 00:00:00' };
  const first = firstSnapshotSql(input);
  assert.match(first, /md5\(coalesce\(CAST\("we""ird" AS VARCHAR\), ''\) \|\| '\|' \|\| coalesce\(CAST\(\(lower\(code\)\) AS VARCHAR\), ''\) \|\| '\|' \|\| coalesce\(CAST\("Changed At" AS VARCHAR\), ''\)\) AS "scd""id"/);
  const changes = snapshotChangesSql(input, { relation: '"r"."t"', columns: ['we"ird', 'code', 'Changed At', 'scd"id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to'] });
  assert.match(changes, /c\."dbt_valid_from" < s\."__floe_upd"/);
  assert.match(changes, /t\."scd""id" = x\."__floe_scd"/);
  assert.doesNotMatch(changes, /UNION ALL SELECT c\./, 'hard_deletes: ignore closes nothing that vanished');
});
