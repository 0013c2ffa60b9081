// dbt-duckdb's external source locations (adapters/duckdb/relation.py create_from_source): formatted over the source's
// fields and meta, quoted unless a call or already quoted; a plugin source keeps its relation name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duckdbExternalLocation, type DuckdbSourceFields } from '../../server/src/project/duckdbSources';

const fields = (config: Record<string, unknown>): DuckdbSourceFields => ({ name: 'orders', identifier: 'orders_raw', schema: 'raw', database: 'lake', tags: ['a', 'b'], config });

test('a call is used as written; a path is quoted; a quoted path is not quoted again', () => {
  assert.equal(duckdbExternalLocation(fields({ external_location: "read_csv('x.csv', AUTO_DETECT=TRUE)" })), "read_csv('x.csv', AUTO_DETECT=TRUE)");
  assert.equal(duckdbExternalLocation(fields({ external_location: 's3://b/{name}.parquet' })), "'s3://b/orders.parquet'");
  assert.equal(duckdbExternalLocation(fields({ external_location: "'data/{identifier}.csv'" })), "'data/orders_raw.csv'");
});

test('newstyle (the default) formats name, identifier, schema, database and meta keys; {{ }} are braces', () => {
  assert.equal(duckdbExternalLocation(fields({ external_location: "read_parquet('{root}/{schema}/{name}/*.parquet', hive_partitioning={{x}})", root: 's3://lake' })),
    "read_parquet('s3://lake/raw/orders/*.parquet', hive_partitioning={x})");
  assert.throws(() => duckdbExternalLocation(fields({ external_location: '{nope}.csv' })), /KeyError: 'nope'/);
});

test('oldstyle and template formatters; an unknown formatter is dbt-duckdb\'s error', () => {
  assert.equal(duckdbExternalLocation(fields({ external_location: 'data/%(name)s_100%%.csv', formatter: 'oldstyle' })), "'data/orders_100%.csv'");
  assert.equal(duckdbExternalLocation(fields({ external_location: 'data/${schema}/$name.csv', formatter: 'template' })), "'data/raw/orders.csv'");
  assert.throws(() => duckdbExternalLocation(fields({ external_location: 'x', formatter: 'jinja' })), /Formatter jinja not recognized/);
});

test('no external_location, or a plugin: the relation keeps its name', () => {
  assert.equal(duckdbExternalLocation(fields({})), undefined);
  assert.equal(duckdbExternalLocation(fields({ plugin: 'sqlalchemy', external_location: 'x.csv' })), undefined);
});
