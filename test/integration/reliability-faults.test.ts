// Writes through a fault-injecting proxy in front of S3 (moto) and in front of the local catalog: each write lands
// whole or leaves the table at its previous snapshot, no referenced file is ever missing, a commit whose answer is
// lost keeps its files and is seen by the next read, and orphan cleanup afterwards removes only unreferenced files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMoto, type Moto } from '../helpers/moto';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { startFaultProxy, type Fault, type FaultProxy, type ProxiedRequest } from '../helpers/fault-proxy';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import type { Catalog } from '../../server/src/catalog/catalog';
import type { TableIdentifier } from '../../server/src/iceberg/spec';
import { DuckSession } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import '../../server/src/engine/read/default-planner';
import { storageFor } from '../../server/src/storage/factory';
import type { Storage } from '../../server/src/storage/storage';
import { findOrphanFiles, referencedFiles } from '../../server/src/engine/maintenance/orphan-files';
import { tableCommand } from '../../server/src/cli/commands/table';

let moto: Moto;
let server: TestCatalog;
let s3Proxy: FaultProxy;
let catalogProxy: FaultProxy;
let direct: Catalog;      // for checks: no faults
let faulty: Catalog;      // for the engine: through the catalog proxy
let session: DuckSession;
let s3: Storage;

before(async () => {
  moto = await startMoto(['lake']);
  server = await startTestCatalog({
    baseLocation: 's3://lake',
    tableConfig: { 's3.endpoint': moto.endpoint, 's3.path-style-access': 'true', 'client.region': 'us-east-1', 's3.access-key-id': 'test', 's3.secret-access-key': 'test' },
  });
  s3Proxy = await startFaultProxy(moto.endpoint);
  catalogProxy = await startFaultProxy(new URL(server.uri).origin, { errorBody: 'iceberg', upstreamHost: true });
  direct = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  faulty = await connectRestCatalog({ uri: `${catalogProxy.url}${new URL(server.uri).pathname}`, warehouse: server.name, timeoutMs: 5000 });
  await direct.createNamespace(['gold']);
  session = await DuckSession.open({ settings: { TimeZone: 'UTC' } });
  s3 = storageFor('s3://lake/', { s3: moto.s3 });
});
after(async () => {
  session?.close();
  await s3Proxy?.close();
  await catalogProxy?.close();
  await server?.close();
  await moto?.stop();
});

/** The engine's S3 goes through the proxy; the catalog's own writes and the test's checks go straight to moto. */
const viaProxy = (location: string) => storageFor(location, { s3: { ...moto.s3, endpoint: s3Proxy.url } });

function append(id: TableIdentifier, tag: number, rows: number) {
  return writeTable({
    session, catalog: faulty, storageFactory: viaProxy, table: id, mode: 'append', maxCommitAttempts: 3,
    sql: `SELECT ${tag}::INTEGER AS tag, i::BIGINT AS i, repeat('x', 200) AS pad FROM range(${rows}) r(i)`,
  });
}

/** Rows per tag as the table reads now, and every referenced file checked to exist. */
async function state(id: TableIdentifier): Promise<{ snapshot: bigint | undefined; tags: Map<number, number>; missing: string[] }> {
  const loaded = await direct.loadTable(id);
  const refs = await referencedFiles(loaded, s3, id.name);
  const missing: string[] = [];
  for (const uri of refs) if (!(await s3.exists(uri))) missing.push(uri);
  await registerIcebergTable(session, 'checked', loaded);
  const r = await session.query('SELECT tag, count(*)::INTEGER FROM checked GROUP BY tag ORDER BY tag');
  return { snapshot: loaded.metadata['current-snapshot-id'], tags: new Map(r.rows.map((row) => [row[0] as number, row[1] as number])), missing };
}

const isCommit = (r: ProxiedRequest, name: string) => r.method === 'POST' && r.path.endsWith(`/tables/${name}`);
const isPut = (r: ProxiedRequest) => r.method === 'PUT' || (r.method === 'POST' && r.path.includes('uploadId'));

/** A fault on the first `times` requests matching `when`; the rest pass. */
function firstN(when: (r: ProxiedRequest) => boolean, fault: Fault, times: number) {
  let left = times;
  return (r: ProxiedRequest) => (when(r) && left-- > 0 ? fault : undefined);
}

interface Scenario { name: string; s3?: FaultProxy['plan']; catalog?: FaultProxy['plan']; outcome: 'lands' | 'unchanged' | 'either' }

function scenarios(table: string): Scenario[] {
  return [
    { name: 'S3 upload reset mid-body once (SDK retries)', s3: firstN(isPut, { kind: 'reset' }, 1), outcome: 'lands' },
    { name: 'S3 503 SlowDown twice', s3: firstN(isPut, { kind: 'status', status: 503 }, 2), outcome: 'lands' },
    { name: 'S3 429 once', s3: firstN(isPut, { kind: 'status', status: 429 }, 1), outcome: 'lands' },
    { name: 'S3 500 on every upload', s3: (r) => (isPut(r) ? { kind: 'status', status: 500 } : undefined), outcome: 'unchanged' },
    { name: 'S3 reset on every upload', s3: (r) => (isPut(r) ? { kind: 'reset' } : undefined), outcome: 'unchanged' },
    { name: 'S3 latency 150 ms on every request', s3: () => ({ kind: 'latency', ms: 150 }), outcome: 'lands' },
    { name: 'S3 manifest-list upload fails (SlowDown x5)', s3: firstN((r) => isPut(r) && r.path.includes('snap-'), { kind: 'status', status: 503 }, 5), outcome: 'unchanged' },
    // The local catalog honours Idempotency-Key, so a commit that got a 503 or lost its connection is sent again
    // with the same key and lands once (catalog-idempotency.test.ts covers a server without keys).
    { name: 'catalog 503 on commit (not applied, retried with its key)', catalog: firstN((r) => isCommit(r, table), { kind: 'status', status: 503 }, 1), outcome: 'lands' },
    { name: 'catalog 429 on commit', catalog: firstN((r) => isCommit(r, table), { kind: 'status', status: 429 }, 1), outcome: 'unchanged' },
    { name: 'catalog reset during commit (retried with its key)', catalog: firstN((r) => isCommit(r, table), { kind: 'reset' }, 1), outcome: 'lands' },
    { name: 'catalog 500 on load', catalog: firstN((r) => r.method === 'GET' && r.path.endsWith(`/tables/${table}`), { kind: 'status', status: 500 }, 1), outcome: 'unchanged' },
    { name: 'catalog answer to the commit lost (502 after applying)', catalog: firstN((r) => isCommit(r, table), { kind: 'lost-response' }, 1), outcome: 'lands' },
    { name: 'catalog latency 100 ms', catalog: () => ({ kind: 'latency', ms: 100 }), outcome: 'lands' },
    { name: 'random: a third of S3 requests fail (reset, 500, 503, 429)', s3: seededRandomFaults(7, 1 / 3), outcome: 'either' },
    { name: 'random: a third of S3 requests fail, seed 2', s3: seededRandomFaults(11, 1 / 3), outcome: 'either' },
  ];
}

function seededRandomFaults(seed: number, p: number): FaultProxy['plan'] {
  let x = seed;
  const rand = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
  const kinds: Fault[] = [{ kind: 'reset' }, { kind: 'status', status: 500 }, { kind: 'status', status: 503 }, { kind: 'status', status: 429 }];
  return () => (rand() < p ? kinds[Math.floor(rand() * kinds.length)] : undefined);
}

test('under S3 and catalog faults every write lands whole or leaves the table at its previous snapshot', async () => {
  const id = { namespace: ['gold'], name: 'faults' };
  await writeTable({ session, catalog: direct, table: id, mode: 'create', sql: `SELECT 0::INTEGER AS tag, i::BIGINT AS i, repeat('x', 200) AS pad FROM range(500) r(i)` });
  const expected = new Map<number, number>([[0, 500]]);
  const outcomes: string[] = [];
  let tag = 0;
  let beforeState = await state(id);
  for (const sc of scenarios(id.name)) {
    tag++;
    s3Proxy.plan = sc.s3 ?? (() => undefined);
    catalogProxy.plan = sc.catalog ?? (() => undefined);
    let error: Error | undefined;
    const started = Date.now();
    try {
      await append(id, tag, 2000);
    } catch (e) {
      error = e as Error;
    } finally {
      s3Proxy.plan = () => undefined;
      catalogProxy.plan = () => undefined;
    }
    const now = await state(id);
    assert.deepEqual(now.missing, [], `${sc.name}: referenced files missing`);
    const landed = now.snapshot !== beforeState.snapshot;
    if (landed) expected.set(tag, 2000);
    assert.deepEqual(now.tags, expected, `${sc.name}: the table holds exactly the rows of the writes that landed`);
    if (sc.outcome === 'lands') assert.ok(landed && !error, `${sc.name}: expected the write to land, got ${error?.message}`);
    if (sc.outcome === 'unchanged') assert.ok(!landed && error, `${sc.name}: expected a clean failure`);
    if (error) {
      assert.ok(error.message.length > 0 && !/\n\s+at /.test(error.message), `${sc.name}: a clear one-line error: ${error.message}`);
      assert.match(error.message, /faults|gold|s3:\/\/|catalog|127\.0\.0\.1/, `${sc.name}: the error names the table, file or catalog: ${error.message}`);
    }
    beforeState = now;
    outcomes.push(`${sc.name}: ${landed ? 'landed' : 'unchanged'} in ${Date.now() - started} ms${error ? ` (${error.name}: ${error.message.slice(0, 120)})` : ''}`);
  }
  // Orphans the failed writes left (certainly-failed files are removed; unknown outcomes keep theirs) go with
  // `floe table cleanup` on S3, run as the CLI runs it.
  const loaded = await direct.loadTable(id);
  const report = await findOrphanFiles({ table: 'gold.faults', storage: s3, olderThanMs: 0, load: () => direct.loadTable(id) });
  const cli = async (...args: string[]) => {
    let out = '';
    const code = await tableCommand.run(['cleanup', '--catalog', server.uri, '--warehouse', server.name, ...args, 'gold.faults'], { out: (t) => { out += t; }, err: (t) => { out += t; } });
    return { code, out };
  };
  const dry = await cli('--dry-run', '--older-than', '0');
  assert.equal(dry.code, 0, dry.out);
  assert.deepEqual(dry.out.split('\n').filter((l) => l.startsWith('would remove')).map((l) => l.split(' ')[2]).sort(), report.orphans.map((o) => o.uri).sort());
  const removed = await cli('--older-than', '0');
  assert.equal(removed.code, 0, removed.out);
  assert.match(removed.out, new RegExp(`removed ${report.orphans.length} orphan file`));
  const after = await state(id);
  assert.deepEqual(after.missing, []);
  assert.deepEqual(after.tags, expected);
  assert.equal(after.snapshot, loaded.metadata['current-snapshot-id']);
  const again = await findOrphanFiles({ table: 'gold.faults', storage: s3, olderThanMs: 0, load: () => direct.loadTable(id) });
  assert.deepEqual(again.orphans, []);
  const injected = [...[...s3Proxy.injected].map(([k, n]) => `s3 ${k}=${n}`), ...[...catalogProxy.injected].map(([k, n]) => `catalog ${k}=${n}`)].join(', ');
  console.log(`faults: ${scenarios(id.name).length} scenarios, ${injected}; orphans removed by floe table cleanup ${report.orphans.length}\n  ${outcomes.join('\n  ')}`);
});

test('a commit whose answer is lost: the engine keeps its files and the next read sees the data', async () => {
  const id = { namespace: ['gold'], name: 'lost_answer' };
  await writeTable({ session, catalog: direct, table: id, mode: 'create', sql: 'SELECT 0::INTEGER AS tag, 1::BIGINT AS i' });
  const lostBefore = catalogProxy.injected.get('lost-response') ?? 0;
  catalogProxy.plan = firstN((r) => isCommit(r, id.name), { kind: 'lost-response' }, 1);
  const result = await writeTable({
    session, catalog: faulty, storageFactory: viaProxy, table: id, mode: 'append',
    sql: 'SELECT 1::INTEGER AS tag, i::BIGINT AS i FROM range(100) r(i)',
  }).finally(() => { catalogProxy.plan = () => undefined; });
  assert.equal(catalogProxy.injected.get('lost-response'), lostBefore + 1, 'the proxy lost the commit answer');
  const loaded = await direct.loadTable(id);
  assert.equal(loaded.metadata['current-snapshot-id'], result.snapshotId, 'the commit the catalog applied is current');
  const now = await state(id);
  assert.deepEqual(now.missing, []);
  assert.deepEqual(now.tags, new Map([[0, 1], [1, 100]]));
});
