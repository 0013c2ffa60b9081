// Range reads of Parquet data files in S3 (moto): a preview's LIMIT fetches the footer and the first row groups only
// (storage/parquet-head.ts), and every row read that way equals the same rows read from local disk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMoto, type Moto } from '../helpers/moto';
import { rowGroupStarts, writeTestTable } from '../helpers/iceberg-table';
import { S3Storage } from '../../server/src/storage/s3';
import { FileCache } from '../../server/src/storage/cache';
import { storageFor } from '../../server/src/storage/factory';
import { footerWithFirstRowGroups } from '../../server/src/storage/parquet-footer-cut';
import { WHOLE_AT_MOST } from '../../server/src/storage/parquet-head';
import { DuckSession, quoteLiteral } from '../../server/src/engine/session';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import type { Schema } from '../../server/src/iceberg/spec';
import '../../server/src/engine/read/default-planner';
import { startTestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { writeTable } from '../../server/src/engine/write/write-table';
import { RunService } from '../../server/src/run/run-service';
import { tableFromIPC } from 'apache-arrow';

const work = mkdtempSync(path.join(tmpdir(), 'floe-range-'));
const ROWS = 20_480, GROUP = 4096; // five row groups
const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [
  { id: 1, name: 'id', required: false, type: 'long' },
  { id: 2, name: 's', required: false, type: 'string' },
  { id: 3, name: 'd', required: false, type: 'double' },
  { id: 4, name: 'pad', required: false, type: 'string' },
] };
// `pad` (96 random bytes a row) makes the file larger than parquet-head's WHOLE_AT_MOST, so it is read by ranges
const SELECT = `SELECT i::BIGINT AS id, 'x' || (i % 50) AS s, CASE WHEN i % 7 = 0 THEN NULL ELSE i * 0.25 END AS d,
  md5(i::VARCHAR) || md5((i + 1)::VARCHAR) || md5((i + 2)::VARCHAR) || md5((i + 3)::VARCHAR)
  || md5((i + 4)::VARCHAR) || md5((i + 5)::VARCHAR) AS pad FROM range(${ROWS}) r(i)`;
const FIELD_IDS = '{id: 1, s: 2, d: 3, pad: 4}';
let moto: Moto;
let localTable: string;
let localFile: string;

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? filesUnder(path.join(dir, n)) : [path.join(dir, n)]));
}

async function upload(localDir: string, uri: string): Promise<void> {
  const s3 = new S3Storage({ ...moto.s3, cache: new FileCache(path.join(work, 'upload-cache')) });
  await Promise.all(filesUnder(localDir).map((f) => s3.upload(f, `${uri}/${path.relative(localDir, f)}`)));
}

/** Rows of `sql` over the table at `source` registered as t, and the relation it was read as. */
async function read(source: string, sql: string, opts: { rowLimit?: number; cache?: FileCache } = {}) {
  const session = await DuckSession.open();
  try {
    const relation = await registerIcebergTable(session, 't', source, { s3: moto.s3, rowLimit: opts.rowLimit, ...(opts.cache ? { storage: { cache: opts.cache } } : {}) });
    const r = await session.query(sql);
    return { rows: r.rows, relation };
  } finally {
    session.close();
  }
}

/** The same rows from the local table (the reference). */
async function local(sql: string): Promise<unknown[][]> {
  return (await read(localTable, sql)).rows;
}

before(async () => {
  moto = await startMoto(['lake']);
  localTable = await writeTestTable(path.join(work, 'local'), { schema, files: [{ select: SELECT, fieldIds: FIELD_IDS, copyOptions: `ROW_GROUP_SIZE ${GROUP}` }] });
  localFile = path.join(localTable, 'data', 'part-0.parquet');
  assert.ok(statSync(localFile).size > WHOLE_AT_MOST, `the test file (${statSync(localFile).size} bytes) is read by ranges`);
  await upload(localTable, 's3://lake/ranged');
});
after(async () => {
  await moto?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('a LIMIT read fetches only the first row group, and its rows equal the local read', async () => {
  const cache = new FileCache(path.join(work, 'cache-a'));
  const { rows, relation } = await read('s3://lake/ranged', 'SELECT * FROM t ORDER BY id', { rowLimit: 100, cache });
  assert.deepEqual(rows, await local(`SELECT * FROM t WHERE id < ${GROUP} ORDER BY id`), 'the copy holds exactly the first row group, as written');
  assert.deepEqual(relation.partial, { listedRows: BigInt(ROWS) }, 'the relation says it holds part of the table, and how big the table is');
  const size = statSync(localFile).size;
  const cached = filesUnder(cache.dir);
  assert.ok(cached.some((f) => /\.head1-of-\d+\.parquet$/.test(f)), `a head copy is cached: ${cached.join(', ')}`);
  assert.ok(!existsSync(cache.pathFor({ uri: 's3://lake/ranged/data/part-0.parquet', size })), 'no whole-file entry: a part is never served as the whole file');
  const used = cached.reduce((n, f) => n + statSync(f).blocks * 512, 0);
  assert.ok(used < size * 0.6, `the cache holds ${used} bytes on disk for a ${size}-byte file`);
});

test('a filter on the partial copy reads bloom filters and pages that were fetched (never zeroed holes)', async () => {
  const cache = new FileCache(path.join(work, 'cache-b'));
  // DuckDB checks each row group's bloom filter for an equality: one read as zeros would drop the matching rows.
  const sql = `SELECT id, s, d FROM t WHERE s = 'x17' ORDER BY id`;
  const { rows } = await read('s3://lake/ranged', sql, { rowLimit: 100, cache });
  assert.deepEqual(rows, await local(`SELECT id, s, d FROM t WHERE s = 'x17' AND id < ${GROUP} ORDER BY id`));
  assert.ok(rows.length > 0);
});

test('a read needing more rows fetches more row groups, and a full read downloads the whole file', async () => {
  const cache = new FileCache(path.join(work, 'cache-c'));
  await read('s3://lake/ranged', 'SELECT count(*) FROM t', { rowLimit: 100, cache });
  const more = await read('s3://lake/ranged', 'SELECT * FROM t ORDER BY id', { rowLimit: 3 * GROUP - 5, cache });
  assert.deepEqual(more.rows, await local(`SELECT * FROM t WHERE id < ${3 * GROUP} ORDER BY id`));
  assert.ok(filesUnder(cache.dir).some((f) => /\.head3-of-\d+\.parquet$/.test(f)));
  // the partial copies are cached, yet a read of the whole table gets every row
  const all = await read('s3://lake/ranged', 'SELECT * FROM t ORDER BY id', { cache });
  assert.equal(all.rows.length, ROWS);
  assert.deepEqual(all.rows, await local('SELECT * FROM t ORDER BY id'));
  assert.equal(all.relation.partial, undefined);
  // once the whole file is cached, a LIMIT read uses it
  const after = await read('s3://lake/ranged', 'SELECT count(*) FROM t', { rowLimit: 100, cache });
  assert.deepEqual(after.rows, [[String(ROWS)]]);
});

test('a limit that needs the last row group downloads the whole file', async () => {
  const cache = new FileCache(path.join(work, 'cache-d'));
  const { rows, relation } = await read('s3://lake/ranged', 'SELECT count(*) FROM t', { rowLimit: ROWS - 1, cache });
  assert.deepEqual(rows, [[String(ROWS)]]);
  assert.equal(relation.partial, undefined);
  assert.ok(!filesUnder(cache.dir).some((f) => /\.head\d+-of-/.test(f)));
});

test('a data file of at most 1 MB is fetched whole in one request, not a tail read then a range', async () => {
  const small = await writeTestTable(path.join(work, 'small'), { schema, files: [{ select: `${SELECT} LIMIT 2000`, fieldIds: FIELD_IDS, copyOptions: 'ROW_GROUP_SIZE 500' }] });
  const size = statSync(path.join(small, 'data', 'part-0.parquet')).size;
  assert.ok(size <= WHOLE_AT_MOST, `the test file is small (${size} bytes)`);
  await upload(small, 's3://lake/small');
  const cache = new FileCache(path.join(work, 'cache-small'));
  // the client the read uses (the factory shares one per option set): its GETs of the data file
  const gets: string[] = [];
  (storageFor('s3://lake/small', { s3: { ...moto.s3 }, cache }) as S3Storage).client.middlewareStack.add((next) => (args) => {
    const input = args.input as { Key?: string; Range?: string };
    if (input.Key?.endsWith('.parquet')) gets.push(input.Range ?? 'whole');
    return next(args);
  }, { step: 'initialize' });
  const { rows, relation } = await read('s3://lake/small', 'SELECT * FROM t ORDER BY id', { rowLimit: 10, cache });
  assert.deepEqual(gets, ['whole']);
  assert.equal(relation.partial, undefined);
  assert.deepEqual(rows, (await read(small, 'SELECT * FROM t ORDER BY id')).rows);
  assert.ok(existsSync(cache.pathFor({ uri: 's3://lake/small/data/part-0.parquet', size })), 'cached as the whole file');
});

/** The GETs of `.parquet` objects that the client for (prefix, cache) sends: range, and when each was sent and answered. */
function dataGets(prefix: string, cache: FileCache): Array<{ range: string; sent: number; answered?: number }> {
  const gets: Array<{ range: string; sent: number; answered?: number }> = [];
  let clock = 0;
  (storageFor(prefix, { s3: { ...moto.s3 }, cache }) as S3Storage).client.middlewareStack.add((next) => async (args) => {
    const input = args.input as { Key?: string; Range?: string };
    if (!input.Key?.endsWith('.parquet')) return next(args);
    const get: { range: string; sent: number; answered?: number } = { range: input.Range ?? 'whole', sent: clock++ };
    gets.push(get);
    const out = await next(args);
    get.answered = clock++;
    return out;
  }, { step: 'initialize' });
  return gets;
}

/** The local table's data file with the manifest recording split offsets, uploaded under `uri`; its row group starts. */
async function tableWithOffsets(name: string, splitOffsets: 'row-groups' | bigint[]): Promise<{ uri: string; starts: number[] }> {
  const root = await writeTestTable(path.join(work, name), { schema, files: [{ select: SELECT, fieldIds: FIELD_IDS, copyOptions: `ROW_GROUP_SIZE ${GROUP}`, splitOffsets }] });
  const session = await DuckSession.open();
  try {
    const starts = await rowGroupStarts(session, path.join(root, 'data', 'part-0.parquet'));
    await upload(root, `s3://lake/${name}`);
    return { uri: `s3://lake/${name}`, starts: starts.map(Number) };
  } finally {
    session.close();
  }
}

test('with split offsets in the manifest, the footer and the first row group come in one round trip', async () => {
  const { uri, starts } = await tableWithOffsets('offsets', 'row-groups');
  assert.equal(starts.length, ROWS / GROUP);
  const cache = new FileCache(path.join(work, 'cache-offsets'));
  const gets = dataGets(uri, cache);
  const { rows, relation } = await read(uri, 'SELECT * FROM t ORDER BY id', { rowLimit: 100, cache });
  assert.deepEqual(rows, await local(`SELECT * FROM t WHERE id < ${GROUP} ORDER BY id`), 'the first row group, as written');
  assert.deepEqual(gets.map((g) => g.range).sort(), [`bytes=-${64 * 1024}`, `bytes=0-${starts[1] - 1}`].sort(), 'two GETs: the tail and the first row group');
  const [first, second] = gets;
  assert.ok(second.sent < first.answered!, 'the second GET was sent before the first was answered: one round trip');
  assert.deepEqual(relation.partial, { listedRows: BigInt(ROWS) });
  assert.ok(!existsSync(cache.pathFor({ uri: `${uri}/data/part-0.parquet`, size: statSync(localFile).size })), 'a part is never cached as the whole file');
});

test('split offsets that undercount the first row group still give its rows: the missing bytes are fetched after the footer', async () => {
  const { uri, starts } = await tableWithOffsets('offsets-short', [4n, 50_000n, 60_000n]);
  assert.ok(starts[1] > 60_000, 'the hint is wrong: the real first row group ends later');
  const cache = new FileCache(path.join(work, 'cache-offsets-short'));
  const gets = dataGets(uri, cache);
  const { rows } = await read(uri, 'SELECT * FROM t ORDER BY id', { rowLimit: 100, cache });
  assert.deepEqual(rows, await local(`SELECT * FROM t WHERE id < ${GROUP} ORDER BY id`));
  assert.deepEqual(gets.map((g) => g.range).sort(), [`bytes=-${64 * 1024}`, 'bytes=0-49999', `bytes=50000-${starts[1] - 1}`].sort());
});

test('split offsets of one row group fetch the whole file in one GET', async () => {
  const { uri } = await tableWithOffsets('offsets-one', [4n]);
  const cache = new FileCache(path.join(work, 'cache-offsets-one'));
  const gets = dataGets(uri, cache);
  const { rows, relation } = await read(uri, 'SELECT * FROM t ORDER BY id', { rowLimit: 100, cache });
  assert.deepEqual(gets.map((g) => g.range), ['whole']);
  assert.equal(relation.partial, undefined, 'the whole file, so the whole table');
  assert.deepEqual(rows, await local('SELECT * FROM t ORDER BY id'));
});

test('a partial copy reads columns renamed since the file was written by their field ids', async () => {
  const renamed: Schema = { ...schema, fields: schema.fields.map((f) => (f.id === 3 ? { ...f, name: 'dd' } : f.id === 1 ? { ...f, name: 'key' } : f)) };
  const root = await writeTestTable(path.join(work, 'renamed'), { schema: renamed, files: [{ select: SELECT, fieldIds: FIELD_IDS, copyOptions: `ROW_GROUP_SIZE ${GROUP}` }] });
  await upload(root, 's3://lake/renamed');
  const cache = new FileCache(path.join(work, 'cache-renamed'));
  const { rows, relation } = await read('s3://lake/renamed', 'SELECT key, dd, s FROM t ORDER BY key', { rowLimit: 100, cache });
  assert.ok(relation.partial, 'read from a partial copy');
  assert.deepEqual(rows, await local(`SELECT id, d, s FROM t WHERE id < ${GROUP} ORDER BY id`));
});

test('a data file replaced in S3 by one with other rows is refused, not read in part', async () => {
  const other = await writeTestTable(path.join(work, 'other'), { schema, files: [{ select: `${SELECT} UNION ALL SELECT 99999, 'y', 1.0, 'z'`, fieldIds: FIELD_IDS, copyOptions: `ROW_GROUP_SIZE ${GROUP}` }] });
  await upload(localTable, 's3://lake/replaced');
  const s3 = new S3Storage({ ...moto.s3, cache: new FileCache(path.join(work, 'upload-cache')) });
  await s3.write('s3://lake/replaced/data/part-0.parquet', readFileSync(path.join(other, 'data', 'part-0.parquet')));
  await assert.rejects(read('s3://lake/replaced', 'SELECT * FROM t', { rowLimit: 100, cache: new FileCache(path.join(work, 'cache-e')) }),
    (e: unknown) => e instanceof Error && /data file of table t/.test(e.message) && e.message.includes('s3://lake/replaced/data/part-0.parquet'));
});

test('the cut footer keeps every other footer byte: schema, field ids and key-value metadata read the same', async () => {
  const bytes = readFileSync(localFile);
  const footerLength = bytes.readUInt32LE(bytes.length - 8);
  const footer = bytes.subarray(bytes.length - 8 - footerLength, bytes.length - 8);
  const cut = footerWithFirstRowGroups(footer, 2, BigInt(2 * GROUP));
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(cut.length, 0);
  trailer.write('PAR1', 4, 'latin1');
  const file = path.join(work, 'cut.parquet');
  writeFileSync(file, Buffer.concat([bytes.subarray(0, bytes.length - 8 - footerLength), cut, trailer]));
  const session = await DuckSession.open();
  try {
    const q = async (sql: string) => (await session.query(sql)).rows;
    for (const fn of ['parquet_schema', 'parquet_kv_metadata']) {
      assert.deepEqual(await q(`SELECT * EXCLUDE (file_name) FROM ${fn}(${quoteLiteral(file)})`), await q(`SELECT * EXCLUDE (file_name) FROM ${fn}(${quoteLiteral(localFile)})`), fn);
    }
    assert.deepEqual(await q(`SELECT * EXCLUDE (file_name) FROM parquet_metadata(${quoteLiteral(file)})`),
      await q(`SELECT * EXCLUDE (file_name) FROM parquet_metadata(${quoteLiteral(localFile)}) WHERE row_group_id < 2`));
    assert.deepEqual(await q(`SELECT num_rows, num_row_groups FROM parquet_file_metadata(${quoteLiteral(file)})`), [[String(2 * GROUP), '2']]);
  } finally {
    session.close();
  }
});

test('an editor table preview from a catalog reads the first row group; its total, sort and statistics see every row', async () => {
  const tableConfig = { 's3.endpoint': moto.endpoint, 's3.path-style-access': 'true', 'client.region': 'us-east-1', 's3.access-key-id': 'test', 's3.secret-access-key': 'test' };
  const server = await startTestCatalog({ baseLocation: 's3://lake/warehouse', tableConfig });
  const service = new RunService();
  const cacheDir = process.env.FLOE_CACHE_DIR;
  process.env.FLOE_CACHE_DIR = path.join(work, 'cache-editor');
  try {
    const catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
    await catalog.createNamespace(['gold']);
    const id = { namespace: ['gold'], name: 'orders' };
    const rows = 300_000; // three row groups of DuckDB's default 122,880 rows, in one file
    const session = await DuckSession.open();
    try {
      await writeTable({ session, catalog, table: id, mode: 'create', sql: `SELECT i::BIGINT AS id, (i % 97)::INTEGER AS grp FROM range(${rows}) r(i)` });
    } finally {
      session.close();
    }
    const preview = await service.previewTable(catalog, { s3: moto.s3 }, id, { limit: 100 });
    assert.equal(preview.rowCount, 100);
    assert.equal(preview.totalRows, rows, 'the total comes from the manifests, not from the rows read');
    assert.ok(filesUnder(process.env.FLOE_CACHE_DIR).some((f) => /\.head1-of-\d+\.parquet$/.test(f)), 'only the first row group was fetched');
    assert.equal((await service.stats(preview.sql)).rows, rows, 'statistics are of the whole table');
    const sorted = await service.query(preview.sql, { sort: { column: 0, descending: true } });
    assert.equal(tableFromIPC(Buffer.from(sorted.arrow, 'base64')).getChildAt(0)?.get(0), BigInt(rows - 1), 'the sort sees the last row group');
    assert.equal(sorted.totalRows, rows);
  } finally {
    await service.dispose();
    await server.close();
    if (cacheDir === undefined) delete process.env.FLOE_CACHE_DIR;
    else process.env.FLOE_CACHE_DIR = cacheDir;
  }
});
