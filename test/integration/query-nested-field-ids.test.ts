// Nested fields resolve by Iceberg field id on read, though DuckDB matches struct children by name: after nested
// renames, drops, re-added names and added fields with initial defaults, old files read the values they hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { DuckSession } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { tableRelation } from '../../server/src/engine/read/register-table';
import '../../server/src/engine/read/default-planner';
import { relationSql, type LocalFile, type ReadTask } from '../../server/src/engine/read/relation-sql';
import type { ParquetNode } from '../../server/src/engine/read/nested-projection';
import type { DataFile, IcebergType, NestedField, Schema, StructType } from '../../server/src/iceberg/spec';

const OLD_ROWS = `SELECT * FROM (VALUES
  (1::BIGINT, {'zip': '1011', 'city': 'Amsterdam', 'note': 'n1'}, [{'sku': 'a', 'qty': 1::INT}], MAP {'x': {'v': 'vx', 'w': 1::INT}}),
  (2::BIGINT, NULL, NULL, NULL),
  (3::BIGINT, {'zip': NULL, 'city': 'Delft', 'note': 'n3'}, [{'sku': 'b', 'qty': 2::INT}, NULL], MAP {'y': NULL, 'z': {'v': 'vz', 'w': 3::INT}}),
  (5::BIGINT, {'zip': '9999', 'city': 'Gone', 'note': 'n5'}, [], MAP {})
) t(id, address, items, attrs)`;

const NEW_ROWS = `SELECT 4::BIGINT AS id, {'postcode': '3511', 'city': 'Utrecht', 'note': 'fresh', 'country': 'BE'} AS address,
  [{'code': 'c', 'qty': 3::INT}] AS items, MAP {'k': {'val': 'vk', 'z': 9::INT}} AS attrs`;

function struct(type: IcebergType): StructType {
  assert.ok(typeof type !== 'string' && type.type === 'struct');
  return type;
}
const named = (fields: NestedField[], name: string) => fields.find((f) => f.name === name)!;

/** The evolved schema: address.zip → postcode, address.note dropped and re-added (new id), address.country added
 * with initial default 'NL'; items' element sku → code; attrs' value v → val, w dropped, z added with default 7. */
function evolve(current: Schema, lastColumnId: number): { schema: Schema; lastColumnId: number } {
  let next = lastColumnId;
  const fields = current.fields.map((f): NestedField => {
    if (f.name === 'address') {
      const s = struct(f.type);
      return { ...f, type: { type: 'struct', fields: [
        { ...named(s.fields, 'zip'), name: 'postcode' },
        named(s.fields, 'city'),
        { id: ++next, name: 'note', required: false, type: 'string' },
        { id: ++next, name: 'country', required: false, type: 'string', 'initial-default': 'NL' },
      ] } };
    }
    if (f.name === 'items' && typeof f.type !== 'string' && f.type.type === 'list') {
      const element = struct(f.type.element);
      return { ...f, type: { ...f.type, element: { type: 'struct', fields: [{ ...named(element.fields, 'sku'), name: 'code' }, named(element.fields, 'qty')] } } };
    }
    if (f.name === 'attrs' && typeof f.type !== 'string' && f.type.type === 'map') {
      const value = struct(f.type.value);
      return { ...f, type: { ...f.type, value: { type: 'struct', fields: [
        { ...named(value.fields, 'v'), name: 'val' },
        { id: ++next, name: 'z', required: false, type: 'int', 'initial-default': 7 },
      ] } } };
    }
    return f;
  });
  return { schema: { type: 'struct', 'schema-id': current['schema-id'] + 1, fields }, lastColumnId: next };
}

test('old files read by field id after nested renames, drops, re-added names and defaults; new files as written', async () => {
  const server = await startTestCatalog();
  const session = await DuckSession.open();
  try {
    const catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
    await catalog.createNamespace(['ns']);
    const id = { namespace: ['ns'], name: 'people' };
    await writeTable({ session, catalog, table: id, sql: OLD_ROWS, mode: 'create' });
    const created = await catalog.loadTable(id);
    const current = created.metadata.schemas.find((s) => s['schema-id'] === created.metadata['current-schema-id'])!;
    const evolved = evolve(current, created.metadata['last-column-id']);
    await catalog.commitTable(id, [{ type: 'assert-current-schema-id', 'current-schema-id': current['schema-id'] }], [
      { action: 'add-schema', schema: evolved.schema, 'last-column-id': evolved.lastColumnId },
      { action: 'set-current-schema', 'schema-id': -1 },
    ]);
    await writeTable({ session, catalog, table: id, sql: NEW_ROWS, mode: 'append' });
    // Row 5 is replaced: its equality delete applies to the old file, which is read through the rebuild.
    await writeTable({ session, catalog, table: id, mode: 'merge', uniqueKey: 'id', sql: `SELECT 5::BIGINT AS id, {'postcode': '2611', 'city': 'Delft', 'note': 'merged', 'country': 'NL'} AS address, []::STRUCT(code VARCHAR, qty INT)[] AS items, MAP {}::MAP(VARCHAR, STRUCT(val VARCHAR, z INT)) AS attrs` });

    const relation = await tableRelation(await catalog.loadTable(id));
    assert.match(relation.sql, /struct_pack\("postcode" := CAST\(struct_extract\("address", 'zip'\)/, 'the old file is rebuilt by id');
    assert.match(relation.sql, /CAST\("address" AS STRUCT\("postcode" VARCHAR/, 'files written under the current schema are read by their probed names');
    const r = await session.query(`SELECT id, address::VARCHAR, items::VARCHAR, attrs::VARCHAR FROM (${relation.sql}) ORDER BY id`);
    assert.deepEqual(r.rows, [
      ['1', `{'postcode': 1011, 'city': Amsterdam, 'note': NULL, 'country': NL}`, `[{'code': a, 'qty': 1}]`, `{x={'val': vx, 'z': 7}}`],
      ['2', null, null, null],
      ['3', `{'postcode': NULL, 'city': Delft, 'note': NULL, 'country': NL}`, `[{'code': b, 'qty': 2}, NULL]`, `{y=NULL, z={'val': vz, 'z': 7}}`],
      ['4', `{'postcode': 3511, 'city': Utrecht, 'note': fresh, 'country': BE}`, `[{'code': c, 'qty': 3}]`, `{k={'val': vk, 'z': 9}}`],
      ['5', `{'postcode': 2611, 'city': Delft, 'note': merged, 'country': NL}`, '[]', '{}'],
    ]);
    assert.deepEqual(r.columns.map((c) => c.type), [
      'BIGINT',
      'VARCHAR', 'VARCHAR', 'VARCHAR',
    ]);
    const types = await session.query(`SELECT typeof(address), typeof(items), typeof(attrs) FROM (${relation.sql}) LIMIT 1`);
    assert.deepEqual(types.rows, [[
      'STRUCT(postcode VARCHAR, city VARCHAR, note VARCHAR, country VARCHAR)',
      'STRUCT(code VARCHAR, qty INTEGER)[]',
      'MAP(VARCHAR, STRUCT(val VARCHAR, z INTEGER))',
    ]]);
  } finally {
    session.close();
    await server.close();
  }
});

test('rebuilt files keep position deletes and identity-partition values (one scan joined to per-file values)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'floe-nested-'));
  const session = await DuckSession.open();
  try {
    // Written when s.inner.a was an int named x and s.tags' element field t was named tag; part lives only in the manifests.
    const tree: ParquetNode[] = [
      { name: 'id', id: 1, type: 'INTEGER', children: [] },
      { name: 's', id: 3, type: null, children: [
        { name: 'inner', id: 4, type: null, children: [{ name: 'x', id: 5, type: 'INTEGER', children: [] }] },
        { name: 'tags', id: 6, type: null, children: [{ name: 'list', id: null, type: null, children: [
          { name: 'element', id: 7, type: null, children: [{ name: 'tag', id: 8, type: 'VARCHAR', children: [] }] },
        ] }] },
      ] },
    ];
    const schema: Schema = { type: 'struct', 'schema-id': 2, fields: [
      { id: 1, name: 'id', required: false, type: 'long' },
      { id: 2, name: 'part', required: false, type: 'string' },
      { id: 3, name: 's', required: false, type: { type: 'struct', fields: [
        { id: 4, name: 'inner', required: false, type: { type: 'struct', fields: [{ id: 5, name: 'a', required: false, type: 'long' }] } },
        { id: 6, name: 'tags', required: false, type: { type: 'list', 'element-id': 7, 'element-required': false, element: { type: 'struct', fields: [
          { id: 8, name: 't', required: false, type: 'string' },
        ] } } },
      ] } },
    ] };
    const files = 17;
    const ids = `{id: 1, s: {__duckdb_field_id: 3, 'inner': {__duckdb_field_id: 4, x: 5}, tags: {__duckdb_field_id: 6, element: {__duckdb_field_id: 7, tag: 8}}}}`;
    const local = new Map<string, LocalFile>();
    const tasks: ReadTask[] = [];
    const deletes = path.join(dir, 'deletes.parquet');
    for (let i = 0; i < files; i++) {
      const file = path.join(dir, `f${i}.parquet`);
      const s = i === 5 ? 'NULL' : i === 6 ? `{'inner': NULL, 'tags': NULL}` : `{'inner': {'x': ${i}::INT}, 'tags': [{'tag': 't${i}'}]}`;
      await session.run(`COPY (SELECT ${i}::INT AS id, (${s})::STRUCT("inner" STRUCT(x INT), tags STRUCT(tag VARCHAR)[]) AS s UNION ALL SELECT ${100 + i}::INT, NULL) TO '${file}' (FORMAT parquet, FIELD_IDS ${ids})`);
      const recorded = `s3://bucket/t/data/f${i}.parquet`;
      local.set(recorded, { localPath: file, fieldTree: tree });
      const positionDeletes = i === 3 ? [dataFileOf(`s3://bucket/t/data/deletes.parquet`, { content: 1 })] : [];
      tasks.push({ file: dataFileOf(recorded, { partition: { part: `p${i}` } }), positionDeletes, equalityDeletes: [] });
    }
    // Deletes row 0 (id 3) of f3.
    await session.run(`COPY (SELECT 's3://bucket/t/data/f3.parquet' AS file_path, 0::BIGINT AS pos) TO '${deletes}' (FORMAT parquet, FIELD_IDS {file_path: 2147483546, pos: 2147483545})`);
    local.set('s3://bucket/t/data/deletes.parquet', { localPath: deletes });
    const sql = relationSql({
      schema, tasks, fileFor: (p) => local.get(p)!,
      partitionSpecs: [{ 'spec-id': 0, fields: [{ 'source-id': 2, 'field-id': 1000, name: 'part', transform: 'identity' }] }],
    });
    assert.match(sql, /JOIN \(VALUES/, 'past 16 distinct partition values, one scan per group is joined to per-file values');
    assert.match(sql, /ANTI JOIN/);
    const r = await session.query(`SELECT id, part, s::VARCHAR FROM (${sql}) WHERE id < 8 ORDER BY id`);
    assert.deepEqual(r.rows, [
      ['0', 'p0', `{'inner': {'a': 0}, 'tags': [{'t': t0}]}`],
      ['1', 'p1', `{'inner': {'a': 1}, 'tags': [{'t': t1}]}`],
      ['2', 'p2', `{'inner': {'a': 2}, 'tags': [{'t': t2}]}`],
      ['4', 'p4', `{'inner': {'a': 4}, 'tags': [{'t': t4}]}`],
      ['5', 'p5', null],
      ['6', 'p6', `{'inner': NULL, 'tags': NULL}`],
      ['7', 'p7', `{'inner': {'a': 7}, 'tags': [{'t': t7}]}`],
    ]);
    const counts = await session.query(`SELECT count(*), count(DISTINCT part), count(s) FROM (${sql})`);
    assert.deepEqual(counts.rows, [[String(2 * files - 1), String(files), String(files - 2)]]);
    const types = await session.query(`SELECT typeof(id), typeof(s) FROM (${sql}) LIMIT 1`);
    assert.deepEqual(types.rows, [['BIGINT', 'STRUCT("inner" STRUCT(a BIGINT), tags STRUCT(t VARCHAR)[])']]);
  } finally {
    session.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('nested int→long and float→double promotions read through both the field-id read and the rebuild', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'floe-nested-'));
  const session = await DuckSession.open();
  try {
    const file = path.join(dir, 'p.parquet');
    await session.run(`COPY (SELECT {'n': 2147483647::INT, 'f': 1.5::FLOAT} AS m UNION ALL SELECT NULL) TO '${file}' (FORMAT parquet, FIELD_IDS {m: {__duckdb_field_id: 1, n: 2, f: 3}})`);
    const tree: ParquetNode[] = [{ name: 'm', id: 1, type: null, children: [
      { name: 'n', id: 2, type: 'INTEGER', children: [] }, { name: 'f', id: 3, type: 'FLOAT', children: [] },
    ] }];
    const read = async (names: [string, string], fieldTree?: ParquetNode[]) => {
      const schema: Schema = { type: 'struct', 'schema-id': 1, fields: [{ id: 1, name: 'm', required: false, type: { type: 'struct', fields: [
        { id: 2, name: names[0], required: false, type: 'long' }, { id: 3, name: names[1], required: false, type: 'double' },
      ] } }] };
      const sql = relationSql({ schema, partitionSpecs: [], tasks: [{ file: dataFileOf(file), positionDeletes: [], equalityDeletes: [] }], fileFor: () => ({ localPath: file, fieldTree }) });
      const r = await session.query(`SELECT (m.${names[0]} + 1)::VARCHAR, m.${names[1]}, typeof(m) FROM (${sql}) ORDER BY ALL`);
      return { sql, rows: r.rows };
    };
    const byId = await read(['n', 'f'], tree);
    assert.doesNotMatch(byId.sql, /struct_pack/, 'same names: no rebuild');
    assert.deepEqual(byId.rows, [['2147483648', 1.5, 'STRUCT(n BIGINT, f DOUBLE)'], [null, null, 'STRUCT(n BIGINT, f DOUBLE)']]);
    const rebuilt = await read(['big', 'f'], tree);
    assert.match(rebuilt.sql, /struct_pack/);
    assert.deepEqual(rebuilt.rows, [['2147483648', 1.5, 'STRUCT(big BIGINT, f DOUBLE)'], [null, null, 'STRUCT(big BIGINT, f DOUBLE)']]);
  } finally {
    session.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a flat table keeps the fast read by probed names', async () => {
  const server = await startTestCatalog();
  const session = await DuckSession.open();
  try {
    const catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
    await catalog.createNamespace(['ns']);
    const id = { namespace: ['ns'], name: 'flat' };
    await writeTable({ session, catalog, table: id, sql: `SELECT i::BIGINT AS id, 'n' || i AS name FROM range(3) r(i)`, mode: 'create' });
    const relation = await tableRelation(await catalog.loadTable(id));
    assert.doesNotMatch(relation.sql, /schema = MAP|struct_pack/);
    assert.deepEqual((await session.query(`SELECT * FROM (${relation.sql}) ORDER BY id`)).rows, [['0', 'n0'], ['1', 'n1'], ['2', 'n2']]);
  } finally {
    session.close();
    await server.close();
  }
});

function dataFileOf(filePath: string, extra: Partial<DataFile> = {}): DataFile {
  return { content: 0, 'file-path': filePath, 'file-format': 'PARQUET', partition: {}, 'record-count': 2n, 'file-size-in-bytes': 1n, ...extra };
}
