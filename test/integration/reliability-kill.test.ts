// `floe write` processes killed with SIGKILL at different points of a write (data files appearing, manifests,
// the manifest list, or a random moment): the table stays readable at its last good snapshot, and
// `floe table cleanup` reports the orphans, removes them, and never removes a file live metadata references.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import type { Catalog } from '../../server/src/catalog/catalog';
import { DuckSession } from '../../server/src/engine/session';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import '../../server/src/engine/read/default-planner';
import { storageFor } from '../../server/src/storage/factory';
import { fileKey, referencedFiles } from '../../server/src/engine/maintenance/orphan-files';
import { writeTable } from '../../server/src/engine/write/write-table';
import { tableCommand } from '../../server/src/cli/commands/table';
import { UsageError } from '../../server/src/cli/command';

const root = path.resolve(__dirname, '../..');
const main = path.join(root, 'server/src/cli/main.ts');
let server: TestCatalog;
let proxy: FaultProxy; // no faults: it tells when a killed writer's last request has reached the catalog
let catalog: Catalog;
let session: DuckSession;
const id = { namespace: ['gold'], name: 'killed' };

before(async () => {
  server = await startTestCatalog();
  catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  await catalog.createNamespace(['gold']);
  proxy = await startFaultProxy(new URL(server.uri).origin, { errorBody: 'iceberg', upstreamHost: true });
  session = await DuckSession.open();
});
after(async () => {
  session?.close();
  await proxy?.close();
  await server?.close();
});

const cat = () => ['--catalog', `${proxy.url}${new URL(server.uri).pathname}`, '--warehouse', server.name];

function floe(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], { cwd: root });
  let out = '', err = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { err += d; });
  const done = once(child, 'close').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null, out, err }));
  return { child, done };
}

/** Runs `floe table ARGS` in this process (the CLI command itself, as main.ts runs it). */
async function tableCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  try {
    const code = await tableCommand.run(args, { out: (t) => { out += t; }, err: (t) => { err += t; } });
    return { code, out, err };
  } catch (e) {
    if (e instanceof UsageError) return { code: 2, out, err: `floe table: ${e.message}\n` };
    throw e;
  }
}

const appendSql = (tag: number) => `SELECT ${tag}::INTEGER AS tag, i::BIGINT AS i, i % 7 AS k FROM range(60000) r(i)`;

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p); else out.push(p);
    }
  };
  await walk(dir);
  return out;
}

/** Resolves when a file matching `pattern` appears under `dir` that was not there before (polled; 20 s limit). */
async function fileAppears(dir: string, pattern: RegExp, known: Set<string>, exited: Promise<unknown>): Promise<boolean> {
  let gone = false;
  void exited.then(() => { gone = true; });
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !gone) {
    if ((await filesUnder(dir)).some((f) => pattern.test(f) && !known.has(f))) return true;
    await new Promise((r) => setTimeout(r, 3));
  }
  return false;
}

async function tableState(): Promise<{ snapshot: bigint | undefined; tags: Map<number, number>; missing: string[]; referenced: Set<string> }> {
  const loaded = await catalog.loadTable(id);
  const storage = storageFor(loaded.metadata.location);
  const referenced = await referencedFiles(loaded, storage, 'gold.killed');
  const missing: string[] = [];
  for (const f of referenced) if (!(await storage.exists(f))) missing.push(f);
  await registerIcebergTable(session, 'killed', loaded);
  const r = await session.query('SELECT tag, count(*)::INTEGER FROM killed GROUP BY tag ORDER BY tag');
  return { snapshot: loaded.metadata['current-snapshot-id'], tags: new Map(r.rows.map((row) => [row[0] as number, row[1] as number])), missing, referenced };
}

test('writers killed mid-write leave the table at its last good snapshot; cleanup removes their orphans and nothing live', async () => {
  await writeTable({ session, catalog, table: id, mode: 'create', partitionBy: 'k', sql: appendSql(0) });
  const location = (await catalog.loadTable(id)).metadata.location;
  const expected = new Map([[0, 60000]]);
  // Kill points, each a signal from the writer's own files: first data file, first manifest, manifest list; then a random moment.
  const points: { name: string; pattern?: RegExp; delayMs?: number }[] = [
    { name: 'first data file written', pattern: /\/data\/.*\.parquet$/ },
    { name: 'first manifest written', pattern: /\/metadata\/.*-m\d+\.avro$/ },
    { name: 'manifest list written', pattern: /\/metadata\/snap-.*\.avro$/ },
    { name: 'commit applied (new metadata file)', pattern: /\/metadata\/\d+-[^/]*\.metadata\.json$/ },
    { name: 'random moment', delayMs: 500 + Math.floor(Math.random() * 3500) },
  ];
  const log: string[] = [];
  let before = await tableState();
  for (const [n, point] of points.entries()) {
    const tag = n + 1;
    const known = new Set(await filesUnder(location));
    const w = floe(['write', ...cat(), '--mode', 'append', 'gold.killed', appendSql(tag)]);
    let signalled = true;
    if (point.pattern) signalled = await fileAppears(location, point.pattern, known, w.done);
    else await new Promise((r) => setTimeout(r, point.delayMs)); // the fault itself: a kill at an arbitrary moment
    w.child.kill('SIGKILL');
    const ended = await w.done;
    await proxy.idle(); // a commit sent just before the kill is still applied by the catalog
    const now = await tableState();
    assert.deepEqual(now.missing, [], `${point.name}: referenced files missing`);
    const landed = now.snapshot !== before.snapshot;
    if (landed) expected.set(tag, 60000);
    assert.deepEqual(now.tags, expected, `${point.name}: the table reads exactly the writes that committed`);
    log.push(`${point.name}${signalled ? '' : ' (writer finished first)'}: ${ended.signal === 'SIGKILL' ? 'killed' : `exit ${ended.code}`}, ${landed ? 'committed' : 'not committed'}`);
    before = now;
  }

  // Namespace gold.killed would put its tables inside gold.killed's folder, where a purge or cleanup of one could
  // reach the other: the catalog refuses such a nested table (403, as Polaris).
  await catalog.createNamespace(['gold', 'killed']);
  const inner = { namespace: ['gold', 'killed'], name: 'inner' };
  await assert.rejects(writeTable({ session, catalog, table: inner, mode: 'create', sql: 'SELECT 42 AS answer' }),
    (e: Error) => /conflicts with existing table gold\.killed/.test(e.message));

  const all = await filesUnder(location);
  const orphansOnDisk = all.filter((f) => !before.referenced.has(fileKey(f)) && !f.endsWith('version-hint.text'));
  // The default grace period (3 days) keeps fresh files: a running writer may still commit them.
  const graced = await tableCli(['cleanup', ...cat(), '--dry-run', 'gold.killed']);
  assert.equal(graced.code, 0, graced.err);
  assert.match(graced.out, new RegExp(`gold\\.killed: 0 orphan file\\(s\\), 0 bytes, would be removed; ${before.referenced.size} file\\(s\\) referenced by live metadata(; ${orphansOnDisk.length} unreferenced file\\(s\\) newer than --older-than kept)?\\n$`));

  const dry = await floe(['table', 'cleanup', ...cat(), '--dry-run', '--older-than', '0', 'gold.killed']).done;
  assert.equal(dry.code, 0, dry.err);
  const listed = dry.out.split('\n').filter((l) => l.startsWith('would remove ')).map((l) => l.slice('would remove '.length).replace(/ \(\d+ bytes\)$/, ''));
  assert.deepEqual(listed.map(fileKey).sort(), orphansOnDisk.sort(), 'dry run lists exactly the unreferenced files');
  assert.deepEqual((await filesUnder(location)).sort(), all.sort(), 'dry run removes nothing');

  const clean = await tableCli(['cleanup', ...cat(), '--older-than', '0', 'gold.killed']);
  assert.equal(clean.code, 0, clean.err);
  assert.match(clean.out, new RegExp(`removed ${orphansOnDisk.length} orphan file\\(s\\)`));
  const left = await filesUnder(location);
  assert.deepEqual(left.filter((f) => !before.referenced.has(fileKey(f)) && !f.endsWith('version-hint.text')), [], 'no orphans left');
  for (const f of before.referenced) assert.ok(left.includes(f), `live file kept: ${f}`);
  const after = await tableState();
  assert.deepEqual(after.tags, expected);
  assert.deepEqual(after.missing, []);
  const mtimes = await Promise.all(left.map((f) => stat(f).then((s) => s.size)));
  console.log(`killed writers: ${log.join('; ')}; orphans removed: ${orphansOnDisk.length}; files kept: ${left.length} (${mtimes.reduce((a, b) => a + b, 0)} bytes)`);
});

test('floe table cleanup: usage errors and an unknown table are clear one-line errors', async () => {
  const usage = await tableCli(['cleanup', ...cat(), '--older-than', 'soon', 'gold.killed']);
  assert.equal(usage.code, 2);
  assert.match(usage.err, /--older-than must be 0 or a number with s, m, h or d, got 'soon'/);
  const missing = await tableCli(['cleanup', ...cat(), '--older-than', '0', 'gold.nope']);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /gold\.nope/);
  assert.doesNotMatch(missing.err, /\n\s+at /);
});
