import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, DuckDBConnection } from '@duckdb/node-api';
import { bindModel, UpstreamRelation } from '../../server/src/sql/binder';
import { createBindConnection } from '../../server/src/sql/connection';
import { MAX_ENVIRONMENTS } from '../../server/src/sql/standins';
import { outline } from '../../server/src/sql/outline';
import { readsEveryCte, readsEveryCteInText } from '../../server/src/sql/cteReads';
import { parseSelect } from '../../server/src/sql/columnLineage';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
before(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
after(() => {
  conn.closeSync();
  instance.closeSync();
});

const customers: UpstreamRelation = {
  name: '"bronze"."customers"',
  columns: [
    { name: 'customer_id', type: 'BIGINT' },
    { name: 'name', type: 'VARCHAR' },
    { name: 'credit', type: 'DECIMAL(18,2)' },
    { name: 'created_at', type: 'TIMESTAMP WITH TIME ZONE' },
  ],
};
const orders: UpstreamRelation = {
  name: '"stg_orders"',
  columns: [
    { name: 'order_id', type: 'BIGINT' },
    { name: 'customer_id', type: 'BIGINT' },
    { name: 'amount', type: 'DECIMAL(18,2)' },
    { name: 'tags', type: 'VARCHAR[]' },
  ],
};

interface Expected {
  /** `name TYPE` joined by ', '. */
  columns?: string;
  /** [kind, the text the error underlines, a substring of its message]. */
  errors?: [string, string, string][];
}

async function check(sql: string, upstream: UpstreamRelation[], expected: Expected) {
  const r = await bindModel(conn, sql, upstream);
  const got: Expected = {};
  if (expected.columns !== undefined) got.columns = r.columns.map((c) => `${c.name} ${c.type}`).join(', ');
  got.errors = r.errors.map((e) => {
    const at = e.offset === undefined ? '<none>' : sql.slice(e.offset, e.offset + (e.length ?? 0));
    const want = expected.errors?.find((x) => x[0] === e.kind && x[1] === at);
    return [e.kind, at, want && e.message.includes(want[2]) ? want[2] : e.message];
  });
  assert.deepEqual(got, { errors: [], ...expected }, sql);
}

test('a staging model over a source stand-in binds to the right columns and DuckDB types', async () => {
  await check(
    `with source as (select * from "bronze"."customers"),
renamed as (
  select customer_id, trim(name) as customer_name, credit, credit * 2 as double_credit, created_at::date as created_on
  from source
)
select * from renamed -- trailing comment`,
    [customers],
    { columns: 'customer_id BIGINT, customer_name VARCHAR, credit DECIMAL(18,2), double_credit DECIMAL(18,2), created_on DATE' },
  );
  const r = await bindModel(conn, 'with a as (select customer_id as id, credit from "bronze"."customers"), b as (select a.id, c.id from a, a as c) select 1 as one', [customers]);
  assert.deepEqual(r.ctes, [
    { name: 'a', columns: [{ name: 'id', type: 'BIGINT' }, { name: 'credit', type: 'DECIMAL(18,2)' }] },
    // DuckDB renames a repeated column in a CTE's output, as a downstream SELECT * sees it
    { name: 'b', columns: [{ name: 'id', type: 'BIGINT' }, { name: 'id_1', type: 'BIGINT' }] },
  ]);
  await check('select o.*, c.name from stg_orders o join bronze.customers c using (customer_id)', [customers, orders], {
    columns: 'order_id BIGINT, customer_id BIGINT, amount DECIMAL(18,2), tags VARCHAR[], name VARCHAR',
  });
  await check('select customer_id, sum(amount) as revenue, count(*) as n from "stg_orders" group by all', [orders], {
    columns: 'customer_id BIGINT, revenue DECIMAL(38,2), n BIGINT',
  });
});

test('each error kind has a message and points at the offending token', async () => {
  await check('select customer_id, nme from "bronze"."customers"', [customers], {
    errors: [['binder', 'nme', 'Candidate bindings: "name"']],
  });
  await check('select * from "bronze"."customer"', [customers], {
    errors: [['catalog', '"bronze"."customer"', 'Did you mean "bronze"."customers"?']],
  });
  await check('select customer_id from stg_orders join "bronze"."customers" on true', [customers, orders], {
    errors: [['binder', 'customer_id', 'Ambiguous reference to column name "customer_id"']],
  });
  await check('select name + 1 as n from "bronze"."customers"', [customers], {
    errors: [['binder', '+', "No function matches the given name and argument types '+(VARCHAR, INTEGER_LITERAL)'"]],
  });
  await check('select customer_id, sum(amount) from stg_orders', [orders], {
    errors: [['binder', 'customer_id', 'must appear in the GROUP BY clause']],
  });
  await check('select flor(amount) from stg_orders', [orders], {
    errors: [['catalog', 'flor', 'Scalar Function with name flor does not exist!\nDid you mean "floor"?']],
  });
  await check('select customer_id\nfrom stg_orders\nwher amount > 0', [orders], {
    errors: [['syntax', 'amount', 'syntax error at or near "amount"']],
  });
});

test('several column errors in one SELECT are all reported, at their own positions', async () => {
  await check('select nme, customer_id, credt, "bronze"."customers".idd\nfrom "bronze"."customers"\nwhere nam = \'x\' order by crdit', [customers], {
    errors: [
      ['binder', 'nme', 'Candidate bindings: "name"'],
      ['binder', 'credt', 'Candidate bindings: "credit"'],
      ['binder', '"bronze"."customers".idd', 'does not have a column named "idd"'],
      ['binder', 'nam', 'Candidate bindings: "name"'],
      ['binder', 'crdit', 'Candidate bindings: "credit"'],
    ],
  });
  await check('select customer_id, name, sum(amount) from stg_orders join bronze.customers using (customer_id)', [orders, customers], {
    errors: [
      ['binder', 'customer_id', 'must appear in the GROUP BY clause'],
      ['binder', 'name', 'must appear in the GROUP BY clause'],
    ],
  });
  // a function error after a repair could be caused by the repair: not reported
  await check('select length(nope), name + 1 from bronze.customers', [customers], {
    errors: [['binder', 'nope', 'not found']],
  });
});

test('a CTE the query never reads is still checked', async () => {
  await check('with used as (select 1 as x), unused as (select nope from stg_orders) select * from used', [orders], {
    columns: 'x INTEGER',
    errors: [['binder', 'nope', 'not found']],
  });
});

test('a repaired select item keeps its name, so outer queries report nothing extra', async () => {
  await check('select s.order_id, t.idd from (select order_id from stg_orders) s join (select idd from stg_orders) t on s.order_id = t.idd', [orders], {
    errors: [['binder', 'idd', 'Candidate bindings: "order_id"']],
  });
  await check('with g as (select customer_id, order_id, count(*) n from stg_orders group by customer_id) select order_id from g', [orders], {
    errors: [['binder', 'order_id', 'must appear in the GROUP BY clause']],
  });
});

test('errors in independent CTEs are all reported; CTEs that depend on a broken one are not', async () => {
  await check(
    `with a as (select nope from stg_orders),
b as (select * from a),
c as (select order_id, amont from stg_orders),
d as (selec 1)
select * from c`,
    [orders],
    {
      errors: [
        ['binder', 'nope', 'not found in FROM clause'],
        ['binder', 'amont', 'Candidate bindings: "amount"'],
        ['syntax', 'selec', 'syntax error'],
      ],
    },
  );
  const r = await bindModel(conn, 'with ok as (select order_id from stg_orders), bad as (select x from ok) select * from bad', [orders]);
  assert.deepEqual(r.ctes, [{ name: 'ok', columns: [{ name: 'order_id', type: 'BIGINT' }] }]);
  await check('with a as (select 1 as x) select y from a', [], { errors: [['binder', 'y', 'Referenced column "y" not found']] });
});

test('an error in a CTE the final query never reads is still found, however the CTE name is spelled elsewhere', async () => {
  // DuckDB binds only the CTEs a query reads: the whole query binds, and only a look at the CTEs finds these
  await check('with a as (select order_id from stg_orders), b as (select amont from stg_orders) select * from a', [orders], {
    columns: 'order_id BIGINT',
    errors: [['binder', 'amont', 'Candidate bindings: "amount"']],
  });
  // the name is there, but as an alias, a column, a qualified table or a relation of a nested WITH: no read of b
  await check('with b as (select amont from stg_orders), a as (select order_id as b from stg_orders) select b from a as b', [orders], {
    columns: 'b BIGINT',
    errors: [['binder', 'amont', 'Candidate bindings: "amount"']],
  });
  await check('with b as (select amont from stg_orders) select * from (with b as (select 1 as x) select * from b)', [orders], {
    columns: 'x INTEGER',
    errors: [['binder', 'amont', 'Candidate bindings: "amount"']],
  });
  await check('with b as (select amont from stg_orders) select * from main.b', [orders, { name: 'b', columns: [{ name: 'y', type: 'INTEGER' }] }], {
    columns: 'y INTEGER',
    errors: [['binder', 'amont', 'Candidate bindings: "amount"']],
  });
  // read only by a CTE that nothing reads
  await check('with b as (select amont from stg_orders), c as (select * from b), a as (select 1 as x) select * from a', [orders], {
    columns: 'x INTEGER',
    errors: [['binder', 'amont', 'Candidate bindings: "amount"']],
  });
  // read in a subquery of an expression, or through another CTE: the whole query's bind checks it
  await check('with b as (select amont from stg_orders), c as (select * from b) select (select count(*) from c) as n', [orders], {
    errors: [['binder', 'amont', 'Candidate bindings: "amount"']],
  });
});

test('skipping the look at CTEs the query reads loses nothing: the same result as with every CTE looked at', async () => {
  const shapes = [
    'with a as (select order_id, amount from stg_orders), b as (select * from a where amount > 0) select b.order_id, a.amount from a join b using (order_id)',
    'with a as (select order_id from stg_orders), b as (select nope from a) select * from a',
    'with a as (select order_id from stg_orders) select * from a, (with a as (select 1 as q) select * from a) s',
    'with recursive r as (select 1 as n union all select n + 1 from r where n < 3) select * from r',
    'with a as (select customer_id, count(*) as n from stg_orders group by customer_id) select customer_id, n, amount from a',
    'with a as materialized (select order_id from stg_orders) select * from a union all select order_id from a',
    "with a as (select 'x'::int as bad_cast, 1/0 as inf from stg_orders) select * from a",
    'with a as (select * from bronze.customers c join stg_orders o using (customer_id)) select name, sum(amount) from a group by all',
  ];
  for (const sql of shapes) {
    const quick = await bindModel(conn, sql, [orders, customers]);
    const { ctes, ...full } = await bindModel(conn, sql, [orders, customers], { cteColumns: true });
    assert.ok(ctes, sql);
    assert.deepEqual(quick, quick.ctes ? { ...full, ctes } : full, sql);
  }
});

test("binding's lean optimizer (expressions only) reports what the full one does", async () => {
  // binding prepares with only the expression rewriter (half the time): its constant folding raises real errors
  const queries = [
    "select case when 'x'::int = 1 then 1 end as c",
    "select 'abc'::int as a, 2147483647::int + 1 as b, [1, 2][5] as c, strptime('x', '%Y') as d",
    "select * from t where created_at > 'notadate' and id in ('a', 'b') and 1 = 0 and 'x'::int = 1",
    'select * from t limit 1 offset -1',
    "select 1 from range(0, 'x'::int)",
    "select regexp_matches(v, '(') from t",
    "select (select 'x'::int) as s, sum(id) over () as w from t qualify row_number() over () = 'a'",
  ];
  const describe = async (c: DuckDBConnection) => {
    await c.run('CREATE OR REPLACE TABLE t (id BIGINT, v VARCHAR, created_at TIMESTAMP)');
    const out: string[] = [];
    for (const q of queries) {
      try {
        const p = await c.prepare(q);
        out.push(Array.from({ length: p.columnCount }, (_, i) => `${p.columnName(i)} ${p.columnType(i)}`).join(', '));
        p.destroySync();
      } catch (e) {
        out.push(String(e));
      }
    }
    return out;
  };
  const optimized = await (await DuckDBInstance.create(':memory:')).connect();
  const { connection, close } = await createBindConnection();
  try {
    await bindModel(connection, 'select 1', []);
    const lean = await describe(connection);
    assert.deepEqual(lean, await describe(optimized));
    assert.match(lean[0], /Conversion Error: Could not convert string 'x'/);
    assert.ok(lean.some((x) => x.includes('a INTEGER')));
    // the optimizer really is lean: its other rules are off
    assert.match(String((await connection.runAndReadAll("select current_setting('disabled_optimizers')")).getRows()[0][0]), /join_order/);
  } finally {
    close();
    optimized.closeSync();
  }
});

test('a bind never sees the stand-ins of an earlier bind, and follows schema changes', async () => {
  await check('select * from "bronze"."customers"', [customers], { columns: 'customer_id BIGINT, name VARCHAR, credit DECIMAL(18,2), created_at TIMESTAMP WITH TIME ZONE' });
  await check('select * from "bronze"."customers"', [orders], {
    errors: [['catalog', '"bronze"."customers"', 'Table with name "bronze.customers" does not exist because schema "bronze" does not exist.']],
  });
  await check('select * from stg_ordrs', [orders], { errors: [['catalog', 'stg_ordrs', 'Did you mean "stg_orders"?']] });
  await check('select * from stg_orders', [customers], { errors: [['catalog', 'stg_orders', 'does not exist']] });
  const changed = { ...customers, columns: [{ name: 'customer_id', type: 'INTEGER' }] };
  await check('select * from "bronze"."customers"', [changed], { columns: 'customer_id INTEGER' });
  await check('select * from "bronze"."customers"', [customers], { columns: 'customer_id BIGINT, name VARCHAR, credit DECIMAL(18,2), created_at TIMESTAMP WITH TIME ZONE' });
  // internal catalogs never leak into suggestions
  const r = await bindModel(conn, 'select * from stg_orders', [customers]);
  assert.ok(!/floe_bind/.test(r.errors[0].message), r.errors[0].message);
});

test('more distinct upstream sets than the stand-in cache holds: old ones are dropped, binds stay right', async () => {
  for (let k = 0; k < MAX_ENVIRONMENTS + 8; k++) {
    const up: UpstreamRelation = { name: `"silver"."m${k}"`, columns: [{ name: `c${k}`, type: 'INTEGER' }] };
    await check(`select * from "silver"."m${k}"`, [up], { columns: `c${k} INTEGER` });
  }
  // the first set was evicted and is created again on demand
  await check('select * from "silver"."m0"', [{ name: '"silver"."m0"', columns: [{ name: 'c0', type: 'INTEGER' }] }], { columns: 'c0 INTEGER' });
  await check('select * from "silver"."m1"', [{ name: '"silver"."m0"', columns: [] }], { errors: [['catalog', '"silver"."m1"', 'does not exist']] });
});

test('three-part names bind too and are dropped when no longer upstream', async () => {
  const three: UpstreamRelation = { name: '"demo"."bronze"."orders"', columns: [{ name: 'id', type: 'BIGINT' }] };
  await check('select id from demo.bronze.orders', [three], { columns: 'id BIGINT' });
  await check('select id from demo.bronze.orders', [customers], { errors: [['catalog', 'demo.bronze.orders', 'does not exist']] });
});

test('an upstream with an unknown schema gives no guessed binder errors, but syntax errors still show', async () => {
  const unknown: UpstreamRelation = { name: 'mystery', columns: [] };
  await check('select anything from mystery', [unknown], { columns: '' });
  await check('with m as (select a from mystery), o as (select nope from stg_orders) select * from m', [unknown, orders], {
    columns: '',
    errors: [['binder', 'nope', 'not found']],
  });
  await check('select anything frm mystery', [unknown], { errors: [['syntax', 'mystery', 'syntax error']] });
  // the final SELECT does not read the CTE over the unknown relation: it still binds, with no error
  await check('with m as (select a from mystery) select 1 as x', [unknown], { columns: 'x INTEGER' });
});

test('parts over unknown schemas are not bound again once the query parses (their errors would be dropped)', async () => {
  const unknown = (n: string): UpstreamRelation => ({ name: n, columns: [] });
  const sql = `with p0 as (select * from m0), p1 as (select * from m1), p2 as (select * from m2)
select p0.id, p1.v from p0 left join p1 on p1.id = p0.id left join p2 on p2.id = p0.id`;
  const prepared: string[] = [];
  const counting = new Proxy(conn, {
    get: (target, key) => (key === 'prepare' ? (q: string) => (prepared.push(q), target.prepare(q)) : Reflect.get(target, key, target)),
  });
  const r = await bindModel(counting, sql, [unknown('m0'), unknown('m1'), unknown('m2')]);
  assert.deepEqual([r.errors, r.columns], [[], []]);
  // the whole query once; before, each CTE and every repair of the final SELECT were prepared too (11 in all). Column
  // lineage's parser statement is prepared once per connection, not per bind: not counted.
  const binds = prepared.filter((q) => !q.includes('json_serialize_sql'));
  assert.equal(binds.length, 1, prepared.join('\n---\n'));
  // a syntax error inside a part over an unknown schema is still found
  await check('with p0 as (select * frm m0) select * from p0', [unknown('m0')], { errors: [['syntax', 'm0', 'syntax error']] });
});

test('the shared environment answers exactly as private ones, on models with errors seeded in', async () => {
  // a pool of relations, some sharing a last name part across schemas, bound in a shuffled order
  const pool: UpstreamRelation[] = [];
  for (let i = 0; i < 24; i++) {
    const schema = i % 3 === 0 ? '' : `"${['bronze', 'silver'][i % 2]}".`;
    pool.push({ name: `${schema}"r${i % 12}"`, columns: i % 5 === 4 ? [] : [{ name: 'id', type: 'BIGINT' }, { name: `c${i}`, type: i % 2 ? 'VARCHAR' : 'DECIMAL(18,2)' }] });
  }
  const shapes = [
    (u: UpstreamRelation[]) => `select * from ${u[0].name}`,
    (u: UpstreamRelation[]) => `select a.id, a.c1 from ${u[0].name} a`,
    (u: UpstreamRelation[]) => `with x as (select id from ${u[0].name}), y as (select id, nope from ${u[1].name}) select * from x join y using (id)`,
    (u: UpstreamRelation[]) => `select * from ${u[0].name} join ${pool[(pool.indexOf(u[0]) + 5) % pool.length].name} using (id)`,
    (u: UpstreamRelation[]) => `select * from r99 union all select * from ${u[1].name}`,
    (u: UpstreamRelation[]) => `select id frm ${u[0].name}`,
    (u: UpstreamRelation[]) => `select sum(id) as total, ${u[1].name.split('.').pop()}.id from ${u[1].name} group by all`,
  ];
  const shared = await createBindConnection();
  const isolated = await createBindConnection();
  try {
    let k = 7;
    const next = () => (k = (k * 1103515245 + 12345) % 2147483648);
    for (let m = 0; m < 150; m++) {
      const upstream = [pool[next() % pool.length], pool[next() % pool.length]];
      const sql = shapes[next() % shapes.length](upstream);
      const a = await bindModel(shared.connection, sql, upstream);
      const b = await bindModel(isolated.connection, sql, upstream, { privateOnly: true });
      assert.deepEqual(a, b, `${sql}\nupstream: ${upstream.map((u) => u.name).join(', ')}`);
    }
  } finally {
    shared.close();
    isolated.close();
  }
});

test('SQL that reads files is not checked: a warning, never a false error', async () => {
  const { connection, close } = await createBindConnection();
  try {
    const sql = "with src as (select * from read_parquet('s3://iceberg-bronze/demo/customers/data/*.parquet'))\nselect * from src";
    const t0 = performance.now();
    const r = await bindModel(connection, sql, []);
    assert.ok(performance.now() - t0 < 1000);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.columns, []);
    assert.match(r.warnings.join('\n'), /Not checked at "read_parquet\('s3:\/\/iceberg-bronze.*file system operations are disabled/);
    // the same connection still reports real errors
    const bad = await bindModel(connection, 'select nope from stg_orders', [orders]);
    assert.equal(bad.errors[0].kind, 'binder');
  } finally {
    close();
  }
});

test("a function of an extension binding does not load is not checked: a warning, never a false error (dbt-duckdb loads the profile's extensions: edwinweber's sqlite_scan)", async () => {
  const { connection, close } = await createBindConnection();
  try {
    const r = await bindModel(connection, "select run_id from sqlite_scan('/dagster/runs.db', 'runs')", []);
    assert.deepEqual(r.errors, []);
    assert.match(r.warnings.join('\n'), /Not checked.*"sqlite_scan".*exists in the sqlite_scanner extension/);
    const s = await bindModel(connection, 'select st_point(id, id) as p from stg_orders', [orders]);
    assert.deepEqual(s.errors, []);
    assert.match(s.warnings.join('\n'), /spatial extension/);
    // a function no extension has is still an error
    const bad = await bindModel(connection, 'select no_such_function(id) from stg_orders', [orders]);
    assert.equal(bad.errors[0]?.kind, 'catalog');
  } finally {
    close();
  }
});

test('a type DuckDB does not know is stood in as VARCHAR with a warning', async () => {
  const r = await bindModel(conn, 'select * from odd', [{ name: 'odd', columns: [{ name: 'a', type: 'NOT_A_TYPE' }, { name: 'b', type: 'INTEGER' }] }]);
  assert.deepEqual(r.columns, [{ name: 'a', type: 'VARCHAR' }, { name: 'b', type: 'INTEGER' }]);
  assert.match(r.warnings[0], /"a" of odd .*NOT_A_TYPE/);
});

test('concurrent binds on one connection stay isolated', async () => {
  const results = await Promise.all([
    bindModel(conn, 'select * from stg_orders', [orders]),
    bindModel(conn, 'select * from stg_orders', [customers]),
    bindModel(conn, 'select name from bronze.customers', [customers]),
  ]);
  assert.equal(results[0].columns.length, 4);
  assert.equal(results[1].errors[0].kind, 'catalog');
  assert.deepEqual(results[2].columns, [{ name: 'name', type: 'VARCHAR' }]);
});

test('binds queued on one connection, whose parses are made together, give what one bind after another gives', async () => {
  const sqls = [
    'with a as (select order_id, amount from stg_orders) select a.order_id, a.amount * 2 as twice from a',
    'selec broken from stg_orders',
    'select c.name, o.amount from bronze.customers c join stg_orders o using (customer_id)',
    'with a as (select nope from stg_orders), b as (select 1 as x) select * from b',
    "select 'it''s' as s, order_id from stg_orders; select 2",
    'select customer_id, sum(amount) as total from stg_orders group by all',
  ];
  const upstream = [orders, customers];
  const oneByOne = [];
  for (const sql of sqls) oneByOne.push(await bindModel(conn, sql, upstream));
  const together = await Promise.all([...sqls, ...sqls].map((sql) => bindModel(conn, sql, upstream)));
  assert.deepEqual(together, [...oneByOne, ...oneByOne]);
  assert.ok(oneByOne[0].lineage?.columns.length === 2 && oneByOne[1].lineage?.problem, 'lineage came with the binds');
});

test('huge or slow models are bounded: a size limit, and a time budget for the search for more errors', async () => {
  const huge = 'select ' + 'order_id, '.repeat(60_000) + 'order_id from stg_orders';
  const big = await bindModel(conn, huge, [orders]);
  assert.deepEqual([big.errors, big.columns], [[], []]);
  assert.match(big.warnings[0], /over the 512 KB binding limit/);
  const many = 'with ' + Array.from({ length: 400 }, (_, i) => `c${i} as (select order_id${i % 100 === 0 ? 'x' : ''} from stg_orders)`).join(',\n') + '\nselect * from c0';
  const t0 = performance.now();
  const r = await bindModel(conn, many, [orders], { budgetMs: 50 });
  assert.ok(performance.now() - t0 < 2000, `${performance.now() - t0} ms`);
  assert.ok(r.errors.length >= 1);
  assert.match(r.warnings.join('\n'), /Not checked: CTEs from "c\d+" on/);
  // with time enough, every broken CTE is found, each bound with only what it reads
  const all = await bindModel(conn, many, [orders], { budgetMs: 60_000 });
  assert.deepEqual(all.errors.map((e) => many.slice(e.offset, e.offset! + e.length!)), ['order_idx', 'order_idx', 'order_idx', 'order_idx']);
});

test('bounded fuzz: mutated models always bind to data (never a throw), with offsets inside the text', async () => {
  const model = `with source as (select * from "bronze"."customers" where credit > 0 /* c */),
renamed as (select customer_id, upper(name) as name, credit from source s join stg_orders o using (customer_id) -- note
)
select r.customer_id, (select max(amount) from stg_orders t where t.customer_id = r.customer_id) m from renamed r order by 1;`;
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const junk = ['(', ')', "'", '"', '$$', '/*', '--', ';', ',', '.', 'with', ' as ', 'select', 'x', '\u0000', '\r'];
  for (let k = 0; k < 60; k++) {
    let s = model;
    for (let m = 0, count = 1 + rnd(3); m < count; m++) {
      const at = rnd(s.length + 1);
      const op = rnd(3);
      if (op === 0) s = s.slice(0, at);
      else if (op === 1) s = s.slice(0, at) + junk[rnd(junk.length)] + s.slice(at);
      else s = s.slice(0, at) + s.slice(at + rnd(20));
    }
    const r = await bindModel(conn, s, [customers, orders]);
    for (const e of r.errors) {
      assert.ok(e.message.length > 0 && !/LINE \d+:/.test(e.message), e.message);
      if (e.offset !== undefined) assert.ok(e.offset >= 0 && e.offset <= s.length, `${e.offset} in ${JSON.stringify(s)}`);
    }
  }
});

test('a relation of unknown columns (a broken ref stood in) hides only the errors that depend on it', async () => {
  const unknown: UpstreamRelation = { name: '"stg_orderz"', columns: [] };
  // o.* columns are unknown; c.nam is wrong on a known relation, whichever relation the query also reads.
  await check('select o.order_idd, c.nam from "stg_orderz" o join "bronze"."customers" c on o.customer_id = c.customer_id', [unknown, customers], {
    columns: '',
    errors: [['binder', 'c.nam', "does not have a column named \"nam\""]],
  });
  await check(`with c as (select * from "bronze"."customers"), o as (select * from "stg_orderz")
select c.customer_idd, o.whatever from c join o on o.customer_id = c.customer_id`, [unknown, customers], {
    columns: '',
    errors: [['binder', 'c.customer_idd', 'does not have a column named "customer_idd"']],
  });
  // Unqualified columns might come from the unknown relation: not reported.
  await check('select nam from "stg_orderz" o join "bronze"."customers" c on true', [unknown, customers], { columns: '' });
});

test("our tokens say a query reads every CTE only where DuckDB's parse says so", async () => {
  const sure = [
    'with a as (select order_id from stg_orders), b as (select * from a) select * from b',
    'with a as (select 1 as x) from a',
    'with a as (from stg_orders) from a select *',
    'with a as (select 1 as x), b as (select 2 as x) select * from a join b on a.x = b.x',
    'with a as (select 1 as x), b as (select 2 as x) select * from a where exists (select 1 from b)',
    'with a as (select 1 as x), b as (select 2 as x) (select * from a) union all (select * from b)',
    'with recursive r as (select 1 as n union all select n + 1 from r where n < 3) select * from r',
    'with "A" as (select 1 as x) select * from "A"',
    'with a as materialized (select 1 as x) select * from a as a2 asof join a as a3 on a2.x >= a3.x',
  ];
  const unsure = [
    // a column of the same name as a CTE, read by a function's FROM or by IS DISTINCT FROM: no read of the CTE
    'with created_at as (select nope from stg_orders) select extract(year from created_at) from (select now() as created_at)',
    "with a as (select nope from stg_orders) select trim(both 'x' from a) from (select 'y' as a)",
    'with amount as (select nope from stg_orders) select 1 from stg_orders where amount is distinct from amount',
    'with a as (select 1 as x) select substring(a from 1) from (select \'abc\' as a)',
    // shapes left to DuckDB's parse
    'with a as (select 1 as x), b as (select 2 as x) select * from a, b',
    'with a as (select 1 as x) select * from main.a',
    'with a as (select 1 as x) select * from (a)',
    'with a as (select 1 as x) select * from a, (with a as (select 2 as q) select * from a) s',
    'with a as (select 1 as x), b as (select * from a) select * from a',
    "with a as (select 1 as x) select 'from a' as s -- from a",
    'with a as (select 1 as x), b using key (x) as (select * from a) select 1',
  ];
  for (const sql of [...sure, ...unsure]) {
    const o = outline(sql);
    const names = o.ctes.filter((c) => c.depth === 0 && c.statement === 0).map((c) => c.name.toLowerCase());
    const fromParse = readsEveryCte((await parseSelect(conn, sql)).ast, names);
    const fromText = readsEveryCteInText(o);
    if (fromText) assert.ok(fromParse, `our tokens are sure, DuckDB's parse is not: ${sql}`);
    assert.equal(fromText, sure.includes(sql), sql);
  }
});

test('a bind without lineage reports what a bind with it does', async () => {
  const queries = [
    'with a as (select order_id, amount from stg_orders), b as (select * from a where amount > 0) select b.order_id, a.amount from a join b using (order_id)',
    'with a as (select order_id from stg_orders), b as (select nope from a) select * from a',
    'with created_at as (select nope from stg_orders) select extract(year from created_at) from (select now() as created_at)',
    "with a as (select 'x'::int as bad_cast from stg_orders) select * from a",
    'select customer_id, sum(amount) from stg_orders group by all',
  ];
  for (const sql of queries) {
    const { lineage, ...withLineage } = await bindModel(conn, sql, [orders, customers]);
    assert.ok(lineage, sql);
    assert.deepEqual(await bindModel(conn, sql, [orders, customers], { lineage: false }), withLineage, sql);
  }
});
