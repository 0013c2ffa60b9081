// Column lineage of one model over a table of SQL shapes, parsed by the real DuckDB and resolved by columnLineage.ts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, DuckDBConnection } from '@duckdb/node-api';
import { bindModel, type UpstreamRelation } from '../../server/src/sql/binder';
import { edgeKind, modelColumnLineage } from '../../server/src/sql/columnLineage';

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

const rel = (name: string, columns: string): UpstreamRelation => ({
  name,
  columns: columns.split(';').map((c) => {
    const [n, ...t] = c.trim().split(' ');
    return { name: n, type: t.join(' ') || 'INTEGER' };
  }),
});
const upstream = [
  rel('"orders"', 'order_id; customer_id; amount DECIMAL(18,2); status VARCHAR; ordered_at TIMESTAMP'),
  rel('"customers"', 'customer_id; name VARCHAR; address STRUCT(city VARCHAR, zip VARCHAR)'),
  rel('"bronze"."payments"', 'payment_id; order_id; amount DECIMAL(18,2)'),
  rel('"refunds"', 'order_id; amount DECIMAL(18,2)'),
];

const KIND = { 'pass-through': '=', rename: '~', transformation: '*' } as const;

/** `output: relation.column<kind>, ...` per output column, kinds `=` pass-through, `~` rename, `*` transformation. */
async function lineageOf(sql: string): Promise<string[]> {
  const bound = await bindModel(conn, sql, upstream);
  assert.deepEqual(bound.errors, [], `binds: ${sql}`);
  const l = await modelColumnLineage(conn, sql, upstream, bound.columns);
  assert.equal(l.problem, undefined);
  return l.columns.map((c) => {
    const from = c.from.map((o) => `${o.relation.split('.').pop()!.replace(/"/g, '')}.${[o.column, ...(o.path ?? [])].join('.')}${KIND[edgeKind(c.name, o)]}`).sort();
    return `${c.name}: ${from.join(', ')}`;
  });
}

const cases: Array<[string, string, string[]]> = [
  ['plain columns, a rename and a computation', 'select order_id, customer_id as buyer, amount * 2 as doubled from orders', ['order_id: orders.order_id=', 'buyer: orders.customer_id~', 'doubled: orders.amount*']],
  ['a source by two-part name', 'select p.payment_id, p.amount from bronze.payments p', ['payment_id: payments.payment_id=', 'amount: payments.amount=']],
  ['through CTEs', 'with o as (select order_id as id, amount from orders), t as (select id, amount + 1 as a1 from o) select id as order_key, a1 from t', ['order_key: orders.order_id~', 'a1: orders.amount*']],
  ['a subquery in FROM', 'select x from (select amount as x from orders) s', ['x: orders.amount~']],
  ['a join with aliases', 'select o.order_id, c.name from orders o join customers c on o.customer_id = c.customer_id', ['order_id: orders.order_id=', 'name: customers.name=']],
  ['select * over a join', 'select * from orders o join refunds r on o.order_id = r.order_id', ['order_id: orders.order_id=', 'customer_id: orders.customer_id=', 'amount: orders.amount=', 'status: orders.status=', 'ordered_at: orders.ordered_at=', 'order_id: refunds.order_id=', 'amount: refunds.amount=']],
  ['using join: the merged column once, from the left', 'select * from orders join customers using (customer_id)', ['order_id: orders.order_id=', 'customer_id: orders.customer_id=', 'amount: orders.amount=', 'status: orders.status=', 'ordered_at: orders.ordered_at=', 'name: customers.name=', 'address: customers.address=']],
  ['full join using: coalesced from both sides', 'select customer_id from orders full join customers using (customer_id)', ['customer_id: customers.customer_id*, orders.customer_id*']],
  ['* exclude and * replace', 'select * exclude (status, ordered_at) replace (amount / 100 as amount) from orders', ['order_id: orders.order_id=', 'customer_id: orders.customer_id=', 'amount: orders.amount*']],
  ['* rename', 'select * rename (amount as total) from refunds', ['order_id: refunds.order_id=', 'total: refunds.amount~']],
  ['alias.* and columns(regex)', "select r.*, columns('^(status|ordered)') from orders o join refunds r using (order_id)", ['order_id: refunds.order_id=', 'amount: refunds.amount=', 'status: orders.status=', 'ordered_at: orders.ordered_at=']],
  ['columns() inside an aggregate', "select max(columns('amount')) from orders", ['amount: orders.amount*']],
  ['a VALUES list: new columns with no upstream', "select v.label, v.n + o.amount as total from orders o join (values (1, 'a'), (2, 'b')) v(n, label) on v.n = o.order_id", ['label: ', 'total: orders.amount*']],
  ['select * from VALUES, named by DuckDB', 'select * from (values (1, 2)) t(a)', ['a: ', 'col1: ']],
  ['aggregates and group by all', 'select customer_id, sum(amount) as total, count(*) as n from orders group by all', ['customer_id: orders.customer_id=', 'total: orders.amount*', 'n: ']],
  ['window functions read partition and order columns', 'select order_id, row_number() over (partition by customer_id order by ordered_at) as rn from orders', ['order_id: orders.order_id=', 'rn: orders.customer_id*, orders.ordered_at*']],
  ['qualify', 'select order_id, amount from orders qualify row_number() over (partition by customer_id order by amount desc) = 1', ['order_id: orders.order_id=', 'amount: orders.amount=']],
  ['lateral column aliases', 'select amount * 2 as doubled, doubled + 1 as plus_one from orders', ['doubled: orders.amount*', 'plus_one: orders.amount*']],
  ['struct fields', 'select c.address.city, address.zip as postcode, name from customers c', ['city: customers.address.city=', 'postcode: customers.address.zip~', 'name: customers.name=']],
  ['union all by position', 'select order_id, amount from orders union all select order_id, amount * -1 from refunds', ['order_id: orders.order_id=, refunds.order_id=', 'amount: orders.amount=, refunds.amount*']],
  ['union by name', 'select amount, order_id from orders union by name select order_id, amount from refunds', ['amount: orders.amount=, refunds.amount=', 'order_id: orders.order_id=, refunds.order_id=']],
  ['except and intersect', 'select order_id from orders except select order_id from refunds', ['order_id: orders.order_id=, refunds.order_id=']],
  ['recursive CTE', 'with recursive chain(id, depth) as (select order_id, 0 from orders union all select id, depth + 1 from chain where depth < 3) select id, depth from chain', ['id: orders.order_id~', 'depth: ']],
  ['scalar subquery', 'select order_id, (select max(amount) from refunds r where r.order_id = o.order_id) as refunded from orders o', ['order_id: orders.order_id=', 'refunded: refunds.amount*']],
  ['case and cast', "select case when status = 'x' then amount else 0 end as amt, cast(order_id as varchar) as id_text from orders", ['amt: orders.amount*, orders.status*', 'id_text: orders.order_id*']],
  ['lambda parameters are not columns', 'select list_transform([1, 2], order_id -> order_id + 1) as l, amount from orders', ['l: ', 'amount: orders.amount=']],
  ['DuckDB names the columns (computed ones by their text)', 'select amount + 1, order_id, order_id from orders', ['(amount + 1): orders.amount*', 'order_id: orders.order_id=', 'order_id: orders.order_id=']],
  ['table alias with column list', 'select a, b from refunds as r(a, b)', ['a: refunds.order_id~', 'b: refunds.amount~']],
];

for (const [name, sql, expected] of cases) {
  test(`column lineage: ${name}`, async () => {
    assert.deepEqual(await lineageOf(sql), expected);
  });
}

test('column lineage: where, join conditions and group by are uses (for references), not output lineage', async () => {
  const sql = "select o.order_id from orders o join customers c on o.customer_id = c.customer_id where c.name = 'x'";
  const l = await modelColumnLineage(conn, sql, upstream, []);
  const uses = l.uses.map((u) => `${u.relation.replace(/"/g, '')}.${u.column}@${sql.slice(u.at).match(/^[\w.]+/)![0]}`).sort();
  assert.deepEqual(uses, ['customers.customer_id@c.customer_id', 'customers.name@c.name', 'orders.customer_id@o.customer_id', 'orders.order_id@o.order_id']);
  assert.deepEqual(l.columns.map((c) => c.from.map((o) => o.column)), [['order_id']]);
});

test('column lineage: SQL that does not parse is a problem, not a throw', async () => {
  const l = await modelColumnLineage(conn, 'select from where', upstream, []);
  assert.deepEqual(l.columns, []);
  assert.match(l.problem ?? '', /syntax|parser/i);
});
