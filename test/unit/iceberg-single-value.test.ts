import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeValue, encodeValue } from '../../server/src/iceberg/single-value.js';
import { toValue } from '../../server/src/iceberg/values.js';
import { parsePrimitiveType } from '../../server/src/iceberg/types.js';
import { IcebergError } from '../../server/src/iceberg/errors.js';

function check(type: string, literal: unknown, hex: string) {
  const t = parsePrimitiveType(type);
  const v = toValue(t, literal);
  const bytes = encodeValue(t, v);
  assert.equal(Buffer.from(bytes).toString('hex'), hex, `${type} ${String(literal)}`);
  assert.deepEqual(decodeValue(t, bytes), v, `${type} decode`);
}

test('single-value serialization follows spec Appendix D', () => {
  check('boolean', true, '01');
  check('boolean', false, '00');
  check('int', -2, 'feffffff');
  check('date', '1970-01-02', '01000000');
  check('long', 9223372036854775807n, 'ffffffffffffff7f');
  check('long', -9223372036854775808n, '0000000000000080');
  check('timestamp', '1970-01-01T00:00:00.000001', '0100000000000000');
  check('float', 1, '0000803f');
  check('double', -0.5, '000000000000e0bf');
  check('string', 'iceé', '696365c3a9');
  check('uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7', 'f79c3e09677c4bbda4793f349cb785e7');
  check('decimal(9, 2)', '14.20', '058c');
  check('decimal(9, 2)', '-1.28', '80');
  check('decimal(9, 2)', '1.28', '0080');
  check('decimal(38, 0)', '0', '00');
  check('fixed[3]', new Uint8Array([1, 2, 3]), '010203');
  check('binary', new Uint8Array([]), '');
});

test('bounds written before a type promotion still decode', () => {
  assert.equal(decodeValue('long', Buffer.from('feffffff', 'hex')), -2n);
  assert.equal(decodeValue('double', Buffer.from('0000803f', 'hex')), 1);
});

test('wrong-sized bounds fail with a typed error', () => {
  assert.throws(() => decodeValue('int', new Uint8Array(3)), (e: unknown) => e instanceof IcebergError && e.kind === 'corrupt-file');
  assert.throws(() => decodeValue('uuid', new Uint8Array(4)), IcebergError);
});
