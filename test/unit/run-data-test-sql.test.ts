// The core generic tests compiled to DuckDB SQL returning the failing rows: identifiers and literals quoted,
// `where` applied to the tested relation first, and clear errors for tests that cannot compile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { genericTestSql, type GenericTestSqlInput } from '../../server/src/run/data-test-sql';

const REL = '"run"."stg_orders"';

function check(input: Partial<GenericTestSqlInput> & { kind: string }, expected: { sql: string } | { error: RegExp }) {
  const got = genericTestSql({ args: {}, relation: REL, ...input });
  if ('sql' in expected) assert.deepEqual(got, expected);
  else assert.ok('error' in got && expected.error.test(got.error), JSON.stringify(got));
}

test('not_null and unique (NULLs excluded from unique, like dbt)', () => {
  check({ kind: 'not_null', column: 'order_id' }, { sql: `select * from ${REL} as dbt_subquery where "order_id" is null` });
  check({ kind: 'unique', column: 'order_id' }, {
    sql: `select "order_id" as unique_field, count(*) as n_records from ${REL} as dbt_subquery where "order_id" is not null group by "order_id" having count(*) > 1`,
  });
  check({ kind: 'not_null', column: 'weird "name"' }, { sql: `select * from ${REL} as dbt_subquery where "weird ""name""" is null` });
});

test('accepted_values quotes values by default (NULL passes: NOT IN yields NULL), numbers with quote: false', () => {
  check({ kind: 'accepted_values', column: 'status', args: { values: ['placed', "o'neil"] } }, {
    sql: `select "status" as value_field, count(*) as n_records from ${REL} as dbt_subquery where "status" not in ('placed', 'o''neil') group by "status"`,
  });
  check({ kind: 'accepted_values', column: 'qty', args: { values: [1, 2], quote: false } }, {
    sql: `select "qty" as value_field, count(*) as n_records from ${REL} as dbt_subquery where "qty" not in (1, 2) group by "qty"`,
  });
  check({ kind: 'accepted_values', column: 'qty', args: { values: ['1; drop table x'], quote: false } }, { error: /numbers or booleans/ });
  check({ kind: 'accepted_values', column: 'status', args: {} }, { error: /needs a non-empty `values:`/ });
});

test('relationships: non-null child keys without a parent row', () => {
  check({ kind: 'relationships', column: 'customer_id', args: { field: 'id' }, parentRelation: '"run"."stg_customers"' }, {
    sql: `select child.from_field from (select "customer_id" as from_field from ${REL} as dbt_subquery) as child left join "run"."stg_customers" as parent on child.from_field = parent."id" where child.from_field is not null and parent."id" is null`,
  });
  check({ kind: 'relationships', column: 'customer_id', args: {}, parentRelation: '"p"' }, { error: /needs `field:`/ });
  check({ kind: 'relationships', column: 'customer_id', args: { field: 'id' } }, { error: /needs `to:`/ });
});

test('where filters the tested relation first; a test without a column or of an unknown kind is an error', () => {
  check({ kind: 'not_null', column: 'a', where: "b = 'x'" }, { sql: `select * from (select * from ${REL} where b = 'x') as dbt_subquery where "a" is null` });
  check({ kind: 'relationships', column: 'a', where: 'b > 1', args: { field: 'id' }, parentRelation: '"p"' }, {
    sql: `select child.from_field from (select "a" as from_field from (select * from ${REL} where b > 1) as dbt_subquery) as child left join "p" as parent on child.from_field = parent."id" where child.from_field is not null and parent."id" is null`,
  });
  check({ kind: 'unique' }, { error: /needs a column/ });
  // A model-level test's column_name: is SQL, not a quoted identifier, as dbt takes it.
  check({ kind: 'unique', columnExpression: "order_id || '-' || line" }, {
    sql: `select order_id || '-' || line as unique_field, count(*) as n_records from ${REL} as dbt_subquery where order_id || '-' || line is not null group by order_id || '-' || line having count(*) > 1`,
  });
  check({ kind: 'dbt_utils.expression_is_true', column: 'a' }, { error: /not run by Floe/ });
});
