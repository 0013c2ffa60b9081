import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckSession } from '../../server/src/engine/session';
import { partitionColumns } from '../../server/src/engine/write/partition-by';
import { registerBucketFunctions } from '../../server/src/engine/write/bucket-udf';
import { parseStatText } from '../../server/src/engine/write/stat-values';
import { applyTransform } from '../../server/src/iceberg/transforms';
import type { PrimitiveType, Transform } from '../../server/src/iceberg/spec';

// Each case: a DuckDB literal of a source type; the SQL transform must equal iceberg/transforms on the same value.
type Case = [PrimitiveType, string, Transform[]];
const CASES: Case[] = [
  ['timestamp', "TIMESTAMP '1969-12-31 23:59:59.999999'", ['year', 'month', 'day', 'hour', 'bucket[7]']],
  ['timestamp', "TIMESTAMP '1970-01-01 00:00:00'", ['year', 'month', 'day', 'hour']],
  ['timestamp', "TIMESTAMP '1900-03-01 12:30:00'", ['year', 'month', 'day', 'hour']],
  ['timestamp', "TIMESTAMP '2262-04-11 23:47:16'", ['year', 'month', 'day', 'hour', 'bucket[16]']],
  ['timestamptz', "TIMESTAMPTZ '2024-01-01 00:30:00+05:00'", ['year', 'month', 'day', 'hour', 'bucket[3]']],
  ['timestamptz', "TIMESTAMPTZ '1969-12-31 23:00:00-02:00'", ['year', 'month', 'day', 'hour']],
  ['date', "DATE '1969-12-31'", ['year', 'month', 'day', 'bucket[5]']],
  ['date', "DATE '0001-01-01'", ['year', 'month', 'day']],
  ['date', "DATE '2024-02-29'", ['year', 'month', 'day', 'identity']],
  ['int', '-7', ['bucket[4]', 'identity']],
  ['long', '-9223372036854775808', ['bucket[100]', 'identity']],
  ['decimal(38, 9)', "'-12345678901234567890.123456789'::DECIMAL(38,9)", ['bucket[11]']],
  ['decimal(10, 2)', "'14.20'::DECIMAL(10,2)", ['bucket[11]']],
  ['string', "'iceberg'", ['bucket[9]', 'identity']],
  ['string', "'é😀'", ['bucket[9]']],
  ['uuid', "'f79c3e09-677c-4bbd-a479-3f349cb785e7'::UUID", ['bucket[13]']],
  ['binary', "'\\x00\\x01\\xFF'::BLOB", ['bucket[13]']],
  ['time', "TIME '22:31:08'", ['bucket[13]']],
  // truncate floors numbers to a multiple of W (also below zero), keeps W code points of strings and W bytes of binary.
  ...['-11', '-10', '-1', '0', '9', '10', '2147483647'].map((v): Case => ['int', v, ['truncate[10]', 'truncate[1]', 'truncate[3]']]),
  ...['-9223372036854775000', '-1001', '-1000', '999', '9223372036854775807'].map((v): Case => ['long', v, ['truncate[1000]', 'truncate[7]']]),
  ...['-12.34', '-0.01', '0.00', '0.99', '12.34'].map((v): Case => ['decimal(10, 2)', `'${v}'::DECIMAL(10,2)`, ['truncate[100]', 'truncate[10]', 'truncate[3]']]),
  ['decimal(38, 9)', "'-12345678901234567890.123456789'::DECIMAL(38,9)", ['truncate[7]', 'truncate[1000000000]']],
  ['decimal(9, 0)', "'-5'::DECIMAL(9,0)", ['truncate[2]']],
  // e + combining acute accent is two code points; 👍🏽 is two (thumb + skin tone); 😀 is one, two UTF-16 units.
  ['string', `'e' || chr(769) || '👍🏽x'`, ['truncate[1]', 'truncate[2]', 'truncate[3]', 'truncate[4]', 'truncate[9]']],
  ['string', "'😀é😀'", ['truncate[1]', 'truncate[2]']],
  ['string', "''", ['truncate[3]']],
  ['binary', "'\\x00\\x01\\xFF'::BLOB", ['truncate[1]', 'truncate[2]', 'truncate[5]']],
  ['binary', "'\\xC3\\xA9a'::BLOB", ['truncate[1]']],
  ['binary', "''::BLOB", ['truncate[1]']],
];

const DUCK: Record<string, string> = { timestamp: 'TIMESTAMP', timestamptz: 'TIMESTAMPTZ', date: 'DATE', int: 'INTEGER', long: 'BIGINT', string: 'VARCHAR', uuid: 'UUID', binary: 'BLOB', time: 'TIME' };

test('SQL partition transforms equal iceberg/transforms, including before 1970 and for every bucket type', async () => {
  const session = await DuckSession.open({ settings: { TimeZone: 'America/New_York' } });
  try {
    registerBucketFunctions(session.connection);
    for (const [type, literal, transforms] of CASES) {
      const duckType = DUCK[type] ?? `DECIMAL(${type.slice(8, -1).replace(' ', '')})`;
      const schema = { type: 'struct' as const, fields: [{ id: 1, name: 'c', required: false, type }] };
      const spec = { 'spec-id': 1, fields: transforms.map((t, i) => ({ 'source-id': 1, 'field-id': 1000 + i, name: `p${i}`, transform: t })) };
      const cols = partitionColumns(spec, schema);
      const exprs = cols.map((c) => `CAST(${c.sql} AS VARCHAR)`).join(', ');
      const source = type === 'binary' ? 'hex(c)' : 'CAST(c AS VARCHAR)';
      const text = (await session.query(`SELECT ${source}, ${exprs} FROM (SELECT CAST(${literal} AS ${duckType}) AS c)`)).rows[0] as string[];
      const value = parseStatText(type, text[0]);
      assert.notEqual(value, undefined, `${literal} read back`);
      transforms.forEach((t, i) => {
        const want = applyTransform(t, type, value as never);
        const got = parseStatText(cols[i].keyType, text[i + 1]);
        assert.notEqual(want, null);
        assert.deepEqual(got, want, `${t}(${literal}) as ${type}`);
      });
    }
  } finally {
    session.close();
  }
});

// --- truncate partitioning end to end: writeTable through the local catalog, read back, manifests, pruning ---

import { readFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { startTestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { writeTable } from '../../server/src/engine/write/write-table';
import '../../server/src/engine/read/default-planner';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import { readManifestList } from '../../server/src/iceberg/manifest-list';
import { readManifest } from '../../server/src/iceberg/manifest';
import { humanString } from '../../server/src/iceberg/values';
import { localPathOf } from '../../server/src/storage/local';
import type { DataFile, TableMetadata } from '../../server/src/iceberg/spec';

interface WriteCase {
  table: string;
  type: PrimitiveType;
  /** DuckDB literals of column `v`; the row id is the position. */
  values: string[];
  partitionBy: string;
  /**
   * A value of `v` to filter on, as the read path's predicate takes it, and the same value as a DuckDB literal;
   * it lies within its partition's column bounds, so only the partition values can prune that file.
   */
  filter: [value: unknown, literal: string];
}

const WRITE_CASES: WriteCase[] = [
  { table: 'trunc_int', type: 'int', values: ['-11', '-10', '-1', '0', '9', '10', '19', 'NULL'], partitionBy: 'truncate(10, v)', filter: [9, '9'] },
  { table: 'trunc_long', type: 'long', values: ['-9223372036854775000', '-1001', '-1000', '-1', '0', '999', '1000', '9223372036854775807'],
    partitionBy: 'truncate(v, 1000)', filter: [999n, '999'] },
  { table: 'trunc_decimal', type: 'decimal(10, 2)', values: ['-12.34', '-12.00', '-0.50', '-0.01', '0.00', '0.99', '12.34', 'NULL'],
    partitionBy: 'truncate(100, v)', filter: ['-0.5', '-0.5'] },
  // e + combining accent and 👍 + skin tone are two code points each: truncate(2) keeps 'e\u0301', not 'é👍🏽'.
  { table: 'trunc_string', type: 'string', values: [`'e' || chr(769) || '👍🏽x'`, `'e' || chr(769)`, "'👍🏽x'", "'👍'", "'a/b=c'", "'ab'", "'a'", "''", 'NULL'],
    partitionBy: 'truncate(2, v)', filter: ['e\u0301z', `'e' || chr(769) || 'z'`] },
  { table: 'trunc_binary', type: 'binary', values: ["'\\x00\\x01'", "'\\x00\\xFF'", "'\\xFF'", "'\\xC3\\xA9'", "''", 'NULL'],
    partitionBy: 'truncate(1, v)', filter: [Uint8Array.of(0, 0xff), "'\\x00\\xFF'::BLOB"] },
];

const DUCK_TYPE: Record<string, string> = { int: 'INTEGER', long: 'BIGINT', 'decimal(10, 2)': 'DECIMAL(10,2)', string: 'VARCHAR', binary: 'BLOB' };

test('truncate partitions round-trip: rows read back exactly, each file\'s partition value is Iceberg\'s, filters prune files', async () => {
  const server = await startTestCatalog();
  const session = await DuckSession.open({ settings: { TimeZone: 'UTC' } });
  try {
    const catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
    await catalog.createNamespace(['trunc']);
    for (const c of WRITE_CASES) {
      const duck = DUCK_TYPE[c.type];
      const sql = `SELECT id::INTEGER AS id, CAST(v AS ${duck}) AS v FROM (VALUES ${c.values.map((v, i) => `(${i}, ${v})`).join(', ')}) t(id, v)`;
      const id = { namespace: ['trunc'], name: c.table };
      await writeTable({ session, catalog, table: id, sql, mode: 'create', partitionBy: c.partitionBy });
      const loaded = await catalog.loadTable(id);
      const field = loaded.metadata['partition-specs'].find((s) => s['spec-id'] === loaded.metadata['default-spec-id'])!.fields[0];
      assert.equal(field.name, 'v_trunc');
      const transform = field.transform;

      await registerIcebergTable(session, c.table, loaded);
      const read = (q: string) => session.query(q).then((r) => r.rows);
      assert.deepEqual(await read(`SELECT * FROM "${c.table}" ORDER BY id`), await read(`${sql} ORDER BY id`), `${c.table} reads back`);

      // Every row of every file transforms to the file's partition value, and the folder names that value.
      const files = await dataFiles(loaded.metadata);
      assert.ok(files.length >= 3, `${c.table}: ${files.length} files`);
      for (const file of files) {
        const partition = file.partition['v_trunc'] as IcebergValue | null;
        const rowTexts = await read(`SELECT ${c.type === 'binary' ? 'hex(v)' : 'CAST(v AS VARCHAR)'} FROM read_parquet('${localPathOf(file['file-path'])}')`);
        for (const [text] of rowTexts) {
          const value = text === null ? null : parseStatText(c.type, text as string);
          assert.deepEqual(comparable(partition), comparable(applyTransform(transform, c.type, value as IcebergValue | null)), `${c.table}: ${text} in ${file['file-path']}`);
        }
        const folder = decodeURIComponent(/\/v_trunc=([^/]*)\//.exec(file['file-path'])![1]);
        assert.equal(folder, folderText(c.type, partition), `${c.table}: folder of ${file['file-path']}`);
      }

      // A filter on v reads only the files of its truncated value; the query over them still finds the rows.
      const [value, literal] = c.filter;
      const want = applyTransform(transform, c.type, value instanceof Uint8Array || typeof value === 'bigint' ? value : parseStatText(c.type, String(value)) as IcebergValue);
      const matching = files.filter((f) => comparable(f.partition['v_trunc']) === comparable(want)).length;
      const rel = await registerIcebergTable(session, `${c.table}_filtered`, loaded, { filter: { op: '=', column: 'v', value } });
      assert.equal(rel.dataFiles, matching, `${c.table}: files read for v = ${literal}`);
      assert.ok(matching < files.length, `${c.table}: the filter prunes`);
      assert.deepEqual(await read(`SELECT id FROM "${c.table}_filtered" WHERE v = CAST(${literal} AS ${duck}) ORDER BY id`),
        await read(`SELECT id FROM (${sql}) WHERE v = CAST(${literal} AS ${duck}) ORDER BY id`), `${c.table}: rows for v = ${literal}`);
    }
  } finally {
    session.close();
    await server.close();
  }
});

type IcebergValue = Parameters<typeof applyTransform>[2];

async function dataFiles(metadata: TableMetadata): Promise<DataFile[]> {
  const snapshot = metadata.snapshots.find((s) => s['snapshot-id'] === metadata['current-snapshot-id'])!;
  const listPath = localPathOf(snapshot['manifest-list']);
  const out: DataFile[] = [];
  for (const mf of readManifestList(await readFile(listPath), listPath).manifests) {
    const p = localPathOf(mf['manifest-path']);
    const spec = metadata['partition-specs'].find((s) => s['spec-id'] === mf['partition-spec-id']);
    out.push(...readManifest(await readFile(p), { file: p, manifest: mf, spec }).entries.map((e) => e['data-file']));
  }
  return out;
}

/** DuckDB's hive folder value: NULL as Hive's default partition, binary as the hex of its key. */
function folderText(type: PrimitiveType, v: IcebergValue | null): string {
  if (v === null) return '__HIVE_DEFAULT_PARTITION__';
  return type === 'binary' ? Buffer.from(v as Uint8Array).toString('hex').toUpperCase() : humanString(type, v);
}

/** Bytes as hex (the manifest reader gives Buffers, transforms give Uint8Arrays), other values as they are. */
function comparable(v: unknown): unknown {
  return v instanceof Uint8Array ? `0x${Buffer.from(v).toString('hex')}` : v;
}

// Flooring to a multiple of W can leave the type below its least value; the write fails naming the column.
const OVERFLOWS: [PrimitiveType, string, string, Transform][] = [
  ['int', 'INTEGER', '-2147483648', 'truncate[10]'],
  ['long', 'BIGINT', '-9223372036854775807', 'truncate[1000]'],
  ['decimal(3, 2)', 'DECIMAL(3,2)', "'-9.99'", 'truncate[2]'],
  // At precision 38 the floored value itself does not fit: still our message, not DuckDB's overflow.
  ['decimal(38, 2)', 'DECIMAL(38,2)', `'-${'9'.repeat(36)}.99'`, 'truncate[2]'],
];

test('truncate below a type\'s least value fails with a message naming the column and value; the table is not created', async () => {
  const server = await startTestCatalog();
  const session = await DuckSession.open();
  try {
    const catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
    await catalog.createNamespace(['o']);
    for (const [type, duck, literal, transform] of OVERFLOWS) {
      const id = { namespace: ['o'], name: `t_${duck.replace(/\W/g, '')}` };
      await assert.rejects(
        writeTable({ session, catalog, table: id, sql: `SELECT CAST(${literal} AS ${duck}) AS v`, mode: 'create', partitionBy: transform.replace(/^truncate\[(\d+)\]$/, 'truncate($1, v)') }),
        new RegExp(`cannot partition by ${transform.replace(/[[\]]/g, '\\$&')}\\("v"\\): ${literal.replace(/'/g, '')} floors below the least ${type.replace(/[()]/g, '\\$&')}`), type);
      assert.equal(await catalog.tableExists(id), false);
    }
  } finally {
    session.close();
    await server.close();
  }
});

test('floe write --partition-by "truncate(4, name)" partitions by the first four code points', async () => {
  const server = await startTestCatalog();
  try {
    const catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
    await catalog.createNamespace(['gold']);
    const root = path.resolve(__dirname, '../..');
    const cli = (...args: string[]) => new Promise<{ code: number; out: string; err: string }>((resolve) => {
      const p = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/src/cli/main.ts'), ...args], { cwd: root });
      let out = '', err = '';
      p.stdout.on('data', (d) => { out += d; });
      p.stderr.on('data', (d) => { err += d; });
      p.on('close', (code) => resolve({ code: code ?? 1, out, err }));
    });
    const cat = ['--catalog', server.uri, '--warehouse', server.name];
    const written = await cli('write', ...cat, '--mode', 'create', '--partition-by', 'truncate(4, name)', 'gold.people',
      "SELECT * FROM (VALUES (1, 'Zoë Smith'), (2, 'Zoë Jones'), (3, 'Al')) t(id, name)");
    assert.equal(written.code, 0, written.err);
    const metadata = (await catalog.loadTable({ namespace: ['gold'], name: 'people' })).metadata;
    assert.deepEqual(metadata['partition-specs'].at(-1)!.fields.map((f) => [f.name, f.transform]), [['name_trunc', 'truncate[4]']]);
    assert.deepEqual((await dataFiles(metadata)).map((f) => f.partition['name_trunc']).sort(), ['Al', 'Zoë '].sort());

    const bad = await cli('write', ...cat, '--mode', 'create', '--partition-by', 'truncate(4, id)x', 'gold.bad', 'SELECT 1 AS id');
    assert.notEqual(bad.code, 0);
    assert.match(bad.err, /truncate\(W, col\)/);
    assert.doesNotMatch(bad.err, /\n\s+at /);
  } finally {
    await server.close();
  }
});

test('void(col) keeps the column in the spec with a null partition value for every file', async () => {
  const server = await startTestCatalog();
  const session = await DuckSession.open();
  try {
    const catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
    await catalog.createNamespace(['v']);
    const id = { namespace: ['v'], name: 'voided' };
    const sql = 'SELECT i::INTEGER AS id, i / 2 AS v FROM range(4) r(i)';
    await writeTable({ session, catalog, table: id, sql, mode: 'create', partitionBy: 'void(v)' });
    const loaded = await catalog.loadTable(id);
    assert.deepEqual(loaded.metadata['partition-specs'].at(-1)!.fields.map((f) => [f.name, f.transform]), [['v_null', 'void']]);
    const files = await dataFiles(loaded.metadata);
    assert.deepEqual(files.map((f) => [f.partition['v_null'], /\/v_null=([^/]*)\//.exec(f['file-path'])![1]]), [[null, '__HIVE_DEFAULT_PARTITION__']]);
    await registerIcebergTable(session, 'voided', loaded);
    assert.deepEqual((await session.query('SELECT * FROM voided ORDER BY id')).rows, (await session.query(`${sql} ORDER BY id`)).rows);
  } finally {
    session.close();
    await server.close();
  }
});
