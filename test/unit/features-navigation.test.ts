// Hover, definition, references, rename, symbols and lenses on the in-memory project.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject, file, BASE } from '../helpers/projectTexts';
import { hover } from '../../server/src/features/hover';
import { definition, references, renameModel } from '../../server/src/features/navigation';
import { documentSymbols } from '../../server/src/features/symbols';
import { modelLenses } from '../../server/src/features/codeLens';

const MART = file('models/marts/mart_customers.sql');
const p = makeProject();
const martText = p.entry(MART)!.text;
const at = (needle: string, delta = 1) => martText.indexOf(needle) + delta;

function checkHover(offset: number, patterns: RegExp[]) {
  const h = hover(p, MART, offset);
  assert.ok(h, 'no hover');
  for (const re of patterns) assert.match(h!.markdown, re);
}

test('hover: model, config key, column', () => {
  checkHover(at("ref('stg_customers')"), [/model stg_customers/, /materialized: `view`/, /Cleaned customers\./, /\| customer_id \| BIGINT \|/]);
  checkHover(at('polaris_namespace'), [/Iceberg namespace/]);
  checkHover(at('c.email', 3), [/\*\*email\*\* `VARCHAR`/, /from cte c ← model stg_customers/]);
});

test('hover on a ref lists the column descriptions from schema YAML', () => {
  const q = makeProject({ 'models/schema.yml': 'version: 2\nmodels:\n  - name: stg_customers\n    columns:\n      - name: customer_id\n        data_type: bigint\n        description: The key | unique\n      - name: email\n        data_type: varchar\n        description: >-\n          Lower-cased\n          address\n' });
  const h = hover(q, MART, at("ref('stg_customers')"))!;
  assert.match(h.markdown, /\| column \| type \| description \|/);
  assert.match(h.markdown, /\| customer_id \| BIGINT \| The key \\\| unique \|/);
  assert.match(h.markdown, /\| email \| VARCHAR \| Lower-cased address \|/);
});

test('hover: source shows the Iceberg table and cached snapshot', () => {
  const stg = file('models/staging/stg_customers.sql');
  p.schemaCache.remember([{ table: 'demo.bronze.bronze_customers', columns: [{ name: 'customer_id', type: 'BIGINT' }], snapshotId: '8744736658442914487' }]);
  const h = hover(p, stg, p.entry(stg)!.text.indexOf('source(') + 2)!;
  assert.match(h.markdown, /Iceberg `demo\.bronze\.bronze_customers`/);
  assert.match(h.markdown, /Current snapshot: `8744736658442914487`/);
});

test('definition: ref → model file, source → YAML table, macro → macro', () => {
  const [d] = definition(p, MART, at("ref('stg_customers')"));
  assert.equal(d.file, file('models/staging/stg_customers.sql'));
  const stg = file('models/staging/stg_customers.sql');
  const stgText = p.entry(stg)!.text;
  const [s] = definition(p, stg, stgText.indexOf("'customers'") + 1);
  assert.equal(s.file, file('models/sources.yml'));
  assert.equal(p.entry(s.file)!.text.slice(s.start, s.end), 'customers');
  const q = makeProject({ 'models/m.sql': "select {{ cents_to_dollars('x') }}" });
  const [m] = definition(q, file('models/m.sql'), 10);
  assert.equal(q.entry(m.file)!.text.slice(m.start, m.end), 'cents_to_dollars');
});

test('references and rename of a model', () => {
  const stg = file('models/staging/stg_customers.sql');
  assert.deepEqual(references(p, stg, 0, false).map((r) => [r.file, p.entry(r.file)!.text.slice(r.start, r.end)]).sort(), [[MART, 'stg_customers'], [file('models/schema.yml'), 'stg_customers']]);
  const r = renameModel(p, MART, at("ref('stg_customers')"), 'stg_clients');
  assert.ok(!('error' in r));
  if ('error' in r) return;
  assert.deepEqual(r.edits.map((e) => [e.file, p.entry(e.file)!.text.slice(e.start, e.end), e.newText]).sort(), [
    [file('models/marts/mart_customers.sql'), 'stg_customers', 'stg_clients'],
    [file('models/schema.yml'), 'stg_customers', 'stg_clients'],
  ]);
  assert.deepEqual(r.renameFile, { from: stg, to: file('models/staging/stg_clients.sql') });
  assert.deepEqual(renameModel(p, MART, at("ref('stg_customers')"), 'stg_orders'), { error: "A model named 'stg_orders' already exists." });
});

test("references and rename reach a macro's ref() (calitp's macros/get_latest_schedule_data.sql)", () => {
  const macro = "{% macro latest(col) %}\n  select max({{ col }}) from {{ ref('stg_customers') }} join {{ ref(other) }}\n{% endmacro %}\n";
  const q = makeProject({ 'macros/latest.sql': macro });
  const stg = file('models/staging/stg_customers.sql');
  const inMacro = (l: { file: string; start: number; end: number }) => l.file === file('macros/latest.sql') && macro.slice(l.start, l.end) === 'stg_customers';
  assert.ok(references(q, stg, 0, false).some(inMacro), 'the ref in the macro is a reference');
  const r = renameModel(q, MART, q.entry(MART)!.text.indexOf("ref('stg_customers')") + 6, 'stg_clients');
  assert.ok(!('error' in r) && r.edits.some((e) => inMacro(e) && e.newText === 'stg_clients'), 'rename edits the macro');
});

test("definition and hover in a hook's template (`pre_hook=\"{{ my_macro(...) }}\"`, danish, wbx, kvapac)", () => {
  const model = `{{ config(materialized='incremental', pre_hook="{% if is_incremental() %}delete from {{ this }} where id in (select id from {{ source('bronze', 'customers') }}){% endif %}", post_hook=["{{ cents_to_dollars('x') }}"]) }}\nselect 1 as id\n`;
  const q = makeProject({ 'models/marts/hooked.sql': model });
  const f = file('models/marts/hooked.sql');
  const onMacro = model.indexOf('cents_to_dollars') + 3;
  assert.deepEqual(definition(q, f, onMacro).map((l) => [l.file, q.entry(l.file)!.text.slice(l.start - 9, l.start + 16)]), [[file('macros/money.sql'), '{% macro cents_to_dollars']]);
  const h = hover(q, f, onMacro)!;
  assert.match(h.markdown, /macro cents_to_dollars\(col, scale\)/);
  assert.equal(model.slice(h.start, h.end), 'cents_to_dollars');
  const onSource = model.indexOf("'customers'") + 2;
  assert.deepEqual(definition(q, f, onSource).map((l) => q.entry(l.file)!.text.slice(l.start, l.end)), ['customers']);
  assert.match(hover(q, f, onSource)!.markdown, /source bronze\.customers/);
  // outside a call in the hook: nothing, as elsewhere in Jinja
  assert.equal(hover(q, f, model.indexOf('delete from') + 2), undefined);
});

test("references and rename reach a hook's ref(), source() and macro calls (wbx, kvapac)", () => {
  const model = `{{ config(post_hook="delete from {{ this }} where d = (select max(d) from {{ ref('stg_customers') }})") }}\nselect {{ cents_to_dollars('x') }} from {{ source('bronze', 'customers') }}\n`;
  const q = makeProject({ 'models/marts/hooked.sql': model });
  const f = file('models/marts/hooked.sql');
  const inHook = (l: { file: string; start: number; end: number }) => l.file === f && l.start < model.indexOf('\n');
  const stg = file('models/staging/stg_customers.sql');
  assert.deepEqual(references(q, stg, 0, false).filter(inHook).map((l) => model.slice(l.start, l.end)), ['stg_customers']);
  const r = renameModel(q, stg, 0, 'stg_clients');
  assert.ok(!('error' in r) && r.edits.some((e) => inHook(e) && model.slice(e.start, e.end) === 'stg_customers'), 'rename edits the hook');
  const q2 = makeProject({ 'models/marts/hooked.sql': model.replace("{{ ref('stg_customers') }}", "{{ source('bronze', 'customers') }} where {{ cents_to_dollars('y') }}") });
  const t2 = q2.entry(f)!.text;
  assert.deepEqual(references(q2, f, t2.lastIndexOf("'customers'") + 2, false).filter((l) => l.file === f).map((l) => t2.slice(l.start, l.end)), ["source('bronze', 'customers')", "source('bronze', 'customers')"]);
  assert.equal(references(q2, f, t2.lastIndexOf('cents_to_dollars') + 2, false).filter((l) => l.file === f).length, 2);
});

test('definition and hover of a ref to a turned-off model (from a turned-off model: wbx, near)', () => {
  const off = "{{ config(materialized='table', enabled=false) }}\n";
  const q = makeProject({ 'models/marts/epochs.sql': `${off}select 1 as id\n`, 'models/marts/supply.sql': `${off}select * from {{ ref('epochs') }}\n` });
  const f = file('models/marts/supply.sql');
  const onRef = q.entry(f)!.text.indexOf('epochs') + 2;
  assert.deepEqual(definition(q, f, onRef), [{ file: file('models/marts/epochs.sql'), start: 0, end: 0 }]);
  assert.match(hover(q, f, onRef)!.markdown, /\*\*epochs\*\* · turned off \(`enabled: false`\)/);
  // a package's turned-off copy too (wbx's ent_dbt_package): the project's own
  const both = makeProject({ 'models/marts/epochs.sql': `${off}select 1 as id\n`, 'models/marts/supply.sql': `${off}select * from {{ ref('epochs') }}\n`,
    'dbt_packages/pk/dbt_project.yml': 'name: pk\n', 'dbt_packages/pk/models/epochs.sql': `${off}select 2 as id\n` });
  assert.deepEqual(definition(both, f, onRef), [{ file: file('models/marts/epochs.sql'), start: 0, end: 0 }]);
});

test("definition and hover of a dispatching macro: the implementation dbt picks (adapter, `dispatch:`, the project's override)", () => {
  const model = "select {{ pk.star('x') }} from t\n";
  const pkg = {
    'dbt_packages/pk/dbt_project.yml': 'name: pk\n',
    'dbt_packages/pk/macros/star.sql': "{% macro star(from) %}{{ return(adapter.dispatch('star', 'pk')(from)) }}{% endmacro %}\n"
      + '{% macro default__star(from) %}*{% endmacro %}\n{% macro snowflake__star(from) %}* /* sf */{% endmacro %}\n',
    'models/marts/probe.sql': model,
  };
  const f = file('models/marts/probe.sql');
  const at = model.indexOf('star') + 1;
  const where = (q: ReturnType<typeof makeProject>) => definition(q, f, at).map((l) => `${l.file.slice(file('').length)} ${q.entry(l.file)!.text.slice(l.start, l.end)}`);
  assert.deepEqual(where(makeProject(pkg)), ['dbt_packages/pk/macros/star.sql star', 'dbt_packages/pk/macros/star.sql default__star']);
  const snowflake = { 'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: snowflake\n      account: a\n' };
  assert.deepEqual(where(makeProject({ ...pkg, ...snowflake })), ['dbt_packages/pk/macros/star.sql star', 'dbt_packages/pk/macros/star.sql snowflake__star']);
  // the project overrides the package's implementation through `dispatch:`
  const override = {
    ...pkg, ...snowflake, 'macros/my_star.sql': '{% macro default__star(from) %}{{ from }}.*{% endmacro %}\n',
    'dbt_project.yml': `${BASE['dbt_project.yml']}dispatch:\n  - macro_namespace: pk\n    search_order: ['shop', 'pk']\n`,
  };
  const q = makeProject(override);
  assert.deepEqual(where(q), ['dbt_packages/pk/macros/star.sql star', 'macros/my_star.sql default__star']);
  assert.match(hover(q, f, at)!.markdown, /dispatches to `default__star` in `shop`/);
  // a macro that does not dispatch: itself alone
  assert.deepEqual(definition(q, f, at + 100), []);
});

test("references of a macro: its calls in other macros, not another package's macro of the same name", () => {
  const q = makeProject({
    'macros/money_fmt.sql': "{% macro money_fmt(col) %}'$' || {{ cents_to_dollars(col) }}{% endmacro %}\n",
    'dbt_packages/pk/dbt_project.yml': 'name: pk\n',
    'dbt_packages/pk/macros/c.sql': '{% macro cents_to_dollars(col) %}{{ col }}{% endmacro %}\n',
    'models/marts/probe.sql': "select {{ cents_to_dollars('a') }}, {{ pk.cents_to_dollars('b') }}\n",
  });
  const probe = file('models/marts/probe.sql');
  const text = q.entry(probe)!.text;
  const uses = (offset: number) => references(q, probe, offset, false).map((l) => `${l.file.slice(file('').length)}:${q.entry(l.file)!.text.slice(0, l.start).split('\n').length}:${l.start}`).sort();
  const own = text.indexOf('cents_to_dollars') + 2;
  assert.deepEqual(uses(own), ['macros/money_fmt.sql:1:36', `models/marts/probe.sql:1:${own - 2}`]);
  const pkg = text.indexOf('pk.cents_to_dollars') + 5;
  assert.deepEqual(uses(pkg), [`models/marts/probe.sql:1:${pkg - 5}`]);
  // from the package macro's own definition: its calls, not the project's macro's
  const def = file('dbt_packages/pk/macros/c.sql');
  assert.deepEqual(references(q, def, q.entry(def)!.text.indexOf('cents') + 1, false).map((l) => `${l.file.slice(file('').length)}:${l.start}`), [`models/marts/probe.sql:${pkg - 5}`]);
});

test("hover and definition of var('…'): its value and its line in dbt_project.yml", () => {
  const model = "select '{{ var('region') }}' as r, {{ var('since', 2020) }} as s, {{ var('pk_only') }} as p\n";
  const q = makeProject({
    'models/marts/probe.sql': model,
    'dbt_packages/pk/dbt_project.yml': 'name: pk\nvars:\n  pk_only: [1, 2]\n',
  });
  const f = file('models/marts/probe.sql');
  const on = (name: string) => model.indexOf(`'${name}'`) + 2;
  assert.equal(hover(q, f, on('region'))!.markdown, '**var region** = `"eu"`');
  assert.match(hover(q, f, on('since'))!.markdown, /\*\*var since\*\* · not set in dbt_project\.yml: the default given here applies/);
  assert.match(hover(q, f, on('pk_only'))!.markdown, /not set in dbt_project\.yml nor given a default/);
  const [d] = definition(q, f, on('region'));
  assert.equal(d.file, file('dbt_project.yml'));
  assert.equal(q.entry(d.file)!.text.slice(d.start, d.end), 'region');
  assert.deepEqual(definition(q, f, on('since')), []);
  // in a package's model: the package's own vars
  const pm = file('dbt_packages/pk/models/pm.sql');
  const r = makeProject({ 'dbt_packages/pk/dbt_project.yml': 'name: pk\nvars:\n  pk_only: [1, 2]\n', 'dbt_packages/pk/models/pm.sql': "select {{ var('pk_only') }}\n" });
  const at = r.entry(pm)!.text.indexOf('pk_only') + 1;
  assert.equal(hover(r, pm, at)!.markdown, '**var pk_only** = `[1,2]`');
  assert.deepEqual(definition(r, pm, at).map((l) => [l.file, r.entry(l.file)!.text.slice(l.start, l.end)]), [[file('dbt_packages/pk/dbt_project.yml'), 'pk_only']]);
});

test('references and rename reach YAML: relationships to:, exposures, semantic models, unit tests', () => {
  const yml = [
    'version: 2', 'models:', '  - name: mart_customers', '    columns:', '      - name: customer_id', '        tests:',
    "          - relationships: {to: ref('stg_customers'), field: customer_id}",
    '          - relationships:', '              to: ref("stg_customers", v=2)', '              field: customer_id',
    'exposures:', '  - name: dash', '    type: dashboard', '    owner: {name: x}', "    depends_on: [ref('stg_customers'), ref('stg_customers_old')]",
    'semantic_models:', '  - name: customers', "    model: ref('stg_customers')",
    'unit_tests:', '  - name: t1', '    model: stg_customers', '    given:', "      - input: source('bronze', 'customers')", '    expect: {rows: []}',
    '  - name: t2', '    model: mart_customers', '    given:', "      - input: ref('stg_customers')", '        rows: []', '    expect: {rows: []}',
  ].join('\n') + '\n';
  const q = makeProject({ 'models/marts/marts.yml': yml });
  const stg = file('models/staging/stg_customers.sql');
  const marts = file('models/marts/marts.yml');
  const mentions = (locations: Array<{ file: string; start: number; end: number }>) =>
    locations.filter((l) => l.file === marts).map((l) => [yml.slice(0, l.start).split('\n').length, yml.slice(l.start, l.end)] as const)
      .sort((a, b) => a[0] - b[0]);
  const expected = [[7, 'stg_customers'], [9, 'stg_customers'], [15, 'stg_customers'], [18, 'stg_customers'], [21, 'stg_customers'], [28, 'stg_customers']];
  assert.deepEqual(mentions(references(q, stg, 0, false)), expected);
  const r = renameModel(q, stg, 0, 'stg_clients');
  assert.ok(!('error' in r), JSON.stringify(r));
  assert.deepEqual(mentions(r.edits), expected);
});

test('symbols and code lenses', () => {
  assert.deepEqual(documentSymbols(p, MART).map((s) => [s.kind, s.name]), [['config', 'config'], ['cte', 'c']]);
  assert.deepEqual(modelLenses(p, MART).map((l) => l.command), ['floe.preview', 'floe.materialize', 'floe.previewCte']);
  // A model with data tests gets a "Test (N)" lens.
  const tested = makeProject({ 'models/marts/schema.yml': 'version: 2\nmodels:\n  - name: mart_customers\n    columns:\n      - name: customer_id\n        data_tests: [not_null, unique]\n' });
  assert.deepEqual(modelLenses(tested, MART).map((l) => [l.title, l.command]), [['▶ Preview', 'floe.preview'], ['Materialize', 'floe.materialize'], ['Test (2)', 'floe.testModel'], ['▶ Preview c', 'floe.previewCte']]);
});

test('definition of an upstream column goes to the upstream model', () => {
  const q = makeProject({ 'models/marts/probe.sql': "select s.email from {{ ref('stg_customers') }} s" });
  const probe = file('models/marts/probe.sql');
  const [d] = definition(q, probe, q.entry(probe)!.text.indexOf('email') + 1);
  assert.equal(d.file, file('models/staging/stg_customers.sql'));
  assert.equal(q.entry(d.file)!.text.slice(d.start, d.end), 'email');
});

test('references of an upstream column list its uses in every model that reads the upstream', () => {
  const q = makeProject({
    'models/marts/probe.sql': "select s.email from {{ ref('stg_customers') }} s",
    'models/marts/probe2.sql': "select email, customer_id from {{ ref('stg_customers') }}",
  });
  const probe = file('models/marts/probe.sql');
  const refs = references(q, probe, q.entry(probe)!.text.indexOf('email') + 1, false);
  assert.deepEqual(refs.map((r) => [r.file.split('/').pop(), q.entry(r.file)!.text.slice(r.start, r.end)]).sort(), [['mart_customers.sql', 'email'], ['probe.sql', 'email'], ['probe2.sql', 'email']]);
});
