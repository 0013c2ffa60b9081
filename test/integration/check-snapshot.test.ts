// A `floe check` of an unchanged project replays the last check's report (cli/checkSnapshot.ts); any change to what
// that check read (a model, schema YAML, a macro, dbt_project.yml vars, a package, a new file, an env var) runs the
// check again. The kept report is marked on disk so a test can tell a replay from a fresh check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputTrace, inputsUnchanged } from '../../server/src/util/inputTrace';
import { REPO_ROOT } from '../helpers/demo-copy';

const cli = path.join(REPO_ROOT, 'dist/cli.js');
const MARK = 'replayed from the kept report';

function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** `floe check --format json` of the built CLI with its caches in `cacheDir`. */
function check(project: string, cacheDir: string, flags: string[] = [], env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [cli, 'check', project, '--format', 'json', ...flags], { encoding: 'utf8', env: { ...process.env, FLOE_CACHE_DIR: cacheDir, FLOE_NO_CATALOG: '1', ...env } });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout;
}

function snapshotFiles(cacheDir: string): string[] {
  const dir = path.join(cacheDir, 'check');
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : [];
}

/** Adds a diagnostic to every kept report (with its checksum made right), so a replay shows. */
function markKept(cacheDir: string): void {
  const files = snapshotFiles(cacheDir);
  assert.equal(files.length, 1, 'one kept report');
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const body = JSON.parse(text.slice(text.indexOf('\n') + 1));
    const at = { line: 0, character: 0 };
    body.result.diagnostics.push({ file: 'marked', range: { start: at, end: at }, severity: 'info', code: 'mark', message: MARK });
    const rest = JSON.stringify(body);
    const header = { ...JSON.parse(text.slice(0, text.indexOf('\n'))), sum: createHash('sha256').update(rest).digest('base64url') };
    fs.writeFileSync(file, `${JSON.stringify(header)}\n${rest}`);
  }
}

function makeProject(): string {
  const dir = tempDir('floe-check-snapshot-');
  fs.cpSync(path.join(REPO_ROOT, 'test/fixtures/projects/lakehouse'), dir, { recursive: true });
  const edit = (rel: string, from: string, to: string) => {
    const f = path.join(dir, rel);
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(from, to));
  };
  edit('models/marts/mart_revenue.sql', 'count(distinct o.order_id)', 'count(distinct o.order_idd)');
  fs.writeFileSync(path.join(dir, 'models/marts/by_env.sql'), "select {{ env_var('FLOE_SNAPSHOT_COLUMN', 'customer_id') }} from {{ ref('stg_customers') }}\n");
  fs.writeFileSync(path.join(dir, 'models/marts/with_macro.sql'), "select {{ cents_to_dollars('customer_id') }} as c from {{ ref('stg_customers') }}\n");
  fs.writeFileSync(path.join(dir, 'models/marts/from_package.sql'), "select {{ pick() }} from {{ ref('stg_customers') }}\n");
  fs.mkdirSync(path.join(dir, 'dbt_packages/helpers/macros'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dbt_packages/helpers/dbt_project.yml'), "name: helpers\nversion: '1.0.0'\nconfig-version: 2\nmacro-paths: ['macros']\n");
  fs.writeFileSync(path.join(dir, 'dbt_packages/helpers/macros/pick.sql'), '{% macro pick() %}customer_id{% endmacro %}\n');
  return dir;
}

test('an unchanged project replays the last report; each kind of change checks again, as a check without caches does', () => {
  const project = makeProject();
  const cacheDir = tempDir('floe-check-snapshot-home-');
  const uncached = check(project, cacheDir, ['--no-cache']);
  assert.equal(snapshotFiles(cacheDir).length, 0, '--no-cache keeps nothing');
  assert.match(uncached, /sql-binder/);
  assert.equal(check(project, cacheDir), uncached);
  markKept(cacheDir);
  const replayed = check(project, cacheDir);
  assert.match(replayed, new RegExp(MARK), 'the unchanged project was replayed');
  const report = JSON.parse(replayed) as { diagnostics: Array<{ file: string }> };
  report.diagnostics = report.diagnostics.filter((d) => d.file !== 'marked');
  assert.equal(`${JSON.stringify(report, null, 2)}\n`, uncached, 'the replay is the kept report, byte for byte');
  // the text format replays the same report
  assert.match(spawnSync(process.execPath, [cli, 'check', project], { encoding: 'utf8', env: { ...process.env, FLOE_CACHE_DIR: cacheDir, FLOE_NO_CATALOG: '1' } }).stdout, new RegExp(MARK));

  const write = (rel: string, text: string) => fs.writeFileSync(path.join(project, rel), text);
  const edit = (rel: string, from: string, to: string) => {
    const f = path.join(project, rel);
    const before = fs.readFileSync(f, 'utf8');
    assert.ok(before.includes(from), `${rel} has ${from}`);
    fs.writeFileSync(f, before.replace(from, to));
  };
  const changes: Array<[string, () => void, Record<string, string>?]> = [
    ['a model', () => edit('models/staging/stg_orders.sql', 'order_date,', 'order_dat,')],
    ['schema YAML', () => edit('models/sources.yml', 'version: 2', 'version: 2\n# a comment')],
    ['a macro', () => edit('macros/money.sql', '({{ column_name }} / 100)', '({{ column_name }}_cents / 100)')],
    ['dbt_project.yml vars', () => edit('dbt_project.yml', "min_status: 'placed'", "min_status: 'shipped'")],
    ['a package', () => write('dbt_packages/helpers/macros/pick.sql', '{% macro pick() %}no_such_column{% endmacro %}\n')],
    ['a new model file', () => write('models/marts/added.sql', "select nope from {{ ref('stg_customers') }}\n")],
    ['a removed model file', () => fs.rmSync(path.join(project, 'models/marts/added.sql'))],
    ['an env var', () => undefined, { FLOE_SNAPSHOT_COLUMN: 'no_such_column' }],
  ];
  let before = uncached;
  for (const [label, change, env] of changes) {
    assert.match(check(project, cacheDir), new RegExp(MARK), `before ${label}: the kept report is replayed`);
    change();
    const after = check(project, cacheDir, [], env);
    assert.doesNotMatch(after, new RegExp(MARK), `${label}: not replayed`);
    assert.equal(after, check(project, cacheDir, ['--no-cache'], env), `${label}: as a check without caches`);
    if (!['schema YAML', 'dbt_project.yml vars', 'a removed model file'].includes(label)) assert.notEqual(after, before, `${label} changed the report`);
    before = after;
    markKept(cacheDir);
  }
});

test('a kept report cut short, altered or of another shape is ignored, never half believed', () => {
  const project = makeProject();
  const cacheDir = tempDir('floe-check-snapshot-home-');
  const uncached = check(project, cacheDir, ['--no-cache']);
  check(project, cacheDir);
  const [file] = snapshotFiles(cacheDir);
  const whole = fs.readFileSync(file, 'utf8');
  const broken = [
    whole.slice(0, Math.floor(whole.length / 2)),
    whole.slice(0, whole.indexOf('\n')),
    whole.replace('"severity":"error"', '"severity":"info"'),
    'not json\n{}',
    '',
  ];
  for (const text of broken) {
    fs.writeFileSync(file, text);
    assert.equal(check(project, cacheDir), uncached);
  }
});

test('a trace records files, folders and env vars read, and tells when one changes; an async read makes it incomplete', async () => {
  const dir = tempDir('floe-input-trace-');
  const file = path.join(dir, 'a.txt');
  fs.writeFileSync(file, 'one');
  fs.mkdirSync(path.join(dir, 'ignored'));
  const originalRead = fs.readFileSync;
  const trace = new InputTrace([path.join(dir, 'ignored')]);
  assert.notEqual(fs.readFileSync, originalRead, 'reads are traced');
  fs.readFileSync(file, 'utf8');
  fs.readFileSync(file); // as bytes: Node opens and reads a descriptor under it, part of the one traced read
  fs.readdirSync(dir, { withFileTypes: true });
  void process.env.FLOE_TRACE_TEST_VAR;
  fs.existsSync(path.join(dir, 'missing.txt'));
  fs.readdirSync(path.join(dir, 'ignored'));
  const inputs = trace.stop()!;
  assert.ok(inputs, 'complete');
  assert.deepEqual(inputs.map((x) => x[0]).sort(), ['dir', 'env', 'exists', 'home', 'read', 'read']);
  assert.equal(inputsUnchanged(inputs), true);
  fs.writeFileSync(file, 'two');
  assert.equal(inputsUnchanged(inputs), false, 'a file changed');
  fs.writeFileSync(file, 'one');
  assert.equal(inputsUnchanged(inputs), true);
  fs.writeFileSync(path.join(dir, 'missing.txt'), '');
  assert.equal(inputsUnchanged(inputs), false, 'a file appeared');
  fs.rmSync(path.join(dir, 'missing.txt'));
  process.env.FLOE_TRACE_TEST_VAR = 'set';
  assert.equal(inputsUnchanged(inputs), false, 'an env var changed');
  delete process.env.FLOE_TRACE_TEST_VAR;
  assert.equal(inputsUnchanged(inputs), true);
  assert.equal(fs.readFileSync, originalRead, 'fs is restored');

  const copied = new InputTrace([]);
  void { ...process.env };
  const whole = copied.stop()!;
  assert.ok(whole.some((x) => x[0] === 'environment'), 'the whole environment read is one input');
  process.env.FLOE_TRACE_TEST_OTHER = 'new';
  assert.equal(inputsUnchanged(whole), false, 'any env var changed');
  delete process.env.FLOE_TRACE_TEST_OTHER;
  assert.equal(inputsUnchanged(whole), true);

  const untraceable = new InputTrace([]);
  await fs.promises.readFile(file);
  assert.equal(untraceable.stop(), undefined);
  assert.match(untraceable.incompleteBecause ?? '', /readFile/);
});

test('a file read by any spelling of its path is one input, named by its resolved path; the ignored folder by any spelling too', () => {
  const dir = tempDir('floe-input-trace-paths-');
  const file = path.join(dir, 'a.txt');
  fs.writeFileSync(file, 'one');
  fs.mkdirSync(path.join(dir, 'ignored'));
  fs.writeFileSync(path.join(dir, 'ignored', 'b.txt'), 'cache');
  const trace = new InputTrace([path.join(dir, 'ignored')]);
  for (const spelling of [file, `${dir}/./a.txt`, `${dir}//a.txt`, `${dir}/ignored/../a.txt`]) fs.readFileSync(spelling, 'utf8');
  fs.readFileSync(`${dir}/ignored/./b.txt`, 'utf8');
  const reads = trace.stop()!.filter((x) => x[0] === 'read');
  assert.deepEqual(reads.map((x) => x[1]), [file]);
});
