// The kept diagnostics (lsp/keptDiagnostics.ts) of a project large enough to be read ahead on a worker thread
// (project/readAhead.ts, 2,000 files or more): the worker's reads are inputs of the session's trace like the main
// thread's, so an unchanged reopen publishes the kept diagnostics, and a change to a file the worker read does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LspClient } from '../helpers/lspClient';
import { generateProject } from '../helpers/generateProject';

const KEPT = /^Published the last session's diagnostics/;
const ALL_BOUND = /^All \d+ models bound/;

/** One session of the bundle: started, every model bound, every file's diagnostics pulled; what it published kept, if anything. */
async function session(root: string, cacheDir: string) {
  // every file of the project read by the worker (none by the main thread's own chunks, which a loaded machine varies)
  const client = await LspClient.start(root, { FLOE_CACHE_DIR: cacheDir, FLOE_READ_AHEAD: 'worker' }, undefined, { built: true, untilReady: false });
  try {
    const first = await client.waitForStatus((s) => KEPT.test(s.message ?? '') || s.state === 'ready' || s.state === 'error', 120_000);
    const kept = KEPT.test(first.message ?? '') ? await client.workspaceDiagnostics() : undefined;
    await client.waitForStatus((s) => ALL_BOUND.test(s.message ?? ''), 600_000);
    // the real results replace the kept ones once every model is bound
    await new Promise((r) => setTimeout(r, 300));
    return { kept, bound: await client.workspaceDiagnostics() };
  } finally {
    await client.stop();
  }
}

test('a project read ahead keeps its diagnostics for an unchanged reopen, and not after a change to a file the worker read', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-kept-read-ahead-'));
  generateProject(root, 2100, { seedErrors: true });
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-kept-read-ahead-home-'));
  try {
    const cold = await session(root, cacheDir);
    assert.equal(cold.kept, undefined, 'nothing kept yet');
    assert.equal(cold.bound.length, 2, 'the two seeded errors');
    const reopened = await session(root, cacheDir);
    assert.ok(reopened.kept, 'the unchanged project published the kept diagnostics');
    assert.equal(JSON.stringify(reopened.kept), JSON.stringify(cold.bound), 'byte for byte the cold ones');
    const file = path.join(root, 'models', 'marts', 'm1500.sql');
    fs.appendFileSync(file, '-- changed\n');
    const after = await session(root, cacheDir);
    assert.equal(after.kept, undefined, 'a changed file the worker read: the cold diagnostics, not the kept');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  }
});
