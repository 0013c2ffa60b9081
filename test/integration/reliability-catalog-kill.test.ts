// The local catalog (`floe catalog serve`, a child process) killed with SIGKILL while writers commit to three
// tables: after a restart on the same warehouse every table loads, reads whole writes only (every confirmed one,
// plus any whose outcome was unknown), references no missing file, and takes new commits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnCatalogServe, type CatalogProcess } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { CatalogError, type Catalog } from '../../server/src/catalog/catalog';
import { DuckSession } from '../../server/src/engine/session';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import '../../server/src/engine/read/default-planner';
import { writeTable } from '../../server/src/engine/write/write-table';
import { WriteError } from '../../server/src/engine/write/write-error';
import { storageFor } from '../../server/src/storage/factory';
import { referencedFiles } from '../../server/src/engine/maintenance/orphan-files';

let warehouse: string;
let port: number;
let serve: CatalogProcess | undefined;
let session: DuckSession;
let writerSessions: DuckSession[];
const tables = ['t1', 't2', 't3'].map((name) => ({ namespace: ['gold'], name }));

before(async () => {
  warehouse = await mkdtemp(path.join(os.tmpdir(), 'floe-catalog-kill-'));
  port = await freePort();
  session = await DuckSession.open();
  writerSessions = await Promise.all(tables.map(() => DuckSession.open()));
});
after(async () => {
  session?.close();
  for (const s of writerSessions ?? []) s.close();
  if (serve && serve.child.exitCode === null && serve.child.signalCode === null) await serve.stop();
  await rm(warehouse, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

async function start(): Promise<Catalog> {
  serve = await spawnCatalogServe(['--warehouse', warehouse, '--port', String(port)]);
  return connectRestCatalog({ uri: serve.uri, warehouse: 'floe', timeoutMs: 5000 });
}

const sqlOf = (tag: number) => `SELECT ${tag}::INTEGER AS tag, i::BIGINT AS i FROM range(${50 + tag}) r(i)`;

async function metadataFiles(): Promise<Set<string>> {
  const out = new Set<string>();
  for (const t of tables) for (const f of await readdir(path.join(warehouse, 'gold', t.name, 'metadata')).catch(() => [])) if (f.endsWith('.metadata.json')) out.add(`${t.name}/${f}`);
  return out;
}

/** Resolves when the catalog has written `count` new metadata files (the last one mid-commit: before or just after its pointer swap). */
async function newMetadataFiles(known: Set<string>, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    let n = 0;
    for (const f of await metadataFiles()) if (!known.has(f)) n++;
    if (n >= count) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error('no commit reached the catalog within 20 s');
}

test('the catalog server killed mid-commit restarts with every table consistent', async () => {
  let catalog = await start();
  await catalog.createNamespace(['gold']);
  const confirmed = new Map<string, Set<number>>(tables.map((t) => [t.name, new Set([0])]));
  const unknown = new Map<string, Set<number>>(tables.map((t) => [t.name, new Set()]));
  for (const t of tables) await writeTable({ session, catalog, table: t, mode: 'create', sql: sqlOf(0) });
  let tag = 0;
  const errors = new Map<string, number>();
  for (let round = 0; round < 3; round++) {
    const known = await metadataFiles();
    let stop = false;
    const c = catalog;
    // One writer per table, appending until the catalog dies under it.
    const writers = tables.map(async (t, i) => {
      while (!stop) {
        const mine = ++tag;
        try {
          await writeTable({ session: writerSessions[i], catalog: c, table: t, mode: 'append', sql: sqlOf(mine) });
          confirmed.get(t.name)!.add(mine);
        } catch (e) {
          const kind = e instanceof WriteError || e instanceof CatalogError ? e.kind : 'other';
          errors.set(kind, (errors.get(kind) ?? 0) + 1);
          assert.ok(e instanceof WriteError || e instanceof CatalogError, `a typed error: ${String(e)}`);
          assert.match((e as Error).message, /gold\.t\d|127\.0\.0\.1/, 'the error names the table or the catalog');
          unknown.get(t.name)!.add(mine);
          return;
        }
      }
    });
    await newMetadataFiles(known, 1 + round * 3);
    serve!.child.kill('SIGKILL');
    await serve!.stop();
    stop = true;
    await Promise.all(writers);
    catalog = await start();
    for (const t of tables) {
      const loaded = await catalog.loadTable(t);
      const storage = storageFor(loaded.metadata.location);
      for (const f of await referencedFiles(loaded, storage, t.name)) assert.ok(await storage.exists(f), `${t.name}: referenced file exists after restart: ${f}`);
      await registerIcebergTable(session, 'after_restart', loaded);
      const r = await session.query('SELECT tag, count(*)::INTEGER FROM after_restart GROUP BY tag ORDER BY tag');
      const present = new Map(r.rows.map((row) => [row[0] as number, row[1] as number]));
      for (const [tg, n] of present) {
        assert.equal(n, 50 + tg, `${t.name}: write ${tg} is whole`);
        assert.ok(confirmed.get(t.name)!.has(tg) || unknown.get(t.name)!.has(tg), `${t.name}: write ${tg} was attempted`);
      }
      for (const tg of confirmed.get(t.name)!) assert.ok(present.has(tg), `${t.name}: confirmed write ${tg} survived the crash`);
      assert.equal(loaded.metadata.snapshots.length, present.size, `${t.name}: one snapshot per write present`);
    }
  }
  // After the crashes the catalog still takes commits on every table (no stale lock).
  for (const t of tables) await writeTable({ session, catalog, table: t, mode: 'append', sql: sqlOf(999) });
  await serve!.stop();
  const total = [...confirmed.values()].reduce((n, s) => n + s.size, 0);
  console.log(`catalog kills: 3 rounds, ${total} confirmed commits kept, writer errors at the kill: ${[...errors].map(([k, n]) => `${k}=${n}`).join(' ')}`);
});
