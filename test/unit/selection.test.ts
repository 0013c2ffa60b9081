// dbt's node selection syntax over a small in-memory project: the documented examples of methods, graph
// operators, set operators and --exclude, one `check(selection, expected)` per case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { selectNodes, yamlSelectorRequest, type SelectableNode } from '../../server/src/selection/select';
import { parseYamlSelectors, yamlSelector } from '../../server/src/selection/yamlSelectors';
import { fileDiagnostics } from '../../server/src/features/diagnostics';

const FILES: Record<string, string> = {
  'dbt_project.yml': [
    'name: shop', 'profile: shop',
    'models:', '  shop:',
    '    staging:', "      +materialized: view", "      +tags: ['staging']",
    '    marts:', '      +materialized: table', "      +tags: ['gold']",
    '      finance:', "        +tags: ['finance']",
    'seeds:', '  shop:', "    +tags: ['raw']",
    'snapshots:', '  shop:', "    +tags: ['history']",
  ].join('\n'),
  'models/sources.yml': 'version: 2\nsources:\n  - name: bronze\n    tables:\n      - name: orders\n        columns:\n          - name: id\n            tests: [not_null]\n      - name: customers\n  - name: crm\n    tags: [crm_raw]\n    tables:\n      - name: accounts\n        config: {tags: [pii]}\n      - name: legacy\n        config: {enabled: false}\n',
  'models/staging/schema.yml': [
    'version: 2', 'models:',
    '  - name: stg_orders', '    columns:', '      - name: order_id', '        tags: [keys]', '        tests: [unique]',
    '      - name: customer_id', '        tests:', "          - relationships: {to: ref('stg_customers'), field: customer_id, config: {tags: [integrity]}}",
  ].join('\n'),
  'models/staging/stg_orders.sql': "select * from {{ source('bronze', 'orders') }}\n",
  'models/staging/stg_customers.sql': "select * from {{ source('bronze', 'customers') }}\n",
  'models/staging/stg_payments.sql': "select * from {{ ref('raw_payments') }}\n",
  'models/staging/crm/stg_accounts.sql': "{{ config(tags=['crm']) }}\nselect * from {{ source('crm', 'accounts') }}\n",
  'models/marts/dim_customers.sql': "select * from {{ ref('stg_customers') }} join {{ ref('stg_orders') }} using (customer_id)\n",
  'models/marts/finance/fct_revenue.sql': "{{ config(materialized='incremental', unique_key='order_id', tags=['nightly']) }}\nselect * from {{ ref('stg_orders') }} join {{ ref('stg_payments') }} using (order_id)\n",
  'models/marts/old_mart.sql': "{{ config(enabled=false) }}\nselect 1\n",
  'seeds/raw_payments.csv': 'order_id,amount\n1,10\n',
  'snapshots/orders_snapshot.sql': "{% snapshot orders_snapshot %}\n{{ config(strategy='check', unique_key='id', check_cols='all') }}\nselect * from {{ ref('stg_orders') }}\n{% endsnapshot %}\n",
  'tests/assert_revenue_positive.sql': "{{ config(tags=['finance_checks']) }}\nselect * from {{ ref('fct_revenue') }} where amount < 0\n",
  'analyses/revenue_by_month.sql': "select * from {{ ref('fct_revenue') }}\n",
  'dbt_packages/calendar/dbt_project.yml': 'name: calendar\n',
  'dbt_packages/calendar/models/staging/stg_dates.sql': 'select 1 as d\n',
  'dbt_packages/calendar/models/dim_dates.sql': "select * from {{ ref('stg_dates') }}\n",
};

const project = DbtProject.fromTexts('/virtual/shop', FILES);

/** A node as the expectations name it: models by name, `source:src.table`, `test:<data test id>`. */
function label(n: SelectableNode): string {
  if (n.resourceType === 'source') return `source:${n.name}`;
  if (n.resourceType === 'test') return `test:${n.test!.id}`;
  return n.name;
}

const TESTS = {
  orders_unique: 'test:stg_orders.order_id.unique',
  orders_relationships: 'test:stg_orders.customer_id.relationships',
  source_not_null: 'test:source:bronze.orders.id.not_null',
  revenue_positive: 'test:singular:tests/assert_revenue_positive.sql',
};
const { orders_unique, orders_relationships, source_not_null, revenue_positive } = TESTS;
const STG_ORDERS = ['stg_orders', orders_unique, orders_relationships];
const FCT_REVENUE = ['fct_revenue', revenue_positive];

/**
 * `selection` is what follows `--select` (optionally ` --exclude ...`); `expected` lists the selected nodes in
 * any order, and the problems as the CLI prints them (`warning: ...`, `error: ...`).
 */
function check(selection: string, expected: string[]): void {
  const [select, exclude] = selection.split(/ ?--exclude /);
  const r = selectNodes(project, { select: select ? [select] : [], exclude: exclude ? [exclude] : [] });
  const actual = [...r.nodes.map(label), ...r.problems.map((p) => `${p.severity}: ${p.message}`)];
  assert.deepEqual(actual.sort(), [...expected].sort(), selection);
}

test('methods: fqn (the default), with folders, packages and wildcards', () => {
  check('stg_orders', STG_ORDERS);
  check('marts.*', ['dim_customers', ...FCT_REVENUE]);
  check('marts', ['dim_customers', ...FCT_REVENUE]);
  check('marts.finance', FCT_REVENUE);
  check('shop.marts.finance.fct_revenue', FCT_REVENUE);
  check('fqn:marts.finance', FCT_REVENUE);
  // Without its package an fqn matches in every package: the calendar package has a staging folder too.
  check('staging', [...STG_ORDERS, 'stg_customers', 'stg_payments', 'stg_accounts', 'stg_dates']);
  check('shop.staging.crm', ['stg_accounts']);
  check('calendar', ['stg_dates', 'dim_dates']);
  check('calendar.dim_dates', ['dim_dates']);
  // A source's fqn is [package, ...folders, source, table]: the crm source matches too.
  check('*.crm.*', ['stg_accounts', 'source:crm.accounts']);
  check('stg_*', [...STG_ORDERS, 'stg_customers', 'stg_payments', 'stg_accounts', 'stg_dates']);
  check('stg_?ates', ['stg_dates']);
  check('dim_[cd]*', ['dim_customers', 'dim_dates']);
  check('raw_payments', ['raw_payments']);
  check('orders_snapshot', ['orders_snapshot']);
  // dbt's fqn of a snapshot in a .sql file has the file's name before the snapshot's (ls prints shop.orders_snapshot.orders_snapshot).
  assert.deepEqual(selectNodes(project, { select: ['orders_snapshot'] }).nodes.map((n) => n.fqn.join('.')), ['shop.orders_snapshot.orders_snapshot']);
  check('orders_snapshot.orders_snapshot', ['orders_snapshot']);
  check('revenue_by_month', ['revenue_by_month']);
  check('assert_revenue_positive', [revenue_positive]);
  check('unique_stg_orders_order_id', [orders_unique]);
});

test('methods: path (folder, file, YAML, glob) and file', () => {
  check('path:models/staging/crm', ['stg_accounts']);
  check('models/staging/crm/', ['stg_accounts']);
  check('path:./models/marts/finance/fct_revenue.sql', FCT_REVENUE);
  check('path:models/*/crm', ['stg_accounts']);
  check('path:models/**/fct_*.sql', FCT_REVENUE);
  check('path:snapshots', ['orders_snapshot']);
  check('path:seeds', ['raw_payments']);
  check('path:tests', [revenue_positive]);
  // A YAML file selects what it documents and declares: stg_orders and its tests; the sources of sources.yml.
  check('path:models/staging/schema.yml', STG_ORDERS);
  check('path:models/sources.yml', ['source:bronze.orders', 'source:bronze.customers', 'source:crm.accounts', source_not_null]);
  // An installed package's node: dbt compares its path in the package (models/staging/stg_dates.sql) with the selector
  // globbed in the project's own tree, so it is selected where the project has that folder, never by dbt_packages/.
  check('path:dbt_packages/calendar', ["warning: The selection criterion 'path:dbt_packages/calendar' does not match any enabled nodes."]);
  check('path:models/staging', [...STG_ORDERS, 'stg_customers', 'stg_payments', 'stg_accounts', 'stg_dates']);
  check('path:models/dim_dates.sql', ["warning: The selection criterion 'path:models/dim_dates.sql' does not match any enabled nodes."]);
  check('file:fct_revenue.sql', FCT_REVENUE);
  check('fct_revenue.sql', FCT_REVENUE);
  check('file:fct_revenue', FCT_REVENUE);
  check('file:stg_*.sql', [...STG_ORDERS, 'stg_customers', 'stg_payments', 'stg_accounts', 'stg_dates']);
});

test('methods: package, tag, config, resource_type, source, test_name, test_type', () => {
  check('package:calendar', ['stg_dates', 'dim_dates']);
  check('package:cal*', ['stg_dates', 'dim_dates']);
  check('package:this,resource_type:seed', ['raw_payments']);
  check('tag:gold', ['dim_customers', ...FCT_REVENUE]);
  check('tag:finance', FCT_REVENUE);
  check('tag:nightly', FCT_REVENUE);
  check('tag:crm', ['stg_accounts']);
  // Seeds and snapshots take their folder configs from dbt_project.yml's seeds: and snapshots: trees.
  check('tag:raw', ['raw_payments']);
  check('tag:history', ['orders_snapshot']);
  // A source table's tags are its own and its source's; a disabled table is no node.
  check('tag:pii', ['source:crm.accounts']);
  check('tag:crm_raw', ['source:crm.accounts']);
  // A test's tags: its own (config), its column's, a singular test's config().
  check('tag:keys', [orders_unique]);
  check('tag:integrity', [orders_relationships]);
  check('tag:finance_checks', [revenue_positive]);
  check('source:crm.legacy', ["warning: The selection criterion 'source:crm.legacy' does not match any enabled nodes."]);
  check('tag:stag*', [...STG_ORDERS, 'stg_customers', 'stg_payments', 'stg_accounts']);
  check('config.materialized:incremental', FCT_REVENUE);
  check('config.materialized:table', ['dim_customers']);
  // dbt's default materialization is view: the package's models have no config at all.
  check('config.materialized:view', [...STG_ORDERS, 'stg_customers', 'stg_payments', 'stg_accounts', 'stg_dates', 'dim_dates']);
  check('config.materialized:seed', ['raw_payments']);
  check('config.materialized:snapshot', ['orders_snapshot']);
  check('config.unique_key:order_id', FCT_REVENUE);
  check('config.tags:nightly', FCT_REVENUE);
  check('config.strategy:check', ['orders_snapshot']);
  check('config.severity:error', Object.values(TESTS));
  check('resource_type:seed', ['raw_payments']);
  check('resource_type:snapshot', ['orders_snapshot']);
  check('resource_type:analysis', ['revenue_by_month']);
  check('resource_type:test', Object.values(TESTS));
  // Sources bring their tests, as every selected node does (dbt's eager indirect selection).
  check('resource_type:source', ['source:bronze.orders', 'source:bronze.customers', 'source:crm.accounts', source_not_null]);
  check('source:bronze', ['source:bronze.orders', 'source:bronze.customers', source_not_null]);
  check('source:bronze.customers', ['source:bronze.customers']);
  check('source:shop.crm.accounts', ['source:crm.accounts']);
  check('source:*.accounts', ['source:crm.accounts']);
  check('test_type:singular', [revenue_positive]);
  check('test_type:generic', [orders_unique, orders_relationships, source_not_null]);
  check('test_name:unique', [orders_unique]);
  check('test_name:relationships', [orders_relationships]);
});

test('graph operators: +x, x+, N+x, x+N, @x', () => {
  check('+fct_revenue', ['source:bronze.orders', source_not_null, ...STG_ORDERS, 'raw_payments', 'stg_payments', ...FCT_REVENUE]);
  check('fct_revenue+', [...FCT_REVENUE, 'revenue_by_month']);
  check('stg_orders+', [...STG_ORDERS, 'dim_customers', ...FCT_REVENUE, 'orders_snapshot', 'revenue_by_month']);
  check('1+fct_revenue', [...STG_ORDERS, 'stg_payments', ...FCT_REVENUE]);
  check('2+fct_revenue', ['source:bronze.orders', source_not_null, ...STG_ORDERS, 'raw_payments', 'stg_payments', ...FCT_REVENUE]);
  check('stg_payments+1', ['stg_payments', ...FCT_REVENUE]);
  check('source:bronze.customers+', ['source:bronze.customers', 'stg_customers', orders_relationships, 'dim_customers']);
  check('1+stg_payments+1', ['raw_payments', 'stg_payments', ...FCT_REVENUE]);
  // @x: x, its descendants, and every ancestor of those (what a CI build of x needs).
  check('@stg_payments', ['stg_payments', ...FCT_REVENUE, 'revenue_by_month', 'raw_payments', ...STG_ORDERS, 'source:bronze.orders', source_not_null]);
  check('+tag:crm', ['source:crm.accounts', 'stg_accounts']);
  check('path:seeds+', ['raw_payments', 'stg_payments', ...FCT_REVENUE, 'revenue_by_month']);
});

test('set operators: spaces union, commas intersect, several --select values union, --exclude subtracts', () => {
  check('stg_orders stg_customers', [...STG_ORDERS, 'stg_customers']);
  check('marts.* stg_payments', ['dim_customers', ...FCT_REVENUE, 'stg_payments']);
  check('tag:gold,config.materialized:incremental', FCT_REVENUE);
  check('marts.finance,tag:nightly', FCT_REVENUE);
  check('+fct_revenue,tag:staging', [...STG_ORDERS, 'stg_payments']);
  // Each criterion brings its nodes' tests, so the shared model's tests stay in the intersection.
  check('+dim_customers,+fct_revenue,resource_type:model', STG_ORDERS);
  check('marts.* --exclude fct_revenue', ['dim_customers']);
  check('tag:staging --exclude stg_orders stg_customers', ['stg_payments', 'stg_accounts']);
  check('+fct_revenue --exclude resource_type:test resource_type:source', ['stg_orders', 'raw_payments', 'stg_payments', 'fct_revenue']);
  check('stg_orders+ --exclude stg_orders+1', ['revenue_by_month']);
  check('--exclude package:this', ['stg_dates', 'dim_dates']);
  const several = selectNodes(project, { select: ['stg_payments', 'tag:crm'], exclude: ['resource_type:test'] });
  assert.deepEqual(several.nodes.map(label).sort(), ['stg_accounts', 'stg_payments']);
});

test('what matched nothing is named (with a suggestion); bad syntax is an error; neither throws', () => {
  check('stg_ordrs', ["warning: The selection criterion 'stg_ordrs' does not match any enabled nodes. Did you mean 'stg_orders'?"]);
  check('old_mart', ["warning: The selection criterion 'old_mart' does not match any enabled nodes."]);
  check('stg_payments nothing_here', ['stg_payments', "warning: The selection criterion 'nothing_here' does not match any enabled nodes."]);
  check('tag:gold,tag:crm', ["warning: The selection criterion 'tag:gold,tag:crm' does not match any enabled nodes."]);
  check('marts.* --exclude nothing_here', ['dim_customers', ...FCT_REVENUE]);
  check('@+stg_orders', ["error: Invalid selector '@+stg_orders': '@' and a leading '+' cannot be combined"]);
  check('+', ["error: Invalid selector '+': names nothing to select"]);
  check('tag:', ["error: Invalid selector 'tag:': names nothing to select"]);
  check('state:modified', ["error: Invalid selector 'state:modified': Floe does not support dbt's 'state' method"]);
  check('colour:red stg_orders', ["error: Invalid selector 'colour:red': 'colour' is not a selection method (use one of fqn, tag, source, path, file, package, config, resource_type, test_name, test_type, group, access, version, exposure, metric, semantic_model, saved_query)"]);
  check('config:view', ["error: Invalid selector 'config:view': config needs a key, as in config.materialized:table"]);
  check('tag.x:y', ["error: Invalid selector 'tag.x:y': 'tag.x' takes no key"]);
  check('resource_type:table', ["error: Invalid selector 'resource_type:table': 'table' is not a resource type (model, seed, snapshot, source, test, analysis)"]);
  check('resource_type:exposure', ["warning: The selection criterion 'resource_type:exposure' does not match any enabled nodes."]);
  check('test_type:unit', ["warning: The selection criterion 'test_type:unit' does not match any enabled nodes."]);
  check('source:a.b.c.d', ["error: Invalid selector 'source:a.b.c.d': a source selector is source, source.table or package.source.table"]);
  check('stg_orders --exclude @+x', ["error: Invalid selector '@+x': '@' and a leading '+' cannot be combined"]);
});

test('no --select selects every enabled node, upstream first', () => {
  const all = selectNodes(project, {}).nodes;
  assert.equal(all.length, 18, '8 models (2 in a package), a seed, a snapshot, an analysis, 3 sources, 4 tests');
  assert.ok(!all.some((n) => n.name === 'old_mart'), 'disabled models are not nodes');
  const position = new Map(all.map((n, i) => [n.id, i]));
  for (const n of all) for (const p of n.parents) assert.ok(position.get(p)! < position.get(n.id)!, `${p} before ${n.id}`);
});

const SELECTORS_YML = `
selectors:
  - name: nightly
    description: what runs every night
    definition: 'tag:nightly'
  - name: marts_but_revenue
    default: true
    definition:
      union:
        - method: fqn
          value: marts.*
        - exclude:
            - fct_revenue
  - name: one_up_from_revenue
    definition: {method: fqn, value: fct_revenue, parents: true, parents_depth: 1}
  - name: staging_crm
    definition:
      intersection:
        - tag: staging
        - path: models/staging/crm
  - name: at_payments
    definition: {method: fqn, value: stg_payments, childrens_parents: true}
  - name: crm_down_no_tests
    definition: {method: source, value: crm, children: true, exclude: ['resource_type:test']}
  - name: reuse
    definition:
      union:
        - method: selector
          value: marts_but_revenue
        - package: calendar
  - name: empty
    definition: 'tag:nope'
  - name: marts_exclude_with_sibling
    definition:
      union:
        - method: fqn
          value: marts.*
        - exclude:
            - fct_revenue
          parents: true
`;

function checkYaml(name: string, expected: string[]): void {
  const selectors = parseYamlSelectors('/virtual/shop/selectors.yml', SELECTORS_YML);
  assert.deepEqual(selectors.problems, []);
  const definition = yamlSelector(selectors, name);
  assert.ok(!('message' in definition), name);
  const r = selectNodes(project, { definition: { op: 'union', members: [definition], expect: `selector:${name}` } });
  assert.deepEqual([...r.nodes.map(label), ...r.problems.map((p) => `${p.severity}: ${p.message}`)].sort(), [...expected].sort(), name);
}

test('YAML selectors: CLI strings, method/value pairs, full dicts with graph flags, union/intersection/exclude, references', () => {
  checkYaml('nightly', FCT_REVENUE);
  checkYaml('marts_but_revenue', ['dim_customers']);
  checkYaml('one_up_from_revenue', [...STG_ORDERS, 'stg_payments', ...FCT_REVENUE]);
  checkYaml('staging_crm', ['stg_accounts']);
  checkYaml('at_payments', ['stg_payments', ...FCT_REVENUE, 'revenue_by_month', 'raw_payments', ...STG_ORDERS, 'source:bronze.orders', source_not_null]);
  checkYaml('crm_down_no_tests', ['source:crm.accounts', 'stg_accounts']);
  checkYaml('reuse', ['dim_customers', 'stg_dates', 'dim_dates']);
  // dbt reads an item with an 'exclude' key as an exclusion and ignores its other keys (fhir-dbt-analytics' selectors.yml)
  checkYaml('marts_exclude_with_sibling', ['dim_customers']);
  checkYaml('empty', ["warning: The selection criterion 'selector:empty' does not match any enabled nodes."]);
  const selectors = parseYamlSelectors('/virtual/shop/selectors.yml', SELECTORS_YML);
  assert.equal([...selectors.selectors.values()].find((s) => s.default)?.name, 'marts_but_revenue');
  assert.deepEqual(yamlSelector(selectors, 'nightly_run'), {
    severity: 'error', criterion: 'nightly_run',
    message: "there is no selector 'nightly_run' in selectors.yml (there are: nightly, marts_but_revenue, one_up_from_revenue, staging_crm, at_payments, crm_down_no_tests, reuse, empty, marts_exclude_with_sibling)",
  });
});

test('YAML selectors: a broken file or definition is named, never thrown', () => {
  const problems = (text: string) => parseYamlSelectors('selectors.yml', text).problems.map((p) => p.message);
  assert.deepEqual(problems('selectors:\n  - name: a\n    definition: {method: colour, value: red}\n'),
    ["selectors.yml: selector 'a': Invalid selector 'colour:red': 'colour' is not a selection method (use one of fqn, tag, source, path, file, package, config, resource_type, test_name, test_type, group, access, version, exposure, metric, semantic_model, saved_query)"]);
  assert.deepEqual(problems('selectors:\n  - name: a\n    definition: {method: selector, value: b}\n  - name: b\n    definition: {method: selector, value: a}\n'),
    ["selectors.yml: selector 'b': refers to itself through 'a'"]);
  assert.deepEqual(problems('selectors:\n  - name: a\n    definition: {method: selector, value: zz}\n'), ["selectors.yml: selector 'a': refers to the unknown selector 'zz'"]);
  assert.deepEqual(problems('selectors:\n  - name: a\n    default: true\n    definition: x\n  - name: b\n    default: true\n    definition: y\n'), ['selectors.yml: only one selector can be the default (a, b)']);
  assert.deepEqual(problems('selectors:\n  - name: a\n    definition: {tag: x, path: y}\n'), ["selectors.yml: selector 'a': expected one 'method: value' pair, 'method:'/'value:', 'union:' or 'intersection:', not 'tag', 'path'"]);
  assert.deepEqual(problems('selectors: [\n'), [problems('selectors: [\n')[0]]);
  assert.match(problems('selectors: [\n')[0], /^selectors\.yml:\d+:\d+: /);
  assert.deepEqual(problems('nothing: here\n'), ["selectors.yml: expected a 'selectors:' list"]);
});

const GOVERNED = DbtProject.fromTexts('/virtual/crm', {
  'dbt_project.yml': 'name: crm\nprofile: crm\n',
  'models/schema.yml': [
    'version: 2', 'models:',
    '  - name: customers', '    access: public', '    group: finance', '    latest_version: 2', '    versions: [{v: 1}, {v: 2}, {v: 3}]',
    '  - name: orders', '    config: {group: sales, access: private}', '    columns:', '      - name: customer_id', '        tests:',
    "          - relationships: {to: ref('stg_customers'), field: id}",
  ].join('\n'),
  'models/stg_customers.sql': 'select 1 as id\n',
  'models/customers_v1.sql': "select * from {{ ref('stg_customers') }}\n",
  'models/customers_v2.sql': "select * from {{ ref('stg_customers') }}\n",
  'models/customers_v3.sql': "select * from {{ ref('stg_customers') }}\n",
  'models/orders.sql': "select * from {{ ref('customers') }} join {{ ref('stg_customers') }} using (id)\n",
});
const ORDERS_TEST = 'test:orders.customer_id.relationships';

function checkGoverned(select: string, expected: string[], indirectSelection?: 'eager' | 'cautious' | 'buildable' | 'empty'): void {
  const r = selectNodes(GOVERNED, { select: [select], ...(indirectSelection ? { indirectSelection } : {}) });
  assert.deepEqual([...r.nodes.map(label), ...r.problems.map((p) => `${p.severity}: ${p.message}`)].sort(), [...expected].sort(), `${select} (${indirectSelection ?? 'eager'})`);
}

test('methods: access (protected by default), group (config or property), version; versioned models by name', () => {
  checkGoverned('access:public', ['customers_v1', 'customers_v2', 'customers_v3']);
  checkGoverned('access:protected', ['stg_customers', ORDERS_TEST]);
  checkGoverned('access:private', ['orders', ORDERS_TEST]);
  checkGoverned('group:finance', ['customers_v1', 'customers_v2', 'customers_v3']);
  checkGoverned('group:sal*', ['orders', ORDERS_TEST]);
  checkGoverned('version:latest', ['customers_v2']);
  checkGoverned('version:prerelease', ['customers_v3']);
  checkGoverned('version:old', ['customers_v1']);
  checkGoverned('version:none', ['stg_customers', 'orders', ORDERS_TEST]);
  // dbt: a versioned model's name selects every version; `name.v1` and `name_v1` one.
  checkGoverned('customers', ['customers_v1', 'customers_v2', 'customers_v3']);
  checkGoverned('customers.v1', ['customers_v1']);
  checkGoverned('customers_v3', ['customers_v3']);
  checkGoverned('customers+1', ['customers_v1', 'customers_v2', 'customers_v3', 'orders', ORDERS_TEST]);
  checkGoverned('access:open', ["error: Invalid selector 'access:open': 'open' is not an access level (public, protected, private)"]);
  checkGoverned('version:newest', ["error: Invalid selector 'version:newest': 'newest' is not a version selector (latest, prerelease, old, none)"]);
});

test('indirect selection: eager, cautious, buildable and empty, on a criterion and across a union', () => {
  // The relationships test depends on orders and stg_customers (upstream of orders).
  checkGoverned('orders', ['orders', ORDERS_TEST]);
  checkGoverned('orders', ['orders'], 'cautious');
  checkGoverned('orders', ['orders', ORDERS_TEST], 'buildable');
  checkGoverned('orders', ['orders'], 'empty');
  checkGoverned('stg_customers', ['stg_customers', ORDERS_TEST]);
  checkGoverned('stg_customers', ['stg_customers'], 'buildable');
  // A union takes in a test once all its parents are selected by some part.
  checkGoverned('orders stg_customers', ['orders', 'stg_customers', ORDERS_TEST], 'cautious');
  checkGoverned('orders stg_customers', ['orders', 'stg_customers'], 'empty');
  // Tests selected directly stay selected in every mode.
  checkGoverned('resource_type:test', [ORDERS_TEST], 'empty');
  // A YAML selector can set the mode per criterion.
  const selectors = parseYamlSelectors('selectors.yml', 'selectors:\n  - name: just_orders\n    definition: {method: fqn, value: orders, indirect_selection: empty}\n');
  assert.deepEqual(selectors.problems, []);
  const definition = yamlSelector(selectors, 'just_orders');
  assert.ok(!('message' in definition));
  assert.deepEqual(selectNodes(GOVERNED, { definition }).nodes.map(label), ['orders']);
});

test('YAML selectors are read as PyYAML reads them: a duplicate key keeps its last value, no error', () => {
  const selectors = parseYamlSelectors('selectors.yml', 'selectors:\n  - name: a\n    definition:\n      method: fqn\n      value: stg_orders\n      value: stg_customers\n');
  assert.deepEqual(selectors.problems, []);
  const definition = yamlSelector(selectors, 'a');
  assert.ok(!('message' in definition));
  assert.deepEqual(selectNodes(project, { definition }).nodes.map(label), ['stg_customers', orders_relationships]);
});

test("YAML selectors: a method dbt has but Floe cannot evaluate (result:) is a note on the file, an error only when that selector is chosen", () => {
  const text = 'selectors:\n  - name: failed_models\n    definition:\n      method: result\n      value: fail\n  - name: nightly\n    definition: tag:nightly\n';
  const shop = DbtProject.fromTexts('/virtual/shop', { ...FILES, 'selectors.yml': text });
  const notes = fileDiagnostics(shop, '/virtual/shop/selectors.yml').filter((d) => d.code === 'selector-invalid');
  assert.deepEqual(notes.map((d) => [d.severity, d.message]), [['info', "selector 'failed_models': Invalid selector 'result:fail': Floe does not support dbt's 'result' method"]]);
  const nightly = yamlSelectorRequest(shop, 'nightly');
  assert.ok(nightly && !Array.isArray(nightly), 'the other selectors stay usable');
  const failed = yamlSelectorRequest(shop, 'failed_models');
  assert.ok(Array.isArray(failed));
  assert.match(failed[0].message, /Floe does not support dbt's 'result' method/);
});
