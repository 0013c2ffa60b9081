// An ephemeral model's SQL runs only inlined into a node dbt runs (a model, snapshot, data or unit test reading it,
// directly or through other ephemerals): where nothing does, `dbt build` passes whatever its SQL, so its binder errors
// are warnings. `floe check` and the editor (over LSP, the status bar's counts too) say the same; a ref added later
// makes the error an error again without binding it anew.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LspClient } from '../helpers/lspClient';

const repo = path.resolve(__dirname, '../..');
const eph = "{{ config(materialized='ephemeral') }}\n";

const files: Record<string, string> = {
  'dbt_project.yml': "name: y\nversion: '1.0.0'\nconfig-version: 2\nprofile: y\nmodel-paths: ['models']\n",
  'profiles.yml': 'y:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n',
  'models/base.sql': 'select 1 as id\n',
  // (a) nothing reads it (dbt_project_evaluator's integration project: a model of `ref()` lines only)
  'models/unused.sql': `${eph}{{ ref('base') }}\n`,
  // (b) a view reads it
  'models/used.sql': `${eph}select idd from {{ ref('base') }}\n`,
  'models/reads_used.sql': "select * from {{ ref('used') }}\n",
  // (b) through another ephemeral: a view reads `via`, which reads `deep`
  'models/deep.sql': `${eph}select idd as id from {{ ref('base') }}\n`,
  'models/via.sql': `${eph}select * from {{ ref('deep') }}\n`,
  'models/reads_via.sql': "select * from {{ ref('via') }}\n",
  // (c) only a data test reads it; (e) only a relationships test's `to:`
  'models/tested.sql': `${eph}select idd as id from {{ ref('base') }}\n`,
  'models/related.sql': `${eph}select idd as id from {{ ref('base') }}\n`,
  'models/tests.yml': 'version: 2\nmodels:\n  - name: tested\n    columns:\n      - name: id\n        data_tests:\n          - not_null\n'
    + '  - name: base\n    columns:\n      - name: id\n        data_tests:\n          - relationships:\n              to: ref(\'related\')\n              field: id\n',
  // (d) read only by another ephemeral nothing reads
  'models/chain_a.sql': `${eph}select idd from {{ ref('base') }}\n`,
  'models/chain_b.sql': `${eph}selec * from {{ ref('chain_a') }}\n`,
  // a Jinja error stops dbt's compile, read or not
  'models/jinja.sql': `${eph}select {{ ref('base') }\n`,
};

/** The project in a temporary folder. */
function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'floe-unread-ephemerals-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const expected = [
  'models/chain_a.sql warning sql-binder',
  'models/chain_b.sql warning sql-syntax',
  'models/deep.sql error sql-binder',
  'models/jinja.sql error jinja-unterminated',
  'models/related.sql error sql-binder',
  'models/tested.sql error sql-binder',
  'models/unused.sql warning sql-syntax',
  'models/used.sql error sql-binder',
];
const why = /\(nothing that runs reads this ephemeral model yet, so dbt would not run this SQL/;

test('an ephemeral model nothing that runs reads has its SQL errors as warnings, in floe check and in the editor alike', async () => {
  const dir = project();
  const env = { FLOE_CACHE_DIR: path.join(dir, '.cache'), DBT_PROFILES_DIR: dir, FLOE_NO_CATALOG: '1' };
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'server/src/cli/main.ts'), 'check', dir, '--format', 'json', '--no-cache'], { cwd: repo, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.ok(r.stdout.startsWith('{'), r.stderr);
  const report = JSON.parse(r.stdout) as { diagnostics: Array<{ file: string; severity: string; code: string; message: string }> };
  const cli = report.diagnostics.map((d) => `${d.file} ${d.severity} ${d.code}`);
  assert.deepEqual(cli, expected, r.stdout);
  for (const d of report.diagnostics) assert.equal(why.test(d.message), d.severity === 'warning', d.message);
  assert.equal(r.status, 1, 'the errors of the ephemerals that are read fail the check');

  const client = await LspClient.start(dir, env);
  try {
    const bound = await client.waitForStatus((s) => /^All \d+ models bound/.test(s.message ?? ''), 120_000);
    const severity = ['', 'error', 'warning', 'info', 'hint'];
    const pulled = await client.workspaceDiagnostics();
    const editor = pulled.flatMap(({ uri, items }) => items.map((d) => ({ line: `${path.relative(dir, fileURLToPath(uri))} ${severity[d.severity ?? 1]} ${String(d.code)}`, message: String(d.message) })));
    assert.deepEqual(editor.map((d) => d.line), expected);
    assert.deepEqual(editor.map((d) => d.message), report.diagnostics.map((d) => d.message), 'the same messages');
    // the status bar counts them as the Problems panel shows them
    assert.deepEqual({ errors: bound.errors, warnings: bound.warnings }, { errors: 5, warnings: 3 });

    // a view starts reading the unused ephemeral: its error is an error again, without binding it anew
    const reads = path.join(dir, 'models/reads_unused.sql');
    writeFileSync(reads, "select * from {{ ref('unused') }}\n");
    const statuses = client.statuses.length;
    await client.filesChanged([{ file: reads, type: 'created' }]);
    const unused = await client.diagnostics(client.uri(path.join(dir, 'models/unused.sql')));
    assert.deepEqual(unused.map((d) => `${severity[d.severity ?? 1]} ${String(d.code)}`), ['error sql-syntax']);
    assert.doesNotMatch(String(unused[0].message), why);
    const after = await client.waitForStatus((s) => client.statuses.indexOf(s) >= statuses && s.state === 'ready' && s.errors >= 6);
    assert.equal(after.warnings, 2, JSON.stringify(after));
  } finally {
    await client.stop();
  }
});
