// The grid's pure logic: sorting (type-aware, stable, NULLs last), filtering, CSV/TSV/JSON text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Decimal, Field, Float64, Int64, Schema, Table, Utf8, makeData, vectorFromArray, RecordBatch, Struct } from 'apache-arrow';
import { modelFromTable, type ResultModel } from '../../media/src/model';
import { sortRows, filterRows, viewRows } from '../../media/src/view';
import { toCsv, toTsv, toJson } from '../../media/src/exporting';
import { base64ToBytes } from '../../media/src/base64';
import { formatScaled, formatTimestamp, formatDate, formatBlob } from '../../media/src/cells';

function validity(values: unknown[]): Uint8Array {
  const bits = new Uint8Array((values.length + 7) >> 3);
  values.forEach((v, i) => { if (v !== null) bits[i >> 3] |= 1 << (i & 7); });
  return bits;
}

function int64(values: (bigint | null)[]) {
  return makeData({ type: new Int64(), length: values.length, nullCount: values.filter((v) => v === null).length, nullBitmap: validity(values), data: BigInt64Array.from(values, (v) => v ?? 0n) });
}

function decimal(scale: number, values: (bigint | null)[]) {
  const words = new BigInt64Array(values.length * 2);
  values.forEach((v, i) => { words[i * 2] = BigInt.asIntN(64, v ?? 0n); words[i * 2 + 1] = (v ?? 0n) >> 64n; });
  return makeData({ type: new Decimal(scale, 38, 128), length: values.length, nullCount: values.filter((v) => v === null).length, nullBitmap: validity(values), data: new Uint32Array(words.buffer) });
}

/** A model with columns id BIGINT, amount DECIMAL(38,2), name VARCHAR, score DOUBLE. */
function sample(): ResultModel {
  const id = int64([9223372036854775807n, 2n, null, -9223372036854775807n, 2n]);
  const amount = decimal(2, [100n, -5n, 12345678901234567890123n, null, 100n]);
  const name = vectorFromArray(['b', 'NULL', null, 'a, "q"', 'b'], new Utf8()).data[0];
  const score = vectorFromArray([1.5, null, -2, 10, 1.5], new Float64()).data[0];
  const fields = [
    new Field('id', id.type, true, new Map([['floe.duckdb_type', 'BIGINT']])),
    new Field('amount', amount.type, true, new Map([['floe.duckdb_type', 'DECIMAL(38,2)']])),
    new Field('name', name.type, true),
    new Field('score', score.type, true),
  ];
  const batch = new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length: 5, nullCount: 0, children: [id, amount, name, score] }));
  return modelFromTable(new Table([batch]));
}

const model = sample();
const col = (name: string) => model.columns.findIndex((c) => c.name === name);

test('cells show exact text and SQL NULL as null', () => {
  assert.deepEqual(model.columns.map((c) => c.type), ['BIGINT', 'DECIMAL(38,2)', 'Utf8', 'Float64']);
  assert.deepEqual([0, 1, 2, 3, 4].map((r) => model.columns[0].text(r)), ['9223372036854775807', '2', null, '-9223372036854775807', '2']);
  assert.deepEqual([0, 1, 2, 3].map((r) => model.columns[1].text(r)), ['1.00', '-0.05', '123456789012345678901.23', null]);
  assert.equal(model.columns[2].text(1), 'NULL');
  assert.equal(model.columns[2].text(2), null);
});

test('sorting is type-aware, stable, and puts NULLs last', () => {
  const all = Uint32Array.from([0, 1, 2, 3, 4]);
  const check = (column: string, descending: boolean, expected: number[]) =>
    assert.deepEqual(Array.from(sortRows(model, all, { column: col(column), descending })), expected, `${column} ${descending ? 'desc' : 'asc'}`);
  check('id', false, [3, 1, 4, 0, 2]);
  check('id', true, [0, 1, 4, 3, 2]);
  check('amount', false, [1, 0, 4, 2, 3]);
  check('amount', true, [2, 0, 4, 1, 3]);
  check('name', false, [1, 3, 0, 4, 2]);
  check('score', false, [2, 0, 4, 3, 1]);
});

test('filtering matches display text, case-insensitive, per column or all; NULL never matches', () => {
  const check = (filter: string, column: string | undefined, expected: number[]) =>
    assert.deepEqual(Array.from(filterRows(model, filter, column === undefined ? undefined : col(column))), expected, `${filter} in ${column ?? 'all'}`);
  check('', undefined, [0, 1, 2, 3, 4]);
  check('null', undefined, [1]);
  check('b', 'name', [0, 4]);
  check('9223372036854775807', undefined, [0, 3]);
  check('123456789012345678901.23', 'amount', [2]);
  check('-0.05', undefined, [1]);
  check('zzz', undefined, []);
  assert.deepEqual(Array.from(viewRows(model, { filter: 'b', filterColumn: col('name'), sort: { column: col('id'), descending: true } })), [0, 4]);
});

test('CSV quotes what needs it and keeps NULL apart from empty and from the string NULL', () => {
  const csv = toCsv(model, [0, 1, 2, 3]);
  assert.equal(csv, [
    'id,amount,name,score',
    '9223372036854775807,1.00,b,1.5',
    '2,-0.05,NULL,',
    ',123456789012345678901.23,,-2',
    '-9223372036854775807,,"a, ""q""",10',
    '',
  ].join('\r\n'));
});

test('TSV copies one cell plainly and several rows with a header', () => {
  assert.equal(toTsv(model, [3], [col('name')]), '"a, ""q"""');
  assert.equal(toTsv(model, [0], [col('id')]), '9223372036854775807');
  assert.equal(toTsv(model, [0, 2], [col('id'), col('name')], true), 'id\tname\r\n9223372036854775807\tb\r\n\t\r\n');
});

test('JSON keeps int64 and decimals exact as numbers, NULL as null', () => {
  const json = toJson(model, [0, 2]);
  assert.equal(json, '[\n  {"id": 9223372036854775807, "amount": 1.00, "name": "b", "score": 1.5},\n  {"id": null, "amount": 123456789012345678901.23, "name": null, "score": -2}\n]\n');
  assert.equal(toJson(model, []), '[]\n');
});

test('cell formatters are exact at the edges', () => {
  const cases: [string, string][] = [
    [formatScaled(-1n, 9), '-0.000000001'],
    [formatScaled(12345678901234567890123456789n, 9), '12345678901234567890.123456789'],
    [formatScaled(0n, 2), '0.00'],
    [formatTimestamp(-1n, 'us', false), '1969-12-31 23:59:59.999999'],
    [formatTimestamp(1704164645123456789n, 'ns', true), '2024-01-02 03:04:05.123456789+00'],
    [formatDate(-719528), '0001-01-01 (BC)'],
    [formatDate(0), '1970-01-01'],
    [formatBlob(new Uint8Array([0x61, 0, 0x5c, 0xff])), 'a\\x00\\x5C\\xFF'],
  ];
  for (const [actual, expected] of cases) assert.equal(actual, expected);
});

test('base64 decoding matches Node for every padding length', () => {
  for (let n = 0; n < 70; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n * 13) & 255);
    assert.deepEqual(base64ToBytes(Buffer.from(bytes).toString('base64')), bytes, `${n} bytes`);
  }
});

test('dates match the calendar across eras, leap years and the BC boundary', () => {
  for (let days = -800000; days <= 3000000; days += 997) {
    const d = new Date(days * 86400000);
    const y = d.getUTCFullYear();
    if (y <= 0) continue;
    const expected = `${String(y).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
    assert.equal(formatDate(days), expected, `day ${days}`);
  }
  assert.equal(formatDate(11016), '2000-02-29');
  assert.equal(formatDate(-719162), '0001-01-01');
  assert.equal(formatDate(-719163), '0001-12-31 (BC)');
});
