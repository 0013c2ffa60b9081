// The DuckDB session: exact values for every type Floe maps, streaming, views and interrupting a query.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DuckSession } from '../../server/src/engine/session';
import { duckLiteral, duckTypeOf } from '../../server/src/engine/types';
import type { IcebergType } from '../../server/src/iceberg/spec';

let session: DuckSession;
before(async () => { session = await DuckSession.open(); });
after(() => session.close());

async function one(sql: string): Promise<unknown> {
  return (await session.query(`SELECT ${sql}`)).rows[0][0];
}

test('values come back exact: int64, hugeint, decimal, uuid as strings; dates and timestamps ISO', async () => {
  const r = await session.query(`SELECT '-9223372036854775808'::BIGINT a, 170141183460469231731687303715884105727::HUGEINT b,
    0.000000000000000000000000000000000001::DECIMAL(38,38) c, 'F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6'::UUID d,
    DATE '0001-01-01' e, TIMESTAMP '2024-02-29 23:59:59.999999' f, TIMESTAMPTZ '2024-02-29 23:59:59.000001+02' g,
    TIME '23:59:59.999999' h, NULL::INTEGER i, 3.1415927::FLOAT j, [1::BIGINT, NULL] k, {'x': 1.50::DECIMAL(5,2)} l`);
  assert.deepEqual(r.rows[0], [
    '-9223372036854775808', '170141183460469231731687303715884105727', `0.${'0'.repeat(35)}100`,
    'f81d4fae-7dec-11d0-a765-00a0c91e6bf6', '0001-01-01', '2024-02-29T23:59:59.999999', '2024-02-29T21:59:59.000001+00:00',
    '23:59:59.999999', null, 3.1415927, ['1', null], { x: '1.50' },
  ]);
  assert.deepEqual(r.columns.map((c) => c.type).slice(0, 7), ['BIGINT', 'HUGEINT', 'DECIMAL(38,38)', 'UUID', 'DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE']);
});

test('Iceberg values become literals of the mapped DuckDB type', async () => {
  const cases: [IcebergType, unknown, unknown][] = [
    ['boolean', true, true],
    ['int', 42, 42],
    ['long', -9223372036854775808n, '-9223372036854775808'],
    ['float', 1.5, 1.5],
    ['double', 3.141592653589793, 3.141592653589793],
    ['decimal(38, 2)', 12345678901234567890n, '123456789012345678.90'],
    ['decimal(9, 3)', '-1.500', '-1.500'],
    ['date', 19782, '2024-02-29'],
    ['time', 3723000001n, '01:02:03.000001'],
    ['timestamp', 1709251199999999n, '2024-02-29T23:59:59.999999'],
    ['timestamptz', 1709251199999999n, '2024-02-29T23:59:59.999999+00:00'],
    ['string', "it's", "it's"],
    ['uuid', 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6', 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6'],
    ['binary', new Uint8Array([0xab, 0x00, 0x61]), '\\xAB\\x00a'],
    ['long', null, null],
  ];
  for (const [type, value, expected] of cases) {
    const sql = `${duckLiteral(type, value)}`;
    assert.deepEqual(await one(sql), expected, `${String(type)} ${sql}`);
    assert.equal((await session.query(`SELECT ${sql} AS v`)).columns[0].type.replace(/ WITH TIME ZONE$/, 'TZ').replace(/,(\d)/, ', $1'), duckTypeOf(type));
  }
});

test('stream delivers every row in chunks', async () => {
  let rows = 0;
  let chunks = 0;
  const columns = await session.stream('SELECT range AS n FROM range(10000)', (batch) => { rows += batch.length; chunks++; });
  assert.equal(rows, 10000);
  assert.ok(chunks > 1);
  assert.deepEqual(columns.map((c) => [c.name, c.type]), [['n', 'BIGINT']]);
});

test('views can live in a schema named like a namespace', async () => {
  await session.registerView(['my ns', 'my "table"'], 'SELECT 1 AS x');
  assert.equal(await one(`x FROM "my ns"."my ""table"""`), 1);
});

test('a long query can be interrupted', async () => {
  const other = await DuckSession.open();
  try {
    const running = other.query('SELECT count(*) FROM range(100000000000) a');
    setTimeout(() => other.interrupt(), 200);
    await assert.rejects(running, /interrupt/i);
    assert.equal((await other.query('SELECT 1 AS ok')).rows[0][0], 1, 'the session still works afterwards');
  } finally {
    other.close();
  }
});

test('query with a limit fetches only what is asked and says so', async () => {
  const r = await session.query('SELECT range FROM range(100000)', { limit: 10 });
  assert.equal(r.rows.length, 10);
  assert.equal(r.truncated, true);
});
