// Generic data tests are named and identified as dbt's parser does: `floe ls` prints dbt's fqn (the name made of the
// test, its target and its arguments) and unique ids carry dbt's hash. The expected ids are dbt's own, from the
// manifest of dbt's jaffle_shop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { selectNodes } from '../../server/src/selection/select';
import { genericTestFileName } from '../../server/src/project/testNames';

const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: jaffle_shop\nprofile: jaffle_shop\n',
  'models/customers.sql': 'select 1 as customer_id\n',
  'models/orders.sql': "select 1 as order_id, 1 as customer_id, 'placed' as status, 1 as amount\n",
  'models/schema.yml': [
    'version: 2',
    'models:',
    '  - name: customers',
    '    columns:',
    '      - name: customer_id',
    '        tests: [unique, not_null]',
    '  - name: orders',
    '    tests:',
    '      - dbt_utils.expression_is_true:',
    '          expression: "amount >= 0"',
    '          config: {severity: warn, description: not negative}',
    "      - dbt_utils.expression_is_true: {expression: \"status != 'x'\", name: status_is_never_x}",
    '    columns:',
    '      - name: status',
    '        tests:',
    '          - accepted_values:',
    "              values: ['placed', 'shipped', 'completed', 'return_pending', 'returned']",
    '      - name: customer_id',
    '        tests:',
    '          - relationships:',
    "              arguments: {to: ref('customers'), field: customer_id}",
    '  - name: long_named',
    '    columns:',
    '      - name: id',
    '        tests:',
    "          - accepted_values: {values: [\"it's\", 1, true, null, [a, b]], quote: false}",
  ].join('\n'),
  'models/long_named.sql': 'select 1 as id\n',
  'models/sources.yml': 'version: 2\nsources:\n  - name: bronze\n    tables:\n      - name: orders\n        columns:\n          - name: id\n            tests: [not_null]\n',
  'tests/assert_positive.sql': "select * from {{ ref('orders') }} where amount < 0\n",
};

test('generic tests: dbt names them after the test, its target and its arguments, with dbt\'s unique id', () => {
  const project = DbtProject.fromTexts('/virtual/jaffle', FILES);
  const tests = selectNodes(project, { select: ['resource_type:test'] }).nodes;
  const byId = new Map(tests.map((n) => [n.id, n]));
  for (const id of [
    // dbt's jaffle_shop manifest
    'test.jaffle_shop.unique_customers_customer_id.c5af1ff4b1',
    'test.jaffle_shop.not_null_customers_customer_id.5c9bf9911d',
    'test.jaffle_shop.accepted_values_orders_status__placed__shipped__completed__return_pending__returned.be6b5b5ec3',
    'test.jaffle_shop.relationships_orders_customer_id__customer_id__ref_customers_.c6ec7f58f2',
    // Python's str() of each argument in the name, its repr() in the hash (a string holding ' in double quotes)
    'test.jaffle_shop.accepted_values_long_named_id__False__it_s__1__True__None___a_b_.108e29504e',
  ]) assert.ok(byId.has(id), `${id} in ${[...byId.keys()].join(', ')}`);
  const fqns = tests.map((n) => n.fqn.join('.')).sort();
  assert.deepEqual(fqns, [
    'jaffle_shop.accepted_values_long_named_id__False__it_s__1__True__None___a_b_',
    'jaffle_shop.accepted_values_orders_status__placed__shipped__completed__return_pending__returned',
    'jaffle_shop.assert_positive',
    // a namespaced test: config and description are not arguments
    'jaffle_shop.dbt_utils_expression_is_true_orders_amount_0',
    'jaffle_shop.not_null_customers_customer_id',
    'jaffle_shop.relationships_orders_customer_id__customer_id__ref_customers_',
    'jaffle_shop.source_not_null_bronze_orders_id',
    // a name given in YAML
    'jaffle_shop.status_is_never_x',
    'jaffle_shop.unique_customers_customer_id',
  ]);
  // a singular test's id is its name, without a hash, as in dbt
  assert.ok(byId.has('test.jaffle_shop.assert_positive'));
});

test("a YAML float with an integral value (1.0) is Python's float in the test's name and hash, as PyYAML reads it (eighth corpus)", () => {
  const project = DbtProject.fromTexts('/virtual/shop', {
    'dbt_project.yml': 'name: shop\nprofile: shop\n',
    'models/m.sql': 'select 1 as id\n',
    'models/s.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        tests:\n          - column_completeness:\n              arguments: {tolerance_percent: 1.0, values: [2.0, 3], n: 1.5, k: 4}\n',
    'macros/t.sql': '{% test column_completeness(model, column_name, tolerance_percent, values, n, k) %}select 1{% endtest %}',
  });
  // the id dbt gives it: md5 of the name and repr() of the metadata with str(1.0) == '1.0' (computed as dbt does)
  assert.deepEqual(selectNodes(project, { select: ['resource_type:test'] }).nodes.map((n) => n.id), ['test.shop.column_completeness_m_id__4__1_5__1_0__2_0__3.9b2743c63e']);
});

test("a generic test's file name: dbt's name, or from 64 characters on its first 30 of <test>_<target> and the md5 of the name", () => {
  const project = DbtProject.fromTexts('/virtual/jaffle', {
    ...FILES,
    'models/stg_price_and_demand.sql': "select 'peak' as time_of_use_band\n",
    'models/aemo.yml': "version: 2\nmodels:\n  - name: stg_price_and_demand\n    columns:\n      - name: time_of_use_band\n        tests:\n          - accepted_values:\n              values: ['peak', 'off_peak']\n",
  });
  const files = new Map(selectNodes(project, { select: ['resource_type:test'] }).nodes.filter((n) => n.test && n.test.kind !== 'singular').map((n) => [n.name, genericTestFileName(n.test!)]));
  // the file names dbt wrote for these (jaffle_shop's target/compiled; aemo_energy's, in the compile corpus)
  assert.equal(files.get('accepted_values_orders_status__placed__shipped__completed__return_pending__returned'), 'accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758');
  assert.equal(files.get('accepted_values_stg_price_and_demand_time_of_use_band__peak__off_peak'), 'accepted_values_stg_price_and__733906a3be80c97f9b558b6bdb885f41');
  assert.equal(files.get('unique_customers_customer_id'), 'unique_customers_customer_id');
  assert.equal(files.get('status_is_never_x'), 'status_is_never_x');
});
