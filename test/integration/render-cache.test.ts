// Renders kept on disk: served only while everything a render may see is unchanged. Kept entries are marked on disk
// so a test can tell a served render from a fresh one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DbtProject } from '../../server/src/project/project';
import { compileModel } from '../../server/src/project/compile';
import { DiskRenderCache, keepRendersOnDisk } from '../../server/src/project/renderCache';
import { parseVars } from '../../server/src/cli/dbt-args';

const MARK = '/* served from disk */ ';
const ROOT = '/virtual/render-cache-project';

const base: Record<string, string> = {
  'dbt_project.yml': "name: shop\nversion: '1'\nprofile: shop\nvars:\n  region: eu\n",
  'macros/cents.sql': '{% macro cents(c) %}{{ c }} * 100{% endmacro %}\n',
  'models/a.sql': "select 1 as id, '{{ env_var('FLOE_TEST_REGION', 'none') }}' as region\n",
  'models/b.sql': "select id, {{ cents('id') }} as c, '{{ var('region') }}' as r from {{ ref('a') }}\n",
  'models/c.sql': 'select 1 as x\n',
  'models/d.sql': "select * from {{ ref('c') }}\n",
  'models/e.sql': "select amount from {{ source('raw', 'payments') }}\n",
  // config values built in Jinja are safe strings there; dbt's Python sees str, and so is the render kept
  'models/f.sql': "{% set p = ('x >= ' ~ 1) | safe %}{{ config(incremental_predicates=[p]) }}select 1 as x\n",
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: payments\n        columns:\n          - name: amount\n            data_type: double\n',
};
const MODELS = ['a', 'b', 'c', 'd', 'e', 'f'];

/** Compiles every model with renders kept in `dir`; returns each model's SQL. */
function compileAll(dir: string, texts: Record<string, string>, vars?: Record<string, unknown>): Record<string, string> {
  const project = DbtProject.fromTexts(ROOT, texts);
  if (vars) project.setCommandLineVars(vars);
  const cache = DiskRenderCache.read(project.root, dir);
  keepRendersOnDisk(project, cache);
  const out = Object.fromEntries(MODELS.map((m) => [m, compileModel(project, path.join(ROOT, `models/${m}.sql`)).sql]));
  cache.flush();
  return out;
}

/** Marks every kept render's SQL, so serving one shows. */
function markKept(dir: string): void {
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
      const [key, kept] = JSON.parse(line);
      return JSON.stringify([key, { ...kept, sql: MARK + kept.sql }]);
    });
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
  }
}

function served(sqls: Record<string, string>): string[] {
  return MODELS.filter((m) => sqls[m].startsWith(MARK));
}

function withEnv<T>(name: string, value: string | undefined, run: () => T): T {
  const before = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
  try {
    return run();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

function keptDir(texts = base): { dir: string; fresh: Record<string, string> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-render-cache-'));
  const fresh = withEnv('FLOE_TEST_REGION', 'secret-region-value', () => compileAll(dir, texts));
  markKept(dir);
  return { dir, fresh };
}

test('an unchanged project is served from disk, byte for byte what a render gives, with sources and refs found again', () => {
  const { dir, fresh } = keptDir();
  assert.match(fresh.a, /secret-region-value/);
  // the render's SQL has the value (as dbt's target/compiled does); the record of what it read keeps only a hash
  const records = fs.readdirSync(dir).flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)[1].env));
  assert.deepEqual(records.filter((r) => 'FLOE_TEST_REGION' in r).length, 1);
  assert.ok(!JSON.stringify(records).includes('secret-region-value'), 'env values are never written as they are');
  const again = withEnv('FLOE_TEST_REGION', 'secret-region-value', () => compileAll(dir, base));
  assert.deepEqual(served(again), MODELS);
  for (const m of MODELS) assert.equal(again[m], MARK + fresh[m]);
  const project = DbtProject.fromTexts(ROOT, base);
  keepRendersOnDisk(project, DiskRenderCache.read(project.root, dir));
  const e = withEnv('FLOE_TEST_REGION', 'secret-region-value', () => compileModel(project, path.join(ROOT, 'models/e.sql')));
  assert.ok(e.sql.startsWith(MARK));
  assert.deepEqual(e.upstream.map((u) => [u.kind, u.name, u.columns?.map((c) => c.name)]), [['source', 'raw.payments', ['amount']]]);
  const f = compileModel(project, path.join(ROOT, 'models/f.sql'));
  assert.ok(f.sql.startsWith(MARK));
  assert.deepEqual(f.config.incremental_predicates, ['x >= 1']);
});

test('what a render may see, changed, renders again: macros, the model, env vars it read, vars, nodes turned off', () => {
  const { dir } = keptDir();
  const region = (v: string | undefined, texts = base, vars?: Record<string, unknown>) => withEnv('FLOE_TEST_REGION', v, () => compileAll(dir, texts, vars));
  // env var read by a only
  const env = region('elsewhere');
  assert.deepEqual(served(env), ['b', 'c', 'd', 'e', 'f']);
  assert.match(env.a, /elsewhere/);
  // a macro
  const macro = region('secret-region-value', { ...base, 'macros/cents.sql': '{% macro cents(c) %}{{ c }} * 1000{% endmacro %}\n' });
  assert.deepEqual(served(macro), []);
  assert.match(macro.b, /id \* 1000/);
  // one model's own text
  const own = region('secret-region-value', { ...base, 'models/c.sql': 'select 2 as x\n' });
  assert.deepEqual(served(own), ['a', 'b', 'd', 'e', 'f']);
  // vars from the command line
  const vars = region('secret-region-value', base, { region: 'us' });
  assert.deepEqual(served(vars), []);
  assert.match(vars.b, /'us' as r/);
  // the same var given as 1 and as 1.0: one JSON apart, they print 1 and 1.0
  assert.match(region('secret-region-value', base, parseVars('{region: 1}', '')).b, /'1' as r/);
  markKept(dir);
  const float = region('secret-region-value', base, parseVars('{region: 1.0}', ''));
  assert.equal(served(float).includes('b'), false);
  assert.match(float.b, /'1\.0' as r/);
  // the same with a key: {1: x}, {1.0: x} and {true: x} are one JSON apart, and print apart
  const keyed = (text: string) => region('secret-region-value', base, parseVars(`{region: ${text}}`, '')).b;
  assert.match(keyed('{1: x}'), /'\{1: 'x'\}' as r/);
  markKept(dir);
  assert.match(keyed('{1.0: x}'), /'\{1\.0: 'x'\}' as r/);
  markKept(dir);
  assert.match(keyed('{true: x}'), /'\{True: 'x'\}' as r/);
  // a model another one refs, turned off in its own file: every render may resolve refs differently
  const off = region('secret-region-value', { ...base, 'models/c.sql': "{{ config(enabled=false) }}\nselect 1 as x\n" });
  assert.equal(served(off).includes('d'), false);
  // a source's YAML
  const yaml = region('secret-region-value', { ...base, 'models/sources.yml': base['models/sources.yml'].replace('payments', 'refunds') });
  assert.deepEqual(served(yaml), []);
});

test("--vars differing only in the order of a mapping's integer-like keys render apart: a loop over them follows it", () => {
  const { dir } = keptDir();
  const texts = { ...base, 'models/b.sql': "select {% for k in var('region') %}{{ k }}{% if not loop.last %}, {% endif %}{% endfor %} as r\n" };
  const render = (text: string) => withEnv('FLOE_TEST_REGION', 'secret-region-value', () => compileAll(dir, texts, parseVars(text, ''))).b;
  assert.match(render("{region: {'2': a, '1': b}}"), /select 2, 1 as r/);
  markKept(dir);
  // JSON lists both mappings 1 first: the render kept for the other order must not be served
  const other = render("{region: {'1': b, '2': a}}");
  assert.equal(other.startsWith(MARK), false);
  assert.match(other, /select 1, 2 as r/);
});
