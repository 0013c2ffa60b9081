// Seeds read as dbt-duckdb loads them: `delimiter`, `column_types` (from dbt_project.yml's seeds: tree and YAML
// config) and whole numbers as INTEGER. Real CLI, real DuckDB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(__dirname, '../..');

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'floe-seeds-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

function preview(dir: string, model: string): { columns: Array<{ name: string; type: string }>; rows: unknown[][] } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'server/src/cli/main.ts'), 'preview', dir, model, '--format', 'json'],
    { cwd: repo, encoding: 'utf8', env: { ...process.env, FLOE_NO_CATALOG: '1' } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const PROFILE = 's:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n';

test('a seed keeps column_types (leading zeros stay) and its delimiter; whole numbers are INTEGER as in dbt-duckdb', () => {
  const dir = project({
    'dbt_project.yml': "name: s\nprofile: s\nseeds:\n  s:\n    semi:\n      +delimiter: ';'\n",
    'profiles.yml': PROFILE,
    'seeds/semi/codes.csv': 'id;code\n1;007\n2;010\n',
    'seeds/plain.csv': 'id,zip\n1,02139\n2,10001\n',
    'seeds/seeds.yml': 'version: 2\nseeds:\n  - name: codes\n    config:\n      column_types:\n        code: varchar\n  - name: plain\n    config:\n      column_types:\n        zip: varchar\n',
    'models/a.sql': "select * from {{ ref('codes') }}",
    'models/b.sql': "select * from {{ ref('plain') }}",
  });
  try {
    const a = preview(dir, 'a');
    assert.deepEqual(a.columns.map((c) => `${c.name} ${c.type}`), ['id INTEGER', 'code VARCHAR']);
    assert.deepEqual(a.rows.map((r) => r[1]), ['007', '010']);
    const b = preview(dir, 'b');
    assert.deepEqual(b.columns.map((c) => `${c.name} ${c.type}`), ['id INTEGER', 'zip VARCHAR']);
    assert.deepEqual(b.rows.map((r) => r[1]), ['02139', '10001']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
