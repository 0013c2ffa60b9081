// DuckDB result → Arrow IPC → grid text: every type comes out exact, NULL stays distinct from 'NULL'.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { tableFromIPC } from 'apache-arrow';
import { duckdbResultToArrow, duckdbResultToPreview, DUCKDB_TYPE_KEY } from '../../server/src/engine/arrow';
import { modelFromIpc } from '../../media/src/model';

let instance: DuckDBInstance;
let con: DuckDBConnection;
before(async () => {
  instance = await DuckDBInstance.create(':memory:');
  con = await instance.connect();
});
after(() => {
  con.closeSync();
  instance.closeSync();
});

/** Runs `SELECT expr AS v`, and checks the Arrow type, the header type and the grid text of the one cell. */
async function check(expr: string, arrowType: string, duckdbType: string, text: string | null, json?: string): Promise<void> {
  const result = await con.stream(`SELECT ${expr} AS v`);
  const { ipc } = await duckdbResultToArrow(result);
  const table = tableFromIPC(ipc);
  assert.equal(String(table.schema.fields[0].type), arrowType, expr);
  assert.equal(table.schema.fields[0].metadata.get(DUCKDB_TYPE_KEY), duckdbType, expr);
  const col = modelFromIpc(ipc).columns[0];
  assert.equal(col.type, duckdbType, expr);
  assert.equal(col.text(0), text, expr);
  if (json !== undefined) assert.equal(col.json(0), json, expr);
}

const cases: [expr: string, arrowType: string, duckdbType: string, text: string | null, json?: string][] = [
  ['9223372036854775807::BIGINT', 'Int64', 'BIGINT', '9223372036854775807', '9223372036854775807'],
  ['(-9223372036854775808)::BIGINT', 'Int64', 'BIGINT', '-9223372036854775808'],
  ['18446744073709551615::UBIGINT', 'Uint64', 'UBIGINT', '18446744073709551615'],
  ['170141183460469231731687303715884105727::HUGEINT', 'Decimal[38e0]', 'HUGEINT', '170141183460469231731687303715884105727'],
  ['(-170141183460469231731687303715884105727)::HUGEINT', 'Decimal[38e0]', 'HUGEINT', '-170141183460469231731687303715884105727'],
  ['340282366920938463463374607431768211455::UHUGEINT', 'Utf8', 'UHUGEINT', '340282366920938463463374607431768211455'],
  ['12345678901234567890.123456789::DECIMAL(38,9)', 'Decimal[38e+9]', 'DECIMAL(38,9)', '12345678901234567890.123456789', '12345678901234567890.123456789'],
  ['-0.05::DECIMAL(4,2)', 'Decimal[4e+2]', 'DECIMAL(4,2)', '-0.05'],
  ['123.4::DECIMAL(18,3)', 'Decimal[18e+3]', 'DECIMAL(18,3)', '123.400'],
  ['42::TINYINT', 'Int8', 'TINYINT', '42'],
  ['-300::SMALLINT', 'Int16', 'SMALLINT', '-300'],
  ['2147483647::INTEGER', 'Int32', 'INTEGER', '2147483647'],
  ['4294967295::UINTEGER', 'Uint32', 'UINTEGER', '4294967295'],
  ['0.1::DOUBLE', 'Float64', 'DOUBLE', '0.1'],
  ['0.1::FLOAT', 'Float32', 'FLOAT', '0.1'],
  ["'nan'::DOUBLE", 'Float64', 'DOUBLE', 'NaN', '"NaN"'],
  ['true', 'Bool', 'BOOLEAN', 'true', 'true'],
  ["TIMESTAMP '2024-01-02 03:04:05.123456'", 'Timestamp<MICROSECOND>', 'TIMESTAMP', '2024-01-02 03:04:05.123456', '"2024-01-02 03:04:05.123456"'],
  ["TIMESTAMP '1969-12-31 23:59:59.999999'", 'Timestamp<MICROSECOND>', 'TIMESTAMP', '1969-12-31 23:59:59.999999'],
  ["TIMESTAMP '2024-01-02 03:04:05'", 'Timestamp<MICROSECOND>', 'TIMESTAMP', '2024-01-02 03:04:05'],
  ["TIMESTAMPTZ '2024-01-02 03:04:05.000001+00'", 'Timestamp<MICROSECOND, UTC>', 'TIMESTAMP WITH TIME ZONE', '2024-01-02 03:04:05.000001+00'],
  ["'2024-01-02 03:04:05.123456789'::TIMESTAMP_NS", 'Timestamp<NANOSECOND>', 'TIMESTAMP_NS', '2024-01-02 03:04:05.123456789'],
  ["'2024-01-02 03:04:05.123'::TIMESTAMP_MS", 'Timestamp<MILLISECOND>', 'TIMESTAMP_MS', '2024-01-02 03:04:05.123'],
  ["'2024-01-02 03:04:05'::TIMESTAMP_S", 'Timestamp<SECOND>', 'TIMESTAMP_S', '2024-01-02 03:04:05'],
  ["DATE '2024-02-29'", 'Date32<DAY>', 'DATE', '2024-02-29', '"2024-02-29"'],
  ["DATE '1900-01-01'", 'Date32<DAY>', 'DATE', '1900-01-01'],
  ["DATE '0001-12-31 (BC)'", 'Date32<DAY>', 'DATE', '0001-12-31 (BC)'],
  ["TIMESTAMP '1500-03-01 12:00:00.5'", 'Timestamp<MICROSECOND>', 'TIMESTAMP', '1500-03-01 12:00:00.500000'],
  ["'infinity'::TIMESTAMP", 'Timestamp<MICROSECOND>', 'TIMESTAMP', 'infinity'],
  ["'-infinity'::DATE", 'Date32<DAY>', 'DATE', '-infinity'],
  ["TIME '12:00:01.5'", 'Time64<MICROSECOND>', 'TIME', '12:00:01.500000'],
  ["'NULL'", 'Utf8', 'VARCHAR', 'NULL', '"NULL"'],
  ['NULL::VARCHAR', 'Utf8', 'VARCHAR', null, 'null'],
  ['NULL::BIGINT', 'Int64', 'BIGINT', null, 'null'],
  ['NULL', 'Int32', 'INTEGER', null, 'null'],
  ["''", 'Utf8', 'VARCHAR', ''],
  ["'héllo ✓ 😀'", 'Utf8', 'VARCHAR', 'héllo ✓ 😀'],
  ["'<img src=x onerror=alert(1)>'", 'Utf8', 'VARCHAR', '<img src=x onerror=alert(1)>'],
  ["'a\\x00b'::BLOB", 'Binary', 'BLOB', 'a\\x00b'],
  ["'6ba7b810-9dad-11d1-80b4-00c04fd430c8'::UUID", 'Utf8', 'UUID', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'],
  ['[1, 2, NULL]', 'Utf8', 'INTEGER[]', '[1,2,null]'],
  ["{'a': 1, 'b': 'x'}", 'Utf8', 'STRUCT("a" INTEGER, "b" VARCHAR)', '{"a":1,"b":"x"}'],
  ["INTERVAL 3 DAY", 'Utf8', 'INTERVAL', '3 days'],
  ["'b'::ENUM('a', 'b')", 'Utf8', "ENUM('a', 'b')", 'b'],
];

test('every DuckDB type converts to an exact Arrow value and grid text', async (t) => {
  for (const c of cases) await t.test(c[0], () => check(...c));
});

test('maxRows truncates and reports it; an exact fit is not truncated', async () => {
  for (const [rows, max, count, truncated] of [[10000, 5000, 5000, true], [4096, 4096, 4096, false], [2049, 2048, 2048, true], [0, 10, 0, false]] as const) {
    const r = await duckdbResultToArrow(await con.stream(`SELECT * FROM range(${rows})`), { maxRows: max });
    assert.deepEqual([r.rowCount, r.truncated], [count, truncated], `${rows} rows, max ${max}`);
    assert.equal(tableFromIPC(r.ipc).numRows, count);
  }
});

test('nulls across chunks keep their positions', async () => {
  const r = await duckdbResultToArrow(await con.stream(`SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE i END AS v, CASE WHEN i % 5 = 0 THEN NULL ELSE 'r' || i END AS s FROM range(5000) t(i)`));
  const model = modelFromIpc(r.ipc);
  for (const i of [0, 1, 2, 3, 2047, 2048, 2049, 4095, 4999]) {
    assert.equal(model.columns[0].text(i), i % 3 === 0 ? null : String(i));
    assert.equal(model.columns[1].text(i), i % 5 === 0 ? null : 'r' + i);
  }
});

test('the preview result carries base64 IPC, columns and counts', async () => {
  const started = performance.now();
  const p = await duckdbResultToPreview(await con.stream(`SELECT 1::BIGINT AS a, 'x' AS "b c"`), { sql: 'select 1', title: 'm', startedAt: started });
  assert.deepEqual(p.columns, [{ name: 'a', type: 'BIGINT' }, { name: 'b c', type: 'VARCHAR' }]);
  assert.equal(p.rowCount, 1);
  assert.equal(p.truncated, false);
  assert.ok(p.elapsedMs >= 0);
  assert.equal(modelFromIpc(Buffer.from(p.arrow, 'base64')).columns[1].text(0), 'x');
});

// Speed is measured by npm run bench, not here: this checks that a large result converts whole and exact.
test('100k rows x 10 columns convert whole, with exact values in the last row', async () => {
  const sql = `SELECT i::BIGINT a, i * 2 b, i / 7 c, 'row ' || i s, i::DECIMAL(18,3) d, TIMESTAMP '2024-01-01' + to_microseconds(i) ts,
    i % 2 = 0 bo, 'x' || (i % 100) s2, i::INTEGER i4, NULL::VARCHAR n FROM range(100000) t(i)`;
  const r = await duckdbResultToArrow(await con.stream(sql));
  assert.equal(r.rowCount, 100000);
  const table = tableFromIPC(r.ipc);
  assert.equal(table.numRows, 100000);
  const last = table.get(99999)!.toJSON() as Record<string, unknown>;
  assert.equal(last.a, 99999n);
  assert.equal(last.s, 'row 99999');
  assert.equal(last.n, null);
});
