// dbt fidelity: one minimal case per cause of false diagnostics found on real projects (issue #12, R1-R14), each
// compiled and checked as `floe check` does, on in-memory projects. Expected SQL is what dbt (Jinja2) renders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { asDbtCompiled, compileModel, EDITOR_RENDER_SIZE, setRenderSizeLimit } from '../../server/src/project/compile';
import { fileDiagnostics, renderDiagnostics } from '../../server/src/features/diagnostics';
import { allDataTests, projectDataTests, skippedDataTests } from '../../server/src/project/dataTests';
import { projectUnitTests } from '../../server/src/project/unitTests';
import { parseProfiles, resolveTarget } from '../../server/src/project/profiles';
import { selectNodes } from '../../server/src/selection/select';
import { lineage } from '../../server/src/features/lineage';
import { buildManifest } from '../../server/src/artifacts/manifest';
import { artifactJson } from '../../server/src/artifacts/json';
import { newInvocation } from '../../server/src/artifacts/metadata';

const ROOT = '/fidelity';
const PROJECT = 'name: p\nconfig-version: 2\nprofile: p\n';

function project(files: Record<string, string>): DbtProject {
  return DbtProject.fromTexts(ROOT, { 'dbt_project.yml': PROJECT, ...files });
}

/** Every diagnostic (static and render) of every file, as `file code`. */
function diagnostics(p: DbtProject): string[] {
  const out: string[] = [];
  for (const file of [...p.files.keys()].sort()) {
    const ds = fileDiagnostics(p, file);
    if (p.entry(file)?.analysis && !p.isDisabled(file) && !ds.some((d) => d.severity === 'error')) ds.push(...renderDiagnostics(file, compileModel(p, file), ds));
    out.push(...ds.map((d) => `${file.slice(ROOT.length + 1)} ${d.code}: ${d.message}`));
  }
  return out;
}

/** Compiles models/m.sql in a project of `files` and compares the SQL; the project must check clean. */
function check(model: string, expected: string, files: Record<string, string> = {}) {
  const p = project({ 'models/m.sql': model, ...files });
  assert.deepEqual(diagnostics(p), []);
  const compiled = compileModel(p, `${ROOT}/models/m.sql`);
  assert.equal(compiled.problem, undefined, compiled.problem?.message);
  assert.equal(compiled.sql.trim(), expected);
}

test('R1: dbt built-in cross-database macros, global and dbt.-qualified, rendered for DuckDB', () => {
  check("select cast(a as {{ dbt.type_string() }}), {{ date_trunc('day', 'd') }}, {{ dbt.dateadd('day', 3, 'd') }}", "select cast(a as varchar), date_trunc('day', d), (d + cast(3 as bigint) * interval 1 day)");
  check("{{ dbt.datediff('a', 'b', 'day') }} {{ dbt.safe_cast('x', dbt.type_int()) }} {{ dbt.concat(['a', 'b']) }} {{ dbt.hash('x') }}",
    "(date_diff('day', a::timestamp, b::timestamp)) cast(x as integer) a || b md5(cast(x as varchar))");
  check("{{ dbt.split_part('s', \"','\", 2) }} {{ dbt.listagg('x') }} {{ dbt.any_value('x') }} {{ dbt.current_timestamp() }}",
    "split_part(s, ',', 2) string_agg(x, ',' ) any_value(x) now()");
});

test("R1: safe_cast fails on a bad value where the target's own does (dbt's default, dbt-duckdb's), and is NULL where it is (snowflake's try_cast)", () => {
  const profile = (adapter: string) => ({ 'profiles.yml': `p:\n  target: dev\n  outputs:\n    dev:\n      type: ${adapter}\n      schema: s\n` });
  for (const adapter of ['duckdb', 'postgres', 'redshift']) check("{{ dbt.safe_cast('x', 'integer') }}", 'cast(x as integer)', profile(adapter));
  for (const adapter of ['snowflake', 'bigquery', 'databricks', 'sqlserver']) check("{{ dbt.safe_cast('x', 'integer') }}", 'try_cast(x as integer)', profile(adapter));
});

test('R1: dateadd and datediff render as dbt-duckdb does, parenthesized, so datediff(second_date=dateadd(...)) casts the sum (tuva)', () => {
  check("{{ dbt.datediff('a', dbt.dateadd('day', 'n', 'b'), 'day') }} {{ dbt.dateadd('quarter', 1, 'd') }} {{ dbt.dateadd('WEEK', 2, 'd') }}",
    "(date_diff('day', a::timestamp, (b + cast(n as bigint) * interval 1 day)::timestamp)) (d + cast(1 as bigint) * 3 * interval 1 month) (d + cast(2 as bigint) * 7 * interval 1 day)");
  check("{{ dbt.datediff('a', 'b', 'week') }}",
    "((date_diff('day', a::timestamp, b::timestamp)) // 7 + case when date_part('dow', (a)::timestamp) <= date_part('dow', (b)::timestamp) then case when a <= b then 0 else -1 end else case when a <= b then 1 else 0 end end)");
});

test('R1: adapter.dispatch finds a project override through dispatch: search_order, and duckdb__ before default__', () => {
  const files = {
    'dbt_project.yml': `${PROJECT}dispatch:\n  - macro_namespace: dbt\n    search_order: ['p', 'dbt']\n`,
    'macros/over.sql': "{% macro default__type_string() %}text{% endmacro %}{% macro duckdb__hash(f) %}hash({{ f }}){% endmacro %}",
  };
  check('{{ dbt.type_string() }} {{ dbt.hash("x") }}', 'text hash(x)', files);
  check("{{ adapter.dispatch('hash', 'dbt')('y') }}", 'hash(y)', files);
});

test('R2: Jinja operators, tags and filters before a parenthesis are not macro calls', () => {
  check("{% if (var('a', true)) and (var('b', true)) %}x{% endif %}{{ 'a-b' | replace('-', '_') }}{% if 1 in (1, 2) %}y{% else %}{{ ('z') }}{% endif %}", 'xa_by');
});

test('R3: Jinja2 syntax: trailing commas, tuples, computed dict keys, Python methods, namespace, loop, do', () => {
  check("{{ config(materialized='table',) }}{{ [1, 2,] | length }} {{ (1, 2)[1] }} {% set k = 'a' %}{{ {k: 1}['a'] }}", '2 2 1');
  check("{{ ', '.join(['a', 'b']) }} {% for k, v in {'x': 1}.items() %}{{ k }}={{ v }}{% endfor %} {{ 'a,b'.split(',') | length }} {{ 'x'.upper() }} {{ '{}-{}'.format(1, 2) }}",
    'a, b x=1 2 X 1-2');
  check("{{ 'a-a-a'.replace('-', '_') }} {{ ' x '.strip() }} {{ 'ab'.startswith('a') }} {{ '%s=%d' % ('n', 3) }}", 'a_a_a x True n=3');
  check("{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }} {% set l = [] %}{% do l.append(1) %}{{ l }} {{ [1] + [2] }}",
    '3 [1] [1, 2]');
  check("{{ none }} {{ true }} {{ ['a', none] }} {{ {'k': 'v'} }}", "None True ['a', None] {'k': 'v'}");
});

test('R3: Python truth, splats, adjacent strings, backslash continuations, list and dict idioms of real packages', () => {
  check("{{ [] or 'empty' }} {{ 'x' if {} else 'y' }}{% if not [] %} ok{% endif %}{% macro e() %}{% endmacro %}{% if e() %} no{% endif %}", 'empty y ok');
  check("{% macro f(a, b) %}{{ a }}{{ b }}{% endmacro %}{% set args = ['1', '2'] %}{% set kw = {'a': 3, 'b': 4} %}{{ f(*args) }} {{ f(**kw) }}", '12 34');
  check("{{ ['a' 'b', 'c'] }} {{ 'x \\\ny' }}", "['ab', 'c'] x y");
  check("{% set l = [] %}{% for c in ['a', 'b'] %}{% set l = l.append(c) %}{% endfor %}{% do l.extend(['c']) %}{{ l }}", "['a', 'b', 'c']");
  check("{% set d = {} %}{% for c in [{'name': 'A'}] %}{% do d.update({c.name | lower: 1, 'x' ~ 'y': 2}) %}{% endfor %}{{ d }}", "{'a': 1, 'xy': 2}");
  check("{%+ if true +%} kept {%+ endif %}{% macro m() %}  Padded  {% endmacro %}|{{ m().strip() }}|", 'kept |Padded|'); // (check() trims the SQL's ends)
});

test('R3: datetime arithmetic, relations as dict keys, versioned models', () => {
  check("{{ (modules.datetime.datetime.now().replace(hour=6) - modules.datetime.timedelta(2)).isoformat() }} {{ (modules.datetime.date.today() - modules.datetime.timedelta(days=1)).strftime('%Y%m%d') }}",
    '2025-12-30T06:00:00.000000+00:00 20251231', { 'models/u.sql': 'select 1' });
  check("{% for rel, alias in {ref('u'): 'a'}.items() %}{{ rel.identifier }} {{ rel.metadata.type }} {{ alias }}{% endfor %}", 'u DuckDBRelation a', { 'models/u.sql': 'select 1' });
  check("select * from {{ ref('v') }}, {{ ref('v', version=1) }}", 'select * from "v_v2", "v_v1"', {
    'models/v_v1.sql': 'select 1', 'models/v_v2.sql': 'select 2', 'models/v.yml': 'version: 2\nmodels:\n  - name: v\n    versions:\n      - v: 1\n      - v: 2\n',
  });
});

test('R4: generic tests in tests/generic/ and {% test %} blocks inside macro files are found; the file still compiles', () => {
  const p = project({
    'models/m.sql': 'select 1 as x\n{{ helper() }}',
    'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: x\n        data_tests: [positive, in_macros]\n',
    'tests/generic/test_positive.sql': '{% test positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}',
    'macros/mixed.sql': '{% test in_macros(model, column_name) %}select 1{% endtest %}\n{% macro helper() %}-- ok{% endmacro %}',
  });
  assert.deepEqual(diagnostics(p), []);
  assert.equal(compileModel(p, `${ROOT}/models/m.sql`).sql, 'select 1 as x\n-- ok');
});

test("R5: a package's own vars apply to its models; the root project's vars win", () => {
  const p = project({
    'dbt_project.yml': `${PROJECT}vars:\n  shared: root\n  pkg:\n    scoped: from_root\n`,
    'dbt_packages/pkg/dbt_project.yml': 'name: pkg\nvars:\n  own: 42\n  shared: pkg\n  scoped: pkg\n',
    'dbt_packages/pkg/models/pm.sql': "select {{ var('own') }}, '{{ var('shared') }}', '{{ var('scoped') }}'",
  });
  assert.deepEqual(diagnostics(p), []);
  assert.equal(compileModel(p, `${ROOT}/dbt_packages/pkg/models/pm.sql`).sql, "select 42, 'root', 'from_root'");
});

test('R6: a var read only inside a branch is not required; one read unconditionally still is', () => {
  check("select 1\n{% if is_incremental() %}where x > {{ var('runtime_only') }}{% endif %}", 'select 1');
  const p = project({ 'models/m.sql': "select '{{ var('missing') }}'" });
  assert.deepEqual(diagnostics(p), ["models/m.sql unknown-var: Var 'missing' is not defined in dbt_project.yml vars and has no default."]);
});

test('R7: enabled computed in config() or set false in dbt_project.yml turns a model off', () => {
  const p = project({
    'dbt_project.yml': `${PROJECT}models:\n  p:\n    retired:\n      +enabled: false\n`,
    'models/a.sql': "{{ config(enabled=var('turn_on', false)) }}\nselect * from {{ ref('does_not_exist') }}",
    'models/retired/b.sql': "select * from {{ ref('nope') }}",
    'models/c.sql': "{{ config(enabled=var('turn_on', true)) }}\nselect * from {{ ref('nope') }}",
  });
  assert.deepEqual(diagnostics(p), ["models/c.sql unknown-ref: Model 'nope' not found."]);
  assert.equal(p.isDisabled(`${ROOT}/models/a.sql`), true);
  assert.deepEqual(p.modelNames(), ['c']);
});

test('R8: adapter-specific configs are accepted; a near-miss of a known key is only a warning', () => {
  check("{{ config(materialized='incremental', cluster_by=['x'], transient=false, labels={'a': 'b'}, partition_by={'field': 'd', 'data_type': 'date'}, incremental_strategy='insert_overwrite', snowflake_warehouse='w') }}select 1", 'select 1');
});

test('R9: run_started_at is a datetime; the true/false tests exist', () => {
  check("{{ run_started_at.year }} {{ run_started_at.strftime('%Y-%m') }} {{ run_started_at.isoformat()[:10] }}", '2026 2026-01 2026-01-01');
  check("{% if var('x', false) is not true %}a{% endif %}{% if false is false %}b{% endif %}{{ 1 is number }}", 'abTrue');
});

test('R11: return() ends a macro, and a macro calling another keeps its own value (same file and across files)', () => {
  const files = {
    'macros/m.sql': "{% macro inner_list() %}{{ return(['a', 'b']) }}{% endmacro %}{% macro outer() -%}{%- for x in inner_list() %}{{ x }}{% if not loop.last %},{% endif %}{% endfor -%}{%- endmacro %}",
    'macros/early.sql': "{% macro find_it(name) %}{% for x in ['a', 'b'] %}{% if x == name %}{{ return(x ~ '-found') }}{% endif %}{% endfor %}{{ exceptions.raise_compiler_error('not found: ' ~ name) }}{% endmacro %}",
    'macros/other.sql': '{% macro outer_other() %}{{ inner_list() | join("+") }}{% endmacro %}',
  };
  check("{{ outer() }} {{ find_it('a') }} {{ outer_other() }}", 'a,b a-found a+b', files);
  // A caller's variables survive an early return() of a macro defined in the same file.
  check("{{ keeps() }}", 'x:1', { 'macros/k.sql': "{% macro early(v) %}{% if v %}{{ return(v) }}{% endif %}{{ return('none') }}{% endmacro %}{% macro keeps() %}{% set l = ['x'] %}{% for i in [1] %}{% set r = early(i) %}{% do l.append(r) %}{% endfor %}{{ l | join(':') }}{% endmacro %}" });
  const p = project({ ...files, 'models/m.sql': "{{ find_it('zz') }}" });
  assert.deepEqual(diagnostics(p), ['models/m.sql jinja-render: not found: zz']);
});

test('R12: macros whose names start with _ are exported, unqualified and by package', () => {
  check("{{ _helper('a') }} {{ p._helper('b') }}", 'a! b!', { 'macros/u.sql': "{% macro _helper(x) %}{{ return(x ~ '!') }}{% endmacro %}" });
});

test('R13: Python models are nodes: refs to them resolve, their own refs are read; they are never rendered', () => {
  const p = project({
    'models/py_model.py': "def model(dbt, session):\n    dbt.config(materialized='table')\n    return dbt.ref('upstream')\n",
    'models/upstream.sql': 'select 1 as x',
    'models/m.sql': "select * from {{ ref('py_model') }}",
  });
  assert.deepEqual(diagnostics(p), []);
  assert.deepEqual([...p.dag.parents.get('py_model')!], ['upstream']);
  assert.match(compileModel(p, `${ROOT}/models/py_model.py`).problem!.message, /Python model/);
});

test('R14: YAML that PyYAML reads: flow lists indented under their key, duplicate keys (a warning, last wins)', () => {
  const p = project({
    'models/s.yml': 'version: 2\nsources:\n  - name: src\n    tables:\n      - name: t\n        columns:\n          - name: c\n            data_tests:\n              - accepted_values:\n                  values: [\n                    "a"\n                  ]\n',
    'models/d.yml': 'version: 2\nmodels:\n  - name: m\n    description: one\n    description: two\n',
    'models/commented_out.yml': '# version: 2\n\n# models:\n#   - name: gone\n',
    'models/m.sql': "select * from {{ source('src', 't') }}",
  });
  assert.deepEqual(diagnostics(p), ['models/d.yml yaml-duplicate-key: YAML: duplicate key; dbt keeps the last value']);
});

test('new projects (issue #12, second corpus): enabled rendered from dbt_project.yml Jinja; as_bool keeps its value in an expression', () => {
  const p = project({
    'dbt_project.yml': `${PROJECT}models:\n  p:\n    bigquery:\n      enabled: "{{ target.type == 'bigquery' | as_bool() }}"\n    default:\n      +enabled: "{{ target.type in ['duckdb', 'postgres'] | as_bool() }}"\n`,
    'models/bigquery/v.sql': 'select 1 as b',
    'models/default/v.sql': "{{ config(enabled=true and target.type in ['duckdb'] | as_bool()) }}select 1 as d",
    'models/m.sql': "select * from {{ ref('v') }}",
  });
  assert.deepEqual(diagnostics(p), []);
  assert.equal(p.isDisabled(`${ROOT}/models/bigquery/v.sql`), true);
  assert.equal(p.isDisabled(`${ROOT}/models/default/v.sql`), false);
});

test('survey 13 (jaffle-shop): a seed folder\'s enabled rendered from dbt_project.yml Jinja turns its seeds off, as dbt does', () => {
  const p = project({
    'dbt_project.yml': `${PROJECT}seeds:\n  p:\n    jaffle-data:\n      +enabled: "{{ var('load_source_data', false) }}"\n`,
    'seeds/jaffle-data/raw_orders.csv': 'id,amount\n1,2\n',
    'seeds/kept.csv': 'code\nA\n',
    'seeds/retired.csv': 'code\nB\n',
    'seeds/props.yml': 'seeds:\n  - name: retired\n    config:\n      enabled: "{{ false }}"\n',
    'models/m.sql': "select * from {{ ref('kept') }}",
  });
  assert.equal(p.isDisabled(`${ROOT}/seeds/jaffle-data/raw_orders.csv`), true);
  assert.equal(p.isDisabled(`${ROOT}/seeds/retired.csv`), true);
  assert.deepEqual(selectNodes(p, {}).nodes.filter((n) => n.resourceType === 'seed').map((n) => n.name), ['kept']);
  const on = DbtProject.fromTexts(ROOT, { 'dbt_project.yml': `${PROJECT}seeds:\n  p:\n    +enabled: "{{ var('load_source_data', false) }}"\nvars:\n  load_source_data: true\n`, 'seeds/raw_orders.csv': 'id\n1\n' });
  assert.equal(on.isDisabled(`${ROOT}/seeds/raw_orders.csv`), false);
});

test("new projects: a test key is read as dbt reads it ('pkg.name:' with a stray colon is pkg.name)", () => {
  const p = project({
    'models/m.sql': 'select 1 as x',
    'models/s.yml': "version: 2\nmodels:\n  - name: m\n    tests:\n      - 'unique:':\n          column_name: x\n    columns:\n      - name: x\n        tests: ['not_null:']\n",
  });
  assert.deepEqual(diagnostics(p), []);
  assert.deepEqual(projectDataTests(p).map((t) => t.kind).sort(), ['not_null', 'unique']);
});

test('new projects: Jinja2 expressions nunjucks lacked: chained inline if, empty and one-element tuples', () => {
  check("{% set t = 'pg' %}{{ f(k=1 if t == 'bq' else 2 if t == 'pg' else 3) }} {{ f(k=(), n=2,) }} {% for x in ('ab',) %}[{{ x }}]{% endfor %} {{ () | length }}",
    '2 0 [ab] 0', { 'macros/f.sql': '{% macro f(k, n=0) %}{{ k | length if k is iterable else k }}{% endmacro %}' });
});

test("new projects: a relation's table (and BigQuery's project/dataset); ~ prints as Jinja2 (undefined is '', none is None)", () => {
  check("{{ this.table ~ '_t' }} {{ this.dataset == this.schema }} {{ this.project == this.database }} {{ nothing ~ 'x' }} {{ none ~ 1 ~ [2] ~ true }}", 'm_t True True x None1[2]True');
});

test("new projects: 'a if c' without else is Undefined; join iterates strings and prints Python's str; Unicode spaces between tokens", () => {
  check("{% set x = [''] %}{% set d = [] if not x %}[{{ d | join(',') }}] {{ 'abc' | join('-') }} {{ d is none }} {{ d is defined }} {{ [none, 1, true] | join(',') }}", '[] a-b-c False False None,1,True');
  check('{{ config({"materialized": "view"\u2009,\u00a0"tags": ["a"]}) }}select 1', 'select 1');
});

test("new projects: YAML quoted scalars whose continuation lines are not indented (PyYAML reads them; values unchanged)", () => {
  const p = project({
    'models/m.sql': 'select 1 as id',
    'models/s.yml': "version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        description: \"Key of m. It is\n        at the grain of 'x' # not a comment\n        and y\"\n        data_tests: [unique]\n      - name: b\n        description: 'it''s\n      folded'\n",
  });
  assert.deepEqual(diagnostics(p), []);
  assert.equal(p.doc('m')?.columns?.[0].description, "Key of m. It is at the grain of 'x' # not a comment and y");
  assert.equal(p.doc('m')?.columns?.[1].description, "it's folded");
});

test("corpus 15: a quoted scalar in a flow list under `- key:` continues at column 0 (dbt-ga4's unit tests); PyYAML reads it", () => {
  const p = project({
    'models/m.sql': 'select 1 as id',
    'models/s.yml': "version: 2\nmodels:\n  - name: m\n    description: d\nunit_tests:\n  - name: t\n    model: m\n    given: []\n    expect:\n      rows:\n          - ids: ['struct(1 as a,\nfalse as b)', 'x\ny']\n",
  });
  assert.deepEqual(diagnostics(p), []);
  assert.equal(p.doc('m')?.description, 'd');
});

test("corpus 15: a model's schema config from dbt_project.yml that does not render (env var unset) is an error, as dbt's parse stops", () => {
  delete process.env.FLOE_S15_UNSET;
  const p = project({
    'dbt_project.yml': `${PROJECT}models:\n  p:\n    staging:\n      +schema: "{{ env_var('FLOE_S15_UNSET') }}"\n    marts:\n      +schema: "{{ env_var('FLOE_S15_UNSET', 'marts') }}"\n`,
    'models/staging/s.sql': 'select 1 as id',
    'models/marts/m.sql': "select * from {{ ref('s') }}",
  });
  assert.deepEqual(diagnostics(p), [
    "models/staging/s.sql jinja-render: The schema config '{{ env_var('FLOE_S15_UNSET') }}' of s does not render: Env var required but not provided: 'FLOE_S15_UNSET'. dbt stops when it parses this model.",
  ]);
});

test("new projects: set a, b = pair unpacks; the introspection built-ins are empty at compile time", () => {
  check("{% set a, b = ['x', 'y'] %}{{ b }}{{ a }} {% set c, d = m() %}{{ c }}-{{ d }} {{ get_column_schema_from_query('select 1') | length }} {{ get_columns_in_query('select 1') }}",
    'yx 1-2 0 []', { 'macros/m.sql': '{% macro m() %}{{ return([1, 2]) }}{% endmacro %}' });
});

test("new projects: dispatch follows the profile's adapter (and its parent), never recursing into the dispatcher itself", () => {
  const files = (adapter: string) => ({
    'profiles.yml': `p:\n  target: dev\n  outputs:\n    dev:\n      type: ${adapter}\n      schema: s\n`,
    'macros/f.sql': "{% macro f() %}{{ return(adapter.dispatch('f', 'p')()) }}{% endmacro %}{% macro postgres__f() %}pg{% endmacro %}{% macro spark__f() %}spark{% endmacro %}",
    'models/m.sql': 'select {{ f() }}',
  });
  const compiled = (adapter: string) => {
    const p = project(files(adapter));
    const c = compileModel(p, `${ROOT}/models/m.sql`);
    return c.problem?.message ?? c.sql;
  };
  assert.equal(compiled('postgres'), 'select pg');
  assert.equal(compiled('redshift'), 'select pg');
  assert.equal(compiled('databricks'), 'select spark');
  assert.match(compiled('duckdb'), /no macro 'duckdb__f' or 'default__f' in p/);
});

test("new projects: a string var's Jinja is rendered when var() reads it, as dbt does; Jinja2's unique filter", () => {
  const files = {
    'dbt_project.yml': `${PROJECT}vars:\n  refund_source: "{{ source('shop', 'refund') }}"\n  n: "{{ 1 + 1 }}"\n`,
    'models/src.yml': 'version: 2\nsources:\n  - name: shop\n    tables:\n      - name: refund\n',
  };
  const direct = compileModel(project({ 'models/m.sql': "select * from {{ source('shop', 'refund') }}", ...files }), `${ROOT}/models/m.sql`).sql;
  check("select * from {{ var('refund_source') }} -- {{ var('n') }}", `${direct} -- 2`, files);
  check("{{ ['a', 'B', 'b', 'A', 'c'] | unique | join(',') }} {{ ['a', 'A'] | unique(case_sensitive=true) | list | length }} {{ [{'n': 1}, {'n': 1}] | unique(attribute='n') | list | length }}", 'a,B,c 2 1');
});

test("new projects: tests of a disabled model are skipped; a test's unknown or disabled ref is dbt's warning, not an error", () => {
  const p = project({
    'models/retired.sql': "{{ config(enabled=false) }}select 1 as id",
    'models/m.sql': 'select 1 as id',
    'models/s.yml': "version: 2\nmodels:\n  - name: retired\n    columns:\n      - name: id\n        data_tests:\n          - relationships: {to: ref('nowhere'), field: id}\n  - name: m\n    columns:\n      - name: id\n        data_tests:\n          - relationships: {to: ref('retired'), field: id}\n",
    'tests/t.sql': "select * from {{ ref('gone') }}",
  });
  assert.deepEqual(diagnostics(p), [
    "models/s.yml unknown-ref: relationships: model 'retired' is disabled (enabled: false); dbt warns and skips this test.",
    "tests/t.sql unknown-ref: Model 'gone' not found; dbt warns and skips this test.",
  ]);
  assert.deepEqual(fileDiagnostics(p, `${ROOT}/tests/t.sql`).map((d) => d.severity), ['warning']);
});

test("eighth corpus: a singular test's ref made in a loop to a model that does not exist is dbt's warning, not an error", () => {
  const p = project({
    'models/silver_a.sql': 'select 1 as id',
    'models/m.sql': "{% for t in ['silver_a', 'silver_b'] %}select * from {{ ref(t) }}{% endfor %}",
    'tests/t.sql': "{% for t in ['silver_a', 'silver_b'] %}select * from {{ ref(t) }}{% if not loop.last %} union all {% endif %}{% endfor %}",
    'tests/s.sql': "{% for t in ['orders'] %}select * from {{ source('raw', t) }}{% endfor %}",
  });
  const of = (file: string) => { const ds = fileDiagnostics(p, file); return [...ds, ...renderDiagnostics(file, compileModel(p, file), ds)].map((d) => `${d.severity}: ${d.message}`); };
  assert.deepEqual(of(`${ROOT}/tests/t.sql`), ["warning: Model 'silver_b' not found (referenced by t); dbt warns and skips this test. Did you mean 'silver_a'?"]);
  assert.deepEqual(of(`${ROOT}/tests/s.sql`), ["warning: Source 'raw.orders' not found (referenced by s): declare it under sources: in a schema YAML file; dbt warns and skips this test."]);
  // a model's unknown ref stays dbt's compilation error
  assert.deepEqual(of(`${ROOT}/models/m.sql`), ["error: Model 'silver_b' not found (referenced by m). Did you mean 'silver_a'?"]);
});

test("new projects: a macro's output is a string (Markup is a str in Jinja2), not a mapping", () => {
  check("{{ m() is string }} {{ m() is mapping }} {{ m() is iterable }} {{ m() | length }}", 'True False True 1', { 'macros/m.sql': '{% macro m() %}x{% endmacro %}' });
});

test("new projects: '+' with an undefined operand is Jinja2's error, never 'undefined' written into SQL", () => {
  const p = project({ 'models/m.sql': "select '{{ missing_name + '_x' }}' as c" });
  const compiled = compileModel(p, `${ROOT}/models/m.sql`);
  assert.doesNotMatch(compiled.sql, /undefined/);
  assert.match(compiled.problem?.message ?? '', /'\+' with an undefined value/);
});

test('new projects: a test argument without parentheses (x is in seq, n is divisibleby 3)', () => {
  check("{% set a = ['x', 'y'] %}{{ 'x' is in a }} {{ 'z' is not in a }} {{ 6 is divisibleby 3 }} {{ 6 is divisibleby(4) }} {{ none is none }} {{ x is defined and true }} {{ false is sameas false }}",
    'True True True False True False True');
});

test('true errors are still reported at the right place, with a hint', () => {
  const p = project({ 'models/m.sql': "select * from {{ ref('nope') }} {{ dbt.no_such_macro() }}" });
  assert.deepEqual(diagnostics(p), [
    "models/m.sql unknown-ref: Model 'nope' not found.",
    "models/m.sql unknown-macro: Macro 'no_such_macro' is not one of dbt's built-in macros.",
  ]);
});

test('render errors name the construct and what to do; no JavaScript error text', () => {
  const p = project({ 'models/m.sql': "select {{ dbt_utilz.star('x') }}", 'models/n.sql': "{% set d = none %}select {{ d.columns }}" });
  const messages = diagnostics(p);
  assert.match(messages[0], /'dbt_utilz\.star' is not defined: no macro, package macro or dbt function has that name here/);
  assert.ok(messages.every((m) => !/undefined or falsey|Cannot read propert|TypeError/.test(m)), messages.join('\n'));
});

test("floe test says which declared tests it skips and why: disabled models'; a package's tests run (unit tests run: projectUnitTests)", () => {
  const p = project({
    'dbt_project.yml': `${PROJECT}models:\n  p:\n    retired:\n      +enabled: false\n`,
    'models/a.sql': 'select 1 as id',
    'models/retired/b.sql': 'select 1 as id',
    'models/s.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique]\n  - name: b\n    columns:\n      - name: id\n        data_tests: [not_null]\nunit_tests:\n- name: test_a\n  model: a\n',
    'dbt_packages/pkg/dbt_project.yml': 'name: pkg\n',
    'dbt_packages/pkg/models/pm.sql': 'select 1 as id',
    'dbt_packages/pkg/models/pm.yml': 'version: 2\nmodels:\n  - name: pm\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n',
  });
  assert.deepEqual(projectDataTests(p).map((t) => `${t.kind}(${t.subject}.${t.column})`), ['unique(a.id)']);
  assert.deepEqual(allDataTests(p).map((t) => `${t.packageName}: ${t.kind}(${t.subject}.${t.column})`), ['p: unique(a.id)', 'pkg: unique(pm.id)', 'pkg: not_null(pm.id)']);
  assert.deepEqual(skippedDataTests(p).map((x) => `${x.name}: ${x.reason}`), ['not_null(b.id): model b is disabled']);
  assert.deepEqual(projectUnitTests(p).map((t) => t.id), ['unit:a.test_a']);
});

test('more of dbt as real projects use it: context, builtins, p.0, nested braces in tags, max/min, copy, regexes, junk between macros', () => {
  check("{{ context['m']() }} {{ context.get('nope', 'd') }} {{ builtins.ref('u') }} {{ load_relation(ref('u')) }}", 'M d "u" None', { 'models/u.sql': 'select 1', 'macros/m.sql': '{% macro m() %}M{% endmacro %}' });
  check("{% set p = ('a', 'b') %}{{ p.1 }} {% set d = {} %}{% do d.update({'k': {}}) %}{{ d }} {{ [3, 1, 2] | max }} {{ [{'n': 2}, {'n': 5}] | min(attribute='n') }}", "b {'k': {}} 3 {'n': 2}");
  check("{% set a = {'x': 1} %}{% set b = a.copy() %}{% do b.update({'y': 2}) %}{{ a }} {{ 'x' in none }} {{ modules.re.sub('(?i)\\s+WITH', ' ', 'a  with b') }}", "{'x': 1} False a  b");
  check("{% set ns = namespace(sql='') %}{% set ns.sql %}select {{ 1 + 1 }}{% endset %}{% set plain %}p{% endset %}{{ ns.sql }} {{ plain }}", 'select 2 p');
  check("{{ one() }}{{ two() }}", '12', { 'macros/m.sql': '{% macro one() %}1{% endmacro %}\n{% ##### %}\n{% macro two() %}2{% endmacro %}' });
});

test("a query's result read where the template read `execute` (gitlab's get_query_results_as_dict(...).DATE[0]) is info, as dbt parses it leniently and compiles it with the rows; elsewhere still an error", () => {
  const p = project({
    // dbt_utils' get_query_results_as_dict: an empty dict until execute
    'macros/q.sql': "{% macro results_as_dict(query) %}{% set out = {} %}{% if execute %}{% do out.update({'DATE': ['2019-01-01']}) %}{% endif %}{{ return(out) }}{% endmacro %}",
    'models/first_date.sql': "{%- set first_ = results_as_dict('select min(d) as date from t') -%}\nselect '{{ first_.DATE[0] }}' as valid_from",
    'models/no_query.sql': "{%- set first_ = {} -%}\nselect '{{ first_.DATE[0] }}' as valid_from",
  });
  const severities = (name: string) => {
    const file = `${ROOT}/models/${name}.sql`;
    return renderDiagnostics(file, compileModel(p, file), fileDiagnostics(p, file)).map((d) => `${d.severity} ${d.code}: ${d.message}`);
  };
  assert.deepEqual(severities('first_date'), ["info jinja-render: 'dict object' has no attribute 'DATE', so 'first_.DATE[0]' cannot be read: a var, config value or attribute this code expects is missing. (checked as dbt parses it: macros that query the database render nothing until run)"]);
  assert.deepEqual(severities('no_query'), ["error jinja-render: 'dict object' has no attribute 'DATE', so 'first_.DATE[0]' cannot be read: a var, config value or attribute this code expects is missing."]);
});

test('what dbt only knows at run time is not called wrong: parse-time SQL, huge models, snapshots disabled by a dict config', () => {
  const p = project({
    'macros/u.sql': "{% macro union_of(rels) %}{% if not execute %}{{ return('') }}{% endif %}select 1{% endmacro %}",
    'models/m.sql': "with x as ({{ union_of([]) }}) select * from x",
    'models/big.sql': `select 1 as x -- ${'y'.repeat(600 * 1024)}`,
    'snapshots/s.sql': "{% snapshot s %}{{ config({'unique_key': 'id', 'enabled': var('snap', false)}) }}select * from {{ ref('nope') }}{% endsnapshot %}",
  });
  const compiled = compileModel(p, `${ROOT}/models/m.sql`);
  assert.equal(compiled.parseTime, true);
  // the CLI renders a model of any size, as dbt does (spellbook's NFT metadata models, up to 1.4 MB)
  const cli = project({ 'models/big.sql': `select 1 as x -- ${'y'.repeat(600 * 1024)}` });
  assert.deepEqual(diagnostics(cli), []);
  assert.equal(compileModel(cli, `${ROOT}/models/big.sql`).sql.slice(0, 16), 'select 1 as x --');
  // the editor's limit, which the language server sets
  setRenderSizeLimit(EDITOR_RENDER_SIZE);
  try {
    assert.deepEqual(diagnostics(p).map((d) => d.replace(/\(\d+ KB.*$/, '')), ['models/big.sql too-large: Model is too large for Floe to render while you edit ']);
  } finally {
    setRenderSizeLimit(Number.POSITIVE_INFINITY);
  }
  assert.equal(p.isDisabled(`${ROOT}/snapshots/s.sql`), true);
});

test('R10: the adapter comes from the profile, YAML merge keys included (<<: *prod)', () => {
  const profiles = parseProfiles('/x/profiles.yml', 'shop:\n  target: dev\n  outputs:\n    prod: &prod\n      type: bigquery\n      schema: s\n    dev:\n      <<: *prod\n      schema: d\n');
  const target = resolveTarget(profiles, 'shop', undefined);
  assert.deepEqual([target.adapter, target.schema], ['bigquery', 'd']);
  assert.equal(resolveTarget(undefined, 'shop', undefined).adapter, undefined);
});

test("dict.get and context.get of a missing key are None, as in Python (fsc_evm: `context.get(name) is not none`)", () => {
  check("{{ {'a': 1}.get('b') is none }} {{ {'a': 1}.get('b') }} {{ {'a': none}.get('a', 2) }} {{ context.get('no_such_vars') is none }}{% if context.get('no_such_vars') is not none %}{{ context['no_such_vars']() }}{% endif %}",
    'True None None True');
});

test('fromyaml is PyYAML safe_load: YAML 1.1 scalars, None for empty text, the default for unparsable text', () => {
  check("{{ fromyaml('- a\\n- b') }} {{ fromyaml('k: yes') }} {{ fromyaml('') }} {{ fromyaml('a: [', 'bad') }}{{ config(grants={'+select': fromyaml(var('roles'))}) }}",
    "['a', 'b'] {'k': True} None bad", { 'dbt_project.yml': `${PROJECT}vars:\n  roles: |\n    - r1\n` });
});

test('for … if cond filters the items, and loop counts only those kept (spellbook oneinch: `if not loop.last %} union all`)', () => {
  check("{% for x in [1, 2, 3, 4] if x is odd %}{{ loop.index }}:{{ x }}{% if not loop.last %},{% endif %}{% endfor %} {% for k, v in {'a': {'aux': 'true'}, 'b': {}}.items() if not v.get('aux', false) %}{{ k }}{{ loop.length }}{% endfor %} {% for k, v in {'a': 1, 'b': 2} if v > 1 %}{{ k }}{% endfor %} {% for x in [1] if x > 5 %}no{% else %}empty{% endfor %}",
    '1:1,2:3 b1 b empty');
  check('{{ m() }}', 'c', { 'macros/m.sql': "{% macro m() %}{% for c in ['a', 'b', 'c'] if c not in ['a', 'b'] %}{{ c }}{% endfor %}{% endmacro %}" });
});

test("a string var's Jinja is rendered when var() reads it, in the reader's context (tuva: tuva_last_run, cms_hcc_payment_year)", () => {
  check("select {{ var('year') }} as y, '{{ var('who') }}' as w, {{ var('plain') }}, {{ var('missing', '{{ not_rendered }}') }}", "select 2026 as y, 'm' as w, {'k': '{{ this.name }}'}, {{ not_rendered }}", {
    'dbt_project.yml': `${PROJECT}vars:\n  year: '{{ run_started_at.strftime("%Y") }}'\n  who: '{{ this.name }}'\n  plain: {k: '{{ this.name }}'}\n`,
  });
});

test("seed column_types are rendered (Jinja by target.type) and trimmed (a block scalar's line break) before DuckDB sees them (tuva)", () => {
  const p = project({
    'seeds/s.csv': 'payment_year,code',
    'seeds/s.yml': 'version: 2\nseeds:\n  - name: s\n    config:\n      column_types:\n        payment_year: |\n          integer\n        code: |\n          {%- if target.type in ("bigquery", "databricks") -%} string {%- else -%} varchar(256) {%- endif -%}\n',
  });
  const seed = p.resolveRef({ name: 's' })!;
  assert.deepEqual(p.columnsOfNode(seed)?.map((c) => `${c.name} ${c.type}`), ['payment_year INTEGER', 'code VARCHAR(256)']);
  assert.deepEqual(p.seedColumnTypes(seed), { payment_year: 'integer', code: 'varchar(256)' });
});

test('chained conditional expressions: the else branch is a conditional again (dbt_project_evaluator max_depth_dag var)', () => {
  check("{{ 9 if target.type in ['bigquery'] else 4 if target.type in ['duckdb'] else -1 }} {{ 'a' if false else 'b' if false else 'c' }} {{ var('depth') | int }}", '4 c 4', {
    'dbt_project.yml': `${PROJECT}vars:\n  depth: "{{ 9 if target.type in ['bigquery'] else 4 if target.type in ['duckdb'] else -1 }}"\n`,
  });
});

test("refs and sources read through a var whose value is Jinja are in the DAG, the selection graph and lineage (fivetran's var('shopify_order'))", () => {
  const p = DbtProject.fromTexts(ROOT, {
    'dbt_project.yml': `${PROJECT}vars:\n  orders_relation: "{{ ref('stg_orders') }}"\n  raw_relation: "{{ source('shop', 'raw') }}"\n`,
    'models/sources.yml': 'version: 2\nsources:\n  - name: shop\n    tables:\n      - name: raw\n',
    'models/stg_orders.sql': "select * from {{ var('raw_relation') }}\n",
    'models/orders.sql': "select * from {{ var('orders_relation') }}\n",
  });
  assert.deepEqual([...p.dag.parents.get('orders')!], ['stg_orders']);
  const upstream = selectNodes(p, { select: ['+orders'] }).nodes.map((n) => n.name);
  assert.deepEqual(upstream, ['shop.raw', 'stg_orders', 'orders']);
  const l = lineage(p, 'model:orders');
  assert.ok(!('error' in l) && l.nodes.some((n) => n.id === 'source:shop.raw'), JSON.stringify(l));
});

test('dbt_project.yml paths render env_var() as dbt does (community-tech-alliance/dbt-cta: one model folder per sync)', () => {
  const texts = {
    'dbt_project.yml': "name: p\nprofile: p\nmodel-paths: [\"{{ env_var('SYNC_NAME', 'not-set') }}/models\"]\npackages-install-path: \"{{ env_var('PKGS', 'dbt-packages') }}\"\n",
    'actblue/models/contributions.sql': 'select 1 as id\n',
    'mailchimp/models/members.sql': 'select 1 as id\n',
    'dbt-packages/util/dbt_project.yml': 'name: util\n',
    'dbt-packages/util/macros/m.sql': '{% macro m() %}1{% endmacro %}\n',
  };
  const p = DbtProject.fromTexts(ROOT, texts, { SYNC_NAME: 'actblue' });
  assert.deepEqual(p.modelNames(), ['contributions']);
  assert.ok(p.packages.some((k) => k.name === 'util'), 'packages-install-path rendered too');
  assert.deepEqual(DbtProject.fromTexts(ROOT, texts, {}).modelNames(), [], "the default 'not-set' folder holds none");
});

test("source(): a source table's name with Jinja in it is rendered before the lookup, as dbt does (dbt-cta's env_var table names)", () => {
  const p = project({
    'models/sources.yml': "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: \"{{ env_var('FLOE_TEST_UNSET_DATASET', 'not-set') ~ '_events' }}\"\n",
    'models/events.sql': "{% set t = env_var('FLOE_TEST_UNSET_DATASET', 'not-set') ~ '_events' %}\nselect * from {{ source('raw', t) }}\n",
    'models/static.sql': "select * from {{ source('raw', 'not-set_events') }}\n",
  });
  assert.deepEqual(diagnostics(p), []);
  assert.match(compileModel(p, `${ROOT}/models/events.sql`).sql, /not-set_events/);
});

test("a materialization a package's `{% materialization %}` block defines is no unknown-materialized warning (dbt-cta's cta_materialized_view)", () => {
  const files = {
    'dbt_project.yml': 'name: p\nprofile: p\nmodels:\n  p:\n    mv:\n      +materialized: cta_materialized_view\n',
    'models/mv/a.sql': "{{ config(materialized='cta_materialized_view') }}\nselect 1 as id\n",
  };
  const codes = (p: DbtProject) => [...p.files.keys()].flatMap((f) => fileDiagnostics(p, f)).filter((d) => d.code === 'config-invalid-value').length;
  assert.equal(codes(DbtProject.fromTexts(ROOT, files)), 2, 'without the package both are near misses of materialized_view');
  assert.equal(codes(DbtProject.fromTexts(ROOT, { ...files,
    'dbt_packages/mv/dbt_project.yml': 'name: mv\n',
    'dbt_packages/mv/macros/mv.sql': '{% materialization cta_materialized_view, default -%}\n{{ return({}) }}\n{%- endmaterialization %}\n',
  })), 0);
});

test("dbt_project.yml configs follow a node's fqn to its name: a key may name a model (teamster's kippnewark turns off a package model that refs disabled ones)", () => {
  const p = project({
    'dbt_project.yml': `${PROJECT}models:\n  p:\n    m:\n      +materialized: table\n  pkg:\n    sis:\n      intermediate:\n        int_contacts:\n          +enabled: false\n`,
    'models/m.sql': 'select 1 as id',
    'models/other.sql': 'select 1 as id',
    'dbt_packages/pkg/dbt_project.yml': 'name: pkg\nmodels:\n  pkg:\n    sis:\n      odbc:\n        +enabled: false\n      intermediate:\n        int_kept:\n          +materialized: incremental\n',
    'dbt_packages/pkg/models/sis/odbc/stg_person.sql': 'select 1 as id',
    'dbt_packages/pkg/models/sis/intermediate/int_contacts.sql': "select * from {{ ref('stg_person') }}",
    'dbt_packages/pkg/models/sis/intermediate/int_kept.sql': 'select 1 as id',
  });
  assert.deepEqual(diagnostics(p), []);
  assert.equal(p.isDisabled(`${ROOT}/dbt_packages/pkg/models/sis/intermediate/int_contacts.sql`), true);
  const materialized = (name: string) => p.configOf(p.resolveRef({ name })!).materialized;
  assert.deepEqual([materialized('m'), materialized('other'), materialized('int_kept')], ['table', undefined, 'incremental']);
  // the common seeds form: `seeds: <project>: <seed>: +column_types:`
  const seeded = project({
    'dbt_project.yml': `${PROJECT}seeds:\n  p:\n    codes:\n      +column_types:\n        code: varchar\n`,
    'seeds/codes.csv': 'code,n\n007,1\n',
  });
  assert.deepEqual(seeded.seedColumnTypes(seeded.resolveRef({ name: 'codes' })!), { code: 'varchar' });
});

test("one config key (configValueOf, the first pull's contract lookup) reads what configOf merges, a key naming the model included", () => {
  const p = project({
    'dbt_project.yml': `${PROJECT}models:\n  p:\n    +materialized: view\n    m:\n      +contract:\n        enforced: true\n      +materialized: table\n`,
    'models/m.sql': 'select 1 as id',
    'models/other.sql': "{{ config(materialized='incremental') }}\nselect 1 as id",
  });
  for (const name of ['m', 'other']) {
    const node = p.resolveRef({ name })!;
    for (const key of ['contract', 'materialized']) assert.deepEqual(p.configValueOf(node, key), p.configOf(node)[key], `${name}.${key}`);
  }
  assert.deepEqual(p.configValueOf(p.resolveRef({ name: 'm' })!, 'contract'), { enforced: true });
});

test("versioned models as dbt finds them: a version's `defined_in:` file, and the latest version in the unsuffixed file (Coalesce-2025 architect, model governance)", () => {
  const p = project({
    'models/schema.yml': [
      'version: 2', 'models:',
      '  - name: orders', '    latest_version: 1', '    versions: [{v: 1}, {v: 2}]',
      '  - name: customers', '    latest_version: 2', '    versions:',
      '      - v: 1', '        defined_in: customers_legacy', '      - v: 2', '        defined_in: customers_current',
    ].join('\n'),
    'models/orders.sql': 'select 1 as v', 'models/orders_v2.sql': 'select 2 as v',
    'models/customers_legacy.sql': 'select 1 as c', 'models/customers_current.sql': 'select 2 as c',
    'models/m.sql': "select * from {{ ref('orders') }}, {{ ref('orders', v=2) }}, {{ ref('customers') }}, {{ ref('customers', version=1) }}",
  });
  // Before: ref('customers') was "not found" (2 errors) and its YAML "described but no model" (a warning); ref('orders', v=2) read orders.sql.
  assert.deepEqual(diagnostics(p), []);
  assert.equal(compileModel(p, `${ROOT}/models/m.sql`).sql, 'select * from "orders", "orders_v2", "customers_current", "customers_legacy"');
  assert.deepEqual([...p.dag.parents.get('m') ?? []].sort(), ['customers_current', 'customers_legacy', 'orders', 'orders_v2']);
  const fqns = (select: string) => selectNodes(p, { select: [select] }).nodes.map((n) => n.fqn.join('.')).sort();
  assert.deepEqual(fqns('orders'), ['p.orders.v1', 'p.orders.v2']);
  assert.deepEqual(fqns('orders.v1'), ['p.orders.v1']);
  assert.deepEqual(fqns('version:latest'), ['p.customers.v2', 'p.orders.v1']);
  assert.deepEqual(fqns('customers_v1'), ['p.customers.v1']);
  // dbt's unique ids (the manifest, `ls --output json`): the model's name and its version, whatever file holds it
  assert.deepEqual(selectNodes(p, { select: ['orders', 'customers'] }).nodes.map((n) => n.id).sort(), ['model.p.customers.v1', 'model.p.customers.v2', 'model.p.orders.v1', 'model.p.orders.v2']);
});

test("config.get / config.require read the model's config as dbt compile does (its config() call, YAML, dbt_project.yml), else the default", () => {
  check("{{ config(materialized='incremental', cluster_by='a,b', meta={'owner': 'ops'}) }}{{ config.get('materialized') }} {{ config.get('cluster_by').split(',') | join('|') }} {{ config.get('unset', 'dflt') }} {{ config.require('schema').upper() }} {{ config.meta_get('owner') }}",
    'incremental a|b dflt GOLD ops', {
      'dbt_project.yml': `${PROJECT}models:\n  p:\n    +schema: gold\n`,
    });
  // A method of an unset value is dbt compile's error too; its message names the call, not a garbled 'config.get).upper'.
  const p = project({ 'models/m.sql': "select {{ config.get('nope').upper() }}" });
  assert.deepEqual(diagnostics(p), ["models/m.sql jinja-render: 'config.get(...)' returned a value with no method 'upper' (None, or a value of another type): a var, config value or macro result this code expects is missing."]);
});

test("a version in its own file takes its versioned model's YAML: config (the version's over the model's) and columns (include/exclude, its own) (architect's fct_orders v2)", () => {
  const p = project({
    'models/schema.yml': [
      'version: 2', 'models:',
      '  - name: orders', '    latest_version: 1', '    config: {access: public, materialized: table, contract: {enforced: true}}',
      '    columns:', '      - {name: id, data_type: integer}', '      - {name: total, data_type: integer}', '      - {name: opened_at, data_type: timestamp}',
      '    versions:', '      - v: 1', '        config: {alias: orders_legacy}', '      - v: 2', '        config: {materialized: view}', '        columns:',
      '          - {name: amount, data_type: integer}', '          - {name: opened_at, data_type: date}', '          - include: all', '            exclude: [total]',
    ].join('\n'),
    'models/orders.sql': 'select 1 as id, 2 as total, current_timestamp as opened_at', 'models/orders_v2.sql': 'select 1 as id, 3 as amount, current_date as opened_at',
  });
  assert.deepEqual(diagnostics(p), []);
  const v2 = p.resolveRef({ name: 'orders', version: '2' })!;
  assert.equal(v2.name, 'orders_v2');
  const config = p.configOf(v2);
  assert.deepEqual([config.access, config.materialized, config.contract, config.alias], ['public', 'view', { enforced: true }, undefined]);
  // The latest version, in orders.sql, takes its own entry's config too.
  assert.deepEqual([p.configOf(p.resolveRef({ name: 'orders' })!).alias, p.configValueOf(p.resolveRef({ name: 'orders' })!, 'alias')], ['orders_legacy', 'orders_legacy']);
  assert.deepEqual(p.doc('orders_v2')!.columns.map((c) => `${c.name} ${c.type}`), ['id INTEGER', 'amount INTEGER', 'opened_at DATE']);
  const names = (select: string) => selectNodes(p, { select: [select] }).nodes.map((n) => n.fqn.join('.')).sort();
  assert.deepEqual(names('access:public'), ['p.orders.v1', 'p.orders.v2']);
  assert.deepEqual(names('config.materialized:view'), ['p.orders.v2']);
});

test("a versioned model's `enabled: false` (its YAML config, a version's, or dbt_project.yml's) turns off its version files: not nodes, refs to them are errors", () => {
  const yaml = (config: string, v1 = '') => ['version: 2', 'models:', '  - name: dim', config, '    versions:', `      - v: 1${v1}`, '      - v: 2'].filter(Boolean).join('\n');
  const files = { 'models/dim_v1.sql': 'select 1 as id', 'models/dim_v2.sql': 'select 2 as id', 'models/m.sql': "select * from {{ ref('dim') }}" };
  const ids = (p: DbtProject) => selectNodes(p, {}).nodes.filter((n) => n.resourceType === 'model').map((n) => n.id).sort();
  // The model's own config: no version is a node; a ref to it is dbt's "depends on a node named 'dim' which is disabled".
  const off = project({ ...files, 'models/schema.yml': yaml('    config: {enabled: false}') });
  assert.deepEqual(diagnostics(off), ["models/m.sql disabled-ref: Model 'dim' is disabled (enabled: false), so this model cannot ref it."]);
  assert.deepEqual(ids(off), ['model.p.m']);
  assert.equal(off.isDisabled(`${ROOT}/models/dim_v1.sql`), true);
  // dbt_project.yml along the version's fqn (p.dim.v1): the model's key turns off every version.
  const byProject = project({ ...files, 'dbt_project.yml': `${PROJECT}models:\n  p:\n    dim:\n      +enabled: false\n`, 'models/schema.yml': yaml('') });
  assert.deepEqual(ids(byProject), ['model.p.m']);
  // One version's config: that version only; a pinned ref to it is an error, the latest still resolves.
  const one = project({ ...files, 'models/m.sql': "select * from {{ ref('dim') }}, {{ ref('dim', v=1) }}", 'models/schema.yml': yaml('', '\n        config: {enabled: false}') });
  assert.deepEqual(diagnostics(one), ["models/m.sql disabled-ref: Model 'dim' version 1 is disabled (enabled: false), so this model cannot ref it."]);
  assert.deepEqual(ids(one), ['model.p.dim.v2', 'model.p.m']);
  assert.equal(one.resolveRef({ name: 'dim' })?.name, 'dim_v2');
  assert.equal(one.resolveRef({ name: 'dim', version: '1' }), undefined);
});

test("a second schema YAML entry for the same model is dbt's DuplicatePatchPathError, at the second entry; versions, disabled models and other packages' models are not duplicates", () => {
  const entry = (name: string, extra = '') => `version: 2\nmodels:\n  - name: ${name}\n    description: d${extra}\n`;
  const message = (place: string) => `Model 'm' is already described in ${place}: dbt stops with "dbt found two schema.yml entries for the same resource named m". Describe a model once.`;
  // Across files (in file order) and within one file.
  assert.deepEqual(diagnostics(project({ 'models/m.sql': 'select 1', 'models/a.yml': entry('m'), 'models/b.yml': entry('m') })), [`models/b.yml yaml-duplicate-model: ${message('models/a.yml line 3')}`]);
  assert.deepEqual(diagnostics(project({ 'models/m.sql': 'select 1', 'models/a.yml': `${entry('m')}  - name: m\n` })), [`models/a.yml yaml-duplicate-model: ${message('models/a.yml line 3')}`]);
  // Not duplicates: a versioned model's entries (dbt patches versions without the check), a model turned off in its
  // file or dbt_project.yml (dbt patches disabled nodes without it), a seed of that name, a model of another package.
  const versioned = 'version: 2\nmodels:\n  - name: m\n    versions: [{v: 1}]\n';
  const clean: Array<Record<string, string>> = [
    { 'models/m_v1.sql': 'select 1', 'models/a.yml': versioned, 'models/b.yml': versioned },
    { 'models/m.sql': "{{ config(enabled=false) }} select 1", 'models/a.yml': entry('m'), 'models/b.yml': entry('m') },
    { 'models/m.sql': 'select 1', 'models/a.yml': entry('m'), 'models/b.yml': 'version: 2\nseeds:\n  - name: m\n' },
    {
      'models/m.sql': 'select 1', 'models/a.yml': entry('m'),
      'dbt_packages/pkg/dbt_project.yml': 'name: pkg\n', 'dbt_packages/pkg/models/m.sql': 'select 2', 'dbt_packages/pkg/models/a.yml': entry('m'),
    },
  ];
  for (const files of clean) assert.deepEqual(diagnostics(project(files)).filter((d) => d.includes('yaml-duplicate-model')), [], JSON.stringify(files));
});

test("a model turned off by a YAML entry is still patched twice (dbt sets disabled nodes aside after every patch); the root project describing a package's model the package describes too is a duplicate", () => {
  const entry = (name: string, extra = '') => `version: 2\nmodels:\n  - name: ${name}\n    description: d${extra}\n`;
  const duplicates = (files: Record<string, string>) => diagnostics(project(files)).filter((d) => d.includes('yaml-duplicate-model'));
  const message = (place: string) => `Model 'm' is already described in ${place}: dbt stops with "dbt found two schema.yml entries for the same resource named m". Describe a model once.`;
  const off = '\n    config: {enabled: false}';
  // (a) turned off by the first entry only, or by the second: dbt's second patch finds the node patched.
  assert.deepEqual(duplicates({ 'models/m.sql': 'select 1', 'models/a.yml': entry('m', off), 'models/b.yml': entry('m') }), [`models/b.yml yaml-duplicate-model: ${message('models/a.yml line 3')}`]);
  assert.deepEqual(duplicates({ 'models/m.sql': 'select 1', 'models/a.yml': entry('m'), 'models/b.yml': entry('m', off) }), [`models/b.yml yaml-duplicate-model: ${message('models/a.yml line 3')}`]);
  // turned off in dbt_project.yml: patched as a disabled node, without the check
  assert.deepEqual(duplicates({ 'dbt_project.yml': `${PROJECT}models:\n  p:\n    m:\n      +enabled: false\n`, 'models/m.sql': 'select 1', 'models/a.yml': entry('m', off), 'models/b.yml': entry('m') }), []);
  // (b) the root project describes a package's model: fine alone, a duplicate when the package describes it too
  // (reported at the root's entry, the one a user can remove).
  const pkg = { 'dbt_packages/pkg/dbt_project.yml': 'name: pkg\n', 'dbt_packages/pkg/models/m.sql': 'select 2' };
  assert.deepEqual(duplicates({ ...pkg, 'models/a.yml': entry('m') }), []);
  assert.deepEqual(duplicates({ ...pkg, 'models/a.yml': entry('m'), 'dbt_packages/pkg/models/a.yml': entry('m') }), [
    `models/a.yml yaml-duplicate-model: Model 'm' of package 'pkg' is described by the package too, in dbt_packages/pkg/models/a.yml line 3: dbt stops with "dbt found two schema.yml entries for the same resource named m". Describe a model once (remove this entry).`,
  ]);
  // the root's own model turned off in its file: the root's entry patches the package's enabled model
  assert.equal(duplicates({ ...pkg, 'models/m.sql': '{{ config(enabled=false) }} select 1', 'models/a.yml': entry('m'), 'dbt_packages/pkg/models/a.yml': entry('m') }).length, 1);
});

test("an exposure's, semantic model's or saved query's dependency dbt cannot find at parse is an error at its YAML line, worded as a model's refs", () => {
  const p = project({
    'models/orders.sql': 'select 1 as id',
    'models/old.sql': "{{ config(enabled=false) }} select 1",
    'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n',
    'models/exposures.yml': [
      'version: 2', 'exposures:', '  - name: dash', '    type: dashboard', '    owner: {name: x}',
      '    depends_on:', "      - ref('orders')", "      - ref('ordrs')", "      - ref('old')", "      - source('raw', 'orders')", "      - source('raw', 'payments')", "      - metric('revenue')",
      '  - name: off', '    type: dashboard', '    owner: {name: x}', '    config: {enabled: false}', "    depends_on: [ref('nowhere')]",
      'semantic_models:', '  - name: sm', "    model: ref('order')", '    measures: [{name: total, agg: sum}, {name: n, agg: count, create_metric: true}]',
      'metrics:', '  - name: revenue', '    type: simple', '    type_params: {measure: total}',
      // `n` is the metric dbt makes of a `create_metric: true` measure.
      'saved_queries:', '  - name: weekly', '    query_params: {metrics: [revenue, revenu, n]}',
    ].join('\n'),
  });
  const file = `${ROOT}/models/exposures.yml`;
  const text = p.entry(file)!.text;
  const got = fileDiagnostics(p, file).map((d) => `${text.slice(0, d.start).split('\n').length}:${text.slice(d.start, d.end)} ${d.severity} ${d.code}: ${d.message}`);
  assert.deepEqual(got, [
    "8:ordrs error unknown-ref: Model 'ordrs' not found. Did you mean 'orders'?",
    "9:old error disabled-ref: Model 'old' is disabled (enabled: false), so exposure 'dash' cannot depend on it.",
    "11:payments error unknown-source-table: Source 'raw' has no table 'payments'.",
    "20:order error unknown-ref: Model 'order' not found. Did you mean 'orders'?",
    "27:weekly error unknown-metric: Metric 'revenu' not found. Did you mean 'revenue'?",
  ]);
});

test('an exposure turned off in dbt_project.yml (`exposures:` along its fqn) is no node and its dependencies are not checked', () => {
  const yaml = "version: 2\nexposures:\n  - name: dash\n    type: dashboard\n    owner: {name: x}\n    depends_on: [ref('gone')]\n";
  const off = project({ 'dbt_project.yml': `${PROJECT}exposures:\n  p:\n    marts:\n      dash:\n        +enabled: false\n`, 'models/marts/exposures.yml': yaml });
  assert.deepEqual(diagnostics(off), []);
  assert.deepEqual(selectNodes(off, { select: ['resource_type:exposure'] }).nodes, []);
  const on = project({ 'models/marts/exposures.yml': yaml });
  assert.deepEqual(diagnostics(on), ["models/marts/exposures.yml unknown-ref: Model 'gone' not found."]);
  assert.deepEqual(selectNodes(on, { select: ['resource_type:exposure'] }).nodes.map((n) => n.fqn.join('.')), ['p.marts.dash']);
});

test("a profile without `target:` uses its `default` output, and BigQuery's dataset and project are the target's schema and database (dbt-cta)", () => {
  const p = project({
    'profiles.yml': 'p:\n  outputs:\n    default:\n      type: bigquery\n      project: proj\n      dataset: ds\n    dev:\n      type: duckdb\n',
    'macros/path.sql': [
      "{% macro json_path(x) %}{{ adapter.dispatch('json_path')(x) }}{% endmacro %}",
      '{% macro default__json_path(x) %}.{{ x }}{% endmacro %}',
      "{% macro bigquery__json_path(x) %}{{ '\"$[\\'' ~ x ~ '\\']\"' }}{% endmacro %}",
    ].join('\n'),
    'models/m.sql': "select {{ json_path('name') }} as p, '{{ target.name }}.{{ target.database }}.{{ target.schema }}' as t",
  });
  assert.equal(compileModel(p, `${ROOT}/models/m.sql`).sql, `select "$['name']" as p, 'default.proj.ds' as t`);
  assert.deepEqual(diagnostics(p), []);
  const postgres = resolveTarget(parseProfiles('/x/profiles.yml', 'p:\n  target: ci\n  outputs:\n    ci: {type: postgres, dbname: analytics, schema: s}\n'), 'p', undefined);
  assert.deepEqual([postgres.name, postgres.database, postgres.schema], ['ci', 'analytics', 's']);
  // A profile without a database: each adapter's own default, which target.database and dbt's relation names read.
  const database = (output: string) => resolveTarget(parseProfiles('/x/profiles.yml', `p:\n  target: t\n  outputs:\n    t: ${output}\n`), 'p', undefined).database;
  assert.equal(database('{type: duckdb, path: data/lake.duckdb}'), 'lake');
  assert.equal(database("{type: duckdb, path: ':memory:'}"), 'memory');
  assert.equal(database('{type: duckdb, path: md:warehouse}'), 'warehouse');
  assert.equal(database('{type: databricks, schema: s}'), 'hive_metastore');
  assert.equal(database('{type: databricks, catalog: main, schema: s}'), 'main');
});

test("compile output as dbt writes it: the file's leading and trailing whitespace is not rendered (dbt strips the file first; Aidbox's models start with spaces)", () => {
  const compiled = (model: string) => {
    const p = project({ 'models/m.sql': model });
    return asDbtCompiled(model, compileModel(p, `${ROOT}/models/m.sql`).sql);
  };
  assert.equal(compiled('  SELECT 1\n  FROM t\n\n'), 'SELECT 1\n  FROM t');
  // what dbt renders from the stripped text: the newline before {% if %} stays; a tag's own trim is already applied
  assert.equal(compiled('\n\nselect 1\n{% if true %}\nwhere y\n{% endif %}\n\n'), 'select 1\n\nwhere y\n');
  assert.equal(compiled('\n{{- config(materialized="view") }}\nselect 2\n'), '\nselect 2');
  assert.equal(compiled('select 4\n\n{{ "" -}}\n\n'), 'select 4\n\n');
  assert.equal(compiled('select 3'), 'select 3');
  assert.equal(compiled(' \n '), '');
});

test("dbt's relation names (naming 'dbt'): this/ref fields are dbt's; a naming macro that fails is the model's problem, not a throw; Floe's own render keeps its names", () => {
  const p = project({
    'profiles.yml': 'p:\n  target: dev\n  outputs:\n    dev: {type: postgres, dbname: wh, schema: base}\n',
    'macros/naming.sql': "{% macro generate_schema_name(custom_schema_name, node) -%}\n  {%- if node.name == 'broken' -%}{{ exceptions.raise_compiler_error('no schema for ' ~ node.name) }}{%- endif -%}\n  {{ custom_schema_name or target.schema }}\n{%- endmacro %}\n",
    'models/up.sql': "{{ config(schema='lake', alias='up_v') }}\nselect 1 as id",
    'models/m.sql': "select '{{ this.schema }}.{{ this.identifier }}' as me, '{{ ref('up').schema }}.{{ ref('up').identifier }}' as up from {{ ref('up') }}",
    'dbt_project.yml': `${PROJECT}vars:\n  s: lake2\nmodels:\n  p:\n    sub:\n      +schema: "{{ var('s') }}"\n`,
    'models/sub/j.sql': 'select 1',
    'models/reads_j.sql': "select * from {{ ref('j') }}",
    'models/broken.sql': 'select 1',
    'models/reads_broken.sql': "select * from {{ ref('broken') }}",
  });
  const dbt = (file: string) => compileModel(p, `${ROOT}/models/${file}`, { naming: 'dbt' });
  assert.equal(dbt('m.sql').sql, `select 'base.m' as me, 'lake.up_v' as up from "wh"."lake"."up_v"`);
  assert.equal(compileModel(p, `${ROOT}/models/m.sql`).sql, `select 'base.m' as me, 'base.up' as up from "up"`);
  // a folder's Jinja schema config is rendered before generate_schema_name reads it
  assert.equal(dbt('reads_j.sql').sql, 'select * from "wh"."lake2"."j"');
  assert.match(dbt('broken.sql').problem?.message ?? '', /generate_schema_name failed for broken, so dbt's name for its relation is unknown: no schema for broken/);
  assert.match(dbt('reads_broken.sql').problem?.message ?? '', /generate_schema_name failed for broken/);
});

test("dbt's relation names: generate_schema_name_for_env, dbt's global macro a project's generate_schema_name may call (mattermost-analytics), is the custom schema on target prod and the target's schema elsewhere", () => {
  const files = (target: string) => ({
    'profiles.yml': `p:\n  target: ${target}\n  outputs:\n    ${target}: {type: postgres, dbname: wh, schema: base}\n`,
    'macros/generate_schema_name.sql': '{% macro generate_schema_name(custom_schema_name, node) -%}\n    {{ generate_schema_name_for_env(custom_schema_name, node) }}\n{%- endmacro %}\n',
    'models/up.sql': "{{ config(schema='lake') }}\nselect 1 as id",
    'models/m.sql': "select * from {{ ref('up') }} join {{ this }} using (id)",
  });
  const compiled = (target: string) => compileModel(project(files(target)), `${ROOT}/models/m.sql`, { naming: 'dbt' });
  assert.equal(compiled('dev').problem, undefined);
  assert.equal(compiled('dev').sql, 'select * from "wh"."base"."up" join "wh"."base"."m" using (id)');
  assert.equal(compiled('prod').sql, 'select * from "wh"."lake"."up" join "wh"."base"."m" using (id)');
});

test("dbt's relation names: a package's generate_schema_name through dispatch: (the root's search order for dbt), and for the package's own models its own override", () => {
  const p = project({
    'dbt_project.yml': `${PROJECT}dispatch:\n  - macro_namespace: dbt\n    search_order: ['p', 'naming', 'dbt']\n`,
    'profiles.yml': 'p:\n  target: dev\n  outputs:\n    dev: {type: postgres, dbname: wh, schema: base}\n',
    'dbt_packages/naming/dbt_project.yml': 'name: naming\n',
    'dbt_packages/naming/macros/schema.sql': "{% macro default__generate_schema_name(custom_schema_name, node) -%}{{ 'env_' ~ (custom_schema_name or target.schema) }}{%- endmacro %}\n",
    'dbt_packages/own/dbt_project.yml': 'name: own\n',
    'dbt_packages/own/macros/schema.sql': "{% macro generate_schema_name(custom_schema_name, node) -%}pkg_{{ node.package_name }}{%- endmacro %}\n",
    'dbt_packages/own/models/pm.sql': 'select 1 as id',
    'models/m.sql': "{{ config(schema='lake') }}\nselect * from {{ ref('pm') }} join {{ this }} using (id)",
  });
  assert.equal(compileModel(p, `${ROOT}/models/m.sql`, { naming: 'dbt' }).sql, '\nselect * from "wh"."pkg_own"."pm" join "wh"."env_lake"."m" using (id)');
});

test("config(enabled=var(...)) where the var holds \"{{ ref('x') }}\" is on, as dbt's parse-time ref gives a relation (gitlab's snowplow package: snowplow_web_timing_context)", () => {
  const p = project({
    'dbt_project.yml': `${PROJECT}vars:\n  snow:\n    'snow:timing': "{{ ref('timing_metrics') }}"\n    'snow:agent': false\n`,
    'models/timing_metrics.sql': 'select 1 as id',
    'dbt_packages/snow/dbt_project.yml': 'name: snow\n',
    'dbt_packages/snow/macros/is_adapter.sql': "{% macro is_adapter(adapter_type='default') %}{{ return(adapter_type == 'default') }}{% endmacro %}",
    'dbt_packages/snow/models/timing_context.sql': "{{ config(enabled=(var('snow:timing') and is_adapter('default'))) }}\nselect 1 as id",
    'dbt_packages/snow/models/agent_context.sql': "{{ config(enabled=(var('snow:agent') and is_adapter('default'))) }}\nselect 1 as id",
    'dbt_packages/snow/models/page_views.sql': "select * from {{ ref('timing_context') }}",
  });
  assert.deepEqual(diagnostics(p), []);
  assert.deepEqual(p.modelNames().sort(), ['page_views', 'timing_context', 'timing_metrics']);
});

test("eleventh corpus: config(enabled=...) in an if/else is the branch dbt's parse renders (an undefined var is None there); selection sees the same", () => {
  const flag = (name: string) => `{% if var('${name}') %}{{ config(enabled=True) }}{% else %}{{ config(enabled=False) }}{% endif %}\n`;
  const p = project({
    'dbt_project.yml': `${PROJECT}vars:\n  on_flag: true\n  off_flag: false\n`,
    'models/on.sql': `${flag('on_flag')}select 1 as id`,
    'models/off.sql': `${flag('off_flag')}select * from {{ ref('nope') }}`,
    // an undefined var: None while parsing, so the else branch; the model is never compiled, so no error
    'models/unset.sql': `${flag('never_set')}select * from {{ ref('nope') }}`,
    // no branch taken sets enabled: dbt_project.yml's and YAML's value stands (here the default, on)
    'models/neither.sql': "{% if var('off_flag') %}{{ config(enabled=False) }}{% endif %}\nselect * from {{ ref('on') }}",
    'models/down.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('on') }}",
    // in a loop: off while on_flag is true
    'models/looped.sql': "{% for f in ['on_flag'] %}{% if var(f) %}{{ config(enabled=False) }}{% endif %}{% endfor %}\nselect 1 as id",
    // singular tests the same
    'tests/runs.sql': `${flag('on_flag')}select 1 as id where false`,
    'tests/skipped.sql': `${flag('off_flag')}select 1 as id where false`,
  });
  assert.deepEqual(diagnostics(p), []);
  assert.deepEqual(p.modelNames().sort(), ['down', 'neither', 'on']);
  assert.deepEqual(selectNodes(p, { select: ['+down'] }).nodes.map((n) => n.name), ['on', 'down']);
  assert.equal(p.configOf(p.nodes('on')[0]).enabled, undefined);
  assert.deepEqual(projectDataTests(p).map((t) => t.label), ['runs']);
  // the answer is kept per file; a changed var, a changed file or a new macro file renders again
  p.updateFile(`${ROOT}/dbt_project.yml`, `${PROJECT}vars:\n  on_flag: false\n  off_flag: false\n`);
  assert.deepEqual(p.modelNames().sort(), ['down', 'looped', 'neither']);
  p.updateFile(`${ROOT}/models/off.sql`, `${flag('on_flag')}select 2 as id`);
  p.updateFile(`${ROOT}/models/on.sql`, "{% if flag_on() %}{{ config(enabled=True) }}{% else %}{{ config(enabled=False) }}{% endif %}\nselect 1 as id");
  assert.deepEqual(p.modelNames().sort(), ['down', 'looped', 'neither']);
  p.updateFile(`${ROOT}/macros/flag.sql`, '{% macro flag_on() %}{{ return(true) }}{% endmacro %}');
  assert.deepEqual(p.modelNames().sort(), ['down', 'looped', 'neither', 'on']);
});

test("config() in an if/else on a var or the target: materialized, tags, schema, alias (a singular test's severity) are the branch dbt's parse renders, not the last written", () => {
  const p = project({
    'dbt_project.yml': `${PROJECT}vars:\n  nightly: false\n`,
    'profiles.yml': 'p:\n  target: dev\n  outputs:\n    dev: {type: postgres, dbname: wh, schema: base}\n',
    'models/branchy.sql': "{% if var('nightly') %}{{ config(materialized='table', tags=['nightly'], schema='mart') }}{% else %}{{ config(materialized='view', tags=['hourly']) }}{% endif %}\nselect 1 as id",
    'models/by_target.sql': "{% if target.name == 'prod' %}{{ config(materialized='table', alias='bt_prod') }}{% else %}{{ config(materialized='view') }}{% endif %}\nselect 1 as id",
    'models/down.sql': "select * from {{ ref('branchy') }} join {{ ref('by_target') }} using (id)",
    // a singular test's severity and tags the same
    'tests/gated.sql': "{% if var('nightly') %}{{ config(severity='warn', tags=['nightly']) }}{% else %}{{ config(severity='error') }}{% endif %}\nselect 1 as id where false",
  });
  assert.deepEqual(diagnostics(p), []);
  const names = (select: string) => selectNodes(p, { select: [select] }).nodes.map((n) => n.name).sort();
  const gated = () => projectDataTests(p).filter((t) => t.label === 'gated').map((t) => [t.severity, t.tags ?? []]);
  assert.deepEqual(gated(), [['error', []]]);
  assert.deepEqual(names('tag:hourly'), ['branchy']);
  assert.deepEqual(names('tag:nightly'), []);
  assert.deepEqual(names('config.materialized:view'), ['branchy', 'by_target', 'down']);
  assert.deepEqual(names('config.materialized:table'), []);
  assert.equal(p.configValueOf(p.nodes('branchy')[0], 'schema'), undefined);
  const dbt = () => compileModel(p, `${ROOT}/models/down.sql`, { naming: 'dbt' }).sql;
  assert.equal(dbt(), 'select * from "wh"."base"."branchy" join "wh"."base"."by_target" using (id)');
  // the var flipped: the other branch
  p.updateFile(`${ROOT}/dbt_project.yml`, `${PROJECT}vars:\n  nightly: true\n`);
  assert.deepEqual(names('tag:nightly'), ['branchy', 'gated']);
  assert.deepEqual(names('tag:hourly'), []);
  assert.deepEqual(names('config.materialized:table'), ['branchy']);
  assert.deepEqual(gated(), [['warn', ['nightly']]]);
  assert.equal(dbt(), 'select * from "wh"."base_mart"."branchy" join "wh"."base"."by_target" using (id)');
  // the target flipped: its branch's alias
  p.updateFile(`${ROOT}/profiles.yml`, 'p:\n  target: prod\n  outputs:\n    prod: {type: postgres, dbname: wh, schema: base}\n');
  assert.deepEqual(names('config.materialized:table'), ['branchy', 'by_target']);
  assert.equal(dbt(), 'select * from "wh"."base_mart"."branchy" join "wh"."base"."bt_prod" using (id)');
});

test("config({...}) in a branch dbt's parse does not take sets nothing, as config(key=...) there does not", () => {
  const p = project({
    'dbt_project.yml': `${PROJECT}vars:\n  nightly: false\n`,
    'models/dict_branch.sql': "{% if var('nightly') %}{{ config({'materialized': 'table', 'tags': ['nightly'], 'alias': 'db_n'}) }}{% endif %}\nselect 1 as id",
    'models/dict_else.sql': "{% if var('nightly') %}{{ config({'materialized': 'table'}) }}{% else %}{{ config({'materialized': 'incremental'}) }}{% endif %}\nselect 1 as id",
  });
  assert.deepEqual(diagnostics(p), []);
  const names = (select: string) => selectNodes(p, { select: [select] }).nodes.map((n) => n.name).sort();
  assert.deepEqual(names('config.materialized:table'), []);
  assert.deepEqual(names('config.materialized:view'), ['dict_branch']);
  assert.deepEqual(names('config.materialized:incremental'), ['dict_else']);
  assert.deepEqual(names('tag:nightly'), []);
  assert.equal(p.configValueOf(p.nodes('dict_branch')[0], 'alias'), undefined);
  p.updateFile(`${ROOT}/dbt_project.yml`, `${PROJECT}vars:\n  nightly: true\n`);
  assert.deepEqual(names('config.materialized:table'), ['dict_branch', 'dict_else']);
  assert.deepEqual(names('tag:nightly'), ['dict_branch']);
  assert.equal(p.configValueOf(p.nodes('dict_branch')[0], 'alias'), 'db_n');
});

test("an analysis' config() in an if/else is the branch dbt's parse renders, as a model's: tags, config.*, enabled", () => {
  const p = project({
    'dbt_project.yml': `${PROJECT}vars:\n  nightly: false\n`,
    'analyses/report.sql': "{% if var('nightly') %}{{ config(tags=['nightly'], materialized='table') }}{% else %}{{ config(tags=['hourly']) }}{% endif %}\nselect 1 as id",
    'analyses/dict_report.sql': "{% if var('nightly') %}{{ config({'tags': ['nightly']}) }}{% endif %}\nselect 1 as id",
    'analyses/gated.sql': "{% if var('nightly') %}{{ config(enabled=false) }}{% endif %}\nselect 1 as id",
    'analyses/asks.sql': "{% if var('nightly') %}{{ config({'materialized': 'table'}) }}{% endif %}\nselect '{{ config.get('materialized') }}' as m",
  });
  const asks = () => compileModel(p, `${ROOT}/analyses/asks.sql`).sql.trim();
  assert.equal(asks(), "select 'None' as m");
  const names = (select: string) => selectNodes(p, { select: [select] }).nodes.map((n) => n.name).sort();
  assert.deepEqual(names('tag:hourly'), ['report']);
  assert.deepEqual(names('tag:nightly'), []);
  assert.deepEqual(names('config.materialized:table'), []);
  assert.deepEqual(names('resource_type:analysis'), ['asks', 'dict_report', 'gated', 'report']);
  p.updateFile(`${ROOT}/dbt_project.yml`, `${PROJECT}vars:\n  nightly: true\n`);
  assert.deepEqual(names('tag:hourly'), []);
  assert.deepEqual(names('tag:nightly'), ['dict_report', 'report']);
  assert.deepEqual(names('config.materialized:table'), ['asks', 'report']);
  assert.deepEqual(names('resource_type:analysis'), ['asks', 'dict_report', 'report']);
  assert.equal(asks(), "select 'table' as m");
});

test("a config() in a branch set to an integral float is Python's float: 1.0 in the manifest", () => {
  const p = project({
    'dbt_project.yml': `${PROJECT}vars:\n  nightly: true\n`,
    'models/floaty.sql': "{% if var('nightly') %}{{ config(ratio=1.0, sizes=[2.0, 3], nested={'k': 4.0}, plain=5) }}{% endif %}\nselect 1 as id",
    'models/yaml_floaty.sql': 'select 1 as id',
    'models/static_floaty.sql': "{{ config(ratio=1.0, big=-2.0, plain=5) }}\nselect 1 as id",
    'models/static_nested.sql': "{{ config(sizes=[1.0, 2, -3.0], meta={'x': 2.0, 'y': [4.0]}) }}\n{{ config({'share': [0.0]}) }}\nselect 1 as id",
    'models/last_written.sql': "{% if var('nightly') %}{{ config(ratio=2) }}{% else %}{{ config(ratio=3.0) }}{% endif %}\nselect 1 as id",
    'models/schema.yml': 'version: 2\nmodels:\n  - name: yaml_floaty\n    config:\n      ratio: 1.0\n',
  });
  assert.deepEqual(diagnostics(p), []);
  const manifest = artifactJson(buildManifest(p, newInvocation({ which: 'compile' })), 2);
  const config = /"model\.p\.floaty": \{[\s\S]*?"config": (\{[\s\S]*?\n {6}\})/.exec(manifest)?.[1] ?? '';
  assert.match(config, /"ratio": 1\.0,/);
  assert.match(config, /"sizes": \[\s*2\.0,\s*3\s*\]/);
  assert.match(config, /"k": 4\.0\s/);
  assert.match(config, /"plain": 5,/);
  const configOf = (name: string) => new RegExp(`"model\\.p\\.${name}": \\{[\\s\\S]*?"config": (\\{[\\s\\S]*?\\n {6}\\})`).exec(manifest)?.[1] ?? '';
  assert.match(configOf('static_floaty'), /"ratio": 1\.0,\s*"big": -2\.0,\s*"plain": 5,/);
  assert.match(configOf('last_written'), /"ratio": 2,/);
  // an integral float inside a list or dict written outside a branch (read statically) is a float too
  const nested = configOf('static_nested');
  assert.match(nested, /"sizes": \[\s*1\.0,\s*2,\s*-3\.0\s*\]/);
  assert.match(nested, /"meta": \{\s*"x": 2\.0,\s*"y": \[\s*4\.0\s*\]\s*\}/);
  assert.match(nested, /"share": \[\s*0\.0\s*\]/);
  assert.match(/"model\.p\.yaml_floaty": \{[\s\S]*?"config": (\{[\s\S]*?\n {6}\})/.exec(manifest)?.[1] ?? '', /"ratio": 1\.0,/);
  const node = selectNodes(p, { select: ['floaty'] }).nodes[0];
  assert.equal(p.configValueOf(node.modelNode!, 'ratio'), 1);
  // the number itself is unchanged for everyone who reads it
  assert.equal(JSON.stringify(JSON.parse(config).sizes), '[2,3]');
});

test("ints past 2**53 keep their digits: in the compiled SQL, and in config() (its exact digits, never a rounded number or a dropped key)", () => {
  check('{% set hi = 2 ** 63 - 1 %}select {{ hi }} as a, {{ 9223372036854775807 }} as b, {{ hi // 10 }} as c', 'select 9223372036854775807 as a, 9223372036854775807 as b, 922337203685477580 as c');
  const p = project({
    'models/literal.sql': "{{ config(meta={'k': 9223372036854775807, 'small': 3}) }}\nselect 1 as id",
    'models/computed.sql': "{% set hi = 2 ** 63 - 1 %}{{ config(meta={'big': hi}, materialized='table') }}\nselect 1 as id",
  });
  assert.deepEqual(diagnostics(p), []);
  const manifest = JSON.parse(artifactJson(buildManifest(p, newInvocation({ which: 'compile' }))));
  assert.deepEqual(manifest.nodes['model.p.literal'].config.meta, { k: '9223372036854775807', small: 3 });
  assert.deepEqual(manifest.nodes['model.p.computed'].config.meta, { big: '9223372036854775807' });
});

test("eleventh corpus: {% call set_sql_header(config) %} is dbt's built-in; the header is not in the compiled SQL", () => {
  check("{% call set_sql_header(config) %}\ncreate temp function f(x int) returns int as $$ x $$;\n{% endcall %}\nselect 1 as id", 'select 1 as id');
});

test("survey 14 (dbt-duckdb delta demo): a model stored through a plugin takes the plugin's own config keys without a typo warning", () => {
  // dbt-duckdb's external materialization hands the model's whole config to the plugin's store (partition_key, mode)
  const model = "{{ config(materialized='external', plugin='delta', mode='overwrite_partition', partition_key=['a']) }}\nselect 1 as a";
  const yaml = "models:\n  - name: y\n    config:\n      plugin: delta\n      partition_key: [a]\n";
  assert.deepEqual(diagnostics(project({ 'models/m.sql': model, 'models/y.sql': 'select 1 as a', 'models/y.yml': yaml })), []);
  // without a plugin, the near miss of partition_by is still a likely typo
  const plain = "{{ config(materialized='table', partition_key=['a']) }}\nselect 1 as a";
  assert.deepEqual(diagnostics(project({ 'models/m.sql': plain })), ["models/m.sql config-unknown-key: Unknown config key 'partition_key'. Did you mean 'partition_by'?"]);
});

test("survey 14 (flow-models): a source's manifest entry has its database and its Jinja schema rendered, as dbt's manifest has them", () => {
  const p = project({
    'models/sources.yml': 'version: 2\nsources:\n  - name: bronze_streamline\n    database: streamline\n    schema: |\n      {{ "FLOW_DEV" if var("use_dev", False) else "FLOW" }}\n    tables:\n      - name: blocks\n',
    'models/m.sql': "select * from {{ source('bronze_streamline', 'blocks') }}",
  });
  const manifest = buildManifest(p, newInvocation({ which: 'compile' })) as { sources: Record<string, { database: string; schema: string; identifier: string; relation_name: string }> };
  const s = manifest.sources['source.p.bronze_streamline.blocks'];
  assert.deepEqual([s.database, s.schema, s.identifier, s.relation_name], ['streamline', 'FLOW', 'blocks', '"streamline"."FLOW"."blocks"']);
});

test("survey 14 (dbt_hubspot's integration tests): dbt_project.yml config values in Jinja are rendered in the manifest, as dbt renders them", () => {
  const p = project({
    'dbt_project.yml': `${PROJECT}seeds:\n  p:\n    +quote_columns: "{{ true if target.type == 'redshift' else false }}"\n    s:\n      +column_types:\n        id: "{{ 'int64' if target.type == 'bigquery' else 'bigint' }}"\nmodels:\n  p:\n    +post-hook: "{{ log('x') }}"\n`,
    'seeds/s.csv': 'id\n1\n',
    'models/m.sql': 'select 1 as a',
  });
  const manifest = buildManifest(p, newInvocation({ which: 'compile' })) as { nodes: Record<string, { config: Record<string, any> }> };
  const seed = manifest.nodes['seed.p.s'].config;
  assert.deepEqual([seed.quote_columns, seed.column_types], [false, { id: 'bigint' }]);
  // hooks stay as written: dbt renders them when they run
  assert.deepEqual(manifest.nodes['model.p.m'].config['post-hook'].map((h: { sql: string }) => h.sql), ["{{ log('x') }}"]);
});

test("config values written in Jinja in dbt_project.yml and schema YAML are dbt's rendered values wherever Floe reads them (selection, tests' severity, ls)", () => {
  const p = project({
    'dbt_project.yml': `${PROJECT}vars:\n  mat: table\nmodels:\n  p:\n    +materialized: "{{ var('mat') }}"\n    +full_refresh: "{{ true if env_var('FLOE_NO_SUCH_VAR', '0') == '1' else none }}"\n    b:\n      +tags: ["{{ 'nightly' if target.type == 'duckdb' else 'hourly' }}", plain]\n      +store_failures: "{{ (env_var('FLOE_NO_SUCH_VAR', 'YES') == 'YES') | as_bool }}"\n      +meta:\n        code: "{{ '0123' }}"\n        big: "{{ '9007199254740993' }}"\n        ratio: "{{ 2.0 }}"\n      +post-hook: "{{ log('kept as written') }}"\ndata_tests:\n  p:\n    +severity: "{{ env_var('FLOE_NO_SUCH_VAR', 'warn') }}"\n`,
    'models/a.sql': 'select 1 as id',
    'models/b/c.sql': "select * from {{ ref('a') }}",
    'models/b/d.sql': "select * from {{ ref('a') }}",
    'models/schema.yml': `version: 2\nmodels:\n  - name: d\n    config:\n      materialized: "{{ 'view' if target.type == 'duckdb' else 'table' }}"\n    columns:\n      - name: id\n        data_tests:\n          - unique:\n              config:\n                severity: "{{ 'error' if target.type == 'duckdb' else 'warn' }}"\n          - not_null\n`,
  });
  const names = (select: string) => selectNodes(p, { select: [select] }).nodes.filter((n) => n.resourceType === 'model').map((n) => n.name).sort();
  assert.deepEqual(names('config.materialized:table'), ['a', 'c']);
  assert.deepEqual(names('config.materialized:view'), ['d']);
  assert.deepEqual(names('tag:nightly'), ['c', 'd']);
  const c = p.configOf(p.nodes('c')[0]);
  assert.deepEqual([c.store_failures, c.full_refresh, c.tags], [true, null, ['nightly', 'plain']]);
  // literal_eval's reading: a leading zero stays text, an int past 2^53 keeps its digits, 2.0 stays a float
  assert.deepEqual(c.meta, { code: '0123', big: '9007199254740993', ratio: 2 });
  const manifest = buildManifest(p, newInvocation({ which: 'compile' })) as { nodes: Record<string, { config: Record<string, any> }> };
  assert.equal(artifactJson(manifest.nodes['model.p.c'].config.meta), '{"code":"0123","big":"9007199254740993","ratio":2.0}');
  assert.deepEqual(manifest.nodes['model.p.c'].config['post-hook'].map((h: { sql: string }) => h.sql), ["{{ log('kept as written') }}"]);
  // a test's own Jinja severity, else the data_tests: folder's rendered one
  assert.deepEqual(projectDataTests(p).map((t) => `${t.kind} ${t.severity}`).sort(), ['not_null warn', 'unique error']);
});

test("a data test's node in the manifest: dbt's audit schema through the project's generate_schema_name, its schema config", () => {
  const files = {
    'dbt_project.yml': `${PROJECT}data_tests:\n  p:\n    audited:\n      +schema: audit\n`,
    'profiles.yml': 'p:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: x.duckdb, schema: main}\n',
    'models/m.sql': 'select 1 as id',
    'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests: [unique]\n',
    'models/audited/schema.yml': 'version: 2\nmodels:\n  - name: m\n    data_tests:\n      - dbt_utils.expression_is_true:\n          expression: "id > 0"\n',
    'tests/t.sql': "select * from {{ ref('m') }} where false",
  };
  const relations = (p: DbtProject) => {
    const manifest = buildManifest(p, newInvocation({ which: 'compile' })) as { nodes: Record<string, { resource_type: string; name: string; database: string; schema: string; alias: string; config: Record<string, unknown> }> };
    return Object.values(manifest.nodes).filter((n) => n.resource_type === 'test').map((n) => `${n.name} ${n.database}.${n.schema}.${n.alias} ${String(n.config.schema)}`).sort();
  };
  assert.deepEqual(relations(project(files)), [
    'dbt_utils_expression_is_true_m_id_0 x.main_audit.dbt_utils_expression_is_true_m_id_0 audit',
    't x.main_dbt_test__audit.t dbt_test__audit',
    'unique_m_id x.main_dbt_test__audit.unique_m_id dbt_test__audit',
  ]);
  // a project whose generate_schema_name takes a custom schema as it is
  const own = project({ ...files, 'macros/schema.sql': '{% macro generate_schema_name(custom, node) %}{{ custom or target.schema }}{% endmacro %}' });
  assert.deepEqual(relations(own).map((r) => r.split(' ')[1]), ['x.audit.dbt_utils_expression_is_true_m_id_0', 'x.dbt_test__audit.t', 'x.dbt_test__audit.unique_m_id']);
});

test("a data test's config in the manifest: every key of dbt's TestConfig with its defaults, severity as written", () => {
  const files = {
    'dbt_project.yml': `${PROJECT}data_tests:\n  p:\n    warned:\n      +severity: WARN\n`,
    'profiles.yml': 'p:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: x.duckdb, schema: main}\n',
    'models/m.sql': 'select 1 as id',
    'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests:\n          - unique\n          - not_null:\n              config: {severity: warn, where: "id > 0"}\n',
    'tests/t.sql': "select * from {{ ref('m') }} where false",
    'tests/warned/w.sql': "select * from {{ ref('m') }} where false",
  };
  const manifest = buildManifest(project(files), newInvocation({ which: 'compile' })) as { nodes: Record<string, { resource_type: string; name: string; config: Record<string, unknown> }> };
  const configs = Object.fromEntries(Object.values(manifest.nodes).filter((n) => n.resource_type === 'test').map((n) => [n.name, n.config]));
  // dbt 1.10.15's and 1.11.6's manifests (survey10 energy, swans): this config, keys in this order, for a test without config
  const dbtDefault = {
    enabled: true, alias: null, schema: 'dbt_test__audit', database: null, tags: [], meta: {}, group: null, materialized: 'test',
    severity: 'ERROR', store_failures: null, store_failures_as: null, where: null, limit: null, fail_calc: 'count(*)', warn_if: '!= 0', error_if: '!= 0',
  };
  assert.deepEqual(Object.entries(configs.unique_m_id), Object.entries(dbtDefault));
  assert.deepEqual(Object.entries(configs.t), Object.entries(dbtDefault));
  // a severity the project sets is written as it is (dbt validates it case-insensitively)
  assert.deepEqual(configs.not_null_m_id, { ...dbtDefault, severity: 'warn', where: 'id > 0' });
  assert.equal(configs.w.severity, 'WARN');
  // Floe runs them by severity regardless of case
  assert.deepEqual(projectDataTests(project(files)).map((t) => `${t.label} ${t.severity}`).sort(), ['not_null(id) warn', 't error', 'unique(id) error', 'w warn']);
});
