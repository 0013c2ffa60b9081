// What `floe compile` writes, and what it cannot write as dbt does, said to the user: a model whose SQL renders empty
// without a database (`{% if execute %}` blocks, run_query/statement results) is a warning naming its file, and the
// Python models a selection holds are skipped with a note naming them. Snapshots, analyses and data tests are
// compiled as dbt writes them, YAML snapshots too (dbt 1.9's `select * from {{ relation }}`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runFloe } from '../helpers/floe-cli';
import { writeTempProject } from '../helpers/demo-copy';

let dir: string;
const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: notes\nprofile: notes\n',
  'profiles.yml': 'notes:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: notes.duckdb\n',
  'models/plain.sql': 'select 1 as id\n',
  'models/only_when_executing.sql': "{% if execute %}\nselect * from {{ ref('plain') }}\n{% endif %}\n",
  'models/from_query.sql': "{% set rows = run_query('select 1') %}\n{% for r in rows %}select {{ r[0] }} as x{% endfor %}\n",
  'models/scored.py': "def model(dbt, session):\n    return dbt.ref('plain')\n",
  'models/scored_again.py': "def model(dbt, session):\n    return dbt.ref('scored')\n",
};
const floe = (...args: string[]) => runFloe(['compile', '--project-dir', dir, '--profiles-dir', dir, ...args]);

before(() => { dir = writeTempProject('floe-compile-notes-', FILES); });
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('floe compile warns of each model that rendered no SQL and notes the Python models it skipped, exit 0', async () => {
  const r = await floe();
  assert.equal(r.code, 0, r.out + r.err);
  assert.deepEqual(r.err.trim().split('\n').sort(), [
    'floe compile: note: skipped 2 Python models (Floe compiles SQL models only; dbt compiles these): scored, scored_again',
    "models/from_query.sql: warning: rendered no SQL, so its compiled file is empty: Floe's compile queries no database, so run_query and statement return nothing (dbt compile's do not)",
    "models/only_when_executing.sql: warning: rendered no SQL, so its compiled file is empty: it reads `execute`, which Floe's compile leaves false, as it queries no database (dbt compile does)",
  ]);
  // what compiled is written as before; nothing but the written files on stdout
  assert.equal(fs.readFileSync(path.join(dir, 'target/compiled/notes/models/plain.sql'), 'utf8'), 'select 1 as id');
  assert.deepEqual(r.out.trim().split('\n').map((l) => l.split(' ')[0]), ['compiled', 'compiled', 'compiled']);
});

test('one selected model: its (empty) SQL on stdout, the warning on stderr; --log-format json gives it as a warn event', async () => {
  const one = await floe('-s', 'only_when_executing');
  assert.equal(one.code, 0, one.err);
  assert.equal(one.out, '\n');
  assert.match(one.err, /^models\/only_when_executing\.sql: warning: rendered no SQL/);
  const json = await floe('-s', 'only_when_executing', 'scored', '--log-format', 'json');
  assert.equal(json.code, 0, json.err);
  const events = json.out.trim().split('\n').map((l) => JSON.parse(l).info);
  assert.deepEqual(events.filter((e) => e.level === 'warn').map((e) => e.msg.split(':')[0]), ['models/only_when_executing.sql']);
  assert.ok(events.some((e) => e.name === 'Note' && /^skipped 1 Python model .*: scored$/.test(e.msg)), json.out);
});

test('snapshots (YAML ones too), analyses and data tests compile where dbt writes them', async () => {
  const extra: Record<string, string> = {
    'snapshots/snp_plain.sql': "{% snapshot snp_plain %}\n{{ config(unique_key='id', strategy='check', check_cols='all', target_schema='snap') }}\nselect * from {{ ref('plain') }}\n{% endsnapshot %}\n",
    'snapshots/snp_yaml.yml': "snapshots:\n  - name: snp_yaml\n    relation: ref('plain')\n    config:\n      unique_key: id\n      strategy: check\n      check_cols: all\n",
    // one on a source, in a YAML file of the models folder (dbt reads `snapshots:` in any YAML of a resource folder)
    'models/staging/shop.yml': "sources:\n  - name: shop\n    tables:\n      - name: orders\nsnapshots:\n  - name: snp_orders\n    relation: source('shop', 'orders')\n    config:\n      unique_key: id\n      strategy: timestamp\n      updated_at: updated_at\n",
    'analyses/adhoc.sql': "select count(*) from {{ ref('plain') }}\n",
    'tests/assert_none_negative.sql': "select * from {{ ref('plain') }} where id < 0\n",
    'models/schema.yml': 'models:\n  - name: plain\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
    // an installed package's model: dbt writes it under compiled/<package>/ by its path in the package
    'dbt_packages/pk/dbt_project.yml': 'name: pk\n',
    'dbt_packages/pk/models/staging/pk_model.sql': 'select 2 as id\n',
  };
  const project = fs.readFileSync(path.join(dir, 'dbt_project.yml'), 'utf8');
  fs.writeFileSync(path.join(dir, 'dbt_project.yml'), `${project}analysis-paths: ["analyses"]\n`);
  for (const [file, text] of Object.entries(extra)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  const compiled = (rel: string) => fs.readFileSync(path.join(dir, 'target/compiled', rel), 'utf8');
  try {
    const snapshot = await floe('-s', 'snp_plain');
    assert.equal(snapshot.code, 0, snapshot.err);
    assert.equal(snapshot.err, '');
    assert.equal(snapshot.out, '\n\nselect * from "notes"."main"."plain"\n', 'one node: its SQL printed');
    assert.equal(compiled('notes/snapshots/snp_plain.sql'), '\n\nselect * from "notes"."main"."plain"\n');
    const all = await floe('-s', 'adhoc', 'assert_none_negative', 'pk_model', 'snp_yaml', 'snp_orders');
    assert.equal(all.code, 0, all.err);
    assert.equal(compiled('notes/analyses/adhoc.sql'), 'select count(*) from "notes"."main"."plain"');
    assert.equal(compiled('notes/tests/assert_none_negative.sql'), 'select * from "notes"."main"."plain" where id < 0');
    assert.equal(compiled('pk/models/staging/pk_model.sql'), 'select 2 as id');
    assert.equal(all.err, '');
    // a YAML snapshot: under its YAML file's path, then its own (the YAML's path in its folder, then its name), as dbt
    assert.equal(compiled('notes/snapshots/snp_yaml.yml/snp_yaml.yml/snp_yaml.sql'), 'select * from "notes"."main"."plain"');
    assert.equal(compiled('notes/models/staging/shop.yml/staging/shop.yml/snp_orders.sql'), 'select * from "notes"."shop"."orders"');
    // the manifest has their compiled code, and a package node's paths are relative to its package, as dbt writes them
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'target/manifest.json'), 'utf8'));
    assert.equal(manifest.nodes['analysis.notes.adhoc'].compiled_code, 'select count(*) from "notes"."main"."plain"');
    assert.equal(manifest.nodes['test.notes.assert_none_negative'].compiled_code, 'select * from "notes"."main"."plain" where id < 0');
    const snp = manifest.nodes['snapshot.notes.snp_orders'];
    assert.deepEqual([snp.path, snp.original_file_path, snp.raw_code, snp.compiled_code],
      ['staging/shop.yml/snp_orders.sql', 'models/staging/shop.yml', "select * from {{ source('shop', 'orders') }}", 'select * from "notes"."shop"."orders"']);
    // one YAML snapshot selected: its SQL printed
    const one = await floe('-s', 'snp_yaml');
    assert.equal(one.code, 0, one.err);
    assert.equal(one.out, 'select * from "notes"."main"."plain"\n');
    const firstForm = await runFloe(['compile', dir, 'snp_orders']);
    assert.deepEqual([firstForm.code, firstForm.out, firstForm.err], [0, 'select * from "notes"."shop"."orders"\n', '']);
    assert.deepEqual([manifest.nodes['model.pk.pk_model'].original_file_path, manifest.nodes['model.pk.pk_model'].path], ['models/staging/pk_model.sql', 'staging/pk_model.sql']);
    // a generic test alone: written (compile-generic-tests.test.ts has their text), its file named
    const tests = await floe('-s', 'test_type:generic');
    assert.equal(tests.code, 0, tests.err);
    assert.match(tests.out, /^compiled not_null_plain_id → .*not_null_plain_id\.sql$/m);
    // a model's tests, selected with it (eagerly, as dbt does), are no news
    const model = await floe('-s', 'plain');
    assert.equal(model.code, 0, model.err);
    assert.equal(model.err, '');
  } finally {
    fs.writeFileSync(path.join(dir, 'dbt_project.yml'), project);
    for (const file of Object.keys(extra)) fs.rmSync(path.join(dir, file));
    fs.rmSync(path.join(dir, 'dbt_packages'), { recursive: true, force: true });
  }
});

test("a model whose query result is missing where it read `execute` (gitlab's get_query_results_as_dict(...).DATE[0]): a warning, not written, exit 0, as dbt compile has the rows", async () => {
  const files = {
    'macros/q.sql': "{% macro results_as_dict(query) %}{% set out = {} %}{% if execute %}{% do out.update({'DATE': ['2019-01-01']}) %}{% endif %}{{ return(out) }}{% endmacro %}",
    'models/first_date.sql': "{%- set first_ = results_as_dict('select 1') -%}\nselect '{{ first_.DATE[0] }}' as valid_from\n",
  };
  for (const [file, text] of Object.entries(files)) { fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true }); fs.writeFileSync(path.join(dir, file), text); }
  try {
    const r = await floe('-s', 'plain', 'first_date');
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.err, /^models\/first_date\.sql:\d+:\d+: warning: not compiled: 'dict object' has no attribute 'DATE', so 'first_\.DATE\[0\]' cannot be read: .* It reads `execute`, which Floe's compile leaves false, as it queries no database \(dbt compile does\)\.\n$/);
    assert.ok(!fs.existsSync(path.join(dir, 'target/compiled/notes/models/first_date.sql')));
    assert.ok(fs.existsSync(path.join(dir, 'target/compiled/notes/models/plain.sql')));
  } finally {
    for (const file of Object.keys(files)) fs.rmSync(path.join(dir, file));
  }
});

test("a singular test whose ref names no model: a warning, not written, exit 0, as dbt skips it (corpus 15's dbt-models-mert)", async () => {
  const file = path.join(dir, 'tests/assert_missing.sql');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "select * from {{ ref('no_such_model') }} where 1 = 0\n");
  try {
    const r = await floe('-s', 'plain', 'assert_missing');
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.err, /warning: test assert_missing \(tests\/assert_missing\.sql\): it depends on a node named 'no_such_model' which was not found; dbt skips it/);
    assert.ok(!fs.existsSync(path.join(dir, 'target/compiled/notes/tests/assert_missing.sql')));
    assert.ok(fs.existsSync(path.join(dir, 'target/compiled/notes/models/plain.sql')));
  } finally {
    fs.rmSync(file);
  }
});
