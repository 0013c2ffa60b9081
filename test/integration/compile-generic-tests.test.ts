// `floe compile` writes each generic data test's compiled SQL where dbt does (target/compiled/<package>/<YAML path>/
// <test file name>.sql, a long name cut to `<prefix>_<md5>`) with dbt's text: the core four from dbt's macros, a
// `where` config as dbt's subquery, a project's `{% test %}` block, and a project's override of a core test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runFloe } from '../helpers/floe-cli';
import { writeTempProject } from '../helpers/demo-copy';

let dir: string;
const SCHEMA = `version: 2
models:
  - name: orders
    columns:
      - name: id
        data_tests:
          - unique
          - not_null:
              config:
                where: "amount > 0"
      - name: status
        data_tests:
          - accepted_values:
              values: ['placed', 'shipped', 'completed', 'return_pending', 'returned']
          - accepted_values:
              name: status_codes
              values: [1, 2]
              quote: false
      - name: customer_id
        data_tests:
          - relationships:
              to: ref('customers')
              field: id
      - name: amount
        data_tests:
          - is_positive
  - name: eph
    columns:
      - name: id
        data_tests: [not_null]
sources:
  - name: raw
    schema: landing
    tables:
      - name: payments
        columns:
          - name: id
            data_tests: [not_null]
`;
const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nprofile: shop\n',
  'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: shop.duckdb\n',
  'models/orders.sql': 'select 1 as id, 1 as customer_id, 5 as amount, \'placed\' as status\n',
  'models/customers.sql': 'select 1 as id\n',
  'models/eph.sql': "{{ config(materialized='ephemeral') }}\nselect 1 as id\n",
  'models/schema.yml': SCHEMA,
  'macros/is_positive.sql': '{% test is_positive(model, column_name) %}\nselect * from {{ model }} where {{ column_name }} < 0\n{% endtest %}\n',
};
const floe = (...args: string[]) => runFloe(['compile', '--project-dir', dir, '--profiles-dir', dir, ...args]);
const compiled = (rel: string) => fs.readFileSync(path.join(dir, 'target/compiled/shop/models/schema.yml', rel), 'utf8');

// dbt's compiled text of its core tests: the test_<name> macro's lines around default__test_<name>'s
const HEAD = '\n    \n    \n';
const notNull = (column: string, from: string) => `${HEAD}\n\n\nselect ${column}\nfrom ${from}\nwhere ${column} is null\n\n\n`;
const unique = (column: string, from: string) =>
  `${HEAD}\nselect\n    ${column} as unique_field,\n    count(*) as n_records\n\nfrom ${from}\nwhere ${column} is not null\ngroup by ${column}\nhaving count(*) > 1\n\n\n`;
const acceptedValues = (column: string, from: string, list: string) =>
  `${HEAD}\nwith all_values as (\n\n    select\n        ${column} as value_field,\n        count(*) as n_records\n\n    from ${from}\n    group by ${column}\n\n)\n\n` +
  `select *\nfrom all_values\nwhere value_field not in (\n    ${list}\n)\n\n\n`;
const relationships = (column: string, from: string, field: string, to: string) =>
  `${HEAD}\nwith child as (\n    select ${column} as from_field\n    from ${from}\n    where ${column} is not null\n),\n\nparent as (\n    select ${field} as to_field\n    from ${to}\n)\n\n` +
  'select\n    from_field\n\nfrom child\nleft join parent\n    on child.from_field = parent.to_field\n\nwhere parent.to_field is null\n\n\n';
const ORDERS = '"shop"."main"."orders"';

before(() => { dir = writeTempProject('floe-compile-tests-', FILES); });
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('floe compile writes each generic test as dbt compiles it, at dbt\'s path, and in the manifest', async () => {
  const r = await floe();
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(r.err, '');
  assert.equal(compiled('unique_orders_id.sql'), unique('id', ORDERS));
  assert.equal(compiled('not_null_orders_id.sql'), notNull('id', `(select * from ${ORDERS} where amount > 0) dbt_subquery`));
  const longName = 'accepted_values_orders_status__placed__shipped__completed__return_pending__returned';
  const hashed = `accepted_values_orders_${createHash('md5').update(longName).digest('hex')}.sql`;
  assert.equal(compiled(hashed), acceptedValues('status', ORDERS, "'placed','shipped','completed','return_pending','returned'"));
  assert.equal(compiled('status_codes.sql'), acceptedValues('status', ORDERS, '1,2'));
  assert.equal(compiled('relationships_orders_customer_id__id__ref_customers_.sql'), relationships('customer_id', ORDERS, 'id', '"shop"."main"."customers"'));
  assert.equal(compiled('is_positive_orders_amount.sql'), `\nselect * from ${ORDERS} where amount < 0\n`);
  assert.equal(compiled('source_not_null_raw_payments_id.sql'), notNull('id', '"shop"."landing"."payments"'));
  // an ephemeral model is read as the CTE dbt injects
  assert.equal(compiled('not_null_eph_id.sql'), notNull('id', '__dbt__cte__eph').replace('select id', 'with __dbt__cte__eph as (\n\nselect 1 as id\n) select id'));
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'target/manifest.json'), 'utf8'));
  type Node = { name: string; path: string; compiled_code: string; raw_code: string; alias: string; config: { alias?: string } };
  const node = (name: string) => Object.values(manifest.nodes as Record<string, Node>).find((n) => n.name === name)!;
  const long = node(longName);
  assert.equal(long.path, hashed);
  assert.equal(long.compiled_code, compiled(hashed));
  // raw_code and alias as dbt's manifest has them: the cut name is the alias
  const alias = hashed.slice(0, -4);
  assert.deepEqual([long.raw_code, long.alias, long.config.alias], [`{{ test_accepted_values(**_dbt_generic_test_kwargs) }}{{ config(alias="${alias}") }}`, alias, alias]);
  const uniqueNode = node('unique_orders_id');
  assert.deepEqual([uniqueNode.raw_code, uniqueNode.alias, uniqueNode.path], ['{{ test_unique(**_dbt_generic_test_kwargs) }}', 'unique_orders_id', 'unique_orders_id.sql']);
});

test('a project\'s own not_null test replaces dbt\'s, as in dbt; a selection of tests alone names the files written', async () => {
  const override = path.join(dir, 'macros/not_null.sql');
  fs.writeFileSync(override, '{% test not_null(model, column_name) %}select count(*) from {{ model }} where {{ column_name }} is null{% endtest %}\n');
  try {
    const r = await floe('-s', 'test_name:not_null');
    assert.equal(r.code, 0, r.out + r.err);
    assert.equal(compiled('not_null_orders_id.sql'), `select count(*) from (select * from ${ORDERS} where amount > 0) dbt_subquery where id is null`);
    assert.match(r.out, /^compiled not_null_orders_id → .*not_null_orders_id\.sql$/m);
  } finally {
    fs.rmSync(override);
  }
});

test('a generic test of a package not installed: an error at its YAML line naming the test and the package, exit 1', async () => {
  const yaml = path.join(dir, 'models/more.yml');
  fs.writeFileSync(yaml, 'version: 2\nmodels:\n  - name: customers\n    data_tests:\n      - dbt_utils.expression_is_true:\n          expression: "id > 0"\n');
  fs.writeFileSync(path.join(dir, 'packages.yml'), 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n');
  try {
    const r = await floe('-s', 'customers');
    assert.equal(r.code, 1, r.out + r.err);
    assert.equal(r.err, "models/more.yml:5:9: error: dbt_utils_expression_is_true_customers_id_0: generic test 'dbt_utils.expression_is_true' not found: " +
      'no {% test expression_is_true %} in the project or its installed packages (not installed: dbt_utils; run floe deps)\n');
  } finally {
    fs.rmSync(yaml);
    fs.rmSync(path.join(dir, 'packages.yml'));
  }
});
