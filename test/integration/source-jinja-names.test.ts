// A source whose schema or identifier is Jinja (flow-models' `schema: {{ "FLOW_DEV" if var(...) else "FLOW" }}`) is read
// from the table dbt would name, rendered with the run's vars: by previews, runs and data tests on the source. The
// real CLI over a local lakehouse (the catalog server over HTTP, real DuckDB).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { runFloe, type CliRun } from '../helpers/floe-cli';
import { writeTempProject } from '../helpers/demo-copy';

let dir: string;
const floe = (...args: string[]) => runFloe(args, {}, dir);
const ok = (r: CliRun) => { assert.equal(r.code, 0, r.err + r.out); return r; };

const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: sj\nprofile: sj\n',
  'profiles.yml': 'sj:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n',
  'models/sources.yml': "version: 2\nsources:\n  - name: chain\n    schema: '{{ \"flow_dev\" if var(\"use_dev\", False) else \"flow\" }}'\n    tables:\n" +
    "      - name: blocks\n        identifier: \"{{ 'loaded_' ~ 'blocks' }}\"\n        columns:\n          - name: id\n            data_tests: [not_null]\n",
  // writes the table the source names: flow.loaded_blocks
  'models/loaded_blocks.sql': "{{ config(materialized='table', schema='flow') }}\nselect 1 as id union all select 2\n",
  'models/reader.sql': "select count(*) as n from {{ source('chain', 'blocks') }}\n",
};

before(() => {
  dir = writeTempProject('floe-source-jinja-', FILES);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("a source's Jinja schema and identifier name the table a preview, a run and a test read, with the run's vars", async () => {
  ok(await floe('run', '--select', 'loaded_blocks'));
  assert.deepEqual(JSON.parse(ok(await floe('preview', dir, 'reader', '--format', 'json')).out).rows, [['2']]);
  assert.match(ok(await floe('run', '--select', 'reader')).out, /OK model reader/);
  assert.match(ok(await floe('test', '--select', 'source:chain')).out, /^PASS not_null\(source:chain\.blocks\.id\)/m);
  // another var, another table: the rendered name, never the Jinja text
  const dev = await floe('run', '--select', 'reader', '--vars', '{use_dev: true}');
  assert.equal(dev.code, 1, dev.err + dev.out);
  assert.match(dev.out, /Cannot load table flow_dev\.loaded_blocks\b/);
  assert.doesNotMatch(dev.out + dev.err, /\{\{|\{%/);
});
