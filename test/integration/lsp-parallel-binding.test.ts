// The editor's background binding on worker threads gives exactly the diagnostics of a cold serial `floe check`
// (--jobs 0): a generated project with a column and a type error seeded in, several workers, nothing kept on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lspClient';
import { generateProject, SEEDED } from '../helpers/generateProject';
import { REPO_ROOT } from '../helpers/demo-copy';

interface JsonDiagnostic { file: string; range: { start: { line: number; character: number }; end: { line: number; character: number } }; code: string; message: string }

test("the editor's parallel background binding reports the serial check's binder diagnostics, at the same places", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-parallel-bind-'));
  generateProject(root, 300, { seedErrors: true });
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-parallel-home-'));
  const env = { FLOE_CACHE_DIR: cacheDir, FLOE_NO_CATALOG: '1' };
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/cli.js'), 'check', root, '--format', 'json', '--no-cache', '--jobs', '0'], { encoding: 'utf8', env: { ...process.env, ...env } });
  const serial = (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics.filter((d) => d.code.startsWith('sql-'));
  assert.deepEqual(serial.map((d) => d.file).sort(), [`models/marts/m${SEEDED.typeError}.sql`, `models/staging/m${SEEDED.wrongColumn}.sql`]);
  const client = await LspClient.start(root, { ...env, FLOE_BIND_WORKERS: '3' });
  try {
    await client.waitForStatus((s) => /^All \d+ models bound/.test(s.message ?? ''), 240_000);
    // the seeded files, the models right below them (their errors must not spread) and a clean one far downstream
    for (const rel of [...new Set([...serial.map((d) => d.file), `models/marts/m${SEEDED.typeError + 10}.sql`, 'models/marts/m299.sql', 'models/staging/m8.sql'])]) {
      const got = (await client.diagnostics(pathToFileURL(path.join(root, rel)).toString())).filter((d) => String(d.code).startsWith('sql-'));
      const want = serial.filter((d) => d.file === rel);
      assert.deepEqual(got.map((d) => ({ range: d.range, code: d.code, message: d.message })), want.map((d) => ({ range: d.range, code: d.code, message: d.message })), rel);
    }
  } finally {
    await client.stop();
  }
});
