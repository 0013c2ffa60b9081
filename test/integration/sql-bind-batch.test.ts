// Binds prepared together (bindBatch.ts) must answer exactly as each bind alone (binder.ts): compared on the same
// inputs, one connection binding in batches and another one bind after another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DuckDBConnection } from '@duckdb/node-api';
import { bindModel, type BindResult, type UpstreamRelation } from '../../server/src/sql/binder';
import { bindModels, type BindRequest } from '../../server/src/sql/bindBatch';
import { createBindConnection } from '../../server/src/sql/connection';

const customers: UpstreamRelation = {
  name: '"bronze"."customers"',
  columns: [
    { name: 'customer_id', type: 'BIGINT' },
    { name: 'name', type: 'VARCHAR' },
    { name: 'credit', type: 'DECIMAL(18,2)' },
    { name: 'info', type: 'STRUCT(a INTEGER, "B" VARCHAR)' },
  ],
};
const orders: UpstreamRelation = { name: '"stg_orders"', columns: [{ name: 'order_id', type: 'BIGINT' }, { name: 'customer_id', type: 'BIGINT' }, { name: 'amount', type: 'DECIMAL(18,2)' }] };
/** Same name as `orders`, other columns: two binds that need both cannot share one environment. */
const ordersV2: UpstreamRelation = { name: '"stg_orders"', columns: [{ name: 'order_id', type: 'VARCHAR' }, { name: 'total', type: 'DOUBLE' }] };
const payments: UpstreamRelation = { name: 'payments', columns: [{ name: 'id', type: 'INTEGER' }, { name: 'paid', type: 'DATE' }] };
const unknown: UpstreamRelation = { name: 'raw_events', columns: [] };
const oddType: UpstreamRelation = { name: 'odd', columns: [{ name: 'g', type: 'GEOMETRY_NOT_A_TYPE' }, { name: 'id', type: 'INTEGER' }] };
const threePart: UpstreamRelation = { name: 'lake.gold.fct', columns: [{ name: 'k', type: 'INTEGER' }] };

const plain: BindRequest[] = [
  { sql: 'select * from "bronze"."customers"', upstream: [customers] },
  { sql: 'select o.order_id, o.amount * 2 as doubled from stg_orders o order by 1 limit 5', upstream: [orders] },
  { sql: "select 'x' as s, 1.5 as f, null as n, [1, 2] as l, {'k': 1} as st, interval 1 day as i", upstream: [] },
  { sql: 'with a as (select customer_id from "bronze"."customers"), b as (select * from a) select count(*) from b', upstream: [customers] },
  { sql: 'from stg_orders select customer_id, sum(amount) group by all', upstream: [orders] },
  { sql: 'values (1, \'a\'), (2, \'b\')', upstream: [] },
  { sql: 'select id from payments union all select order_id from stg_orders', upstream: [payments, orders] },
  { sql: 'select info.a, info."B" from "bronze"."customers" -- a comment at the very end', upstream: [customers] },
  { sql: '/* leading */ (select 1 as one)', upstream: [] },
];

const special: BindRequest[] = [
  // DuckDB renames duplicate names inside a struct (a, a_1; `ID` after `id` becomes `ID_1`)
  { sql: 'select customer_id, customer_id from stg_orders', upstream: [orders] },
  { sql: 'select customer_id as id, order_id as "ID" from stg_orders', upstream: [orders] },
  { sql: 'select 1 as a, 2 as a_1', upstream: [] },
  // the batch's own names must not be shadowed
  { sql: 'select struct_pack(x := 1) as "__floe_r0"', upstream: [] },
  { sql: 'select struct_pack(x := 1) as "__FLOE_R1"', upstream: [] },
  // text that would swallow the next model, or not one query
  { sql: 'select 1 as a /* never closed', upstream: [] },
  { sql: "select 'never closed", upstream: [] },
  { sql: 'select (1 as a', upstream: [] },
  { sql: 'select 1 as a)', upstream: [] },
  { sql: 'select 1 as a;', upstream: [] },
  { sql: 'select 1 as a; select 2 as b', upstream: [] },
  { sql: 'select ? as p', upstream: [] },
  { sql: 'pivot stg_orders on customer_id using sum(amount)', upstream: [orders] },
  { sql: 'describe stg_orders', upstream: [orders] },
  // errors, at the start, the middle and the end of a batch
  { sql: 'select nope from stg_orders', upstream: [orders] },
  { sql: 'select * from missing_table', upstream: [orders] },
  { sql: 'select customer_id frm stg_orders', upstream: [orders] },
  { sql: "select 'x'::int = 1 as folded", upstream: [] },
  { sql: "select * from read_csv('/nonexistent/floe.csv')", upstream: [] },
  // our tokens are not sure the query reads every CTE (a nested WITH): DuckDB's parse decides, alone
  { sql: 'with x as (with y as (select 1 as v) select v from y) select * from x', upstream: [] },
  // a CTE the query never reads is still checked
  { sql: 'with unread as (select nope from stg_orders) select 1 as one', upstream: [orders] },
  // unknown schemas, a type DuckDB does not know, three-part names
  { sql: 'select * from raw_events', upstream: [unknown] },
  { sql: 'select * from odd', upstream: [oddType] },
  { sql: 'select k from lake.gold.fct', upstream: [threePart] },
  // one relation name, two schemas: each bind sees its own
  { sql: 'select total from stg_orders', upstream: [ordersV2] },
  // spells a relation only another bind's upstreams hold: never resolved through them
  { sql: 'select p.* from stg_orders o, payments p', upstream: [orders] },
];

async function alone(requests: BindRequest[]): Promise<BindResult[]> {
  const { connection, close } = await createBindConnection();
  try {
    const out: BindResult[] = [];
    for (const r of requests) out.push(await bindModel(connection, r.sql, r.upstream, r.options));
    return out;
  } finally {
    close();
  }
}

/** The SQL of every prepare made on `conn` (DuckDB's own call, wrapped to record). */
function recordPrepares(conn: DuckDBConnection): string[] {
  const texts: string[] = [];
  const real = conn.prepare.bind(conn);
  conn.prepare = (sql: string) => (texts.push(sql), real(sql));
  return texts;
}

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let k = seed;
  for (let i = out.length - 1; i > 0; i--) {
    k = (k * 1103515245 + 12345) & 0x7fffffff;
    const j = k % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

test('plain models are prepared together, in one DuckDB prepare, and answer as each alone', async () => {
  // without lineage, which needs DuckDB's parse (one more call)
  const requests = plain.map((r) => ({ ...r, options: { lineage: false } }));
  const expected = await alone(requests);
  const { connection, close } = await createBindConnection();
  try {
    const prepared = recordPrepares(connection);
    const got = await bindModels(connection, requests);
    assert.deepEqual(got, expected);
    assert.equal(prepared.length, 1, 'one prepare for the whole batch');
    assert.ok(expected.every((r) => r.columns.length > 0 && r.errors.length === 0));
  } finally {
    close();
  }
});

test('every shape a batch cannot answer for sure binds alone, mixed with plain ones in any order', async () => {
  const all = [...plain, ...special];
  for (const seed of [1, 2, 3, 4]) {
    const order = shuffled(all, seed);
    const expected = await alone(order);
    const { connection, close } = await createBindConnection();
    try {
      const got: BindResult[] = [];
      for (let i = 0; i < order.length; i += 8) got.push(...(await bindModels(connection, order.slice(i, i + 8))));
      order.forEach((r, i) => assert.deepEqual(got[i], expected[i], `seed ${seed}: ${r.sql}`));
    } finally {
      close();
    }
  }
});

test('a batch with errors takes out the model each error points into and prepares the rest together again', async () => {
  const errors = special.filter((r) => /nope|missing_table|frm/.test(r.sql) && !/unread/.test(r.sql));
  const requests = [plain[0], errors[0], plain[1], errors[1], plain[2], errors[2], plain[3]].map((r) => ({ ...r, options: { lineage: false } }));
  const expected = await alone(requests);
  const { connection, close } = await createBindConnection();
  try {
    const prepared = recordPrepares(connection);
    assert.deepEqual(await bindModels(connection, requests), expected);
    assert.equal(expected.filter((r) => r.errors.length).length, 3);
    // the models without errors were bound together in the end, never alone
    for (const r of [plain[0], plain[1], plain[2], plain[3]]) assert.ok(!prepared.includes(r.sql), r.sql);
  } finally {
    close();
  }
});

test('binds whose upstreams cannot share one environment, or whose SQL names what another one adds, bind alone', async () => {
  // fresh connections: what a batch adds is all the shared environment holds
  const cases: BindRequest[][] = [
    // one relation name, other columns: `select *` would silently read the other bind's stand-in
    [{ sql: 'select * from stg_orders', upstream: [orders] }, { sql: 'select * from stg_orders', upstream: [ordersV2] }],
    // `payments` is not this model's upstream: alone it is a missing relation, never the next bind's stand-in
    [{ sql: 'select p.* from stg_orders o, payments p', upstream: [orders] }, { sql: 'select * from payments', upstream: [payments] }],
  ];
  for (const requests of cases) {
    const expected = await alone(requests);
    const { connection, close } = await createBindConnection();
    try {
      assert.deepEqual(await bindModels(connection, requests), expected, requests[0].sql);
    } finally {
      close();
    }
  }
});

test('lineage given in a batch is the lineage each bind alone gives', async () => {
  const requests = plain.map((r) => ({ ...r, options: { lineage: true } }));
  assert.deepEqual(await (async () => {
    const { connection, close } = await createBindConnection();
    try {
      return await bindModels(connection, requests);
    } finally {
      close();
    }
  })(), await alone(requests));
});

test('mutated models (unclosed comments, strings, brackets, stray semicolons) in batches answer as alone', async () => {
  const model = `with source as (select * from "bronze"."customers" where credit > 0 /* c */),
renamed as (select customer_id, upper(name) as name, credit from source s join stg_orders o using (customer_id) -- note
)
select r.customer_id, (select max(amount) from stg_orders t where t.customer_id = r.customer_id) m from renamed r order by 1`;
  let seed = 11;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const junk = ['(', ')', "'", '"', '$$', '/*', '--', ';', ',', '[', '{', 'with', ' as ', 'select', '__floe_b1', 'x'];
  const requests: BindRequest[] = [];
  for (let k = 0; k < 64; k++) {
    let s = model;
    // every other one intact, so batches hold models that bind
    for (let m = 0, count = k % 2 ? 1 + rnd(2) : 0; m < count; m++) {
      const at = rnd(s.length + 1);
      const op = rnd(3);
      if (op === 0) s = s.slice(0, at);
      else if (op === 1) s = s.slice(0, at) + junk[rnd(junk.length)] + s.slice(at);
      else s = s.slice(0, at) + s.slice(at + rnd(20));
    }
    requests.push({ sql: s, upstream: [customers, orders] });
  }
  const expected = await alone(requests);
  const { connection, close } = await createBindConnection();
  try {
    const got: BindResult[] = [];
    for (let i = 0; i < requests.length; i += 8) got.push(...(await bindModels(connection, requests.slice(i, i + 8))));
    requests.forEach((r, i) => assert.deepEqual(got[i], expected[i], r.sql));
  } finally {
    close();
  }
});
