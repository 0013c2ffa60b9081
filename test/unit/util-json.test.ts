import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJson, stringifyJson, toBigInt } from '../../server/src/util/json';

const cases: [string, unknown][] = [
  ['{"id": 1584331123492059582}', { id: 1584331123492059582n }],
  ['{"id": -9223372036854775808}', { id: -9223372036854775808n }],
  ['{"n": 42, "f": 1.5}', { n: 42, f: 1.5 }],
];

test('parseJson keeps int64 exact', () => {
  for (const [text, expected] of cases) assert.deepEqual(parseJson(text), expected);
});

test('stringifyJson writes bigint as a bare integer and round-trips', () => {
  const text = stringifyJson({ id: 7342794868382145167n, f: 0.25 });
  assert.equal(text, '{"id":7342794868382145167,"f":0.25}');
  assert.deepEqual(parseJson(text), { id: 7342794868382145167n, f: 0.25 });
});

test('toBigInt accepts numbers, bigints and digit strings, rejects the rest', () => {
  assert.equal(toBigInt(3), 3n);
  assert.equal(toBigInt('853766660775201079'), 853766660775201079n);
  assert.throws(() => toBigInt(1.5), /integer/);
});
