// floe docs generate on another adapter's project (Snowflake here) whose models were never built in the lakehouse:
// as dbt's docs generate, catalog.json lists only the relations that exist (a loaded seed, a source over it), leaves
// the rest out without a warning and says how many in one line. Its views' Snowflake SQL is not bound in DuckDB (that
// gave a warning per view and was slow on big projects). The real CLI over a local lakehouse and real DuckDB.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runFloe, type CliRun } from '../helpers/floe-cli';
import { writeTempProject } from '../helpers/demo-copy';

let dir: string;
const floe = (...args: string[]) => runFloe(args, {}, dir);
const ok = (r: CliRun) => { assert.equal(r.code, 0, r.err + r.out); return r; };

const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: sf\nprofile: sf\nseeds:\n  sf:\n    +schema: lake\n',
  'profiles.yml': 'sf:\n  target: dev\n  outputs:\n    dev:\n      type: snowflake\n      account: x\n      user: u\n      password: p\n      database: ANALYTICS\n      schema: PUBLIC\n      warehouse: W\n',
  'seeds/countries.csv': 'code,name\nNL,Netherlands\n',
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: RAW\n    tables:\n      - name: events\n  - name: lake\n    tables:\n      - name: countries\n',
  // Snowflake's SQL: DuckDB has no iff() and no timestamp_ntz
  'models/events_typed.sql': "select id, to_timestamp_ntz(ts)::timestamp_ntz as t from {{ source('raw', 'events') }}\n",
  'models/country_flags.sql': "select iff(code = 'NL', 1, 0) as dutch from {{ ref('countries') }}\n",
};

before(() => {
  dir = writeTempProject('floe-docs-absent-', FILES);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("another adapter's unbuilt project: catalog.json has what the lakehouse has, the rest left out quietly with one line", async () => {
  assert.match(ok(await floe('seed')).out, /OK seed countries: loaded/);
  const r = ok(await floe('docs', 'generate'));
  assert.equal(r.err, '');
  assert.match(r.out, /^catalog\.json leaves out 3 relations the lakehouse does not have \(sources not loaded, models not built; a snowflake project's views are described by its warehouse, not in DuckDB\), as dbt's catalog lists only what exists$/m);
  const catalog: Record<string, any> = JSON.parse(fs.readFileSync(path.join(dir, 'target', 'catalog.json'), 'utf8'));
  assert.equal(catalog.errors, null);
  assert.deepEqual(Object.keys(catalog.nodes), ['seed.sf.countries']);
  assert.deepEqual(Object.keys(catalog.sources), ['source.sf.lake.countries']);
  assert.deepEqual([catalog.sources['source.sf.lake.countries'].metadata.type, Object.keys(catalog.sources['source.sf.lake.countries'].columns)], ['ICEBERG TABLE', ['code', 'name']]);
});
