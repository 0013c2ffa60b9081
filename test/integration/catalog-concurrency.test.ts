// The local catalog's cross-process lock, and commits racing from two catalog processes on one warehouse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { withFileLock, LockTimeoutError } from '../../server/src/catalog/local/file-lock';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { CatalogError } from '../../server/src/catalog/catalog';
import type { Snapshot, TableUpdate } from '../../server/src/iceberg/spec';
import { spawnCatalogServe, startTestCatalog } from '../helpers/local-catalog';

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'floe-lock-'));
}

function owner(pid: number, ageMs: number): string {
  return JSON.stringify({ pid, host: os.hostname(), token: 'someone-else', at: Date.now() - ageMs });
}

test('the lock admits one holder at a time', async () => {
  const dir = await tempDir();
  let inside = 0, most = 0;
  await Promise.all(Array.from({ length: 12 }, () => withFileLock(path.join(dir, 't.lock'), async () => {
    most = Math.max(most, ++inside);
    await new Promise((r) => setImmediate(r));
    inside--;
  })));
  assert.equal(most, 1);
  await rm(dir, { recursive: true, force: true });
});

test('a lock left by a dead process or too old is recovered; a live fresh one is waited for', async () => {
  const dir = await tempDir();
  const file = path.join(dir, 't.lock');
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const cases: [string, string, 'acquired' | 'timeout'][] = [
    ['dead owner', owner(dead, 0), 'acquired'],
    ['stale by age', owner(process.pid, 10 * 60_000), 'acquired'],
    ['live and fresh', owner(process.pid, 0), 'timeout'],
  ];
  for (const [what, content, expected] of cases) {
    await writeFile(file, content);
    const outcome = await withFileLock(file, async () => 'acquired' as const, { timeoutMs: 300 })
      .catch((e) => (e instanceof LockTimeoutError ? 'timeout' as const : Promise.reject(e)));
    assert.equal(outcome, expected, what);
  }
  await rm(dir, { recursive: true, force: true });
});

test('two catalog processes on one warehouse: of two racing commits exactly one wins', async () => {
  const inProcess = await startTestCatalog();
  const child = await spawnCatalogServe(['--warehouse', inProcess.warehouse, '--port', '0']);
  try {
    const childUri = child.uri;
    const a = await connectRestCatalog({ uri: inProcess.uri, warehouse: 'floe' });
    const b = await connectRestCatalog({ uri: childUri, warehouse: 'floe' });
    await a.createNamespace(['shared']);
    const id = { namespace: ['shared'], name: 't' };
    const t = await a.createTable(['shared'], { name: 't', schema: { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: true, type: 'long' }] } });
    const append = (snapId: bigint, seq: bigint, parent?: bigint): TableUpdate[] => {
      const s: Snapshot = { 'snapshot-id': snapId, 'parent-snapshot-id': parent, 'sequence-number': seq, 'timestamp-ms': 1n, 'manifest-list': `${t.metadata.location}/m-${snapId}.avro`, summary: { operation: 'append' } };
      return [{ action: 'add-snapshot', snapshot: s }, { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapId }];
    };
    let parent: bigint | undefined;
    for (let round = 1n; round <= 4n; round++) {
      const req = [{ type: 'assert-ref-snapshot-id' as const, ref: 'main', 'snapshot-id': parent ?? null }];
      const results = await Promise.allSettled([a.commitTable(id, req, append(round * 10n, round, parent)), b.commitTable(id, req, append(round * 10n + 1n, round, parent))]);
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1, `round ${round}`);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.ok(lost.reason instanceof CatalogError && lost.reason.kind === 'commit-conflict', String(lost.reason));
      parent = (await a.loadTable(id)).metadata['current-snapshot-id'];
      assert.deepEqual((await b.loadTable(id)).metadata['current-snapshot-id'], parent, 'both processes see the same table');
    }
    assert.equal((await b.loadTable(id)).metadata.snapshots.length, 4);
  } finally {
    await child.stop();
    await inProcess.close();
  }
});
