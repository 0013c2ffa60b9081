// Which statements of a project's on-run-start hooks binding runs (sql/hookPrelude.ts, project/runStartHooks.ts): only
// definitions that read no data (types, macros, functions, sequences), made TEMP, in dbt's hook order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definitionStatements } from '../../server/src/sql/hookPrelude';
import { bindKey } from '../../server/src/sql/bindCache';
import { runStartDefinitions } from '../../server/src/project/runStartHooks';
import { makeProject, file } from '../helpers/projectTexts';
import { DbtProject } from '../../server/src/project/project';

/** The statements run, as run. */
function check(sql: string, expected: string[]) {
  assert.deepEqual(definitionStatements(sql).map((s) => s.sql), expected, sql);
}

test('types, macros, functions and sequences are made temporary; OR REPLACE and IF NOT EXISTS kept', () => {
  check("CREATE TYPE mood AS ENUM ('sad', 'ok')", ["CREATE TEMP TYPE mood AS ENUM ('sad', 'ok')"]);
  check("create type if not exists mood as enum ('a')", ["create TEMP type if not exists mood as enum ('a')"]);
  check('create or replace macro cents(x) as x / 100', ['create or replace TEMP macro cents(x) as x / 100']);
  check('CREATE OR REPLACE FUNCTION f(a, b := 2) AS a + b', ['CREATE OR REPLACE TEMP FUNCTION f(a, b := 2) AS a + b']);
  check('create macro main.t(n) as table select * from range(n)', ['create TEMP macro main.t(n) as table select * from range(n)']);
  check('CREATE SEQUENCE ids START 1', ['CREATE TEMP SEQUENCE ids START 1']);
});

test('statements already temporary run as written', () => {
  check('CREATE TEMP MACRO m(x) AS x', ['CREATE TEMP MACRO m(x) AS x']);
  check('create or replace temporary macro m(x) as x', ['create or replace temporary macro m(x) as x']);
});

test('statements that read or write data, or make relations, schemas or attachments, are left out', () => {
  check(
    [
      'CREATE SCHEMA IF NOT EXISTS audit',
      'CREATE TABLE audit.runs (at timestamp)',
      'CREATE OR REPLACE VIEW v AS SELECT 1',
      'CREATE TEMP TABLE t AS SELECT 1',
      "INSERT INTO audit.runs VALUES (now())",
      "ATTACH 'x.db' AS x",
      'INSTALL spatial',
      'LOAD spatial',
      "SET timezone = 'UTC'",
      'DROP TYPE mood',
      'SELECT 1',
      'create index i on t (a)',
    ].join(';\n'),
    [],
  );
});

test('several statements in one hook: each chosen alone, with its offsets in the rendered SQL', () => {
  const sql = "create schema s;\n-- the status type\ncreate type status as enum ('a'); insert into t values (1);\ncreate macro m(x) as x;";
  const chosen = definitionStatements(sql);
  assert.deepEqual(chosen.map((s) => s.sql), ["create TEMP type status as enum ('a')", 'create TEMP macro m(x) as x']);
  assert.deepEqual(chosen.map((s) => sql.slice(s.start, s.end)), ["create type status as enum ('a')", 'create macro m(x) as x']);
  // a ';' inside a string or comment splits nothing
  check("create macro semi() as ';' -- ; not an end\n", ["create TEMP macro semi() as ';'"]);
});

const hooksProject = (yaml: string, extra: Record<string, string> = {}) =>
  makeProject({ 'dbt_project.yml': `name: shop\nprofile: shop\nvars:\n  statuses: [a, b]\n${yaml}`, ...extra });

test('hooks are rendered as dbt renders them: vars, target and the project macros', () => {
  const project = hooksProject(
    'on-run-start:\n  - "create type status as enum ({% for s in var(\'statuses\') %}\'{{ s }}\'{{ \', \' if not loop.last }}{% endfor %})"\n  - "{{ define_macros() }}"\n  - "create schema if not exists {{ target.schema }}_audit"\n',
    { 'macros/define.sql': '{% macro define_macros() %}create or replace macro {{ target.schema }}.half(x) as x / 2{% endmacro %}\n' },
  );
  const defs = runStartDefinitions(project);
  assert.deepEqual(defs.map((d) => d.sql), ["create TEMP type status as enum ('a', 'b')", 'create or replace TEMP macro main.half(x) as x / 2']);
  const text = project.entry(file('dbt_project.yml'))!.text;
  // each at its hook's value in dbt_project.yml
  assert.ok(text.slice(defs[0].start, defs[0].end).startsWith('"create type status'));
  assert.equal(text.slice(defs[1].start, defs[1].end), '"{{ define_macros() }}"');
  assert.ok(defs.every((d) => d.root && d.file === file('dbt_project.yml')));
});

test('one hook as a plain string; a hook that does not render is left out; none without DuckDB', () => {
  assert.deepEqual(runStartDefinitions(hooksProject('on-run-start: "create macro one() as 1"\n')).map((d) => d.sql), ['create TEMP macro one() as 1']);
  assert.deepEqual(runStartDefinitions(hooksProject('on-run-start: ["{{ no_such_macro() }}", "create macro one() as 1"]\n')).map((d) => d.sql), ['create TEMP macro one() as 1']);
  const postgres = makeProject({
    'dbt_project.yml': 'name: shop\nprofile: shop\non-run-start: "create type t as enum (\'a\')"\n',
    'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: postgres\n      host: h\n      user: u\n      password: p\n      port: 5432\n      dbname: d\n      schema: s\n',
  });
  assert.deepEqual(runStartDefinitions(postgres), []);
});

test("packages' hooks run first (by package name) and the root project's last, as dbt orders them", () => {
  const project = DbtProject.fromTexts('/virtual/shop', {
    'dbt_project.yml': 'name: shop\nprofile: shop\non-run-start: "create or replace macro who() as \'root\'"\n',
    'profiles.yml': "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n",
    'dbt_packages/zeta/dbt_project.yml': "name: zeta\non-run-start: \"create or replace macro who() as 'zeta'\"\n",
    'dbt_packages/alpha/dbt_project.yml': "name: alpha\non-run-start: \"create or replace macro who() as 'alpha'\"\n",
  });
  const defs = runStartDefinitions(project);
  assert.deepEqual(defs.map((d) => d.written), ["create or replace macro who() as 'alpha'", "create or replace macro who() as 'zeta'", "create or replace macro who() as 'root'"]);
  assert.deepEqual(defs.map((d) => d.root), [false, false, true]);
});

test('the hook definitions are part of a bind\'s cache key; none leaves the key as before', () => {
  const up = [{ name: 'orders', columns: [{ name: 'id', type: 'BIGINT' }] }];
  const key = (prelude?: string[]) => bindKey('duckdb 1', 'select 1', up, prelude);
  assert.equal(key([]), key());
  assert.notEqual(key(["CREATE TEMP TYPE t AS ENUM ('a')"]), key());
  assert.notEqual(key(["CREATE TEMP TYPE t AS ENUM ('a')"]), key(["CREATE TEMP TYPE t AS ENUM ('a', 'b')"]));
});

test("SQL a hook's macro hands run_query() runs too, before what the hook renders to", () => {
  const project = hooksProject('on-run-start: "{{ make_udfs() }}create macro after() as 2"\n', {
    'macros/udfs.sql': "{% macro make_udfs() %}{% set sql %}create schema if not exists util; create or replace macro first() as 1{% endset %}{% do run_query(sql) %}{% do run_query(sql='create type t as enum (\\'a\\')') %}{% endmacro %}\n",
  });
  assert.deepEqual(runStartDefinitions(project).map((d) => d.sql), ['create or replace TEMP macro first() as 1', "create TEMP type t as enum ('a')", 'create TEMP macro after() as 2']);
});

test('hooks render with execute true, as dbt renders them when the run starts; one reading query rows is left out', () => {
  const project = hooksProject('on-run-start:\n  - "{{ guarded() }}"\n  - "{{ from_rows() }}"\n', {
    'macros/guarded.sql': "{% macro guarded() %}{% if execute %}{% do run_query('create macro guarded() as 1') %}{% endif %}{% endmacro %}\n{% macro from_rows() %}{% set r = run_query('select 1') %}{% if execute %}create type t as enum ({{ r.columns[0].values() | join(', ') }}){% endif %}{% endmacro %}\n",
  });
  assert.deepEqual(runStartDefinitions(project).map((d) => d.sql), ['create TEMP macro guarded() as 1']);
});
