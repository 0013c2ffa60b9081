import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duckFacingSchema, namesCollide } from '../../server/src/engine/read/column-names';
import type { NestedField, Schema } from '../../server/src/iceberg/spec';

const field = (id: number, name: string, type: NestedField['type'] = 'int'): NestedField => ({ id, name, required: false, type });
const schemaOf = (...fields: NestedField[]): Schema => ({ type: 'struct', 'schema-id': 0, fields });

function check(fields: NestedField[], expected: string[], renamed: string[]) {
  const out = duckFacingSchema(schemaOf(...fields));
  assert.deepEqual(out.schema.fields.map((f) => f.name), expected);
  assert.deepEqual(out.renamed.map((r) => `${[...r.path, r.from].join('.')}->${r.to}`), renamed);
  assert.deepEqual(out.schema.fields.map((f) => f.id), fields.map((f) => f.id), 'ids unchanged');
}

test('names equal ignoring case: the lowest field id keeps its name, the others become <name>__<id>', () => {
  check([field(1, 'user_id'), field(3, 'uSeR_Id_1')], ['user_id', 'uSeR_Id_1'], []);
  check([field(1, 'user_id'), field(2, 'USER_ID')], ['user_id', 'USER_ID__2'], ['USER_ID->USER_ID__2']);
  check([field(5, 'user_id'), field(2, 'USER_ID')], ['user_id__5', 'USER_ID'], ['user_id->user_id__5']);
  check([field(1, 'a'), field(2, 'A'), field(3, 'a__2')], ['a', 'A__2_', 'a__2'], ['A->A__2_']);
});

test('struct fields, list elements and map values are made distinct at their own level', () => {
  const s = field(1, 's', { type: 'struct', fields: [field(2, 'x'), field(3, 'X')] });
  const l = field(4, 'l', { type: 'list', 'element-id': 5, element: { type: 'struct', fields: [field(6, 'k'), field(7, 'K')] }, 'element-required': false });
  const out = duckFacingSchema(schemaOf(s, l, field(8, 'S')));
  assert.deepEqual(out.renamed.map((r) => `${[...r.path, r.from].join('.')}->${r.to}`), ['s.X->X__3', 'l.element.K->K__7', 'S->S__8']);
  const unchanged = schemaOf(field(1, 'a'), field(2, 'b'));
  assert.equal(duckFacingSchema(unchanged).schema, unchanged, 'a schema without collisions is returned as is');
});

test('namesCollide compares ignoring case', () => {
  assert.equal(namesCollide(['a', 'B']), false);
  assert.equal(namesCollide(['a', 'b', 'A']), true);
});
