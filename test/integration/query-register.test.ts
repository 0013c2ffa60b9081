// registerIcebergTable over a catalog-style LoadTableResult, with an injected planner so files can be made here:
// name-mapped files without field ids, time travel to an older schema, progress of cached S3-free reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckSession } from '../../server/src/engine/session';
import { registerIcebergTable, type ScanPlanner } from '../../server/src/engine/read/register-table';
import type { ReadTask } from '../../server/src/engine/read/relation-sql';
import type { DataFile, Schema, TableMetadata } from '../../server/src/iceberg/spec';
import type { LoadTableResult } from '../../server/src/catalog/catalog';
import { StorageError } from '../../server/src/storage/storage';

const dir = mkdtempSync(path.join(tmpdir(), 'floe-reg-'));
let session: DuckSession;
before(async () => { session = await DuckSession.open(); });
after(() => { session.close(); rmSync(dir, { recursive: true, force: true }); });

const schema0: Schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'long' }] };
const schema1: Schema = { type: 'struct', 'schema-id': 1, fields: [{ id: 1, name: 'key', required: false, type: 'long' }, { id: 2, name: 'label', required: false, type: 'string' }] };
const snapshot = (id: bigint, ts: bigint, schemaId: number) => ({ 'snapshot-id': id, 'sequence-number': id, 'timestamp-ms': ts, 'manifest-list': `ml-${id}`, summary: { operation: 'append' as const }, 'schema-id': schemaId });

function table(properties: Record<string, string> = {}): LoadTableResult {
  const metadata = {
    'format-version': 2, 'table-uuid': 'u', location: dir, 'last-sequence-number': 2n, 'last-updated-ms': 0n, 'last-column-id': 2,
    schemas: [schema0, schema1], 'current-schema-id': 1, 'partition-specs': [{ 'spec-id': 0, fields: [] }], 'default-spec-id': 0,
    'last-partition-id': 999, properties, 'current-snapshot-id': 2n,
    snapshots: [snapshot(1n, 1000n, 0), snapshot(2n, 2000n, 1)],
    'snapshot-log': [{ 'snapshot-id': 1n, 'timestamp-ms': 1000n }, { 'snapshot-id': 2n, 'timestamp-ms': 2000n }],
    'metadata-log': [], 'sort-orders': [{ 'order-id': 0, fields: [] }], 'default-sort-order-id': 0, refs: {},
  } as TableMetadata;
  return { metadata, metadataLocation: path.join(dir, 'metadata', 'v2.metadata.json'), config: {} };
}
// A manifest entry as a writer records it: the file's real size and row count (reads check both).
const dataFile = (p: string, rows = 1n): DataFile => ({ content: 0, 'file-path': p, 'file-format': 'PARQUET', partition: {}, 'record-count': rows, 'file-size-in-bytes': existsSync(p) ? BigInt(statSync(p).size) : 1n });

async function write(name: string, select: string, fieldIds?: string): Promise<string> {
  const p = path.join(dir, name);
  await session.run(`COPY (${select}) TO '${p}' (FORMAT parquet${fieldIds ? `, FIELD_IDS ${fieldIds}` : ''})`);
  return p;
}

test('files without field ids read through schema.name-mapping.default; files with ids by id', async () => {
  const imported = await write('imported.parquet', `SELECT 7::BIGINT AS id, 'seven' AS label`);
  const native = await write('native.parquet', `SELECT 8::BIGINT AS key, 'eight' AS label`, `{key: 1, label: 2}`);
  const planner: ScanPlanner = async ({ snapshot: s }) => (s['snapshot-id'] === 2n ? [imported, native] : [imported]).map((p): ReadTask => ({ file: dataFile(p), positionDeletes: [], equalityDeletes: [] }));
  const mapping = JSON.stringify([{ 'field-id': 1, names: ['id', 'key'] }, { 'field-id': 2, names: ['label'] }]);
  await registerIcebergTable(session, ['ns', 'mapped'], table({ 'schema.name-mapping.default': mapping }), { planner });
  assert.deepEqual((await session.query('SELECT * FROM ns.mapped ORDER BY key')).rows, [['7', 'seven'], ['8', 'eight']]);

  const rel = await registerIcebergTable(session, 'old', table({ 'schema.name-mapping.default': mapping }), { planner, asOfTimestampMs: 1500n });
  assert.equal(rel.snapshotId, 1n);
  const old = await session.query('SELECT * FROM old');
  assert.deepEqual(old.columns.map((c) => c.name), ['id'], 'time travel reads with the snapshot\'s schema');
  assert.deepEqual(old.rows, [['7']]);
});

test('files without field ids and no name mapping read by the current column names, not as NULLs', async () => {
  const bare = await write('bare.parquet', `SELECT 9::BIGINT AS key, 'nine' AS label`);
  const planner: ScanPlanner = async () => [{ file: dataFile(bare), positionDeletes: [], equalityDeletes: [] }];
  await registerIcebergTable(session, 'bare', table(), { planner });
  assert.deepEqual((await session.query('SELECT * FROM bare')).rows, [['9', 'nine']]);
});

test('a missing data file names the file and the table', async () => {
  const gone = path.join(dir, 'gone.parquet');
  const planner: ScanPlanner = async () => [{ file: dataFile(gone), positionDeletes: [], equalityDeletes: [] }];
  await assert.rejects(registerIcebergTable(session, ['sales', 'orders'], table(), { planner }), (e: unknown) =>
    e instanceof StorageError && e.kind === 'not-found' && e.message.includes(gone) && e.message.includes('sales.orders'));
});

test('a table without snapshots is an empty relation with the current schema', async () => {
  const empty = table();
  empty.metadata['current-snapshot-id'] = undefined;
  await registerIcebergTable(session, 'empty', empty, { planner: async () => { throw new Error('not called'); } });
  const r = await session.query('SELECT * FROM empty');
  assert.deepEqual(r.columns.map((c) => `${c.name} ${c.type}`), ['key BIGINT', 'label VARCHAR']);
  assert.deepEqual(r.rows, []);
});

test('nested fields of files without field ids resolve through the name mapping\'s nested entries (struct, list, map)', async () => {
  const imported = await write('nested-imported.parquet', `SELECT 1::BIGINT AS id, {'zip': '1011', 'city': 'Amsterdam'} AS addr,
    [{'sku': 'a', 'qty': 2::INT}] AS items, MAP {'k': {'v': 'vk'}} AS attrs
    UNION ALL SELECT 2, NULL, NULL, NULL`);
  const nested: Schema = { type: 'struct', 'schema-id': 1, fields: [
    { id: 1, name: 'id', required: false, type: 'long' },
    { id: 3, name: 'addr', required: false, type: { type: 'struct', fields: [
      { id: 4, name: 'postcode', required: false, type: 'string' },
      { id: 5, name: 'city', required: false, type: 'string' },
    ] } },
    { id: 6, name: 'items', required: false, type: { type: 'list', 'element-id': 7, 'element-required': false, element: { type: 'struct', fields: [
      { id: 8, name: 'code', required: false, type: 'string' },
      { id: 9, name: 'qty', required: false, type: 'long' },
    ] } } },
    { id: 10, name: 'attrs', required: false, type: { type: 'map', 'key-id': 11, 'value-id': 12, key: 'string', 'value-required': false, value: { type: 'struct', fields: [
      { id: 13, name: 'val', required: false, type: 'string' },
    ] } } },
  ] };
  const mapping = [
    { 'field-id': 1, names: ['id'] },
    { 'field-id': 3, names: ['addr'], fields: [{ 'field-id': 4, names: ['zip', 'postcode'] }, { 'field-id': 5, names: ['city'] }] },
    { 'field-id': 6, names: ['items'], fields: [{ 'field-id': 7, names: ['element'], fields: [{ 'field-id': 8, names: ['sku', 'code'] }, { 'field-id': 9, names: ['qty'] }] }] },
    { 'field-id': 10, names: ['attrs'], fields: [{ 'field-id': 11, names: ['key'] }, { 'field-id': 12, names: ['value'], fields: [{ 'field-id': 13, names: ['v', 'val'] }] }] },
  ];
  const planner: ScanPlanner = async () => [{ file: dataFile(imported, 2n), positionDeletes: [], equalityDeletes: [] }];
  const load = (m: unknown[]): LoadTableResult => {
    const t = table({ 'schema.name-mapping.default': JSON.stringify(m) });
    return { ...t, metadata: { ...t.metadata, schemas: [schema0, nested], 'last-column-id': 13 } };
  };
  await registerIcebergTable(session, 'nested_mapped', load(mapping), { planner });
  const r = await session.query(`SELECT id, addr::VARCHAR, items::VARCHAR, attrs::VARCHAR FROM nested_mapped ORDER BY id`);
  assert.deepEqual(r.rows, [
    ['1', `{'postcode': 1011, 'city': Amsterdam}`, `[{'code': a, 'qty': 2}]`, `{k={'val': vk}}`],
    ['2', null, null, null],
  ]);
  // Without nested entries the mapping cannot place renamed children: the file keeps the plain read by names.
  const small = await write('nested-small.parquet', `SELECT 1::BIGINT AS id, {'zip': '1011', 'city': 'Amsterdam'} AS addr`);
  const smallPlanner: ScanPlanner = async () => [{ file: dataFile(small), positionDeletes: [], equalityDeletes: [] }];
  await registerIcebergTable(session, 'nested_partial', load(mapping.map(({ fields: _, ...top }) => top)), { planner: smallPlanner });
  const partial = await session.query(`SELECT addr::VARCHAR FROM nested_partial WHERE id = 1`);
  assert.deepEqual(partial.rows, [[`{'postcode': NULL, 'city': Amsterdam}`]]);
});

test('equality deletes keyed on fields inside a struct match by field id, whatever names the delete files were written with', async () => {
  const data = await write('eq-nested-data.parquet', `SELECT * FROM (VALUES (1, 'eu', 7), (2, 'us', 9), (3, 'eu', NULL), (4, 'us', 5)) t(i, r, n)
    ORDER BY i`.replace('SELECT *', `SELECT i::BIGINT AS id, {'region': r, 'num': n::INT} AS k`), `{id: 1, k: {__duckdb_field_id: 2, region: 3, num: 4}}`);
  const current = await write('eq-nested-del-a.parquet', `SELECT {'code': 7::INT} AS k`, `{k: {__duckdb_field_id: 2, code: 4}}`);
  const oldNames = await write('eq-nested-del-b.parquet', `SELECT {'num': 9::INT} AS k`, `{k: {__duckdb_field_id: 2, num: 4}}`);
  const twoKeys = await write('eq-nested-del-c.parquet', `SELECT {'region': 'eu', 'code': NULL::INT} AS k`, `{k: {__duckdb_field_id: 2, region: 3, code: 4}}`);
  const schema: Schema = { type: 'struct', 'schema-id': 1, fields: [
    { id: 1, name: 'id', required: false, type: 'long' },
    { id: 2, name: 'k', required: false, type: { type: 'struct', fields: [
      { id: 3, name: 'region', required: false, type: 'string' },
      { id: 4, name: 'code', required: false, type: 'int' },
    ] } },
  ] };
  const eq = (p: string, ids: number[]): DataFile => ({ ...dataFile(p), content: 2, 'equality-ids': ids });
  const planner: ScanPlanner = async () => [{ file: dataFile(data, 4n), positionDeletes: [], equalityDeletes: [eq(current, [4]), eq(oldNames, [4]), eq(twoKeys, [3, 4])] }];
  const t = table();
  await registerIcebergTable(session, 'eq_nested', { ...t, metadata: { ...t.metadata, schemas: [schema0, schema], 'last-column-id': 4 } }, { planner });
  const r = await session.query(`SELECT id, k::VARCHAR FROM eq_nested ORDER BY id`);
  assert.deepEqual(r.rows, [['4', `{'region': us, 'code': 5}`]]);
});
