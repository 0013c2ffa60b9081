// A reopened, unchanged project gets the last session's diagnostics before the index (lsp/keptDiagnostics.ts), byte
// for byte those of a cold open; any change to what the last session read (a model, schema YAML, a macro, an env var)
// or to a setting that decides diagnostics gives the cold result instead, never the kept one; a corrupt kept file is
// ignored. Runs the bundle (dist/server.js: one build id from one start to the next), on a generated project with a
// column error and a type error seeded in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LspClient } from '../helpers/lspClient';
import { generateProject, SEEDED } from '../helpers/generateProject';

const KEPT = /^Published the last session's diagnostics/;
const ALL_BOUND = /^All \d+ models bound/;

type Published = Array<{ uri: string; items: unknown[] }>;

/** One session: started, every model bound, every file's diagnostics pulled. `kept`: what it published before indexing, if anything. */
async function session(root: string, cacheDir: string, env: Record<string, string> = {}, settings?: Record<string, unknown>): Promise<{ kept?: Published; bound: Published }> {
  const client = await LspClient.start(root, { FLOE_CACHE_DIR: cacheDir, ...env }, settings, { built: true, untilReady: false });
  try {
    const first = await client.waitForStatus((s) => KEPT.test(s.message ?? '') || s.state === 'ready' || s.state === 'error', 60_000);
    // pulled as soon as the kept ones are published, before the index holds the thread
    const kept = KEPT.test(first.message ?? '') ? await client.workspaceDiagnostics() : undefined;
    await client.waitForStatus((s) => ALL_BOUND.test(s.message ?? ''), 120_000);
    // the real results replace the kept ones once every model is bound
    await new Promise((r) => setTimeout(r, 300));
    const bound = await client.workspaceDiagnostics();
    assert.ok(client.alive, client.stderr.join(''));
    return { kept, bound };
  } finally {
    await client.stop();
  }
}

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const codes = (published: Published) => published.flatMap((f) => f.items.map((d) => `${path.basename(f.uri)} ${(d as { code: string }).code}`)).sort();

test('a reopened unchanged project publishes the cold diagnostics at once; after any change, the cold ones and never the kept', async () => {
  const root = tempDir('floe-kept-diagnostics-');
  generateProject(root, 100, { seedErrors: true });
  fs.writeFileSync(path.join(root, 'models', 'marts', 'by_env.sql'), "select {{ env_var('FLOE_KEPT_TEST_COLUMN', 'id') }} as c from {{ source('raw', 't20') }}\n");
  const cacheDir = tempDir('floe-kept-diagnostics-home-');

  const cold = await session(root, cacheDir);
  assert.equal(cold.kept, undefined, 'nothing kept yet');
  assert.deepEqual(codes(cold.bound), [`m${SEEDED.typeError}.sql sql-binder`, `m${SEEDED.wrongColumn}.sql sql-binder`].sort(), 'the seeded errors');
  const reopened = await session(root, cacheDir);
  assert.ok(reopened.kept, 'the unchanged project published the kept diagnostics before indexing');
  assert.equal(JSON.stringify(reopened.kept), JSON.stringify(cold.bound), 'the kept diagnostics are the cold ones, byte for byte');
  assert.equal(JSON.stringify(reopened.bound), JSON.stringify(cold.bound), 'and the session binds to the same');

  const edit = (rel: string, from: string, to: string) => {
    const f = path.join(root, rel);
    const before = fs.readFileSync(f, 'utf8');
    assert.ok(before.includes(from), `${rel} has ${from}`);
    fs.writeFileSync(f, before.replace(from, to));
  };
  const changes: Array<[string, () => void, Record<string, string>?, Record<string, unknown>?]> = [
    ['a model file', () => edit('models/staging/m12.sql', ', status\n', ', statuss\n')],
    ['schema YAML', () => edit('models/sources.yml', '      - name: t3\n', '      - name: t3x\n')],
    ['a macro', () => edit('macros/util.sql', 'lower(trim({{ c }}))', 'lower(trim({{ c }}_x))')],
    ['an env var', () => undefined, { FLOE_KEPT_TEST_COLUMN: 'no_such_column' }],
    ['a setting (binding off)', () => undefined, { FLOE_KEPT_TEST_COLUMN: 'no_such_column' }, { binder: { enabled: false } }],
  ];
  let before = cold.bound;
  let beforeEnv: Record<string, string> = {};
  for (const [label, change, env = {}, settings] of changes) {
    assert.ok((await session(root, cacheDir, beforeEnv)).kept, `before ${label}: the kept diagnostics are published`);
    change();
    const after = await session(root, cacheDir, env, settings);
    assert.equal(after.kept, undefined, `${label}: the kept diagnostics are not published`);
    const fresh = await session(root, tempDir('floe-kept-diagnostics-fresh-'), env, settings);
    assert.equal(JSON.stringify(after.bound), JSON.stringify(fresh.bound), `${label}: as a cold open`);
    assert.notEqual(JSON.stringify(after.bound), JSON.stringify(before), `${label} changed the diagnostics`);
    before = after.bound;
    beforeEnv = env;
  }
});

test('a kept file cut short, altered or of another shape is ignored', async () => {
  const root = tempDir('floe-kept-corrupt-');
  generateProject(root, 80, { seedErrors: true });
  const cacheDir = tempDir('floe-kept-corrupt-home-');
  const cold = await session(root, cacheDir);
  const dir = path.join(cacheDir, 'editor');
  const [file] = fs.readdirSync(dir).map((f) => path.join(dir, f));
  const whole = fs.readFileSync(file, 'utf8');
  assert.ok((await session(root, cacheDir)).kept, 'kept while whole');
  for (const text of [whole.slice(0, Math.floor(whole.length / 2)), whole.replace('sql-binder', 'sql-binded'), 'not json\n{}']) {
    fs.writeFileSync(file, text);
    const reopened = await session(root, cacheDir);
    assert.equal(reopened.kept, undefined, 'the corrupt file is not published');
    assert.equal(JSON.stringify(reopened.bound), JSON.stringify(cold.bound));
  }
});

test('an edit while the kept diagnostics are shown drops them at once', async () => {
  const root = tempDir('floe-kept-edit-');
  const { modelFile } = generateProject(root, 80, { seedErrors: true });
  const cacheDir = tempDir('floe-kept-edit-home-');
  await session(root, cacheDir);
  const client = await LspClient.start(root, { FLOE_CACHE_DIR: cacheDir }, undefined, { built: true, untilReady: false });
  try {
    await client.waitForStatus((s) => KEPT.test(s.message ?? ''), 60_000);
    const file = modelFile(SEEDED.wrongColumn);
    const uri = client.uri(file);
    assert.ok((await client.workspaceDiagnostics()).some((f) => f.uri === uri && f.items.length), 'the kept error is published');
    // the error fixed in the editor, not saved: the kept diagnostics no longer describe what the user sees
    await client.open(file, fs.readFileSync(file, 'utf8').replace('stauts', 'status'));
    assert.deepEqual((await client.diagnostics(uri)).filter((d) => String(d.code).startsWith('sql-')), [], 'not the kept error');
    assert.ok(!(await client.workspaceDiagnostics()).some((f) => f.uri === uri && f.items.some((d) => String(d.code).startsWith('sql-'))), 'nor in Problems');
    await client.waitForStatus((s) => ALL_BOUND.test(s.message ?? ''), 120_000);
    assert.deepEqual((await client.diagnostics(uri)).filter((d) => String(d.code).startsWith('sql-')), [], 'fixed once bound');
  } finally {
    await client.stop();
  }
});
