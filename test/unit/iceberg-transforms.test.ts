import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyTransform, bucketHash, partitionPath, partitionSegment, transformResultType, canTransform } from '../../server/src/iceberg/transforms.js';
import { toValue } from '../../server/src/iceberg/values.js';
import { parsePrimitiveType } from '../../server/src/iceberg/types.js';
import { schemaFromJson } from '../../server/src/iceberg/metadata-json.js';
import type { PrimitiveType } from '../../server/src/iceberg/spec.js';

const t = (s: string) => parsePrimitiveType(s);

test('bucket hashes match the spec appendix test vectors', () => {
  const vectors: [string, unknown, number][] = [
    ['int', 34, 2017239379],
    ['long', 34n, 2017239379],
    ['decimal(9, 2)', '14.20', -500754589],
    ['date', '2017-11-16', -653330422],
    ['time', '22:31:08', -662762989],
    ['timestamp', '2017-11-16T22:31:08', -2047944441],
    ['timestamptz', '2017-11-16T14:31:08-08:00', -2047944441],
    ['timestamp_ns', '2017-11-16T22:31:08.000001001', -1207196810],
    ['timestamptz_ns', '2017-11-16T14:31:08.000001001-08:00', -1207196810],
    ['string', 'iceberg', 1210000089],
    ['uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7', 1488055340],
    ['fixed[4]', new Uint8Array([0, 1, 2, 3]), -188683207],
    ['binary', new Uint8Array([0, 1, 2, 3]), -188683207],
  ];
  for (const [type, literal, hash] of vectors) assert.equal(bucketHash(t(type), toValue(t(type), literal)), hash, `${type} ${String(literal)}`);
});

function check(transform: string, type: string, literal: unknown, expected: unknown, human?: string) {
  const source = t(type);
  const v = applyTransform(transform, source, literal === null ? null : toValue(source, literal));
  assert.deepEqual(v, expected, `${transform}(${type} ${String(literal)})`);
  if (human !== undefined) assert.equal(partitionSegment('p', transform, source, v), `p=${human}`, `${transform} human string`);
}

test('transforms produce the spec values and human strings', () => {
  check('identity', 'long', 5n, 5n, '5');
  check('bucket[16]', 'int', 34, 2017239379 % 16, '3');
  check('truncate[10]', 'int', 1, 0, '0');
  check('truncate[10]', 'int', -1, -10, '-10');
  check('truncate[10]', 'long', -1n, -10n, '-10');
  check('truncate[50]', 'decimal(9, 2)', '10.65', 1050n, '10.50');
  check('truncate[3]', 'string', 'iceberg', 'ice', 'ice');
  check('truncate[2]', 'string', '😀😁x', '😀😁');
  check('year', 'date', '2017-11-16', 47, '2017');
  check('year', 'date', '1969-12-31', -1, '1969');
  check('month', 'timestamp', '2017-11-16T22:31:08', 574, '2017-11');
  check('month', 'date', '1969-12-31', -1, '1969-12');
  check('day', 'timestamptz', '2017-11-16T22:31:08Z', 17486, '2017-11-16');
  check('day', 'timestamp', '1969-12-31T23:59:59', -1, '1969-12-31');
  check('hour', 'timestamp', '2017-11-16T22:31:08', 419686, '2017-11-16-22');
  check('hour', 'timestamp', '1969-12-31T23:00:00.000001', -1, '1969-12-31-23');
  check('void', 'string', 'x', null, 'null');
  check('identity', 'timestamp', '2023-08-22T09:15:20', 1692695720000000n, '2023-08-22T09%3A15%3A20');
  check('identity', 'timestamptz', '2023-08-22T09:15:00.5Z', 1692695700500000n, '2023-08-22T09%3A15%3A00.500Z');
  check('identity', 'float', '3.1415927', Math.fround(3.1415927), '3.1415927');
  check('identity', 'double', 1, 1, '1.0');
  check('identity', 'string', 'a b/c', 'a b/c', 'a+b%2Fc');
  check('identity', 'date', null, null, 'null');
});

test('result types and applicability', () => {
  const cases: [string, string, PrimitiveType | null][] = [
    ['bucket[4]', 'string', 'int'], ['day', 'timestamp', 'date'], ['hour', 'timestamptz', 'int'], ['truncate[4]', 'string', 'string'],
    ['year', 'date', 'int'], ['identity', 'uuid', 'uuid'], ['hour', 'date', null], ['bucket[2]', 'double', null], ['truncate[2]', 'date', null],
  ];
  for (const [tr, src, expected] of cases) {
    assert.equal(canTransform(tr, t(src)), expected !== null, `${tr}(${src})`);
    if (expected) assert.equal(transformResultType(tr, t(src)), expected);
  }
});

test('partition path joins segments in spec order', () => {
  const schema = schemaFromJson({ type: 'struct', 'schema-id': 0, fields: [
    { id: 1, name: 'event_date', required: false, type: 'date' }, { id: 2, name: 'event_type', required: false, type: 'string' }] });
  const spec = { 'spec-id': 0, fields: [
    { 'source-id': 1, 'field-id': 1000, name: 'event_date', transform: 'identity' as const },
    { 'source-id': 2, 'field-id': 1001, name: 'event_type', transform: 'identity' as const }] };
  assert.equal(partitionPath(spec, schema, { event_date: 19726, event_type: 'purchase' }), 'event_date=2024-01-04/event_type=purchase');
});
