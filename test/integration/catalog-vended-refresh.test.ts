// Vended S3 keys that really expire (moto with auth; each key is deleted when its `s3.session-token-expires-at-ms`
// passes) are refreshed through the table's GET .../credentials mid-read and mid-write, so long operations go on.
// A fault proxy in front of moto adds latency, so each operation outlives several two-second keys.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startMoto, type KeyPool, type Moto } from '../helpers/moto';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog, type RestCatalog } from '../../server/src/catalog/rest-client';
import { defaultStorageFactory, writeTable } from '../../server/src/engine/write/write-table';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import '../../server/src/engine/read/default-planner';
import { DuckSession } from '../../server/src/engine/session';
import { FileCache } from '../../server/src/storage/cache';
import { storageFor } from '../../server/src/storage/factory';
import { s3OptionsFromProperties, S3Storage } from '../../server/src/storage/s3';
import { StorageError } from '../../server/src/storage/storage';
import type { Schema } from '../../server/src/iceberg/spec';

const KEY_LIFETIME_MS = 2000;
/** moto checks a signature once the whole body has arrived (S3 when the request starts), and an 8 MiB part takes
 * seconds here: a key is revoked this long after its expiry, so a part begun with a live key is not refused. */
const REVOKE_GRACE_MS = 3000;
/** A client that never refreshed would meet a revoked key in any operation longer than this. */
const KEY_USABLE_MS = KEY_LIFETIME_MS + REVOKE_GRACE_MS;
const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'long' }] };

let moto: Moto;
let pool: KeyPool;
let proxy: FaultProxy;
let server: TestCatalog;
let catalog: RestCatalog;
let tmp: string;
const catalogLog: string[] = [];
const revocations: Promise<void>[] = [];
const timers: NodeJS.Timeout[] = [];
let minted = 0;

before(async () => {
  moto = await startMoto(['lake']);
  pool = await moto.enableAuthWithKeyPool(60);
  proxy = await startFaultProxy(moto.endpoint);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'floe-vended-'));
  server = await startTestCatalog({
    baseLocation: 's3://lake',
    // The catalog writes metadata with its own (admin) key, straight to moto.
    tableConfig: {
      's3.endpoint': moto.endpoint, 's3.path-style-access': 'true', 'client.region': 'us-east-1',
      's3.access-key-id': pool.admin.accessKeyId, 's3.secret-access-key': pool.admin.secretAccessKey,
    },
    // Each vend hands out a key of its own that stops working when its expiry passes, as STS keys do.
    vendCredentials: async () => {
      const key = pool.keys[minted++];
      if (!key) throw new Error('the test key pool is used up');
      timers.push(setTimeout(() => revocations.push(pool.revoke(key)), KEY_USABLE_MS));
      return {
        's3.endpoint': proxy.url, 's3.path-style-access': 'true', 'client.region': 'us-east-1',
        's3.access-key-id': key.accessKeyId, 's3.secret-access-key': key.secretAccessKey,
        's3.session-token-expires-at-ms': String(Date.now() + KEY_LIFETIME_MS),
      };
    },
    log: (line) => catalogLog.push(line),
  });
  catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  await catalog.createNamespace(['lake']);
});

after(async () => {
  for (const t of timers) clearTimeout(t);
  await Promise.allSettled(revocations);
  await server?.close();
  await proxy?.close();
  await moto?.stop();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const credentialCalls = () => catalogLog.filter((l) => /^GET \S+\/credentials -> 200/.test(l)).length;
/** Requests S3 refused. Uploads with a body are left out: moto authenticates them only once the body is in, which
 * under load can be seconds after the key was signed with (S3 checks when the request starts). */
const refused = () => proxy.requests.filter((r) => r.status === 403 && r.method !== 'PUT');

test('a multipart upload and a long ranged read outlive several vended keys, refreshing them through /credentials', async () => {
  const id = { namespace: ['lake'], name: 'blobs' };
  await catalog.createTable(['lake'], { name: id.name, schema });
  const loaded = await catalog.loadTable(id);
  assert.ok(loaded.credentialRefresher, 'expiring vended keys come with a refresher');
  assert.ok(catalog.supports('GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/credentials'));
  const storage = defaultStorageFactory(loaded.metadata.location, loaded.config, loaded.credentialRefresher) as S3Storage;
  const callsBefore = credentialCalls();

  // 40 MiB: CreateMultipartUpload, five 8 MiB parts (four at a time), Complete; each request delayed 700 ms.
  const data = randomBytes(40 * 1024 * 1024);
  const file = path.join(tmp, 'big.bin');
  await writeFile(file, data);
  const uri = `${loaded.metadata.location}/data/big.bin`;
  proxy.plan = () => ({ kind: 'latency', ms: 700 });
  const started = Date.now();
  await storage.upload(file, uri);
  const uploadMs = Date.now() - started;
  // Then 1 MiB ranges one after another, 300 ms each, for longer than any one key can be used.
  proxy.plan = () => ({ kind: 'latency', ms: 300 });
  const readStart = Date.now();
  let ranges = 0;
  for (let at = 0; Date.now() - readStart < KEY_USABLE_MS + 1000; at = (at + 1024 * 1024) % data.length, ranges++) {
    const got = await storage.readRange(uri, at, at + 1024 * 1024);
    assert.ok(Buffer.from(got).equals(data.subarray(at, at + 1024 * 1024)), `range at ${at}`);
  }
  proxy.plan = () => undefined;

  assert.equal(await storage.size(uri), data.length);
  // the loop is timed (past a key's life), so a loaded machine reads fewer ranges: enough that reads span keys
  assert.ok(ranges >= 3, `${ranges} ranges read after a ${uploadMs} ms upload`);
  assert.ok(storage.credentials!.refreshes >= 3, `refreshed ${storage.credentials!.refreshes} times`);
  assert.ok(credentialCalls() - callsBefore >= 3, 'new keys came from GET .../credentials');
  assert.deepEqual(refused().map((r) => `${r.method} ${r.path}`), [], 'S3 never refused a key');

  // The keys really stop working: the same read with the first key and no refresher fails once it is revoked.
  const first = await catalog.loadTable(id);
  const stale = storageFor(uri, { s3: s3OptionsFromProperties(first.config) });
  await new Promise((r) => setTimeout(r, KEY_USABLE_MS + 500));
  await assert.rejects(stale.readRange(uri, 0, 1024), (e: unknown) => e instanceof StorageError && e.kind === 'denied');
});

test('a write and a preview through the engine each outlive several vended keys', async () => {
  const session = await DuckSession.open({ settings: { TimeZone: 'UTC' } });
  try {
    const id = { namespace: ['lake'], name: 'events' };
    // Unpartitioned: moto with auth on miscomputes signatures of keys holding '=' (k=p0/...).
    const sql = `SELECT i::BIGINT AS id, 'p' || (i % 12) AS k, md5(i::VARCHAR) || md5((i + 1)::VARCHAR) AS pad FROM range(500000) r(i)`;
    const refusedBefore = refused().length;
    const callsBefore = credentialCalls();
    // Slow enough that the write and the preview each outlast a key on a quiet machine too (each is asserted below).
    proxy.plan = () => ({ kind: 'latency', ms: 1500 });
    let started = Date.now();
    const written = await writeTable({ session, catalog, table: id, sql, mode: 'create', properties: { 'write.target-file-size-bytes': '262144' } });
    const writeMs = Date.now() - started;
    assert.equal(written.rows, 500000n);
    assert.ok(written.files >= 4, `${written.files} data files`);
    assert.ok(writeMs > KEY_USABLE_MS, `the write took ${writeMs} ms, longer than a key can be used`);

    started = Date.now();
    // A cache of its own, so the preview downloads every file through the proxy.
    await registerIcebergTable(session, 'events', await catalog.loadTable(id), { storage: { cache: new FileCache(path.join(tmp, 'cache')) }, concurrency: 2 });
    const readMs = Date.now() - started;
    proxy.plan = () => undefined;
    assert.ok(readMs > KEY_USABLE_MS, `the preview took ${readMs} ms, longer than a key can be used`);
    assert.deepEqual((await session.query('SELECT count(*), count(DISTINCT k) FROM events')).rows, [['500000', '12']]);
    assert.ok(credentialCalls() > callsBefore, 'the preview refreshed its keys through GET .../credentials');
    assert.deepEqual(refused().slice(refusedBefore).map((r) => `${r.method} ${r.path}`), [], 'S3 never refused a key');
  } finally {
    session.close();
  }
});
