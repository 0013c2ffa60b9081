// The project model: files, sources → Iceberg tables, seeds, profiles, config precedence, DAG, incremental updates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject, file } from '../helpers/projectTexts';
import { checkConfigEntry, folderConfig, mergeConfigs } from '../../server/src/project/config';
import { Dag } from '../../server/src/project/dag';
import { resolveEnvVars } from '../../server/src/project/profiles';
import { DbtProject, modelName } from '../../server/src/project/project';
import { parseYaml } from '../../server/src/project/yamlNodes';

test('models, seeds, sources and macros are indexed', () => {
  const p = makeProject();
  assert.deepEqual(p.modelNames().sort(), ['country_codes', 'mart_customers', 'stg_customers', 'stg_orders']);
  assert.deepEqual(p.macroNames(), ['cents_to_dollars']);
  assert.deepEqual(p.allSourceTables().map((t) => [t.name, t.icebergTable]), [['customers', 'demo.bronze.bronze_customers'], ['orders', 'demo.bronze.orders']]);
});

test('seed columns with inferred types', () => {
  const p = makeProject();
  assert.deepEqual(p.columnsOfNode(p.resolveRef({ name: 'country_codes' })!), [
    { name: 'code', type: 'VARCHAR' }, { name: 'name', type: 'VARCHAR' }, { name: 'population', type: 'INTEGER' }, { name: 'joined', type: 'DATE' },
  ]);
});

test("profiles: target and the seed's plugin block with env_var()", () => {
  const p = makeProject();
  assert.equal(p.target.name, 'dev');
  assert.equal(p.target.catalog?.catalogUri, 'http://localhost:8181/api/catalog');
  assert.equal(p.target.catalog?.warehouse, 'demo_catalog');
  assert.equal(resolveEnvVars("{{ env_var('X_URI', 'd') }}/v1", { X_URI: 'http://h' }), 'http://h/v1');
});

/** Effective config of a model. */
function checkConfig(model: string, expected: Record<string, unknown>) {
  const p = makeProject();
  assert.deepEqual(p.configOf(p.resolveRef({ name: model })!), expected);
}

test("config precedence: dbt_project.yml folders < schema YAML < config(); tags accumulate", () => {
  checkConfig('stg_customers', { materialized: 'view', tags: ['staging'], alias: 'customers_v' });
  checkConfig('mart_customers', { materialized: 'external', tags: ['gold', 'c'], polaris_namespace: 'demo.gold', polaris_table: 'mart_customers' });
  assert.deepEqual(folderConfig({ shop: { '+schema': 'a', sub: { '+schema': 'b' } } }, 'shop', ['sub']), { schema: 'b' });
  assert.deepEqual(mergeConfigs({ tags: 'a' }, { tags: ['b', 'a'] }), { tags: ['a', 'b'] });
});

test('config values and keys are validated', () => {
  const cases: Array<[string, unknown, string | undefined]> = [
    ['materialized', 'external', undefined],
    ['materialized', 'tabel', "Unknown materialized 'tabel'. Did you mean 'table'?"],
    ['materialized', 'dynamic_table', undefined],
    ['materialized', 'my_custom_materialization', undefined],
    ['materialized', 3, "Invalid value for 'materialized': expected a string (such as 'view', 'table', 'external', 'incremental', 'ephemeral')"],
    ['on_schema_change', 'sync_all_columns', undefined],
    ['incremental_strategy', 'insert_overwrite', undefined],
    ['enabled', "{{ var('x') }}", undefined],
    ['tags', ['a', 1], "Invalid value for 'tags': expected a string or a list of strings"],
    ['pre_hook', 'x', undefined],
  ];
  for (const [key, value, message] of cases) assert.equal(checkConfigEntry(key, value as never, true)?.message, message, key);
  assert.equal(checkConfigEntry('colour', 'red', true), undefined);
  assert.equal(checkConfigEntry('polaris_namspace', 'x', true)?.message, "Unknown config key 'polaris_namspace'. Did you mean 'polaris_namespace'?");
});

test('DAG cycles, including self references', () => {
  const dag = new Dag([['a', 'b'], ['b', 'c'], ['c', 'a'], ['d', 'd'], ['e', 'a']], ['a', 'b', 'c', 'd', 'e']);
  const cycles = dag.cycles();
  assert.deepEqual([...cycles.keys()].sort(), ['a', 'b', 'c', 'd']);
  assert.deepEqual(cycles.get('a'), ['c', 'b', 'a'], 'members in the order Tarjan closes the cycle');
  assert.equal(cycles.get('b'), cycles.get('a'), 'one members list per cycle');
  assert.deepEqual(cycles.get('d'), ['d']);
  assert.deepEqual(dag.upstream('e').sort(), ['a', 'b', 'c']);
  // the topological order relink's fast path trusts: upstream lower, cycle members apart from what reads them
  assert.deepEqual(Object.fromEntries(dag.order!), { c: 0, b: 1, a: 2, d: 3, e: 4 });
  // an edge to a node that is not in the graph is left out
  assert.equal(new Dag([['a', 'ghost']], ['a']).cycles().size, 0);
});

test('DAG cycles on random graphs agree with componentOf, with an order that puts parents first outside cycles', () => {
  let seed = 7;
  const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let g = 0; g < 300; g++) {
    const n = 1 + rand(25);
    const names = Array.from({ length: n }, (_, i) => `n${i}`);
    const edges: Array<[string, string]> = [];
    for (let e = rand(n * 3); e > 0; e--) edges.push([names[rand(n)], names[rand(n)]]);
    const dag = new Dag(edges, names);
    const cycles = dag.cycles();
    for (const x of names) {
      const component = dag.componentOf(x);
      const onCycle = component.length > 1 || dag.parents.get(x)!.has(x);
      assert.equal(cycles.has(x), onCycle, `graph ${g}: ${x}`);
      if (onCycle) assert.deepEqual([...cycles.get(x)!].sort(), component.sort(), `graph ${g}: ${x}'s members`);
      for (const p of dag.parents.get(x)!) if (!cycles.has(x) || !cycles.get(x)!.includes(p)) assert.ok(dag.order!.get(p)! < dag.order!.get(x)!, `graph ${g}: ${p} before ${x}`);
    }
  }
});

test('a node\'s name is its file name without .sql, .csv or .py, in any case', () => {
  assert.deepEqual(['/p/models/a.sql', '/p/models/B.SQL', '/p/seeds/c.Csv', '/p/models/d.py', '/p/models/e.v2.sql', '/p/models/f.txt', '/p/models/g'].map(modelName),
    ['a', 'B', 'c', 'd', 'e.v2', 'f.txt', 'g']);
});

test('incremental updates: a ref change is structural, a body edit is not; deletes and new files', () => {
  const p = makeProject();
  const mart = file('models/marts/mart_customers.sql');
  const text = p.entry(mart)!.text;
  assert.equal(p.updateFile(mart, text.replace('select c.customer_id', 'select c.customer_id, 1 as one')), false);
  assert.equal(p.updateFile(mart, text.replace("ref('stg_customers')", "ref('stg_orders')")), true);
  assert.deepEqual([...p.dag.parents.get('mart_customers')!], ['stg_orders']);
  assert.equal(p.updateFile(file('models/staging/new_model.sql'), 'select 1'), true);
  assert.ok(p.modelNames().includes('new_model'));
  assert.equal(p.updateFile(file('models/staging/new_model.sql'), undefined), true);
  assert.ok(!p.modelNames().includes('new_model'));
});

test('a broken YAML file degrades only itself', () => {
  const p = makeProject({ 'models/other.yml': 'models:\n  - name: x\n    description: [unclosed\n' });
  assert.equal(p.entry(file('models/other.yml'))!.problems[0].code, 'yaml-syntax');
  assert.equal(p.allSourceTables().length, 2);
});

test('YAML name offsets, quoted or not, skip look-alikes in descriptions', () => {
  const yml = "version: 2\nmodels:\n  - name: \"stg_customers\"\n    description: 'has name: stg_orders inside'\n  - name: stg_orders\n    config:\n      materialized: tabel\n";
  const p = makeProject({ 'models/q.yml': yml });
  const docs = p.entry(file('models/q.yml'))!.schema!.models;
  assert.deepEqual(docs.map((d) => yml.slice(d.nameStart, d.nameEnd)), ['stg_customers', 'stg_orders']);
  assert.equal(docs[1].nameStart, yml.lastIndexOf('stg_orders'));
  assert.equal(yml.slice(docs[1].configEntries[0].keyStart, docs[1].configEntries[0].keyEnd), 'materialized');
});

test('unsaved dbt_project.yml text re-reads the project with it', () => {
  const p = makeProject();
  const projectFile = file('dbt_project.yml');
  const text = p.entry(projectFile)!.text;
  assert.equal(p.updateFile(projectFile, text.replace('region: eu', 'region: us\n  extra: 1')), true);
  assert.deepEqual(p.vars(), { region: 'us', extra: 1 });
  assert.equal(p.modelNames().length, 4);
});

test("profiles.yml: an env var the active target's values Floe reads need, unset and without default, is a warning at its env_var()", () => {
  const profiles = [
    'shop:', '  target: "{{ env_var(\'SHOP_TARGET\', \'dev\') }}"', '  outputs:',
    '    dev:', '      type: snowflake', '      schema: "{{ env_var(\'SF_SCHEMA\') }}"', '      database: "{{ env_var(\'SF_DATABASE\', \'analytics\') }}"',
    '      password: "{{ env_var(\'SF_PASSWORD\') }}"', '      plugins: [{module: x, config: {warehouse: "{{ env_var(\'WH\') }}"}}]',
    '    prod:', '      type: snowflake', '      database: "{{ env_var(\'PROD_ONLY\') }}"',
  ].join('\n');
  const texts = { 'dbt_project.yml': 'name: shop\nprofile: shop\n', 'profiles.yml': profiles };
  const warnings = (env: Record<string, string>) => {
    const p = DbtProject.fromTexts('/virtual/envs', texts, env);
    return p.entry('/virtual/envs/profiles.yml')!.problems.map((d) => [d.code, profiles.slice(d.start, d.start + 20), d.message.split(':')[0]]);
  };
  // A password Floe never reads is dbt's business when it connects.
  assert.deepEqual(warnings({}), [
    ['profile-env-missing', "env_var('SF_SCHEMA')", "Env var 'SF_SCHEMA' is not set and has no default, and target 'dev' of profile 'shop' uses it"],
    ['profile-env-missing', "env_var('WH') }}\"}}]", "Env var 'WH' is not set and has no default, and target 'dev' of profile 'shop' uses it"],
  ]);
  assert.deepEqual(warnings({ SF_SCHEMA: 'x', WH: 'y' }), [], 'set: nothing to say; the other target is not rendered');
  const prod = DbtProject.fromTexts('/virtual/envs', texts, { SHOP_TARGET: 'prod' });
  assert.deepEqual(prod.entry('/virtual/envs/profiles.yml')!.problems.map((d) => d.message.split(',')[0]), ["Env var 'PROD_ONLY' is not set and has no default"]);
  assert.equal(prod.target.name, 'prod', "the project's env picks the target");
});

test("dbt_project.yml: a flow list whose lines sit left of its key is read as PyYAML reads it, offsets on the file as written (Cheffelo's vars)", () => {
  const yml = "name: shop\nprofile: shop\nvars:\n ids: [\n     'a', #first\n     'b'\n]\n after: 1\nmodels:\n  shop:\n    +materialized: table\n";
  const p = makeProject({ 'dbt_project.yml': yml });
  assert.deepEqual(p.settings.vars, { ids: ['a', 'b'], after: 1 });
  assert.deepEqual(p.settings.problems, []);
  assert.equal(p.configOf(p.resolveRef({ name: 'stg_orders' })!).materialized, 'table');
  const after = parseYaml(yml).doc.getIn(['vars', 'after'], true) as { range: number[] };
  assert.equal(yml.slice(after.range[0], after.range[1]), '1');
  // broken YAML stays broken
  assert.ok(makeProject({ 'dbt_project.yml': 'name: shop\nvars:\n ids: [\n  a\n' }).settings.problems.length > 0);
});
