import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PrimitiveType, StructType } from '../../server/src/iceberg/spec';
import { boundOf, dataFileFromStats, parseColumnPath } from '../../server/src/engine/write/file-stats';

const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString('hex') : undefined);

function check(type: PrimitiveType, text: string | null, lower: string | undefined, ...upperIfDifferent: (string | undefined)[]) {
  const upper = upperIfDifferent.length ? upperIfDifferent[0] : lower;
  assert.equal(hex(boundOf(type, text, 'lower')), lower, `lower ${type} ${text}`);
  assert.equal(hex(boundOf(type, text, 'upper')), upper, `upper ${type} ${text}`);
}

test('stats text becomes single-value bounds (spec Appendix D)', () => {
  check('boolean', '1', '01');
  check('boolean', '0', '00');
  check('int', '1', '01000000');
  check('int', '-2', 'feffffff');
  check('long', '9223372036854775807', 'ffffffffffffff7f');
  check('long', '-1', 'ffffffffffffffff');
  check('float', '1.5', '0000c03f');
  check('double', '2.5', '0000000000000440');
  check('date', '1970-01-02', '01000000');
  check('date', '1969-12-31', 'ffffffff');
  check('time', '00:00:01.5', '60e3160000000000');
  check('timestamp', '1970-01-01 00:00:00.000001', '0100000000000000');
  check('timestamp', '0001-01-01 00:00:00', '0040d400014023ff');
  check('timestamptz', '1970-01-01 05:30:00+05:30', '0000000000000000');
  check('timestamptz', '2024-01-01 21:34:05.5+00', hex(Buffer.from(new BigInt64Array([1704144845500000n]).buffer)));
  check('decimal(38, 9)', '12.500000000', '02e90edd00');
  check('decimal(38, 9)', '-3.100000000', hex(negDecimal(3100000000n)));
  check('decimal(10, 2)', '0.00', '00');
  check('decimal(10, 2)', '-1.28', '80');
  check('decimal(10, 2)', '1.28', '0080');
  check('string', 'héllo', '68c3a96c6c6f');
  check('uuid', '09392971-1502-48ba-9c8d-1659b8507717', '09392971150248ba9c8d1659b8507717');
  check('binary', '616263', '616263');
});

function negDecimal(abs: bigint): Uint8Array {
  // Two's complement of -abs in the fewest bytes, computed independently of the code under test.
  for (let n = 1; n <= 16; n++) {
    const v = (1n << BigInt(8 * n)) - abs;
    if (abs <= 1n << BigInt(8 * n - 1)) return Uint8Array.from(Buffer.from(v.toString(16).padStart(2 * n, '0'), 'hex'));
  }
  throw new Error('too large');
}

test('long strings and binaries are truncated to 16: lower is a prefix, upper increments the last character', () => {
  check('string', 'abcdefghijklmnopqrstuvwxyz', hex(Buffer.from('abcdefghijklmnop')), hex(Buffer.from('abcdefghijklmnoq')));
  check('string', 'é'.repeat(20), hex(Buffer.from('é'.repeat(16))), hex(Buffer.from('é'.repeat(15) + 'ê')));
  check('binary', 'ff'.repeat(20), 'ff'.repeat(16), undefined);
  check('binary', '00'.repeat(15) + 'ffff', '00'.repeat(15) + 'ff', '00'.repeat(14) + '01');
  const maxChar = String.fromCodePoint(0x10ffff);
  check('string', 'a' + maxChar.repeat(20), hex(Buffer.from('a' + maxChar.repeat(15))), hex(Buffer.from('b')));
});

test('unreadable or NaN stats give no bound; -0.0/+0.0 widen', () => {
  check('double', 'NaN', undefined);
  check('double', null, undefined);
  check('int', '99999999999', undefined);
  check('timestamp', '2024-01-01 00:00:00 (BC)', undefined);
  check('timestamp', '2024-01-01 00:00:00.0000001', undefined);
  check('decimal(10, 2)', '1.234', undefined);
  check('double', '-0.0', '0000000000000080', '0000000000000000');
  check('double', '0.0', '0000000000000080', '0000000000000000');
});

test('RETURN_STATS column keys are quoted paths', () => {
  assert.deepEqual(parseColumnPath('"a"'), ['a']);
  assert.deepEqual(parseColumnPath('"st"."x"'), ['st', 'x']);
  assert.deepEqual(parseColumnPath('"we""ird.col"'), ['we"ird.col']);
  assert.deepEqual(parseColumnPath('"l s"."element"."a"'), ['l s', 'element', 'a']);
});

test('a stats row becomes a DataFile keyed by field id; no bounds inside lists and maps', () => {
  const schema: StructType = {
    type: 'struct',
    fields: [
      { id: 1, name: 'a', required: false, type: 'int' },
      { id: 2, name: 'l', required: false, type: { type: 'list', 'element-id': 3, element: 'long', 'element-required': false } },
      { id: 4, name: 'st', required: false, type: { type: 'struct', fields: [{ id: 5, name: 'x', required: false, type: 'string' }] } },
      { id: 6, name: 'd', required: false, type: 'double' },
      { id: 7, name: 'e', required: false, type: 'double' },
    ],
  };
  const stat = (min: string, max: string, nulls: string, values: string, size: string) => [
    { key: 'column_size_bytes', value: size }, { key: 'max', value: max }, { key: 'min', value: min },
    { key: 'null_count', value: nulls }, { key: 'num_values', value: values },
  ];
  const file = dataFileFromStats({
    filename: '/tmp/x.parquet', count: '2', file_size_bytes: '2313', partition_keys: null,
    column_statistics: [
      { key: '"a"', value: stat('1', '7', '1', '2', '34') },
      { key: '"l"."element"', value: stat('1', '2', '1', '3', '51') },
      { key: '"st"."x"', value: stat('a', 'b', '0', '2', '36') },
      { key: '"d"', value: [...stat('1.5', '2.5', '0', '2', '20'), { key: 'has_nan', value: 'false' }] },
      { key: '"e"', value: [...stat('1.5', '2.5', '0', '2', '20'), { key: 'has_nan', value: 'true' }] },
    ],
  }, schema, 'file:///t/data/x.parquet', {});
  assert.equal(file['record-count'], 2n);
  assert.equal(file['file-size-in-bytes'], 2313n);
  assert.deepEqual([...file['value-counts']!], [[1, 2n], [3, 3n], [5, 2n], [6, 2n], [7, 2n]]);
  assert.deepEqual([...file['null-value-counts']!], [[1, 1n], [3, 1n], [5, 0n], [6, 0n], [7, 0n]]);
  assert.deepEqual([...file['nan-value-counts']!], [[6, 0n]]);
  assert.deepEqual([...file['column-sizes']!], [[1, 34n], [3, 51n], [5, 36n], [6, 20n], [7, 20n]]);
  assert.deepEqual([...file['lower-bounds']!].map(([k, v]) => [k, hex(v)]), [[1, '01000000'], [5, '61'], [6, '000000000000f83f'], [7, '000000000000f83f']]);
  assert.deepEqual([...file['upper-bounds']!].map(([k, v]) => [k, hex(v)]), [[1, '07000000'], [5, '62'], [6, '0000000000000440'], [7, '0000000000000440']]);
});
