// dbt's names for generic tests (synthesize_generic_test_names' full name: the last part of a test's fqn and unique
// id, what `dbt ls` prints and `--select` matches), checked against the names dbt gives jaffle_shop's tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { selectableGraph } from '../../server/src/selection/graph';

function testNames(schema: string): string[] {
  const project = DbtProject.fromTexts('/virtual/names', {
    'dbt_project.yml': 'name: jaffle_shop\nprofile: jaffle_shop\n',
    'models/orders.sql': 'select 1 as order_id',
    'models/customers.sql': 'select 1 as customer_id',
    'models/schema.yml': schema,
  });
  return [...selectableGraph(project).nodes.values()].filter((n) => n.resourceType === 'test').map((n) => n.name).sort();
}

test('generic test names as dbt synthesizes them: arguments sorted by name, lists as their items, joined by __', () => {
  const schema = [
    'version: 2',
    'sources:',
    '  - name: jaffle_shop',
    '    tables:',
    '      - name: orders',
    '        columns:',
    '          - name: id',
    '            tests: [unique]',
    'models:',
    '  - name: orders',
    '    tests:',
    '      - dbt_utils.expression_is_true:',
    "          expression: 'col_a + col_b = total'",
    '    columns:',
    '      - name: order_id',
    '        tests: [unique, not_null]',
    '      - name: customer_id',
    '        tests:',
    '          - relationships:',
    "              to: ref('customers')",
    '              field: customer_id',
    '      - name: status',
    '        tests:',
    '          - accepted_values:',
    "              values: ['placed', 'shipped', 'completed', 'return_pending', 'returned']",
    '          - accepted_values:',
    '              arguments:',
    "                values: ['a', 'b']",
    '                quote: false',
    '              config:',
    '                severity: warn',
    '  - name: customers',
    '    columns:',
    '      - name: customer_id',
    '        tests:',
    '          - name: customers_have_ids',
    '            test_name: not_null',
    '          - unique:',
    '              name: customer_id_is_unique',
  ].join('\n');
  assert.deepEqual(testNames(schema), [
    'accepted_values_orders_status__False__a__b',
    'accepted_values_orders_status__placed__shipped__completed__return_pending__returned',
    'customer_id_is_unique',
    'customers_have_ids',
    'dbt_utils_expression_is_true_orders_col_a_col_b_total',
    'not_null_orders_order_id',
    'relationships_orders_customer_id__customer_id__ref_customers_',
    'source_unique_jaffle_shop_orders_id',
    'unique_orders_order_id',
  ]);
});
