// Models that read what the project's on-run-start hooks define (an ENUM type, DuckDB macros) bind as after dbt ran the
// hooks, in `floe check` (worker threads and in process) and in the editor; a hook DuckDB refuses is reported at its
// line in dbt_project.yml, and the models that do not need it still bind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { LspClient } from '../helpers/lspClient';

const repo = path.resolve(__dirname, '../..');
const fixture = path.join(repo, 'test/fixtures/projects/run-start-hooks');
const projectYaml = readFileSync(path.join(fixture, 'dbt_project.yml'), 'utf8');
const TYPE_HOOK = "AS ENUM ({{ quoted_list(var('statuses')) }})";
/** The type's hook with its closing parenthesis lost: a syntax error DuckDB reports. */
const brokenYaml = projectYaml.replace(TYPE_HOOK, "AS ENUM ({{ quoted_list(var('statuses')) }}");
const typeHookLine = projectYaml.split('\n').findIndex((l) => l.includes(TYPE_HOOK));

type Report = { models: number; diagnostics: Array<{ file: string; range: { start: { line: number; character: number } }; severity: string; code: string; message: string }> };

function check(dir: string, ...args: string[]): { code: number | null; report: Report; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'server/src/cli/main.ts'), 'check', dir, '--format', 'json', ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, FLOE_NO_CATALOG: '1' } });
  return { code: r.status, report: JSON.parse(r.stdout) as Report, err: r.stderr };
}

const brief = (report: Report) => report.diagnostics.map((d) => `${d.file}:${d.range.start.line + 1} ${d.severity} ${d.code}`);

function copyOfFixture(yaml = projectYaml): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'floe-run-start-hooks-'));
  cpSync(fixture, dir, { recursive: true });
  writeFileSync(path.join(dir, 'dbt_project.yml'), yaml);
  return dir;
}

test('floe check: models casting to the hook-made ENUM and calling hook-made macros are clean, on workers and in process', () => {
  for (const jobs of ['2', '0']) {
    const r = check(fixture, '--no-cache', '--jobs', jobs);
    assert.deepEqual(brief(r.report), [], `--jobs ${jobs}: ${r.report.diagnostics.map((d) => d.message).join('; ')}`);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.report.models, 3);
  }
});

test('floe check: a hook DuckDB refuses is an error at its line in dbt_project.yml; models not needing it still bind', () => {
  const dir = copyOfFixture(brokenYaml);
  const r = check(dir, '--no-cache');
  assert.equal(r.code, 1, r.err);
  assert.deepEqual(brief(r.report), [`dbt_project.yml:${typeHookLine + 1} error hook-sql`, 'models/orders.sql:3 error sql-catalog']);
  const hook = r.report.diagnostics[0];
  assert.equal(hook.range.start.character, brokenYaml.split('\n')[typeHookLine].indexOf('"'));
  assert.match(hook.message, /^DuckDB rejects this on-run-start statement \(CREATE TYPE IF NOT EXISTS order_status AS ENUM \('placed.*\): syntax error at end of input\. Models are checked without what it defines\.$/);
  assert.doesNotMatch(hook.message, /TEMP|Error:|at .*\.ts/);
});

test('floe check: a changed hook binds again, though every model compiles as before (the hooks are in the bind key)', () => {
  const cache = mkdtempSync(path.join(tmpdir(), 'floe-run-start-hooks-cache-'));
  const dir = copyOfFixture();
  const env = { FLOE_CACHE_DIR: cache };
  // the built CLI: its bind cache outlives the process (a run from source keys its cache by its own process)
  const run = () => {
    const r = spawnSync(process.execPath, [path.join(repo, 'dist/cli.js'), 'check', dir, '--format', 'json'], { cwd: repo, encoding: 'utf8', env: { ...process.env, FLOE_NO_CATALOG: '1', ...env } });
    return JSON.parse(r.stdout) as Report;
  };
  assert.deepEqual(brief(run()), []);
  assert.ok(readFileSync(path.join(cache, 'bind', readdirSync(path.join(cache, 'bind'))[0]), 'utf8').length > 0, 'binds were kept');
  // the macros' hook gone: the models calling them no longer bind
  writeFileSync(path.join(dir, 'dbt_project.yml'), projectYaml.replace('  - "{{ define_money_macros() }}"\n', ''));
  assert.deepEqual(brief(run()), ['models/dollars.sql:2 error sql-catalog', 'models/order_amounts.sql:4 error sql-catalog']);
});

test('the editor: clean diagnostics for the models and dbt_project.yml; a broken hook shows at its line', async () => {
  const dir = copyOfFixture();
  const client = await LspClient.start(dir);
  try {
    await client.waitForStatus((s) => s.state === 'ready' && /All \d+ models bound/.test(s.message ?? ''), 30000);
    for (const model of ['orders', 'order_amounts', 'dollars']) assert.deepEqual(await client.diagnostics(await client.open(path.join(dir, `models/${model}.sql`))), [], model);
    const yamlUri = await client.open(path.join(dir, 'dbt_project.yml'));
    assert.deepEqual(await client.diagnostics(yamlUri), []);
    await client.change(yamlUri, brokenYaml);
    const deadline = Date.now() + 15000;
    let diags = await client.diagnostics(yamlUri);
    while (!diags.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      diags = await client.diagnostics(yamlUri);
    }
    assert.deepEqual(diags.map((d) => `${d.range.start.line} ${d.severity} ${d.code}`), [`${typeHookLine} 1 hook-sql`]);
    assert.match(String(diags[0].message), /syntax error at end of input/);
    // the type's hook fixed and the macros' hook removed: every model, open or not, binds again after the new hooks
    await client.change(yamlUri, projectYaml.replace('  - "{{ define_money_macros() }}"\n', ''));
    const problems = async () => (await client.workspaceDiagnostics()).filter((f) => f.items.length).map((f) => `${path.basename(f.uri)} ${f.items.map((d) => d.code).join()}`);
    const expected = ['dollars.sql sql-catalog', 'order_amounts.sql sql-catalog'];
    let now = await problems();
    while (JSON.stringify(now) !== JSON.stringify(expected) && Date.now() < deadline + 15000) {
      await new Promise((r) => setTimeout(r, 100));
      now = await problems();
    }
    assert.deepEqual(now, expected);
  } finally {
    await client.stop();
  }
});
