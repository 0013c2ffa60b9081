import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duckTypeOf } from '../../server/src/engine/types';
import type { IcebergType } from '../../server/src/iceberg/spec';
import { isoTimestamp, shortestFloat32 } from '../../server/src/engine/session';

function check(type: IcebergType, expected: string) {
  assert.equal(duckTypeOf(type), expected, JSON.stringify(type));
}

test('Iceberg primitives map to DuckDB types without losing precision', () => {
  const cases: [IcebergType, string][] = [
    ['boolean', 'BOOLEAN'], ['int', 'INTEGER'], ['long', 'BIGINT'], ['float', 'FLOAT'], ['double', 'DOUBLE'],
    ['decimal(38, 10)', 'DECIMAL(38, 10)'], ['decimal(9, 2)', 'DECIMAL(9, 2)'],
    ['date', 'DATE'], ['time', 'TIME'], ['timestamp', 'TIMESTAMP'], ['timestamptz', 'TIMESTAMPTZ'],
    ['timestamp_ns', 'TIMESTAMP_NS'], ['timestamptz_ns', 'TIMESTAMPTZ'], ['string', 'VARCHAR'], ['uuid', 'UUID'], ['binary', 'BLOB'], ['fixed[16]', 'BLOB'],
  ];
  for (const [t, d] of cases) check(t, d);
});

test('nested types map recursively with quoted field names', () => {
  check({ type: 'list', 'element-id': 5, element: 'long', 'element-required': false }, 'BIGINT[]');
  check({ type: 'map', 'key-id': 6, key: 'string', 'value-id': 7, value: 'decimal(10, 2)', 'value-required': false }, 'MAP(VARCHAR, DECIMAL(10, 2))');
  check({ type: 'struct', fields: [{ id: 1, name: 'a "b"', required: true, type: 'int' }, { id: 2, name: 'c', required: false, type: { type: 'list', 'element-id': 3, element: 'string', 'element-required': true } }] },
    'STRUCT("a ""b""" INTEGER, "c" VARCHAR[])');
});

test('timestamps render as ISO', () => {
  assert.equal(isoTimestamp('2023-05-15 14:30:45'), '2023-05-15T14:30:45');
  assert.equal(isoTimestamp('2023-05-15 14:30:45.123456'), '2023-05-15T14:30:45.123456');
  assert.equal(isoTimestamp('2023-05-15 14:30:45.5+00'), '2023-05-15T14:30:45.5+00:00');
  assert.equal(isoTimestamp('2023-05-15 14:30:45+05:30'), '2023-05-15T14:30:45+05:30');
  assert.equal(isoTimestamp('infinity'), 'infinity');
});

test('FLOAT values print as the shortest float32 text', () => {
  assert.equal(shortestFloat32(Math.fround(3.141592653589793)), 3.1415927);
  assert.equal(shortestFloat32(Math.fround(0.1)), 0.1);
  assert.equal(shortestFloat32(Math.fround(16777217)), 16777216);
});
