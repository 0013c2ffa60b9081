// The relation SQL for tables with nested columns: files whose nested names differ from the schema's at some field
// id are read by their physical names and rebuilt by id; files laid out as the schema keep the field-id read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relationSql, type LocalFile } from '../../server/src/engine/read/relation-sql';
import type { ParquetNode } from '../../server/src/engine/read/nested-projection';
import type { DataFile, NestedField, Schema } from '../../server/src/iceberg/spec';

const leaf = (name: string, id: number | null, type = 'VARCHAR'): ParquetNode => ({ name, id, type, children: [] });
const group = (name: string, id: number | null, ...children: ParquetNode[]): ParquetNode => ({ name, id, type: null, children });
const list = (name: string, id: number, element: ParquetNode): ParquetNode => group(name, id, group('list', null, element));
const map = (name: string, id: number, key: ParquetNode, value: ParquetNode): ParquetNode => group(name, id, group('key_value', null, key, value));

const address = (...fields: NestedField[]): NestedField => ({ id: 2, name: 'address', required: false, type: { type: 'struct', fields } });
const str = (id: number, name: string, extra: Partial<NestedField> = {}): NestedField => ({ id, name, required: false, type: 'string', ...extra });
const idField: NestedField = { id: 1, name: 'id', required: false, type: 'long' };

/** Builds the relation over one file per tree and checks which fragments the SQL has and lacks. */
function check(fields: NestedField[], trees: ParquetNode[][], has: Array<string | RegExp>, lacks: Array<string | RegExp> = []): string {
  const schema: Schema = { type: 'struct', 'schema-id': 1, fields };
  const files = new Map<string, LocalFile>(trees.map((tree, i) => [`s3://b/t/data/f${i}.parquet`, { localPath: `/cache/f${i}.parquet`, fieldTree: tree }]));
  const tasks = [...files.keys()].map((p) => ({
    file: { content: 0, 'file-path': p, 'file-format': 'PARQUET', partition: {}, 'record-count': 1n, 'file-size-in-bytes': 1n } as DataFile,
    positionDeletes: [], equalityDeletes: [],
  }));
  const sql = relationSql({ schema, partitionSpecs: [], tasks, fileFor: (p) => files.get(p)! });
  for (const h of has) typeof h === 'string' ? assert.ok(sql.includes(h), `expected ${h} in\n${sql}`) : assert.match(sql, h);
  for (const l of lacks) typeof l === 'string' ? assert.ok(!sql.includes(l), `unexpected ${l} in\n${sql}`) : assert.doesNotMatch(sql, l);
  return sql;
}

const oldAddress = [leaf('id', 1, 'BIGINT'), group('address', 2, leaf('zip', 3), leaf('city', 4))];

test('a renamed struct field is read by the name the file wrote it under', () => {
  check([idField, address(str(3, 'postcode'), str(4, 'city'))], [oldAddress], [
    `"postcode" := CAST(struct_extract("address", 'zip') AS VARCHAR)`,
    `"city" := CAST(struct_extract("address", 'city') AS VARCHAR)`,
    'CASE WHEN "address" IS NULL THEN NULL ELSE struct_pack(',
    `FROM read_parquet(['/cache/f0.parquet'])`,
  ], ['schema = MAP']);
});

test('a file laid out as the schema keeps the field-id read', () => {
  check([idField, address(str(3, 'zip'), str(4, 'city'))], [oldAddress], ['schema = MAP {1:', '2: {name: \'address\''], ['struct_pack']);
});

test('a dropped field re-added under its old name is a new id: the old file has no value for it', () => {
  check([idField, address(str(4, 'city'), str(9, 'zip'))], [oldAddress], [`"zip" := NULL::VARCHAR`], [`struct_extract("address", 'zip')`]);
});

test('a nested field added later reads its initial default from older files', () => {
  check([idField, address(str(3, 'zip'), str(4, 'city'), str(10, 'country', { 'initial-default': 'NL' }))], [oldAddress], [`"country" := 'NL'::VARCHAR`]);
});

test('list elements and map values that are structs are rebuilt by field id', () => {
  const fields: NestedField[] = [
    idField,
    { id: 5, name: 'items', required: false, type: { type: 'list', 'element-id': 6, 'element-required': false, element: { type: 'struct', fields: [str(7, 'code')] } } },
    { id: 8, name: 'attrs', required: false, type: { type: 'map', 'key-id': 9, key: 'string', 'value-id': 10, 'value-required': false, value: { type: 'struct', fields: [str(11, 'val')] } } },
  ];
  check(fields, [[leaf('id', 1), list('items', 5, group('element', 6, leaf('sku', 7))), map('attrs', 8, leaf('key', 9), group('value', 10, leaf('v', 11)))]], [
    `list_transform("items", lambda __floe_x0: CASE WHEN __floe_x0 IS NULL THEN NULL ELSE struct_pack("code" := CAST(struct_extract(__floe_x0, 'sku') AS VARCHAR)) END)`,
    `map_from_entries(list_transform(map_entries("attrs"), lambda __floe_e0: {'key': CAST(struct_extract(__floe_e0, 'key') AS VARCHAR), 'value': CASE WHEN struct_extract(__floe_e0, 'value') IS NULL THEN NULL ELSE struct_pack("val" := CAST(struct_extract(struct_extract(__floe_e0, 'value'), 'v') AS VARCHAR)) END}))`,
  ]);
});

test('files of different layouts are read apart and unioned; a top-level rename is read by its physical name', () => {
  const fields = [idField, address(str(3, 'postcode'), str(4, 'city'))];
  const renamedTop = [leaf('key', 1, 'BIGINT'), group('addr', 2, leaf('zip', 3), leaf('city', 4))];
  const current = [leaf('id', 1, 'BIGINT'), group('address', 2, leaf('postcode', 3), leaf('city', 4))];
  const sql = check(fields, [oldAddress, renamedTop, current], ['UNION ALL', `CAST("key" AS BIGINT) AS "id"`, `struct_extract("addr", 'zip')`, 'schema = MAP']);
  assert.equal(sql.split('UNION ALL').length, 3);
});

test('a file with a top-level column lacking a field id keeps the field-id read', () => {
  check([idField, address(str(3, 'postcode'), str(4, 'city'))], [[leaf('id', null), oldAddress[1]]], ['schema = MAP'], ['struct_pack']);
});
