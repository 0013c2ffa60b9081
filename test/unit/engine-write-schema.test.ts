import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IcebergType, Schema } from '../../server/src/iceberg/spec';
import { formatType } from '../../server/src/iceberg/types';
import { planWriteSchema, type QueryColumn } from '../../server/src/engine/write/write-schema';
import { fieldIdsOption } from '../../server/src/engine/write/field-ids';

const cols = (spec: Record<string, IcebergType>): QueryColumn[] => Object.entries(spec).map(([name, type]) => ({ name, type }));
const show = (s: { fields: { id: number; name: string; type: IcebergType }[] }) => s.fields.map((f) => `${f.id}:${f.name}:${formatType(f.type)}`);

const table: Schema = {
  type: 'struct', 'schema-id': 3,
  fields: [
    { id: 1, name: 'id', required: false, type: 'int' },
    { id: 2, name: 'amount', required: false, type: 'decimal(10, 2)' },
    { id: 3, name: 'name', required: false, type: 'string' },
  ],
};
const current = { schema: table, lastColumnId: 3 };

test('a new table gets ids 1..n, nested ids after the top level', () => {
  const ws = planWriteSchema(cols({
    a: 'int',
    s: { type: 'struct', fields: [{ id: 0, name: 'x', required: false, type: 'long' }] },
    l: { type: 'list', 'element-id': 0, element: 'string', 'element-required': false },
    m: { type: 'map', 'key-id': 0, key: 'string', 'value-id': 0, value: 'double', 'value-required': false },
  }), { replace: true });
  assert.deepEqual(show(ws.fileSchema), ['1:a:int', '2:s:struct<x: long>', '3:l:list<string>', '4:m:map<string, double>']);
  assert.equal(ws.lastColumnId, 8);
  assert.equal(fieldIdsOption(ws.fileSchema),
    "{'a': 1, 's': {__duckdb_field_id: 2, 'x': 5}, 'l': {__duckdb_field_id: 3, element: 6}, 'm': {__duckdb_field_id: 4, key: 7, value: 8}}");
});

test('append: same columns keep ids and schema; narrower query types are cast up to the table type', () => {
  const ws = planWriteSchema(cols({ id: 'int', amount: 'decimal(9, 2)', name: 'string' }), { current, replace: false });
  assert.equal(ws.changed, false);
  assert.equal(ws.tableSchema, table);
  assert.deepEqual(show(ws.fileSchema), ['1:id:int', '2:amount:decimal(10, 2)', '3:name:string']);
});

test('append: widening and new columns evolve the schema; missing columns stay in the table', () => {
  const ws = planWriteSchema(cols({ extra: 'date', id: 'long', amount: 'decimal(12, 2)' }), { current, replace: false });
  assert.equal(ws.changed, true);
  assert.deepEqual(show(ws.tableSchema), ['1:id:long', '2:amount:decimal(12, 2)', '3:name:string', '4:extra:date']);
  assert.deepEqual(show(ws.fileSchema), ['4:extra:date', '1:id:long', '2:amount:decimal(12, 2)']);
  assert.equal(ws.lastColumnId, 4);
});

test('append refuses incompatible changes; overwrite replaces the column with a new id', () => {
  assert.throws(() => planWriteSchema(cols({ id: 'string' }), { current, replace: false }), /"id" is int in the table but string in the query/);
  assert.throws(() => planWriteSchema(cols({ amount: 'decimal(10, 3)' }), { current, replace: false }), /amount/);
  const ws = planWriteSchema(cols({ id: 'string', name: 'string' }), { current, replace: true });
  assert.deepEqual(show(ws.tableSchema), ['4:id:string', '3:name:string']);
});

test('required table columns must be written', () => {
  const strict: Schema = { ...table, fields: [{ ...table.fields[0], required: true }, table.fields[1]] };
  assert.throws(() => planWriteSchema(cols({ amount: 'decimal(10, 2)' }), { current: { schema: strict, lastColumnId: 3 }, replace: false }), /requires/);
});
