// `floe check` takes dbt's --project-dir, --profiles-dir and --target, as a CI step calling dbt does: the profile they
// choose decides the adapter, so a column DuckDB cannot find is an error under a DuckDB target and is not judged under
// another adapter's or with no profile. The built CLI, a real DuckDB bind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runFloe } from '../helpers/floe-cli';

let dir: string;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-check-flags-'));
  const files: Record<string, string> = {
    'project/dbt_project.yml': 'name: flags\nprofile: flags\n',
    'project/models/m.sql': 'select no_such_column from (select 1 as a) t\n',
    'profiles/profiles.yml': "flags:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n    warehouse:\n      type: snowflake\n      schema: analytics\n",
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const check = async (...args: string[]) => {
  const r = await runFloe(['check', ...args, '--format', 'json'], { HOME: dir, DBT_PROFILES_DIR: undefined, DBT_TARGET: undefined, FLOE_CACHE_DIR: path.join(dir, 'cache') });
  return { code: r.code, err: r.err, errors: r.code !== null && r.code <= 1 && r.out ? (JSON.parse(r.out) as { diagnostics: Array<{ severity: string; code: string }> }).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code) : undefined };
};

test('--profiles-dir picks the profile (DuckDB: the missing column is an error), --target its output (Snowflake: not judged)', async () => {
  const project = path.join(dir, 'project'), profiles = path.join(dir, 'profiles');
  assert.deepEqual((await check(project)).errors, [], 'no profile: the adapter is unknown, binder findings are not errors');
  const duckdb = await check('--project-dir', project, '--profiles-dir', profiles);
  assert.deepEqual([duckdb.code, duckdb.errors], [1, ['sql-binder']], duckdb.err);
  assert.deepEqual((await check(`--project-dir=${project}`, `--profiles-dir=${profiles}`, '--target', 'warehouse')).errors, []);
});

test('a flag without its value, or a profiles dir without profiles.yml, is a usage error naming it', async () => {
  const project = path.join(dir, 'project');
  const missing = await check('--project-dir', project, '--target', '--no-cache');
  assert.equal(missing.code, 2);
  assert.match(missing.err, /--target needs a value/);
  const noProfiles = await check(project, '--profiles-dir', dir);
  assert.equal(noProfiles.code, 2);
  assert.match(noProfiles.err, /--profiles-dir: .* has no profiles\.yml/);
});
