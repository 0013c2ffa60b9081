// The editor's background binding, on its default worker threads (one per core but one) and on several, gives exactly
// the diagnostics of a cold serial `floe check` (--jobs 0) for every file: the demo, and a generated project with a
// column and a type error seeded in; nothing kept on disk at first, then a reopen that binds from the kept results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitNotification, ShutdownRequest } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';
import { generateProject, SEEDED } from '../helpers/generateProject';
import { copyDemo, REPO_ROOT } from '../helpers/demo-copy';

interface JsonDiagnostic { file: string; range: { start: { line: number; character: number }; end: { line: number; character: number } }; code: string; message: string }
type Found = Record<string, Array<{ range: JsonDiagnostic['range']; code: string; message: string }>>;

/** The cold serial check's binder and render diagnostics (`sql-…`), by file relative to the project. */
function serialCheck(root: string, env: Record<string, string>): Found {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/cli.js'), 'check', root, '--format', 'json', '--no-cache', '--jobs', '0'], { encoding: 'utf8', env: { ...process.env, ...env } });
  const out: Found = {};
  for (const d of (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics) {
    if (d.code.startsWith('sql-')) (out[d.file] ??= []).push({ range: d.range, code: d.code, message: d.message });
  }
  return out;
}

/** An editor session until every model is bound: the same diagnostics from the Problems panel's workspace pull. */
async function editorSession(root: string, env: Record<string, string>): Promise<Found> {
  const client = await LspClient.start(root, env);
  try {
    await client.waitForStatus((s) => /^All \d+ models bound/.test(s.message ?? ''), 240_000);
    const out: Found = {};
    for (const { uri, items } of await client.workspaceDiagnostics()) {
      const rel = path.relative(root, fileURLToPath(uri));
      for (const d of items) if (String(d.code).startsWith('sql-')) (out[rel] ??= []).push({ range: d.range, code: String(d.code), message: typeof d.message === 'string' ? d.message : d.message.value });
    }
    for (const list of Object.values(out)) list.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    // a clean exit, awaited: the server keeps its bind results on disk as it exits
    await client.connection.sendRequest(ShutdownRequest.type);
    const exited = new Promise((resolve) => client.child.once('exit', resolve));
    await client.connection.sendNotification(ExitNotification.type);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    return out;
  } finally {
    await client.stop();
  }
}

const projects: Array<[string, () => string, (serial: Found) => void]> = [
  ['a generated project with errors seeded', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-parallel-bind-'));
    generateProject(root, 300, { seedErrors: true });
    return root;
  }, (serial) => assert.deepEqual(Object.keys(serial).sort(), [`models/marts/m${SEEDED.typeError}.sql`, `models/staging/m${SEEDED.wrongColumn}.sql`])],
  ['the demo', () => copyDemo(), () => undefined],
];

for (const [label, make, seeded] of projects) {
  test(`the editor's background binding on worker threads reports the serial check's binder diagnostics for ${label}, cold and reopened`, async () => {
    const root = make();
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-parallel-home-'));
    const env = { FLOE_CACHE_DIR: cacheDir, FLOE_NO_CATALOG: '1' };
    const serial = serialCheck(root, env);
    seeded(serial);
    // the default (one worker per core but one, at least one), cold
    assert.deepEqual(await editorSession(root, env), serial, 'default workers, cold');
    // binds on workers are kept too, per engine, so a reopen binds nothing again (they once were not: no engine known)
    const kept = fs.readdirSync(path.join(cacheDir, 'bind')).filter((f) => f.endsWith('.jsonl'));
    assert.equal(kept.length, 1, 'one kept bind-results file');
    assert.ok(fs.readFileSync(path.join(cacheDir, 'bind', kept[0]), 'utf8').split('\n').filter(Boolean).length > 5, 'bind results kept');
    assert.deepEqual(await editorSession(root, env), serial, 'default workers, reopened');
    if (label === 'the demo') return;
    // several workers, each taking binds as they come, nothing kept
    const fresh = { ...env, FLOE_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'floe-parallel-home-')) };
    assert.deepEqual(await editorSession(root, { ...fresh, FLOE_BIND_WORKERS: '3' }), serial, 'three workers, cold');
  });
}
