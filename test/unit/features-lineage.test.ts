// Lineage over the in-memory shop project: nodes, edges, focus, depth limits, test counts, layers, cycles,
// broken refs, ranges and a 10k-model project.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject, file, ROOT, BASE } from '../helpers/projectTexts';
import { DbtProject } from '../../server/src/project/project';
import { findNodeId, layerOf, lineage, lineageOfPath, lineageOfSelection } from '../../server/src/features/lineage';
import { selectNodes } from '../../server/src/selection/select';
import type { LineageNode, LineageResponse } from '../../server/src/protocol/lineage';

const SNAPSHOT = "{% snapshot orders_snap %}\n{{ config(strategy='check', unique_key='id', check_cols='all') }}\nselect * from {{ ref('stg_orders') }}\n{% endsnapshot %}\n";
const SHOP = {
  'models/marts/mart_orders.sql': "{{ config(polaris_namespace='demo.gold') }}\nselect * from {{ ref('stg_orders') }} o join {{ ref('mart_customers') }} c using (customer_id) join {{ ref('country_codes') }} using (code)\n",
  'snapshots/orders_snap.sql': SNAPSHOT,
};

function ok(r: LineageResponse): { nodes: LineageNode[]; edges: Array<{ from: string; to: string }> } {
  assert.ok(!('error' in r), JSON.stringify(r));
  return r;
}

/** Node ids and `from -> to` edges (both sorted) of the lineage around `focus` in the shop project plus overrides. */
function check(overrides: Record<string, string>, focus: string | undefined, limits: { upstream?: number; downstream?: number }, expected: { nodes: string[]; edges: string[] }) {
  const project = makeProject({ ...SHOP, ...overrides });
  const r = ok(lineage(project, focus, limits));
  assert.deepEqual({ nodes: r.nodes.map((n) => n.id).sort(), edges: r.edges.map((e) => `${e.from} -> ${e.to}`).sort() }, { nodes: [...expected.nodes].sort(), edges: [...expected.edges].sort() });
  if (focus) assert.deepEqual(r.nodes.filter((n) => n.focus).map((n) => n.id), [focus], 'exactly the focus is flagged');
}

test('around a staging model: its bronze source upstream, marts and a snapshot downstream', () => {
  check({}, 'model:stg_orders', {}, {
    nodes: ['source:bronze.orders', 'model:stg_orders', 'model:mart_orders', 'snapshot:orders_snap'],
    edges: ['source:bronze.orders -> model:stg_orders', 'model:stg_orders -> model:mart_orders', 'model:stg_orders -> snapshot:orders_snap'],
  });
});

test('around a mart: every ancestor kind (models, seed, sources) and the edges among them', () => {
  check({}, 'model:mart_orders', {}, {
    nodes: ['model:mart_orders', 'model:stg_orders', 'model:mart_customers', 'seed:country_codes', 'model:stg_customers', 'source:bronze.orders', 'source:bronze.customers'],
    edges: [
      'model:stg_orders -> model:mart_orders', 'model:mart_customers -> model:mart_orders', 'seed:country_codes -> model:mart_orders',
      'model:stg_customers -> model:mart_customers', 'source:bronze.customers -> model:stg_customers', 'source:bronze.orders -> model:stg_orders',
    ],
  });
});

test('a dbt selection: only its nodes (tests and analyses are not drawn), with the edges among them', () => {
  const project = makeProject(SHOP);
  const r = ok(lineageOfSelection(project, selectNodes(project, { select: ['+mart_orders'], exclude: ['source:bronze', 'stg_customers'] }).nodes));
  assert.deepEqual({ nodes: r.nodes.map((n) => n.id).sort(), edges: r.edges.map((e) => `${e.from} -> ${e.to}`).sort() }, {
    nodes: ['model:mart_customers', 'model:mart_orders', 'model:stg_orders', 'seed:country_codes'],
    edges: ['model:mart_customers -> model:mart_orders', 'model:stg_orders -> model:mart_orders', 'seed:country_codes -> model:mart_orders'],
  });
  assert.ok(!r.nodes.some((n) => n.focus), 'a selection has no focus');
});

test('depth limits stop the walk at N levels each way; 0 keeps only the focus side', () => {
  check({}, 'model:mart_orders', { upstream: 1 }, {
    nodes: ['model:mart_orders', 'model:stg_orders', 'model:mart_customers', 'seed:country_codes'],
    edges: ['model:stg_orders -> model:mart_orders', 'model:mart_customers -> model:mart_orders', 'seed:country_codes -> model:mart_orders'],
  });
  check({}, 'model:stg_customers', { upstream: 0, downstream: 1 }, {
    nodes: ['model:stg_customers', 'model:mart_customers'],
    edges: ['model:stg_customers -> model:mart_customers'],
  });
  check({}, 'source:bronze.customers', { downstream: 2 }, {
    nodes: ['source:bronze.customers', 'model:stg_customers', 'model:mart_customers'],
    edges: ['source:bronze.customers -> model:stg_customers', 'model:stg_customers -> model:mart_customers'],
  });
});

test('the whole project: every model, seed, snapshot and declared source table', () => {
  const r = ok(lineage(makeProject(SHOP), undefined));
  assert.deepEqual(r.nodes.map((n) => n.id).sort(), [
    'model:mart_customers', 'model:mart_orders', 'model:stg_customers', 'model:stg_orders', 'seed:country_codes', 'snapshot:orders_snap',
    'source:bronze.customers', 'source:bronze.orders',
  ]);
  assert.equal(r.edges.length, 7);
  assert.ok(r.nodes.every((n) => !n.focus));
});

test('a cycle is walked once each way; a broken ref just leaves its node out', () => {
  const cycle = {
    'models/a.sql': "select * from {{ ref('b') }}\n",
    'models/b.sql': "select * from {{ ref('a') }} join {{ ref('no_such_model') }} using (id)\n",
  };
  assert.ok(makeProject(cycle).cycles().has('a'), 'the project model records the cycle');
  check(cycle, 'model:a', {}, { nodes: ['model:a', 'model:b'], edges: ['model:a -> model:b', 'model:b -> model:a'] });
  check({ 'models/c.sql': "select * from {{ ref('gone') }}\n" }, 'model:c', {}, { nodes: ['model:c'], edges: [] });
});

test('nodes carry materialization, Iceberg table, layer and the place to open', () => {
  const r = ok(lineage(makeProject({ ...SHOP, 'models/staging/stg_orders.sql': "{{ config(schema='silver') }}\nselect * from {{ source('bronze', 'orders') }}\n" }), 'model:stg_orders'));
  const byId = new Map(r.nodes.map((n) => [n.id, n]));
  assert.deepEqual(byId.get('model:stg_orders'), {
    id: 'model:stg_orders', kind: 'model', label: 'stg_orders', materialized: 'view', layer: 'silver', tests: 0, focus: true,
    uri: `file://${file('models/staging/stg_orders.sql')}`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
  });
  const mart = byId.get('model:mart_orders')!;
  assert.deepEqual([mart.materialized, mart.icebergTable, mart.layer], ['external', 'demo.gold.mart_orders', 'gold']);
  const source = byId.get('source:bronze.orders')!;
  assert.deepEqual([source.kind, source.label, source.layer, source.icebergTable], ['source', 'bronze.orders', 'bronze', 'demo.bronze.orders']);
  assert.equal(source.uri, `file://${file('models/sources.yml')}`);
  const yamlLine = BASE['models/sources.yml'].split('\n')[source.range.start.line];
  assert.equal(yamlLine.slice(source.range.start.character, source.range.end.character), 'orders', 'the range covers the YAML name');
  const snap = byId.get('snapshot:orders_snap')!;
  assert.deepEqual([snap.kind, snap.materialized, snap.range.start.line], ['snapshot', undefined, 0]);
});

test('test counts: generic tests by subject (model or source), singular tests for each node they read', () => {
  const r = ok(lineage(makeProject({
    ...SHOP,
    'models/schema.yml': 'version: 2\nmodels:\n  - name: stg_orders\n    tests:\n      - unique:\n          column_name: id\n    columns:\n      - name: id\n        tests: [not_null, unique]\n',
    'models/sources.yml': BASE['models/sources.yml'] + '        columns:\n          - name: id\n            tests: [not_null]\n',
    'tests/no_orphans.sql': "select * from {{ ref('stg_orders') }} o left join {{ source('bronze', 'customers') }} c using (id) where c.id is null\n",
  }), undefined));
  const tests = Object.fromEntries(r.nodes.map((n) => [n.id, n.tests]));
  assert.deepEqual(tests, {
    'source:bronze.customers': 1, 'source:bronze.orders': 1, 'model:mart_customers': 0, 'model:mart_orders': 0, 'model:stg_customers': 0,
    'model:stg_orders': 4, 'seed:country_codes': 0, 'snapshot:orders_snap': 0,
  });
});

test('layers from namespace, schema, then folders, by whole words', () => {
  const cases: Array<[unknown[], string | undefined]> = [
    [['demo.gold', 'silver', 'staging'], 'gold'],
    [[undefined, 'silver_area', 'marts'], 'silver'],
    [[undefined, undefined, 'staging'], 'silver'],
    [[undefined, undefined, 'marts', 'finance'], 'gold'],
    [['demo.bronze'], 'bronze'],
    [['goldilocks', 'stagingarea'], undefined],
    [[], undefined],
  ];
  for (const [hints, expected] of cases) assert.equal(layerOf(hints), expected, JSON.stringify(hints));
});

test('paths: a model file centres on it, the project folder is the whole project, other files and ids are errors', () => {
  const project = makeProject(SHOP);
  const centred = ok(lineageOfPath(project, file('models/staging/stg_orders.sql')));
  assert.equal(centred.nodes.find((n) => n.focus)?.id, 'model:stg_orders');
  assert.equal(ok(lineageOfPath(project, file('snapshots/orders_snap.sql'))).nodes.find((n) => n.focus)?.id, 'snapshot:orders_snap');
  assert.equal(ok(lineageOfPath(project, ROOT)).nodes.length, 8);
  assert.equal(ok(lineageOfPath(project, file('models'))).nodes.length, 8, 'a folder inside the project');
  assert.match((lineageOfPath(project, file('macros/money.sql')) as { error: string }).error, /money\.sql is not a model, seed or snapshot/);
  assert.match((lineage(project, 'model:nope') as { error: string }).error, /model:nope is not in shop/);
  assert.deepEqual(['stg_orders', 'model:stg_orders', 'bronze.orders', 'source:bronze.orders', 'country_codes', 'seed:country_codes', 'orders_snap', 'model:country_codes', 'nope'].map((n) => findNodeId(project, n)),
    ['model:stg_orders', 'model:stg_orders', 'source:bronze.orders', 'source:bronze.orders', 'seed:country_codes', 'seed:country_codes', 'snapshot:orders_snap', undefined, undefined]);
});

test('a 10k-model chain project: a small-depth lineage is exact, and an edit is reflected', () => {
  const texts: Record<string, string> = { 'dbt_project.yml': 'name: big\nprofile: big\n', 'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    schema: demo.bronze\n    tables:\n      - name: t0\n' };
  texts['models/staging/m0.sql'] = "select * from {{ source('raw', 't0') }}\n";
  for (let i = 1; i < 10_000; i++) texts[`models/marts/m${i}.sql`] = `select * from {{ ref('m${i - 1}') }}${i > 5 ? ` join {{ ref('m${i - 5}') }} using (id)` : ''}\n`;
  const project = DbtProject.fromTexts('/virtual/big', texts);
  const r = ok(lineage(project, 'model:m5000', { upstream: 2, downstream: 1 }));
  assert.deepEqual(r.nodes.map((n) => n.id).sort(), ['model:m4990', 'model:m4994', 'model:m4995', 'model:m4998', 'model:m4999', 'model:m5000', 'model:m5001', 'model:m5005'].sort());
  assert.equal(r.nodes.find((n) => n.id === 'model:m5000')?.layer, 'gold');
  assert.equal(ok(lineage(project, 'model:m1', { upstream: 5 })).nodes.find((n) => n.id === 'source:raw.t0')?.layer, 'bronze');
  project.updateFile('/virtual/big/models/marts/m5000.sql', "select * from {{ ref('m1') }}\n");
  assert.deepEqual(ok(lineage(project, 'model:m5000', { upstream: 1, downstream: 0 })).nodes.map((n) => n.id).sort(), ['model:m1', 'model:m5000']);
});
