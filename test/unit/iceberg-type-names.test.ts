// Type names as a contract or DuckDB spells them, read as Iceberg types: one table of spellings and expectations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTypeName, sameType } from '../../server/src/iceberg/type-names';
import { formatType } from '../../server/src/iceberg/types';

function check(text: string, expected: string): void {
  const r = parseTypeName(text);
  assert.equal(r.ok ? formatType(r.type) : `error: ${r.message}`, expected, text);
}

test('DuckDB, Iceberg and common aliases name the same Iceberg types', () => {
  const table: Array<[string, string]> = [
    ['int', 'int'], ['INTEGER', 'int'], ['int4', 'int'], ['smallint', 'int'], ['bigint', 'long'], ['int8', 'long'], ['long', 'long'],
    ['varchar', 'string'], ['VARCHAR(20)', 'string'], ['string', 'string'], ['text', 'string'], ['character varying(5)', 'string'],
    ['decimal(10,2)', 'decimal(10, 2)'], ['NUMERIC(18, 3)', 'decimal(18, 3)'], ['decimal', 'decimal(18, 3)'], ['decimal(7)', 'decimal(7, 0)'],
    ['timestamptz', 'timestamptz'], ['TIMESTAMP WITH TIME ZONE', 'timestamptz'], ['timestamp', 'timestamp'], ['datetime', 'timestamp'],
    ['double', 'double'], ['float8', 'double'], ['double precision', 'double'], ['real', 'float'], ['bool', 'boolean'], ['date', 'date'],
    ['blob', 'binary'], ['uuid', 'uuid'], ['hugeint', 'decimal(38, 0)'],
    ['INTEGER[]', 'list<int>'], ['list<int>', 'list<int>'], ['array<string>', 'list<string>'],
    ['STRUCT(a INTEGER, "b c" VARCHAR)', 'struct<a: int, b c: string>'], ['struct<a: int, b: string>', 'struct<a: int, b: string>'],
    ['MAP(VARCHAR, BIGINT)', 'map<string, long>'], ['map<string,long>', 'map<string, long>'],
  ];
  for (const [text, expected] of table) check(text, expected);
});

test('names that are no type say why', () => {
  check('interval', 'error: unknown type "interval"');
  check('decimal(40,2)', 'error: decimal(40, 2) is not a valid decimal: precision is 1 to 38 and scale at most the precision');
  check('int extra', 'error: unexpected "extra" in type "int extra"');
  check('struct<a int', 'error: expected ">" in type "struct<a int"');
});

test('sameType compares field names case-insensitively and ignores ids', () => {
  const a = parseTypeName('STRUCT(A INTEGER)'), b = parseTypeName('struct<a: int4>'), c = parseTypeName('struct<a: bigint>');
  assert.ok(a.ok && b.ok && c.ok);
  assert.equal(sameType(a.type, b.type), true);
  assert.equal(sameType(a.type, c.type), false);
});
