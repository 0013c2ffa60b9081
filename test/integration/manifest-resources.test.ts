// Issue 17: the manifest's macros, docs blocks, exposures and semantic layer as dbt parses them, and parent/child maps
// that include them; a project on disk loaded by the real project model, the manifest checked against dbt's v12 schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { DbtProject } from '../../server/src/project/project';
import { buildManifest } from '../../server/src/artifacts/manifest';
import { newInvocation } from '../../server/src/artifacts/metadata';
import { runFloe } from '../helpers/floe-cli';

/** The manifest of a project of `files` written to `dir`, and dbt's manifest v12 validator. */
function manifestOf(dir: string, files: Record<string, string>): { manifest: Record<string, any>; valid: ReturnType<Ajv2020['compile']> } {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  const manifest = buildManifest(DbtProject.load(dir), newInvocation({ which: 'docs' })) as Record<string, any>;
  const valid = new Ajv2020({ strict: false, validateFormats: false }).compile<unknown>(JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'dbt-schemas', 'manifest-v12.json'), 'utf8')));
  return { manifest, valid };
}

const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nversion: "1.0"\nprofile: shop\n',
  'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n',
  'macros/money.sql': "{% macro cents_to_dollars(col) %}\n  ({{ col }} / 100)::decimal(18, 2)\n{% endmacro %}\n\n{% macro amount(col) -%}\n  {{ cents_to_dollars(col) }}\n{%- endmacro %}\n",
  'models/orders.sql': "select id, {{ amount('cents') }} as amount from {{ source('raw', 'orders') }}\n",
  'models/marts/revenue.sql': "select sum(amount) as revenue from {{ ref('orders') }}\n",
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n',
  'models/marts/exposures.yml': `version: 2
exposures:
  - name: weekly_revenue
    label: Weekly revenue
    type: dashboard
    maturity: high
    url: https://bi.example.com/revenue
    description: '{{ doc("revenue_doc") }}'
    owner: {name: Finance, email: finance@example.com}
    depends_on:
      - ref('revenue')
      - source('raw', 'orders')
`,
  'models/marts/semantic.yml': `version: 2
semantic_models:
  - name: orders_sm
    model: ref('orders')
    defaults: {agg_time_dimension: ordered_at}
    entities:
      - {name: order, type: primary, expr: id}
    measures:
      - {name: order_total, agg: sum, expr: amount}
      - {name: order_count, agg: count, expr: 1}
    dimensions:
      - {name: ordered_at, type: time, type_params: {time_granularity: day}}
      - {name: status, type: categorical}
metrics:
  - name: revenue
    label: Revenue
    type: simple
    type_params: {measure: order_total}
    filter: "{{ Dimension('order__status') }} = 'paid'"
  - name: orders
    label: Orders
    type: simple
    type_params:
      measure: {name: order_count, fill_nulls_with: 0}
  - name: revenue_per_order
    label: Revenue per order
    type: ratio
    type_params: {numerator: revenue, denominator: orders}
  - name: revenue_7d
    label: Revenue, 7 days
    type: cumulative
    type_params: {measure: order_total, window: 7 days}
  - name: revenue_growth
    label: Revenue growth
    type: derived
    type_params:
      expr: revenue - revenue_prev
      metrics:
        - revenue
        - {name: revenue, alias: revenue_prev, offset_window: 1 week}
saved_queries:
  - name: weekly
    query_params:
      metrics: [revenue, orders]
      group_by: ["TimeDimension('order__ordered_at', 'week')"]
      where: ["{{ Dimension('order__status') }} = 'paid'"]
    exports:
      - name: weekly_export
        config: {export_as: table, schema: reports}
`,
  'models/docs.md': '{% docs revenue_doc %}\nRevenue per week, in dollars.\n{% enddocs %}\n\n{%- docs orders_doc -%}Orders.{%- enddocs -%}\n',
};

test('macros (macro_sql, depends_on.macros), docs blocks, exposures, semantic models, metrics and saved queries in the manifest, valid against manifest v12', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-manifest-'));
  try {
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    const manifest = buildManifest(DbtProject.load(dir), newInvocation({ which: 'docs' })) as Record<string, any>;
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const valid = ajv.compile<unknown>(JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'dbt-schemas', 'manifest-v12.json'), 'utf8')));
    assert.ok(valid(manifest), JSON.stringify(valid.errors?.slice(0, 3)));
    assert.equal(valid({ ...manifest, exposures: { x: { ...manifest.exposures['exposure.shop.weekly_revenue'], type: 'report' } } }), false);

    const amount = manifest.macros['macro.shop.amount'];
    assert.deepEqual([amount.resource_type, amount.path, amount.original_file_path, amount.package_name], ['macro', 'macros/money.sql', 'macros/money.sql', 'shop']);
    assert.equal(amount.macro_sql, '{% macro amount(col) -%}\n  {{ cents_to_dollars(col) }}\n{%- endmacro %}');
    assert.deepEqual(amount.depends_on.macros, ['macro.shop.cents_to_dollars']);
    assert.deepEqual(manifest.macros['macro.shop.cents_to_dollars'].depends_on.macros, []);
    assert.deepEqual(manifest.nodes['model.shop.orders'].depends_on.macros, ['macro.shop.amount']);

    assert.deepEqual(manifest.docs['doc.shop.revenue_doc'], {
      name: 'revenue_doc', resource_type: 'doc', package_name: 'shop', path: 'models/docs.md', original_file_path: 'models/docs.md',
      unique_id: 'doc.shop.revenue_doc', block_contents: 'Revenue per week, in dollars.',
    });
    assert.equal(manifest.docs['doc.shop.orders_doc'].block_contents, 'Orders.');

    const e = manifest.exposures['exposure.shop.weekly_revenue'];
    assert.deepEqual([e.type, e.maturity, e.label, e.url, e.owner], ['dashboard', 'high', 'Weekly revenue', 'https://bi.example.com/revenue', { name: 'Finance', email: 'finance@example.com' }]);
    assert.deepEqual(e.fqn, ['shop', 'marts', 'weekly_revenue']);
    assert.deepEqual(e.depends_on.nodes, ['model.shop.revenue', 'source.shop.raw.orders']);
    assert.deepEqual([e.refs, e.sources], [[{ name: 'revenue', package: null, version: null }], [['raw', 'orders']]]);
    assert.deepEqual(manifest.parent_map['exposure.shop.weekly_revenue'], ['model.shop.revenue', 'source.shop.raw.orders']);
    assert.deepEqual(manifest.child_map['model.shop.revenue'], ['exposure.shop.weekly_revenue']);
    assert.deepEqual(manifest.child_map['source.shop.raw.orders'], ['exposure.shop.weekly_revenue', 'model.shop.orders']);

    const sm = manifest.semantic_models['semantic_model.shop.orders_sm'];
    assert.deepEqual([sm.model, sm.node_relation.alias, sm.depends_on.nodes, sm.defaults], ["ref('orders')", 'orders', ['model.shop.orders'], { agg_time_dimension: 'ordered_at' }]);
    assert.deepEqual(sm.measures.map((m: any) => [m.name, m.agg, m.expr]), [['order_total', 'sum', 'amount'], ['order_count', 'count', '1']]);
    assert.deepEqual(sm.dimensions[0].type_params, { time_granularity: 'day', validity_params: null });
    const revenue = manifest.metrics['metric.shop.revenue'];
    assert.deepEqual([revenue.type, revenue.type_params.measure.name, revenue.depends_on.nodes, revenue.filter.where_filters[0].where_sql_template],
      ['simple', 'order_total', ['semantic_model.shop.orders_sm'], "{{ Dimension('order__status') }} = 'paid'"]);
    assert.equal(manifest.metrics['metric.shop.orders'].type_params.measure.fill_nulls_with, 0);
    const ratio = manifest.metrics['metric.shop.revenue_per_order'];
    assert.deepEqual([ratio.type_params.numerator.name, ratio.type_params.denominator.name, ratio.depends_on.nodes], ['revenue', 'orders', ['metric.shop.orders', 'metric.shop.revenue']]);
    assert.deepEqual(manifest.metrics['metric.shop.revenue_7d'].type_params.cumulative_type_params.window, { count: 7, granularity: 'day' });
    const growth = manifest.metrics['metric.shop.revenue_growth'];
    assert.deepEqual(growth.type_params.metrics.map((m: any) => [m.name, m.alias, m.offset_window]), [['revenue', null, null], ['revenue', 'revenue_prev', { count: 1, granularity: 'week' }]]);
    const weekly = manifest.saved_queries['saved_query.shop.weekly'];
    assert.deepEqual([weekly.query_params.metrics, weekly.exports[0].config, weekly.depends_on.nodes],
      [['revenue', 'orders'], { export_as: 'table', schema_name: 'reports', alias: null, database: null }, ['metric.shop.revenue', 'metric.shop.orders']]);
    assert.deepEqual(manifest.child_map['model.shop.orders'], ['model.shop.revenue', 'semantic_model.shop.orders_sm']);
    assert.deepEqual(manifest.child_map['metric.shop.revenue'], ['metric.shop.revenue_growth', 'metric.shop.revenue_per_order', 'saved_query.shop.weekly']);
    assert.equal(valid({ ...manifest, metrics: { x: { ...revenue, type: 'sum' } } }), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('floe ls lists exposures, metrics, semantic models and saved queries as dbt ls does, and their selector methods and graph operators select them', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-ls-resources-'));
  try {
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    const ls = async (...args: string[]) => {
      const r = await runFloe(['ls', ...args], {}, dir);
      assert.equal(r.code, 0, r.err + r.out);
      return r.out.trim().split('\n').filter(Boolean);
    };
    // dbt's generate_selectors: `<type>:<package>.<name>`, in unique id order with the rest.
    assert.deepEqual(await ls('--resource-type', 'exposure', 'metric', 'semantic_model', 'saved_query'), [
      'exposure:shop.weekly_revenue', 'metric:shop.orders', 'metric:shop.revenue', 'metric:shop.revenue_7d', 'metric:shop.revenue_growth',
      'metric:shop.revenue_per_order', 'saved_query:shop.weekly', 'semantic_model:shop.orders_sm',
    ]);
    assert.ok((await ls()).includes('exposure:shop.weekly_revenue'), 'listed by default, as dbt ls');
    // The selector methods, a package-qualified name with a wildcard, resource_type:, and graph operators over them.
    assert.deepEqual(await ls('-s', 'exposure:weekly_revenue'), ['exposure:shop.weekly_revenue']);
    assert.deepEqual(await ls('-s', 'metric:shop.revenue_*'), ['metric:shop.revenue_7d', 'metric:shop.revenue_growth', 'metric:shop.revenue_per_order']);
    assert.deepEqual(await ls('-s', 'semantic_model:orders_sm', 'saved_query:weekly', '--output', 'name'), ['weekly', 'orders_sm']);
    assert.deepEqual(await ls('-s', 'resource_type:exposure', '--output', 'path'), ['models/marts/exposures.yml']);
    assert.deepEqual(await ls('-s', '+exposure:weekly_revenue'), ['exposure:shop.weekly_revenue', 'shop.orders', 'shop.marts.revenue', 'source:shop.raw.orders']);
    assert.deepEqual(await ls('-s', '+saved_query:weekly', '--resource-type', 'model', 'semantic_model'), ['shop.orders', 'semantic_model:shop.orders_sm']);
    assert.deepEqual(await ls('-s', 'orders+', '--resource-type', 'exposure', 'semantic_model'), ['exposure:shop.weekly_revenue', 'semantic_model:shop.orders_sm']);
    const [json] = await ls('-s', 'exposure:weekly_revenue', '--output', 'json');
    assert.deepEqual(JSON.parse(json), {
      name: 'weekly_revenue', resource_type: 'exposure', package_name: 'shop', original_file_path: 'models/marts/exposures.yml', unique_id: 'exposure.shop.weekly_revenue',
      tags: [], config: { enabled: true, tags: [], meta: {} }, depends_on: { macros: [], nodes: ['model.shop.revenue', 'source.shop.raw.orders'] },
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("a `create_metric: true` measure is a simple metric in the manifest, as dbt makes it, valid against manifest v12", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-manifest-'));
  const files: Record<string, string> = {
    'dbt_project.yml': FILES['dbt_project.yml'], 'profiles.yml': FILES['profiles.yml'],
    'models/orders.sql': 'select 1 as id, 2.5 as amount\n',
    'models/semantic.yml': `version: 2
semantic_models:
  - name: orders_sm
    model: ref('orders')
    config: {meta: {owner: finance}}
    entities:
      - {name: order, type: primary, expr: id}
    measures:
      - {name: order_total, agg: sum, expr: amount, create_metric: true, label: Order total}
      - {name: order_count, agg: count, expr: 1, create_metric: true, description: How many.}
      - {name: order_max, agg: max, expr: amount}
`,
  };
  try {
    const { manifest, valid } = manifestOf(dir, files);
    assert.ok(valid(manifest), JSON.stringify(valid.errors?.slice(0, 3)));
    assert.deepEqual(Object.keys(manifest.metrics).sort(), ['metric.shop.order_count', 'metric.shop.order_total']);
    const total = manifest.metrics['metric.shop.order_total'];
    assert.deepEqual(
      [total.type, total.label, total.description, total.type_params.measure.name, total.type_params.expr, total.depends_on.nodes, total.original_file_path, total.meta, total.config.meta],
      ['simple', 'Order total', 'Metric created from measure order_total', 'order_total', 'amount', ['semantic_model.shop.orders_sm'], 'models/semantic.yml', { owner: 'finance' }, { owner: 'finance' }],
    );
    const count = manifest.metrics['metric.shop.order_count'];
    assert.deepEqual([count.label, count.description, count.type_params.expr], ['order_count', 'How many.', '1']);
    assert.deepEqual(manifest.child_map['semantic_model.shop.orders_sm'], ['metric.shop.order_count', 'metric.shop.order_total']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("survey 13: hooks as dbt's manifest has them ({sql, transaction, index}) and a Jinja enabled as true, valid against manifest v12", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-manifest-hooks-'));
  // datacoves/balboa's folded post-hook list, FlipsideCrypto/near-models' pre-hook string, a config() dict hook and
  // jaffle-shop-style Jinja enabled (true here)
  const files: Record<string, string> = {
    'dbt_project.yml': 'name: shop\nversion: "1.0"\nprofile: shop\nmodels:\n  shop:\n    +pre-hook: "{{ log(\'tag\') }}"\n    +enabled: "{{ var(\'on\', true) }}"\n    +post-hook:\n      - >\n        {% if target.name == \'prd\' %} grant select on {{ this }} to reporter {% endif %}\n',
    'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n',
    'models/a.sql': '{{ config(post_hook={"sql": "analyze {{ this }}", "transaction": false}) }}\nselect 1 as id\n',
  };
  try {
    const { manifest, valid } = manifestOf(dir, files);
    assert.ok(valid(manifest), JSON.stringify(valid.errors?.filter((e) => /anyOf\/4\//.test(e.schemaPath)).slice(0, 3)));
    const config = manifest.nodes['model.shop.a'].config;
    assert.equal(config.enabled, true);
    assert.deepEqual(config['pre-hook'], [{ sql: "{{ log('tag') }}", transaction: true, index: null }]);
    assert.deepEqual(config['post-hook'].map((h: { transaction: boolean }) => h.transaction), [true, false]);
    assert.match(config['post-hook'][0].sql, /grant select on \{\{ this \}\} to reporter/);
    assert.equal(config['post-hook'][1].sql, 'analyze {{ this }}');
    assert.equal(config.post_hook, undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("survey 13 (datacoves/balboa): the manifest's groups and group_map, and each node's group, as dbt writes them", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-manifest-groups-'));
  try {
    const { manifest, valid } = manifestOf(dir, {
      'dbt_project.yml': 'name: shop\nversion: "1.0"\nprofile: shop\nmodels:\n  shop:\n    marts:\n      +group: marketing\n',
      'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n',
      'models/groups.yml': 'groups:\n  - name: finance\n    owner: {email: finance@example.com}\n    config: {meta: {slack: finance-data}}\n  - name: marketing\n    description: Campaigns.\n    owner: {name: Marketing}\n',
      'models/stg.sql': 'select 1 as id\n',
      'models/marts/a.sql': "select * from {{ ref('stg') }}\n",
      'models/marts/b.sql': "select * from {{ ref('stg') }}\n",
    });
    assert.ok(valid(manifest), JSON.stringify(valid.errors?.slice(0, 3)));
    assert.deepEqual(manifest.groups['group.shop.finance'], {
      name: 'finance', resource_type: 'group', package_name: 'shop', path: 'models/groups.yml', original_file_path: 'models/groups.yml',
      unique_id: 'group.shop.finance', owner: { email: 'finance@example.com', name: null }, description: null, config: { meta: { slack: 'finance-data' } },
    });
    assert.equal(manifest.groups['group.shop.marketing'].description, 'Campaigns.');
    assert.deepEqual(manifest.group_map, { finance: [], marketing: ['model.shop.a', 'model.shop.b'] });
    assert.deepEqual([manifest.nodes['model.shop.a'].group, manifest.nodes['model.shop.stg'].group], ['marketing', null]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
