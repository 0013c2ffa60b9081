import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareValues, daysToIsoDate, fromJsonSingleValue, humanString, isoDateToDays, parseTimestamp, toValue } from '../../server/src/iceberg/values.js';
import type { PrimitiveType } from '../../server/src/iceberg/spec.js';
import { parsePrimitiveType } from '../../server/src/iceberg/types.js';
import { IcebergError } from '../../server/src/iceberg/errors.js';

function check(type: string, literal: unknown, value: unknown, human: string) {
  const t = parsePrimitiveType(type);
  const v = toValue(t, literal);
  assert.deepEqual(v, value, `${type} ${String(literal)}`);
  assert.equal(humanString(t, v), human, `${type} human string`);
}

test('literals coerce to the in-memory form and print like Iceberg', () => {
  check('boolean', 'true', true, 'true');
  check('int', '42', 42, '42');
  check('long', 9007199254740993n, 9007199254740993n, '9007199254740993');
  check('long', '-9223372036854775808', -9223372036854775808n, '-9223372036854775808');
  check('float', 3.141592653589793, Math.fround(3.141592653589793), '3.1415927');
  check('double', 2, 2, '2.0');
  check('date', '2024-02-29', 19782, '2024-02-29');
  check('date', '1969-12-31', -1, '1969-12-31');
  check('time', '10:15:30.5', 36930500000n, '10:15:30.500');
  check('timestamp', '2024-01-02 03:04:05.123456', 1704164645123456n, '2024-01-02T03:04:05.123456');
  check('timestamp', '1969-12-31T23:59:59', -1000000n, '1969-12-31T23:59:59');
  check('timestamptz', '2024-01-02T03:04:00+01:00', 1704161040000000n, '2024-01-02T02:04Z');
  check('timestamp_ns', '2024-01-02T03:04:05.000000001', 1704164645000000001n, '2024-01-02T03:04:05.000000001');
  check('decimal(9, 2)', '-0.05', -5n, '-0.05');
  check('decimal(9, 2)', 12, 1200n, '12.00');
  check('decimal(9, 0)', 7n, 7n, '7');
  check('uuid', 'F79C3E09-677C-4BBD-A479-3F349CB785E7', 'f79c3e09-677c-4bbd-a479-3f349cb785e7', 'f79c3e09-677c-4bbd-a479-3f349cb785e7');
  check('binary', new Uint8Array([1, 2]), new Uint8Array([1, 2]), 'AQI=');
  check('string', 'a b', 'a b', 'a b');
});

test('bad literals fail with a typed error', () => {
  for (const [type, literal] of [['int', 'x'], ['date', '2024/01/01'], ['decimal(9, 2)', '1.234'], ['uuid', 'nope'], ['timestamp', 'yesterday']] as const) {
    assert.throws(() => toValue(parsePrimitiveType(type), literal), (e: unknown) => e instanceof IcebergError && e.kind === 'invalid-argument', `${type} ${literal}`);
  }
});

test('ordering follows Iceberg: code points for strings, unsigned bytes, NaN last', () => {
  assert.ok(compareValues('\u{1F600}', '\uFFFF') > 0); // UTF-16 order would say the opposite
  assert.ok(compareValues(new Uint8Array([0x80]), new Uint8Array([0x7f])) > 0);
  assert.ok(compareValues(NaN, Infinity) > 0);
  assert.ok(compareValues(1n, 2) < 0);
  assert.equal(daysToIsoDate(isoDateToDays('0099-03-01')), '0099-03-01');
  assert.equal(parseTimestamp('1970-01-01T00:00:00.000001Z'), 1n);
});

test('JSON single values (initial-default, write-default) parse to the in-memory form of their type', () => {
  const cases: [string, unknown, unknown][] = [
    ['boolean', false, false], ['long', 9007199254740993n, 9007199254740993n], ['double', 'NaN', Number.NaN], ['double', -0, -0],
    ['decimal(9, 2)', '14.20', 1420n], ['decimal(38, 0)', '99999999999999999999999999999999999999', 10n ** 38n - 1n],
    ['date', '2017-11-16', 17486], ['time', '22:31:08.123456', 81068123456n],
    ['timestamp', '2017-11-16T22:31:08.123456', 1510871468123456n], ['timestamptz', '2017-11-16T22:31:08.123456+00:00', 1510871468123456n],
    ['timestamp_ns', '2017-11-16T22:31:08.123456789', 1510871468123456789n], ['timestamptz_ns', '2017-11-16T22:31:08.123456789+00:00', 1510871468123456789n],
    ['uuid', 'F79C3E09-677C-4BBD-A479-3F349CB785E7', 'f79c3e09-677c-4bbd-a479-3f349cb785e7'],
    ['binary', '00ff5c', new Uint8Array([0, 255, 92])], ['fixed[2]', 'ABCD', new Uint8Array([0xab, 0xcd])],
  ];
  for (const [type, json, expected] of cases) assert.deepEqual(fromJsonSingleValue(type as PrimitiveType, json), expected, `${type} ${String(json)}`);
  for (const [type, json] of [['binary', 'xyz'], ['fixed[2]', '00'], ['double', 'pi'], ['date', 'yesterday'], ['decimal(9, 2)', '1.234']] as const) {
    assert.throws(() => fromJsonSingleValue(type as PrimitiveType, json), /is not|decimal places/);
  }
});
