import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startMoto, type Moto } from '../helpers/moto';
import { S3Storage, s3OptionsFromProperties } from '../../server/src/storage/s3';
import { FileCache } from '../../server/src/storage/cache';
import { StorageError } from '../../server/src/storage/storage';

let moto: Moto;
let storage: S3Storage;
const dir = mkdtempSync(path.join(tmpdir(), 'floe-s3-'));
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const isStorageError = (kind: string, uri: string) => (e: unknown) => e instanceof StorageError && e.kind === kind && e.message.includes(uri);

before(async () => {
  moto = await startMoto(['lake']);
  storage = new S3Storage({ ...moto.s3, cache: new FileCache(path.join(dir, 'cache')) });
});
after(async () => {
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('reads whole objects and byte ranges', async () => {
  await storage.write('s3://lake/t/a.txt', bytes('0123456789'));
  assert.equal(text(await storage.read('s3://lake/t/a.txt')), '0123456789');
  assert.equal(text(await storage.readRange('s3://lake/t/a.txt', 2, 5)), '234');
  assert.equal(text(await storage.readRange('s3://lake/t/a.txt', 7, 100)), '789');
  assert.equal(await storage.size('s3://lake/t/a.txt'), 10);
  assert.equal(await storage.exists('s3://lake/t/a.txt'), true);
  assert.equal(await storage.exists('s3://lake/t/none.txt'), false);
  await assert.rejects(storage.read('s3://lake/t/none.txt'), isStorageError('not-found', 's3://lake/t/none.txt'));
});

test('lists past one page of ListObjectsV2', async () => {
  const keys = Array.from({ length: 25 }, (_, i) => `p/${String(i).padStart(4, '0')}`);
  await Promise.all(keys.map((k) => storage.client.send(new PutObjectCommand({ Bucket: 'lake', Key: k, Body: 'x' }))));
  const paged = new S3Storage({ ...moto.s3, listPageSize: 10 });
  const listed = await paged.list('s3://lake/p/');
  assert.equal(listed.length, 25);
  assert.deepEqual({ uri: listed[24].uri, size: listed[24].size }, { uri: 's3://lake/p/0024', size: 1 });
  assert.ok(Math.abs((listed[24].modifiedMs ?? 0) - Date.now()) < 3_600_000, 'modification times are reported');
  assert.deepEqual(listed.map((o) => o.uri), keys.map((k) => `s3://lake/${k}`));
});

test('conditional write refuses to replace an existing object', async () => {
  await storage.write('s3://lake/m/v1.metadata.json', bytes('first'), { ifAbsent: true });
  await assert.rejects(storage.write('s3://lake/m/v1.metadata.json', bytes('second'), { ifAbsent: true }), isStorageError('exists', 's3://lake/m/v1.metadata.json'));
  assert.equal(text(await storage.read('s3://lake/m/v1.metadata.json')), 'first');
});

test('uploads large files in parts, and caches downloads once', async () => {
  const big = path.join(dir, 'big.bin');
  const data = randomBytes(20 * 1024 * 1024 + 123);
  writeFileSync(big, data);
  await storage.upload(big, 's3://lake/big/data.parquet');
  assert.equal(await storage.size('s3://lake/big/data.parquet'), data.length);
  const head = await storage.client.send(new HeadObjectCommand({ Bucket: 'lake', Key: 'big/data.parquet' }));
  assert.match(head.ETag ?? '', /-3"$/, 'uploaded as a 3-part multipart upload');
  const seen: number[] = [];
  const [p1, p2] = await Promise.all([
    storage.localPath('s3://lake/big/data.parquet', { size: data.length, onProgress: (p) => seen.push(p.bytes) }),
    storage.localPath('s3://lake/big/data.parquet', { size: data.length }),
  ]);
  assert.equal(p1, p2);
  assert.ok(readFileSync(p1).equals(data));
  assert.equal(seen.at(-1), data.length);
  const again: number[] = [];
  await storage.localPath('s3://lake/big/data.parquet', { size: data.length, onProgress: (p) => again.push(p.bytes) });
  assert.deepEqual(again, [], 'a cached file is not downloaded again');
});

test('vended credentials come from the table config', () => {
  assert.deepEqual(
    s3OptionsFromProperties({ 's3.endpoint': 'http://x:9000', 's3.access-key-id': 'AK', 's3.secret-access-key': 'SK', 's3.session-token': 'TOK', 's3.path-style-access': 'true', 'client.region': 'eu-west-1' }),
    { endpoint: 'http://x:9000', accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: 'TOK', forcePathStyle: true, region: 'eu-west-1' },
  );
});

test('an unreachable endpoint is an unavailable error', async () => {
  const down = new S3Storage({ ...moto.s3, endpoint: 'http://127.0.0.1:9' });
  await assert.rejects(down.read('s3://lake/t/a.txt'), isStorageError('unavailable', 's3://lake/t/a.txt'));
});

// Last: enabling auth makes this moto check every later request's signature.
test('wrong credentials are a denied error naming the URI; right ones work', async () => {
  const user = await moto.enableAuth();
  const good = new S3Storage({ ...moto.s3, ...user, cache: new FileCache(path.join(dir, 'cache2')) });
  await good.write('s3://lake/secure/ok.txt', bytes('ok'));
  assert.equal(text(await good.read('s3://lake/secure/ok.txt')), 'ok');
  const wrongSecret = new S3Storage({ ...moto.s3, accessKeyId: user.accessKeyId, secretAccessKey: 'wrong' });
  await assert.rejects(wrongSecret.read('s3://lake/secure/ok.txt'), (e: unknown) => e instanceof StorageError && e.kind === 'denied' && /credentials/.test(e.message) && e.message.includes('s3://lake/secure/ok.txt'));
  const unknownKey = new S3Storage({ ...moto.s3, accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' });
  await assert.rejects(unknownKey.read('s3://lake/secure/ok.txt'), isStorageError('denied', 's3://lake/secure/ok.txt'));
});
