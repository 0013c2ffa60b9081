// Eight `floe write` processes append to and overwrite one table at once: every successful commit is in the
// table's history, each snapshot reads back with exactly the rows its writer (and, for appends, its parent) holds,
// and writers that give up fail with a clear one-line error naming the table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import type { Catalog } from '../../server/src/catalog/catalog';
import { DuckSession } from '../../server/src/engine/session';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import '../../server/src/engine/read/default-planner';
import { writeTable } from '../../server/src/engine/write/write-table';
import { storageFor } from '../../server/src/storage/factory';
import { referencedFiles } from '../../server/src/engine/maintenance/orphan-files';

const root = path.resolve(__dirname, '../..');
let server: TestCatalog;
let catalog: Catalog;
let session: DuckSession;
const id = { namespace: ['gold'], name: 'contended' };

before(async () => {
  server = await startTestCatalog();
  catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  await catalog.createNamespace(['gold']);
  session = await DuckSession.open();
});
after(async () => {
  session?.close();
  await server?.close();
});

function floeWrite(mode: string, sql: string): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server/src/cli/main.ts'),
    'write', '--catalog', server.uri, '--warehouse', server.name, '--mode', mode, 'gold.contended', sql], { cwd: root });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  return once(child, 'close').then(([code]) => ({ code: code as number | null, out, err }));
}

const rowsOf = (tag: number) => 100 + tag;
const sqlOf = (tag: number) => `SELECT ${tag}::INTEGER AS tag, i::BIGINT AS i FROM range(${rowsOf(tag)}) r(i)`;

async function tagsAt(snapshotId: bigint): Promise<Map<number, number>> {
  await registerIcebergTable(session, 'at_snapshot', await catalog.loadTable(id), { snapshotId });
  const r = await session.query('SELECT tag, count(*)::INTEGER FROM at_snapshot GROUP BY tag ORDER BY tag');
  return new Map(r.rows.map((row) => [row[0] as number, row[1] as number]));
}

test('eight concurrent writer processes: every success is in history with exactly its rows; failures are clean', async () => {
  await writeTable({ session, catalog, table: id, mode: 'create', sql: sqlOf(0) });
  const writers = Array.from({ length: 8 }, (_, i) => ({ tag: i + 1, mode: i % 4 === 3 ? 'overwrite' : 'append' }));
  const results = await Promise.all(writers.map((w) => floeWrite(w.mode, sqlOf(w.tag))));

  const loaded = await catalog.loadTable(id);
  const history = new Map(loaded.metadata.snapshots.map((s) => [s['snapshot-id'], s]));
  const byTag = new Map<number, bigint>();
  const failures: string[] = [];
  for (const [i, r] of results.entries()) {
    const w = writers[i];
    if (r.code === 0) {
      const summary = JSON.parse(r.out.trim()) as { snapshotId: string; rows: string };
      assert.equal(summary.rows, String(rowsOf(w.tag)));
      const snap = BigInt(summary.snapshotId);
      assert.ok(history.has(snap), `writer ${w.tag}'s snapshot ${snap} is in the history`);
      byTag.set(w.tag, snap);
    } else {
      assert.equal(r.code, 1, `writer ${w.tag} exits 1 on failure: ${r.err}`);
      assert.match(r.err, /^floe write: .*gold\.contended.*\n$/, `writer ${w.tag}: one clear line naming the table`);
      failures.push(r.err.trim());
    }
  }
  assert.ok(byTag.size >= 1, 'at least one writer committed');
  // Every snapshot after the create belongs to exactly one successful writer: no phantom or lost commits.
  assert.equal(loaded.metadata.snapshots.length, 1 + byTag.size);

  // Each snapshot reads back as its parent's rows plus its writer's (append) or only its writer's (overwrite).
  const tagOf = new Map([...byTag].map(([tag, snap]) => [snap, tag]));
  for (const s of loaded.metadata.snapshots) {
    const tag = tagOf.get(s['snapshot-id']) ?? 0;
    const expected = new Map<number, number>();
    if (tag !== 0 && writers[tag - 1].mode === 'append' && s['parent-snapshot-id'] !== undefined) {
      for (const [t, n] of await tagsAt(s['parent-snapshot-id'])) expected.set(t, n);
    }
    expected.set(tag, rowsOf(tag));
    assert.deepEqual(await tagsAt(s['snapshot-id']), new Map([...expected].sort((a, b) => a[0] - b[0])), `snapshot of writer ${tag}`);
  }
  const storage = storageFor(loaded.metadata.location);
  for (const f of await referencedFiles(loaded, storage, 'gold.contended')) assert.ok(await storage.exists(f), `referenced file exists: ${f}`);
  console.log(`concurrent writers: ${byTag.size} of 8 committed, ${failures.length} failed cleanly${failures.length ? `: ${failures[0]}` : ''}`);
});
