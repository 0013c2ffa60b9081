// What the language server's start loads: a session that indexes, answers a pull and never meets a catalog loads
// neither the HTTP client (node:http, node:https: ~15 ms of every start) nor DuckDB. Runs the bundle, with a preload
// that lists the process's modules at exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lspClient';
import { REPO_ROOT } from '../helpers/demo-copy';

test('a session without a catalog or binding loads neither node:http nor node:https nor DuckDB', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-start-modules-'));
  const listed = path.join(dir, 'modules.json');
  const preload = path.join(dir, 'list-modules.cjs');
  fs.writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(listed)}, JSON.stringify({ builtins: process.moduleLoadList, files: Object.keys(require.cache) })));\n`);
  const project = path.join(REPO_ROOT, 'test/fixtures/projects/broken');
  const client = await LspClient.start(project, { NODE_OPTIONS: `--require ${preload}`, FLOE_NO_BINDER: '1', FLOE_NO_CATALOG: '1', FLOE_CACHE_DIR: dir }, undefined, { built: true });
  try {
    const model = fs.readdirSync(path.join(project, 'models')).find((f) => f.endsWith('.sql'))!;
    await client.diagnostics(pathToFileURL(path.join(project, 'models', model)).toString());
    assert.ok(client.alive);
  } finally {
    await client.stop();
  }
  const { builtins, files } = JSON.parse(fs.readFileSync(listed, 'utf8')) as { builtins: string[]; files: string[] };
  assert.ok(builtins.includes('NativeModule fs'), 'the list is the server\'s');
  assert.deepEqual(builtins.filter((m) => /^NativeModule (http|https)$/.test(m)), []);
  assert.deepEqual(files.filter((f) => f.includes('duckdb')), []);
  fs.rmSync(dir, { recursive: true, force: true });
});
