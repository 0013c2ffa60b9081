// floe query over an Iceberg table whose metadata, manifests and data files live in S3 (moto).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMoto, type Moto } from '../helpers/moto';
import { S3Storage } from '../../server/src/storage/s3';
import { FileCache } from '../../server/src/storage/cache';
import { StorageError } from '../../server/src/storage/storage';
import { parseQueryArgs, runQuery } from '../../server/src/cli/commands/query';

const fixtures = path.resolve(__dirname, '../../../shared/fixtures/iceberg/data/persistent');
const cacheDir = mkdtempSync(path.join(tmpdir(), 'floe-qs3-'));
let moto: Moto;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(path.join(dir, n)).isDirectory() ? filesUnder(path.join(dir, n)) : [path.join(dir, n)]));
}

async function uploadTable(localDir: string, uri: string): Promise<void> {
  const s3 = new S3Storage({ ...moto.s3, cache: new FileCache(cacheDir) });
  await Promise.all(filesUnder(localDir).map((f) => s3.upload(f, `${uri}/${path.relative(localDir, f)}`)));
}

async function query(sql: string, table: string): Promise<unknown[][]> {
  const args = parseQueryArgs(['--table', `t=${table}`, '--format', 'json', sql]);
  const out = JSON.parse(await runQuery({ ...args, s3: moto.s3 })) as { rows: unknown[][] };
  return out.rows;
}

before(async () => {
  process.env.FLOE_CACHE_DIR = cacheDir;
  moto = await startMoto(['lake']);
  await Promise.all([
    uploadTable(path.join(fixtures, 'equality_deletes/warehouse/mydb/mytable'), 's3://lake/mydb/mytable'),
    uploadTable(path.join(fixtures, 'partition_integer'), 's3://lake/partition_integer'),
  ]);
});
after(async () => {
  await moto?.stop();
  rmSync(cacheDir, { recursive: true, force: true });
});

test('reads a moved table from S3 with equality deletes applied', async () => {
  assert.deepEqual(await query('SELECT id, name, bir FROM t ORDER BY id', 's3://lake/mydb/mytable'), [[4, 'd', '2025-01-04'], [5, 'e', '2025-01-05']]);
});

test('reads an S3 table by its metadata.json path, files coming from the cache the second time', async () => {
  const sql = 'SELECT partition_col, user_id FROM t ORDER BY partition_col';
  const expected = [[42, '12345'], [1337, '67890']];
  assert.deepEqual(await query(sql, 's3://lake/partition_integer/metadata/v2.metadata.json'), expected);
  const cached = filesUnder(cacheDir).filter((f) => f.endsWith('.parquet')).length;
  assert.ok(cached >= 2, 'data files are cached on disk');
  assert.deepEqual(await query(sql, 's3://lake/partition_integer'), expected);
  assert.equal(filesUnder(cacheDir).filter((f) => f.endsWith('.parquet')).length, cached);
});

test('a missing data file is an error naming the file and the table', async () => {
  await uploadTable(path.join(fixtures, 'partition_bigint'), 's3://lake/broken');
  const s3 = new S3Storage({ ...moto.s3, cache: new FileCache(cacheDir) });
  const victim = (await s3.list('s3://lake/broken/data/')).find((o) => o.uri.endsWith('.parquet'))!.uri;
  await s3.delete(victim);
  await assert.rejects(query('SELECT * FROM t', 's3://lake/broken'), (e: unknown) =>
    e instanceof StorageError && e.kind === 'not-found' && e.message.includes(victim) && e.message.includes('table t'));
});

test('a corrupt data file in S3 is named by its URI, not by its cache path', async () => {
  await uploadTable(path.join(fixtures, 'partition_double'), 's3://lake/corrupt');
  const s3 = new S3Storage({ ...moto.s3, cache: new FileCache(cacheDir) });
  const victim = (await s3.list('s3://lake/corrupt/data/')).find((o) => o.uri.endsWith('.parquet'))!;
  await s3.write(victim.uri, new TextEncoder().encode('not parquet at all'));
  await assert.rejects(query('SELECT * FROM t', 's3://lake/corrupt'), (e: unknown) =>
    e instanceof Error && e.message.includes(victim.uri) && !e.message.includes(cacheDir));
});
