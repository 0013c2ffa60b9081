import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allFields, fieldById, fieldByName, leafFields, mapColumnPath, nameMappingFromSchema, parseNameMapping } from '../../server/src/iceberg/schema.js';
import { canPromote, formatType, parsePrimitiveType } from '../../server/src/iceberg/types.js';
import { schemaFromJson } from '../../server/src/iceberg/metadata-json.js';
import { IcebergError } from '../../server/src/iceberg/errors.js';
import { parseJson } from '../../server/src/util/json.js';

const SCHEMA = schemaFromJson(parseJson(`{"type":"struct","schema-id":0,"fields":[
  {"id":1,"name":"id","required":true,"type":"long"},
  {"id":2,"name":"address","required":false,"type":{"type":"struct","fields":[
    {"id":3,"name":"city","required":false,"type":"string"},
    {"id":4,"name":"zip","required":false,"type":"int"}]}},
  {"id":5,"name":"tags","required":false,"type":{"type":"list","element-id":6,"element":"string","element-required":true}},
  {"id":7,"name":"props","required":false,"type":{"type":"map","key-id":8,"key":"string","value-id":9,"value":"decimal(9, 2)","value-required":false}}]}`));

test('type strings parse to their normalised form or fail by name', () => {
  const cases: [string, string][] = [
    ['long', 'long'], ['DECIMAL(10,2)', 'decimal(10, 2)'], ['decimal( 38 , 0 )', 'decimal(38, 0)'], ['fixed[16]', 'fixed[16]'],
    ['timestamptz_ns', 'timestamptz_ns'], ['uuid', 'uuid'],
  ];
  for (const [input, expected] of cases) assert.equal(parsePrimitiveType(input), expected, input);
  for (const bad of ['decimal(39, 2)', 'decimal(5, 6)', 'fixed[0]', 'varchar', 'variant']) {
    assert.throws(() => parsePrimitiveType(bad), (e: unknown) => e instanceof IcebergError && e.message.includes(bad), bad);
  }
});

test('type promotion follows the spec', () => {
  const cases: [string, string, boolean][] = [
    ['int', 'long', true], ['long', 'int', false], ['float', 'double', true], ['int', 'double', false],
    ['decimal(9, 2)', 'decimal(18, 2)', true], ['decimal(9, 2)', 'decimal(18, 3)', false], ['decimal(18, 2)', 'decimal(9, 2)', false],
    ['date', 'timestamp', false], ['string', 'binary', false],
  ];
  for (const [from, to, ok] of cases) assert.equal(canPromote(parsePrimitiveType(from), parsePrimitiveType(to)), ok, `${from} -> ${to}`);
  assert.equal(canPromote('date', 'timestamp', 3), true);
});

test('fields are flattened with paths and found by id or name', () => {
  assert.deepEqual(allFields(SCHEMA).map((f) => `${f.id}:${f.name}`),
    ['1:id', '2:address', '3:address.city', '4:address.zip', '5:tags', '6:tags.element', '7:props', '8:props.key', '9:props.value']);
  assert.deepEqual(leafFields(SCHEMA).map((f) => f.id), [1, 3, 4, 6, 8, 9]);
  assert.equal(fieldById(SCHEMA, 4)?.name, 'address.zip');
  assert.equal(fieldById(SCHEMA, 99), undefined);
  assert.equal(fieldByName(SCHEMA, 'ADDRESS.City')?.id, 3);
  assert.equal(fieldByName(SCHEMA, 'ADDRESS.City', true), undefined);
  assert.equal(formatType(SCHEMA.fields[1]!.type), 'struct<city: string, zip: int>');
});

test('name mapping resolves column names from files without field ids', () => {
  const mapping = parseNameMapping('[{"field-id":1,"names":["id","record_id"]},{"field-id":2,"names":["address"],"fields":[{"field-id":3,"names":["city"]}]},{"names":["legacy"]}]');
  const cases: [string[], number | undefined][] = [
    [['id'], 1], [['record_id'], 1], [['address', 'city'], 3], [['address', 'zip'], undefined], [['legacy'], undefined], [['nope'], undefined],
  ];
  for (const [path, id] of cases) assert.equal(mapColumnPath(mapping, path), id, path.join('.'));
  const fromSchema = nameMappingFromSchema(SCHEMA);
  assert.equal(mapColumnPath(fromSchema, ['props', 'value']), 9);
  assert.equal(mapColumnPath(fromSchema, ['tags', 'element']), 6);
  assert.throws(() => parseNameMapping('{"names":[]}'), /must be a JSON array/);
});
