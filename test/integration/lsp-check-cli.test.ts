// `floe check` and `floe compile`: the editor's diagnostics from the command line, on the fixture projects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const repo = path.resolve(__dirname, '../..');
const fixtures = path.join(repo, 'test/fixtures/projects');

function floe(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'server/src/cli/main.ts'), ...args], { cwd: repo, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('check on a clean project exits 0 with the JSON shape', () => {
  const r = floe('check', path.join(fixtures, 'lakehouse'), '--format', 'json');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), { models: 7, diagnostics: [] });
});

test('check reports every problem with file, range, severity and code; exit 1', () => {
  const r = floe('check', path.join(fixtures, 'broken'), '--format', 'json');
  assert.equal(r.code, 1, r.err);
  const report = JSON.parse(r.out) as { models: number; diagnostics: Array<{ file: string; range: { start: { line: number; character: number } }; severity: string; code: string; message: string }> };
  assert.equal(report.models, 4);
  const brief = report.diagnostics.map((d) => `${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity} ${d.code}`);
  assert.deepEqual(brief, [
    'dbt_project.yml:8:5 warning config-invalid-value',
    'models/a.sql:1:24 warning config-invalid-value',
    'models/a.sql:1:33 warning config-unknown-key',
    'models/a.sql:2:23 error ref-cycle',
    'models/b.sql:1:23 error ref-cycle',
    'models/b.sql:1:53 error unknown-source-table',
    'models/bad_yaml.yml:4:27 error yaml-syntax',
    'models/c.sql:1:11 error unknown-macro',
    'models/c.sql:1:35 error unknown-var',
    'models/c.sql:1:64 error unknown-source',
    'models/c.sql:2:4 error jinja-unclosed-tag',
    'models/d.sql:1:12 info sql-binder',
  ]);
  assert.ok(report.diagnostics.some((d) => d.message === "Source 'raw' has no table 'event'. Did you mean 'events'?"));
});

test('check --format text prints one line per diagnostic and a summary', () => {
  const r = floe('check', path.join(fixtures, 'broken'), '--no-bind');
  assert.equal(r.code, 1);
  assert.match(r.out, /^models\/c\.sql:1:11: error \[unknown-macro\] Macro 'money' not found\. Did you mean 'moneys'\?$/m);
  assert.match(r.out, /4 models, 8 error\(s\), 3 other diagnostic\(s\)\n$/);
});

test('compile prints the compiled SQL; unknown models get a suggestion', () => {
  const r = floe('compile', path.join(fixtures, 'lakehouse'), 'stg_order_items');
  assert.equal(r.code, 0, r.err);
  // dbt's relation name: dbt-duckdb's database for ':memory:' and the source's schema (Floe's engine reads its own names)
  assert.equal(r.out, 'select *, (amount_cents / 100)::decimal(18, 2) as line_amount\nfrom "memory"."demo.bronze"."order_items"\n');
  const bad = floe('compile', path.join(fixtures, 'lakehouse'), 'stg_order_item');
  assert.equal(bad.code, 1);
  assert.match(bad.err, /Did you mean 'stg_order_items'\?/);
  assert.equal(floe('check', '/nonexistent-dir').code, 2);
});

test('check on the dbt false-positive project (dbt compiles every model) reports nothing', () => {
  const r = floe('check', path.join(fixtures, '..', 'dbt-false-positives'), '--format', 'json');
  const report = JSON.parse(r.out) as { diagnostics: Array<{ file: string; range: { start: { line: number } }; code: string; message: string }> };
  assert.deepEqual(report.diagnostics.map((d) => `${d.file}:${d.range.start.line + 1} ${d.code} ${d.message}`), []);
  assert.equal(r.code, 0, r.err);
});

test('check reports what the editor does on a model with a broken ref: the ref, and column errors elsewhere in it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'floe-check-broken-ref-'));
  cpSync(path.join(fixtures, 'lakehouse'), dir, { recursive: true });
  const mart = path.join(dir, 'models/marts/mart_customer_orders.sql');
  // as in lsp-binder.test.ts: a misspelled ref, a wrong column of a healthy relation, one of the broken relation
  writeFileSync(mart, readFileSync(mart, 'utf8').replace("ref('stg_orders')", "ref('stg_orderz')").replace('customers.customer_name,', 'customers.customer_nam,').replace('count(orders.order_id)', 'count(orders.order_idd)'));
  const r = floe('check', dir, '--format', 'json');
  assert.equal(r.code, 1, r.err);
  const report = JSON.parse(r.out) as { diagnostics: Array<{ file: string; code: string; message: string }> };
  const here = report.diagnostics.filter((d) => d.file === 'models/marts/mart_customer_orders.sql');
  assert.deepEqual(here.map((d) => d.code).sort(), ['sql-binder', 'unknown-ref'], JSON.stringify(here));
  assert.match(here.find((d) => d.code === 'sql-binder')!.message, /customer_nam/);
  assert.doesNotMatch(here.map((d) => d.message).join('\n'), /order_idd/);
});

/**
 * `floe check --format json --no-cache` of a DuckDB project made of `files` (paths under the project; dbt_project.yml
 * and profiles.yml are given unless `files` has them): each diagnostic as `file severity first-line-of-message`.
 */
function checkFiles(files: Record<string, string>): string[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'floe-check-files-'));
  const all = {
    'dbt_project.yml': "name: y\nversion: '1.0.0'\nconfig-version: 2\nprofile: y\nmodel-paths: ['models']\n",
    'profiles.yml': 'y:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n',
    ...files,
  };
  for (const [file, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'server/src/cli/main.ts'), 'check', dir, '--format', 'json', '--no-cache'], { cwd: repo, encoding: 'utf8', env: { ...process.env, FLOE_CACHE_DIR: path.join(dir, '.cache'), DBT_PROFILES_DIR: dir } });
  assert.ok(r.stdout.startsWith('{'), r.stderr);
  const report = JSON.parse(r.stdout) as { diagnostics: Array<{ file: string; severity: string; message: string }> };
  return report.diagnostics.map((d) => `${d.file} ${d.severity} ${d.message.split('\n')[0]}`);
}

test("a column a source's YAML does not list is a hint; a table that is not in FROM stays an error (eighth corpus)", () => {
  assert.deepEqual(checkFiles({
    'models/src.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: events\n        columns:\n          - name: id\n            data_type: bigint\n',
    'models/hint.sql': "select e.id, e.kind from {{ source('raw', 'events') }} e\n",
    'models/wrong.sql': "select e.id, phenotype.kind from {{ source('raw', 'events') }} e\n",
  }), [
    "models/hint.sql info 'e' has no column 'kind'. Did you mean 'id'?",
    "models/wrong.sql error 'phenotype' is not a relation or alias in the FROM clause of this query.",
  ]);
});

test("ninth corpus: a disabled draft <model>_v1.sql does not shadow the latest version's <model>.sql (dbt looks for an enabled file first)", () => {
  const versions = 'version: 2\nmodels:\n  - name: dim\n    latest_version: 1\n    versions:\n      - v: 1\n    columns:\n      - name: id\n';
  const files = {
    'dbt_project.yml': "name: y\nversion: '1.0.0'\nconfig-version: 2\nprofile: y\nmodel-paths: ['models']\nmodels:\n  y:\n    drafts:\n      +enabled: false\n",
    'models/dim.sql': 'select 1 as id\n',
    'models/drafts/dim_v1.sql': 'select 2 as id\n',
    'models/dim.yml': versions,
    'models/fact.sql': "select id from {{ ref('dim') }}\n",
    'models/fact.yml': "version: 2\nmodels:\n  - name: fact\n    columns:\n      - name: id\n        data_tests:\n          - relationships:\n              to: ref('dim')\n              field: id\n",
  };
  assert.deepEqual(checkFiles(files), []);
});

test("tenth corpus: config(enabled=(project_name == '<root>')) is on, in the root project and in a package (project_name is the root project's name)", () => {
  const files = {
    'dbt_packages/pkg/dbt_project.yml': "name: pkg\nversion: '1.0.0'\nconfig-version: 2\nmodel-paths: ['models']\n",
    'dbt_packages/pkg/models/pkg_model.sql': "{{ config(enabled=(project_name == 'y')) }}\nselect 1 as id\n",
    'models/gated.sql': "{{\n  config(\n    materialized = 'view',\n    enabled=(project_name == 'y'),\n  )\n}}\nselect 2 as id\n",
    'models/fact.sql': "select g.id from {{ ref('gated') }} g join {{ ref('pkg_model') }} p using (id)\n",
  };
  assert.deepEqual(checkFiles(files), []);
});

test("tenth corpus: a binder finding in a model of the project's own materialization is a warning (it may rewrite the SQL, as insert_by_period fills __PERIOD_FILTER__)", () => {
  const files = {
    'macros/by_period.sql': "{% materialization by_period, default %}\n  {%- set sql = sql.replace('__PERIOD_FILTER__', 'true') -%}\n  {% call statement('main') %}{{ sql }}{% endcall %}\n  {{ return({'relations': [this]}) }}\n{% endmaterialization %}\n",
    'models/base.sql': 'select 1 as id\n',
    'models/periodic.sql': "{{ config(materialized='by_period') }}\nselect * from {{ ref('base') }} where __PERIOD_FILTER__\n",
    'models/plain.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('base') }} where __PERIOD_FILTER__\n",
  };
  assert.deepEqual(checkFiles(files), [
    "models/periodic.sql warning Column '__PERIOD_FILTER__' is not in the relations this query reads.",
    "models/plain.sql error Column '__PERIOD_FILTER__' is not in the relations this query reads.",
  ]);
});

test('check --vars gives the models vars as dbt does, and a check with vars is never replayed for one without', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'floe-check-vars-'));
  writeFileSync(path.join(dir, 'dbt_project.yml'), "name: v\nversion: '1.0.0'\nconfig-version: 2\nprofile: v\nmodel-paths: ['models']\n");
  writeFileSync(path.join(dir, 'profiles.yml'), 'v:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n');
  mkdirSync(path.join(dir, 'models'));
  writeFileSync(path.join(dir, 'models/m.sql'), "select date '{{ var(\"start_date\") }}' as d\n");
  const env = { ...process.env, FLOE_CACHE_DIR: path.join(dir, '.cache'), DBT_PROFILES_DIR: dir };
  const check = (...extra: string[]) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'server/src/cli/main.ts'), 'check', dir, '--format', 'json', ...extra], { cwd: repo, encoding: 'utf8', env });
    return { code: r.status, codes: (JSON.parse(r.stdout || '{"diagnostics":[]}') as { diagnostics: Array<{ code: string }> }).diagnostics.map((d) => d.code), err: r.stderr };
  };
  const without = check();
  assert.equal(without.code, 1, without.err);
  assert.ok(without.codes.length > 0, 'the var is missing without --vars');
  const withVars = check('--vars', '{start_date: 2024-01-01}');
  assert.deepEqual([withVars.code, withVars.codes], [0, []], withVars.err);
  assert.deepEqual(check().codes, without.codes, 'a kept report without vars still answers a check without vars');
  assert.deepEqual(check('--vars={"start_date": "2024-01-01"}').codes, [], 'and never one with them');
  const bad = check('--vars', '[1, 2]');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--vars must be a YAML mapping/);
});

test('check finds every error of a model however long binding it takes: its report does not depend on the machine\'s load', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'floe-check-budget-'));
  writeFileSync(path.join(dir, 'dbt_project.yml'), "name: b\nversion: '1.0.0'\nconfig-version: 2\nprofile: b\nmodel-paths: ['models']\n");
  writeFileSync(path.join(dir, 'profiles.yml'), 'b:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n');
  mkdirSync(path.join(dir, 'models'));
  const columns = Array.from({ length: 100 }, (_, i) => `          - {name: order_id${i}, data_type: integer}`).join('\n');
  writeFileSync(path.join(dir, 'models/sources.yml'), `version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n        columns:\n${columns}\n`);
  // 1,000 CTEs, every 100th reading a column that does not exist: binding each CTE on its own takes seconds, past
  // the editor's one-second budget per model
  const ctes = Array.from({ length: 1000 }, (_, i) => `c${i} as (select order_id${i % 100}${i % 100 === 0 ? 'x' : ''} from {{ source('raw', 'orders') }})`);
  writeFileSync(path.join(dir, 'models/m.sql'), `with ${ctes.join(',\n')}\nselect * from c0\n`);
  const env = { ...process.env, FLOE_CACHE_DIR: path.join(dir, '.cache'), DBT_PROFILES_DIR: dir };
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'server/src/cli/main.ts'), 'check', dir, '--format', 'json', '--no-cache'], { cwd: repo, encoding: 'utf8', env });
  const diagnostics = (JSON.parse(r.stdout || '{"diagnostics":[]}') as { diagnostics: Array<{ code: string; message: string; severity: string }> }).diagnostics;
  assert.deepEqual(diagnostics.filter((d) => /Not checked/.test(d.message)), [], r.stderr);
  assert.equal(diagnostics.filter((d) => d.code === 'sql-binder' && /order_id0x/.test(d.message)).length, 10, JSON.stringify(diagnostics.map((d) => d.message)));
});

test('check that cannot load DuckDB fails and says the models were not bound, rather than passing unchecked', () => {
  // the built CLI copied where DuckDB's package cannot be found: its native library does not load
  const dir = mkdtempSync(path.join(tmpdir(), 'floe-noduck-'));
  cpSync(path.join(repo, 'dist'), path.join(dir, 'dist'), { recursive: true });
  const run = (...args: string[]) => spawnSync(process.execPath, [path.join(dir, 'dist/cli.js'), 'check', path.join(fixtures, 'lakehouse'), '--format', 'json', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: dir, FLOE_CACHE_DIR: path.join(dir, 'cache') } });
  const r = run();
  assert.equal(r.status, 1, r.stderr);
  const report = JSON.parse(r.stdout) as { diagnostics: Array<{ file: string; severity: string; code: string; message: string }> };
  assert.deepEqual(report.diagnostics.map((d) => [d.file, d.severity, d.code]), [['dbt_project.yml', 'error', 'bind-unavailable']]);
  assert.match(report.diagnostics[0].message, /not bound.*--no-bind/);
  const unbound = run('--no-bind');
  assert.equal(unbound.status, 0, unbound.stderr);
  assert.deepEqual(JSON.parse(unbound.stdout).diagnostics, []);
});
