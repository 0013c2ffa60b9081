// `floe demo` (and so `npm run demo`) with no folder runs in a working copy under the user's cache folder, says where,
// and leaves the checkout's demo/ exactly as it was; the copy is made afresh from demo/ on each run.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../helpers/demo-copy';
import { demoWorkingCopyDir, refreshDemoWorkingCopy, shippedDemo } from '../../server/src/cli/demo-working-copy';

const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
const DEMO = path.join(REPO_ROOT, 'demo');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-demo-wc-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** Every path under dir with its size and modification time: what a run must not change in the checkout. */
function listing(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .map((p) => `${path.relative(dir, p)} ${fs.statSync(p).size} ${fs.statSync(p).mtimeMs}`)
    .sort();
}

test('floe demo with no folder writes into $XDG_CACHE_HOME/floe/demo, prints it, and leaves demo/ untouched', () => {
  assert.ok(fs.existsSync(CLI), 'dist/cli.js is built (npm test builds first)');
  const before = listing(DEMO);
  const cache = path.join(scratch, 'cache');
  // From another folder, as `npm run demo` in the repository or floe on PATH elsewhere: the copy does not depend on cwd.
  const r = spawnSync(process.execPath, [CLI, 'demo', '--rows', '10'], {
    cwd: scratch, encoding: 'utf8', timeout: 180_000, env: { ...process.env, XDG_CACHE_HOME: cache },
  });
  assert.equal(r.status, 0, r.stderr);
  const copy = path.join(cache, 'floe', 'demo');
  assert.ok(r.stdout.startsWith(`Working copy of ${DEMO}: ${copy}\n`), r.stdout.slice(0, 300));
  assert.match(r.stdout, new RegExp(`Floe demo: ${copy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
  assert.ok(fs.existsSync(path.join(copy, '.floe', 'warehouse', 'demo', 'gold', 'mart_revenue')), 'the lakehouse is in the copy');
  assert.deepEqual(listing(DEMO), before, 'the checkout\'s demo/ is unchanged');
});

test('the working copy is made afresh: edits and generated state of the last run are gone, the project files back', () => {
  const source = shippedDemo();
  assert.equal(source, DEMO, 'the CLI finds the demo project of its checkout');
  const target = path.join(scratch, 'fresh', 'floe', 'demo');
  refreshDemoWorkingCopy(DEMO, target);
  fs.writeFileSync(path.join(target, 'models', 'scratch.sql'), 'select 1');
  fs.rmSync(path.join(target, 'dbt_project.yml'));
  fs.mkdirSync(path.join(target, '.floe', 'warehouse'), { recursive: true });
  refreshDemoWorkingCopy(DEMO, target);
  assert.equal(fs.existsSync(path.join(target, 'models', 'scratch.sql')), false);
  assert.equal(fs.existsSync(path.join(target, '.floe')), false);
  assert.equal(fs.readFileSync(path.join(target, 'dbt_project.yml'), 'utf8'), fs.readFileSync(path.join(DEMO, 'dbt_project.yml'), 'utf8'));
});

test('the copy goes under XDG_CACHE_HOME when absolute, else ~/.cache, and never inside the demo project', () => {
  assert.equal(demoWorkingCopyDir({ XDG_CACHE_HOME: '/var/cache/u' }), path.join('/var/cache/u', 'floe', 'demo'));
  assert.equal(demoWorkingCopyDir({ XDG_CACHE_HOME: 'relative' }), path.join(os.homedir(), '.cache', 'floe', 'demo'));
  assert.equal(demoWorkingCopyDir({}), path.join(os.homedir(), '.cache', 'floe', 'demo'));
  assert.throws(() => refreshDemoWorkingCopy(DEMO, path.join(DEMO, 'copy')), /would be inside the demo project/);
  assert.throws(() => refreshDemoWorkingCopy(DEMO, DEMO), /would be inside the demo project/);
});
