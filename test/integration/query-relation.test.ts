// The relation SQL over real Parquet files in DuckDB: field-id resolution, defaults, partitions, deletes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckSession } from '../../server/src/engine/session';
import { relationSql, type ReadTask, type LocalFile } from '../../server/src/engine/read/relation-sql';
import type { DataFile, Schema, PartitionSpec } from '../../server/src/iceberg/spec';

const dir = mkdtempSync(path.join(tmpdir(), 'floe-rel-'));
let session: DuckSession;
before(async () => { session = await DuckSession.open(); });
after(() => { session.close(); rmSync(dir, { recursive: true, force: true }); });

const file = (name: string) => path.join(dir, name);
async function writeParquet(name: string, select: string, fieldIds?: string): Promise<string> {
  await session.run(`COPY (${select}) TO '${file(name)}' (FORMAT parquet${fieldIds ? `, FIELD_IDS ${fieldIds}` : ''})`);
  return `s3://bucket/t/data/${name}`;
}
function dataFile(filePath: string, extra: Partial<DataFile> = {}): DataFile {
  return { content: 0, 'file-path': filePath, 'file-format': 'PARQUET', partition: {}, 'record-count': 0n, 'file-size-in-bytes': 0n, ...extra };
}
const local = (extra: Record<string, string[]> = {}) => (p: string): LocalFile => ({ localPath: file(path.basename(p)), columnNames: extra[path.basename(p)] });

async function check(schema: Schema, tasks: ReadTask[], expected: unknown[][], opts: { specs?: PartitionSpec[]; names?: Record<string, string[]>; mapped?: Map<number, string[]> } = {}) {
  const sql = relationSql({ schema, partitionSpecs: opts.specs ?? [], tasks, fileFor: local(opts.names), mappedNames: opts.mapped });
  const result = await session.query(`SELECT * FROM (${sql}) ORDER BY ALL`);
  assert.deepEqual(result.rows, expected, sql);
  return result;
}

const schemaV2: Schema = {
  type: 'struct', 'schema-id': 1, fields: [
    { id: 1, name: 'id', required: true, type: 'long' },
    { id: 2, name: 'label', required: false, type: 'string' },
    { id: 4, name: 'price', required: false, type: 'decimal(10, 2)', 'initial-default': 150n },
  ],
};

test('columns resolve by field id: rename, drop, int->long, added column with initial default', async () => {
  const a = await writeParquet('evo.parquet', `SELECT range::INTEGER AS id, 'n' || range AS name, range * 2 AS dropped FROM range(3)`, `{id: 1, name: 2, dropped: 3}`);
  const r = await check(schemaV2, [{ file: dataFile(a), positionDeletes: [], equalityDeletes: [] }], [
    ['0', 'n0', '1.50'], ['1', 'n1', '1.50'], ['2', 'n2', '1.50'],
  ]);
  assert.deepEqual(r.columns.map((c) => c.type), ['BIGINT', 'VARCHAR', 'DECIMAL(10,2)']);
});

test('an empty table has the schema and no rows', async () => {
  const r = await check(schemaV2, [], []);
  assert.deepEqual(r.columns.map((c) => c.name), ['id', 'label', 'price']);
});

test('identity partition values fill columns missing from the files', async () => {
  const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [
    { id: 1, name: 'day', required: false, type: 'date' },
    { id: 2, name: 'user_id', required: false, type: 'long' },
    { id: 3, name: 'kind', required: false, type: 'string' },
  ] };
  const specs: PartitionSpec[] = [
    { 'spec-id': 0, fields: [{ 'source-id': 1, 'field-id': 1000, name: 'day', transform: 'identity' }] },
    { 'spec-id': 1, fields: [{ 'source-id': 1, 'field-id': 1000, name: 'day', transform: 'identity' }, { 'source-id': 3, 'field-id': 1001, name: 'kind', transform: 'identity' }] },
  ];
  const p1 = await writeParquet('p1.parquet', `SELECT 1::BIGINT AS user_id, 'click' AS kind`, `{user_id: 2, kind: 3}`);
  const p2 = await writeParquet('p2.parquet', `SELECT 2::BIGINT AS user_id`, `{user_id: 2}`);
  await check(schema, [
    { file: dataFile(p1, { partition: { day: 19723 } }), positionDeletes: [], equalityDeletes: [] },
    { file: dataFile(p2, { partition: { day: 19724, kind: 'view' } }), positionDeletes: [], equalityDeletes: [] },
  ], [['2024-01-01', '1', 'click'], ['2024-01-02', '2', 'view']], { specs });
});

test('many partitions: values come from a per-file join, with position deletes still applied', async () => {
  const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [
    { id: 1, name: 'day', required: false, type: 'long' },
    { id: 2, name: 'v', required: false, type: 'long' },
  ] };
  const specs: PartitionSpec[] = [{ 'spec-id': 0, fields: [{ 'source-id': 1, 'field-id': 1000, name: 'day', transform: 'identity' }] }];
  const tasks: ReadTask[] = [];
  const expected: unknown[][] = [];
  for (let i = 0; i < 20; i++) {
    // Even files hold the partition column, odd ones do not (as Spark and DuckDB writers differ).
    const p = await writeParquet(`many${i}.parquet`, i % 2 === 0 ? `SELECT ${i}::BIGINT AS day, ${i * 10}::BIGINT AS v` : `SELECT ${i * 10}::BIGINT AS v`, i % 2 === 0 ? `{day: 1, v: 2}` : `{v: 2}`);
    tasks.push({ file: dataFile(p, { partition: { day: BigInt(i) } }), positionDeletes: [], equalityDeletes: [] });
    expected.push([String(i), String(i * 10)]);
  }
  const del = await writeParquet('manydel.parquet', `SELECT 's3://bucket/t/data/many3.parquet' AS file_path, 0::BIGINT AS pos`, `{file_path: 2147483546, pos: 2147483545}`);
  tasks[3] = { ...tasks[3], positionDeletes: [dataFile(del, { content: 1 })] };
  expected.splice(3, 1);
  const sql = relationSql({ schema, partitionSpecs: specs, tasks, fileFor: local() });
  assert.ok(sql.includes('__floe_part'), 'uses the partition join');
  const r = await session.query(`SELECT * FROM (${sql}) ORDER BY day`);
  assert.deepEqual(r.rows, expected);
});

test('position deletes remove rows by recorded file path and position', async () => {
  const a = await writeParquet('pa.parquet', `SELECT range AS id, 'a' || range AS label FROM range(5)`, `{id: 1, label: 2}`);
  const b = await writeParquet('pb.parquet', `SELECT range + 10 AS id, 'b' || range AS label FROM range(3)`, `{id: 1, label: 2}`);
  const del = await writeParquet('pdel.parquet', `SELECT * FROM (VALUES ('${a}', 1::BIGINT), ('${a}', 3::BIGINT), ('${b}', 0::BIGINT), ('s3://bucket/other.parquet', 2::BIGINT)) v(file_path, pos)`, `{file_path: 2147483546, pos: 2147483545}`);
  const deleteFile = dataFile(del, { content: 1 });
  await check(schemaV2, [
    { file: dataFile(a), positionDeletes: [deleteFile], equalityDeletes: [] },
    { file: dataFile(b), positionDeletes: [deleteFile], equalityDeletes: [] },
  ], [['0', 'a0', '1.50'], ['2', 'a2', '1.50'], ['4', 'a4', '1.50'], ['11', 'b1', '1.50'], ['12', 'b2', '1.50']]);
});

test('a table column named filename survives position deletes', async () => {
  const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'filename', required: false, type: 'string' }] };
  const a = await writeParquet('fname.parquet', `SELECT 'f' || range AS filename FROM range(3)`, `{filename: 1}`);
  const del = await writeParquet('fnamedel.parquet', `SELECT '${a}' AS file_path, 1::BIGINT AS pos`, `{file_path: 2147483546, pos: 2147483545}`);
  await check(schema, [{ file: dataFile(a), positionDeletes: [dataFile(del, { content: 1 })], equalityDeletes: [] }], [['f0'], ['f2']]);
});

test('equality deletes apply only to the files scan planning paired them with, NULL matching NULL', async () => {
  const old = await writeParquet('eold.parquet', `SELECT * FROM (VALUES (1::BIGINT, 'x'), (2, NULL), (3, 'y')) v(id, label)`, `{id: 1, label: 2}`);
  const newer = await writeParquet('enew.parquet', `SELECT * FROM (VALUES (1::BIGINT, 'x'), (4, NULL)) v(id, label)`, `{id: 1, label: 2}`);
  const byLabel = await writeParquet('edel1.parquet', `SELECT * FROM (VALUES ('x'), (NULL)) v(label)`, `{label: 2}`);
  const byId = await writeParquet('edel2.parquet', `SELECT 3::BIGINT AS id`, `{id: 1}`);
  const d1 = dataFile(byLabel, { content: 2, 'equality-ids': [2] });
  const d2 = dataFile(byId, { content: 2, 'equality-ids': [1] });
  await check(schemaV2, [
    { file: dataFile(old), positionDeletes: [], equalityDeletes: [d1, d2] },
    { file: dataFile(newer), positionDeletes: [], equalityDeletes: [] },
  ], [['1', 'x', '1.50'], ['4', null, '1.50']]);
});

test('files without field ids read through the name mapping', async () => {
  const n = await writeParquet('noids.parquet', `SELECT range::INTEGER AS old_id, 'l' || range AS label FROM range(2)`);
  await check(schemaV2, [{ file: dataFile(n), positionDeletes: [], equalityDeletes: [] }], [['0', 'l0', '1.50'], ['1', 'l1', '1.50']], {
    names: { 'noids.parquet': ['old_id', 'label'] },
    mapped: new Map([[1, ['id', 'old_id']], [2, ['label']], [4, ['price']]]),
  });
});
