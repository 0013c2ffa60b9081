// Bind results kept on disk and bound in parallel: a warm `floe check`, and one binding on several worker threads, give
// exactly the diagnostics of a cold one binding one model after another in process (--jobs 0).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DiskBindCache, MAX_ENTRIES, STALE_AFTER_MS } from '../../server/src/sql/bindCache';
import type { BindResult } from '../../server/src/sql/binder';
import { copyDemo, REPO_ROOT } from '../helpers/demo-copy';
import { generateProject, SEEDED } from '../helpers/generateProject';

const cli = path.join(REPO_ROOT, 'dist/cli.js');
const up = [{ name: '"stg"', columns: [{ name: 'id', type: 'BIGINT' }] }];
const result: BindResult = { columns: [{ name: 'id', type: 'BIGINT' }], errors: [{ kind: 'binder', message: 'x', offset: 3, length: 1 }], warnings: [] };

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

test('kept results come back for the same SQL, upstreams and engine only; cut-short results are not kept', () => {
  const dir = tempDir('floe-bind-cache-');
  const a = new DiskBindCache('/p', 'duckdb 1', dir);
  a.set('select id from stg', up, result);
  a.set('select 1', [], { ...result, partial: true });
  a.flush();
  const b = new DiskBindCache('/p', 'duckdb 1', dir);
  assert.deepEqual(b.get('select id from stg', up), result);
  assert.equal(b.get('select id from stg', [{ name: '"stg"', columns: [{ name: 'id', type: 'INTEGER' }] }]), undefined);
  assert.equal(b.get('select id  from stg', up), undefined);
  assert.equal(b.get('select 1', []), undefined);
  assert.equal(new DiskBindCache('/p', 'duckdb 2', dir).get('select id from stg', up), undefined);
  assert.equal(new DiskBindCache('/other', 'duckdb 1', dir).get('select id from stg', up), undefined);
});

test("a result with its column lineage made since replaces the one kept without it; never the other way round", () => {
  const dir = tempDir('floe-bind-cache-');
  const lineage = { columns: [{ name: 'id', from: [{ relation: '"stg"', column: 'id', transformed: false }] }], uses: [] };
  const a = new DiskBindCache('/p', 'e', dir);
  a.set('select id from stg', up, result);
  a.set('select id from stg', up, { ...result, lineage });
  a.set('select id from stg', up, result);
  assert.deepEqual(a.get('select id from stg', up), { ...result, lineage });
  a.flush();
  assert.deepEqual(new DiskBindCache('/p', 'e', dir).get('select id from stg', up), { ...result, lineage });
});

test('a line cut short is skipped, and a file of repeated keys is compacted', () => {
  const dir = tempDir('floe-bind-cache-');
  const a = new DiskBindCache('/p', 'e', dir);
  a.set('select id from stg', up, result);
  a.flush();
  const [file] = fs.readdirSync(dir).map((f) => path.join(dir, f));
  const line = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, line.repeat(3000) + line.slice(0, 20));
  const b = new DiskBindCache('/p', 'e', dir);
  assert.deepEqual(b.get('select id from stg', up), result);
  assert.equal(fs.readFileSync(file, 'utf8'), line, 'compacted to one line per key');
  assert.ok(MAX_ENTRIES >= 100_000);
});

test("another build's cache file unwritten for two weeks is deleted when a cache opens; recent ones stay", () => {
  const dir = tempDir('floe-bind-cache-');
  const old = path.join(dir, 'old-build.jsonl');
  const recent = path.join(dir, 'recent-build.jsonl');
  fs.writeFileSync(old, '');
  fs.writeFileSync(recent, '');
  const weeksAgo = (Date.now() - STALE_AFTER_MS - 60_000) / 1000;
  fs.utimesSync(old, weeksAgo, weeksAgo);
  new DiskBindCache('/p', 'e', dir);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['recent-build.jsonl']);
});

/** `floe check --format json` of the built CLI with its caches in `cacheDir`. */
function check(project: string, cacheDir: string, ...flags: string[]) {
  const r = spawnSync(process.execPath, [cli, 'check', project, '--format', 'json', ...flags], { encoding: 'utf8', env: { ...process.env, FLOE_CACHE_DIR: cacheDir, FLOE_NO_CATALOG: '1' } });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return r.stdout;
}

function cacheSize(cacheDir: string, kind: 'bind' | 'render' = 'bind'): number {
  const dir = path.join(cacheDir, kind);
  return fs.existsSync(dir) ? fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0) : 0;
}

for (const [label, make] of [
  ['the demo', () => copyDemo()],
  [
    'a project with errors seeded in',
    () => {
      const dir = tempDir('floe-bind-errors-');
      fs.cpSync(path.join(REPO_ROOT, 'test/fixtures/projects/lakehouse'), dir, { recursive: true });
      const edit = (rel: string, from: string, to: string) => {
        const f = path.join(dir, rel);
        fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(from, to));
      };
      edit('models/staging/stg_orders.sql', 'order_date,', 'order_dat,');
      edit('models/marts/mart_revenue.sql', 'count(distinct o.order_id)', 'count(distinct o.order_idd) + nope');
      fs.writeFileSync(path.join(dir, 'models/marts/broken_syntax.sql'), "selec customer_id from {{ ref('stg_customers') }}\n");
      fs.writeFileSync(path.join(dir, 'models/marts/customer_emails.sql'), "select c.email from {{ ref('stg_customers') }} c\n");
      return dir;
    },
  ],
  [
    'a generated project of 400 models with errors seeded in',
    () => {
      const dir = tempDir('floe-bind-generated-');
      generateProject(dir, 400, { seedErrors: true });
      return dir;
    },
  ],
] as const) {
  test(`a parallel and a warm check of ${label} give exactly the cold serial check's diagnostics; the warm one binds nothing again`, () => {
    const project = make();
    const cacheDir = tempDir('floe-bind-home-');
    const serial = check(project, cacheDir, '--no-cache', '--jobs', '0');
    // three workers on any machine: binds finish out of order, and downstream models wait for their upstreams
    assert.equal(check(project, cacheDir, '--no-cache', '--jobs', '3'), serial);
    const uncached = check(project, cacheDir, '--no-cache');
    assert.equal(uncached, serial);
    assert.equal(cacheSize(cacheDir) + cacheSize(cacheDir, 'render'), 0, '--no-cache keeps nothing');
    const cold = check(project, cacheDir);
    const kept = cacheSize(cacheDir);
    const renders = cacheSize(cacheDir, 'render');
    assert.ok(kept > 0 && renders > 0, 'the cold check kept its results');
    const warm = check(project, cacheDir);
    assert.equal(cold, uncached);
    assert.equal(warm, uncached);
    assert.equal(cacheSize(cacheDir), kept, 'the warm check bound nothing new');
    assert.equal(cacheSize(cacheDir, 'render'), renders, 'the warm check rendered nothing new');
    if (label === 'the demo') return;
    assert.match(warm, /sql-binder/);
    if (label.startsWith('a generated')) {
      const errors = (JSON.parse(warm) as { diagnostics: Array<{ file: string; severity: string; message: string }> }).diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(errors.map((d) => d.file).sort(), [`models/marts/m${SEEDED.typeError}.sql`, `models/staging/m${SEEDED.wrongColumn}.sql`]);
      assert.match(errors.find((d) => d.file.includes('staging'))!.message, /stauts.*Did you mean 'status'/);
      assert.match(errors.find((d) => d.file.includes('marts'))!.message, /\+\(\) does not take \(INTEGER, TIMESTAMP\)/);
      return;
    }
    // an upstream's schema changes: the models reading it are bound again, the rest come from the cache
    const f = path.join(project, 'models/staging/stg_customers.sql');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('lower(trim(email)) as email', 'lower(trim(email)) as email_address'));
    const changed = check(project, cacheDir);
    assert.equal(changed, check(project, cacheDir, '--no-cache'));
    assert.notEqual(changed, warm);
  });
}

test('models that ref each other in a circle are bound without waiting on each other forever, in parallel as serially', () => {
  const dir = tempDir('floe-bind-cycle-');
  fs.mkdirSync(path.join(dir, 'models'));
  fs.writeFileSync(path.join(dir, 'dbt_project.yml'), 'name: cyc\nprofile: cyc\n');
  fs.writeFileSync(path.join(dir, 'profiles.yml'), "cyc:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n");
  fs.writeFileSync(path.join(dir, 'models', 'a.sql'), "select id from {{ ref('c') }}\n");
  fs.writeFileSync(path.join(dir, 'models', 'b.sql'), "select id from {{ ref('a') }}\n");
  fs.writeFileSync(path.join(dir, 'models', 'c.sql'), "select id from {{ ref('b') }}\n");
  fs.writeFileSync(path.join(dir, 'models', 'd.sql'), "select 1 as id, * from {{ ref('c') }}\n");
  const cacheDir = tempDir('floe-bind-home-');
  const serial = check(dir, cacheDir, '--no-cache', '--jobs', '0');
  assert.equal(check(dir, cacheDir, '--no-cache', '--jobs', '3'), serial);
  assert.match(serial, /"models": 4/);
});
