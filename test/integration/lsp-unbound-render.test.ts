// Snapshots, singular tests and analyses are rendered by dbt but never bound by Floe: a Jinja error in one (a missing
// comma in a snapshot's config, found in dbt-spark-models' scd2_product_tiers_snapshot.sql; a macro that raises) was
// in `floe check`'s report but not in the editor's. Both now show the same problems for them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { WorkspaceDiagnosticRequest } from 'vscode-languageserver-protocol';
import { SHOP_DUCKDB_PROFILE, withProjectServer } from '../helpers/lspClient';

const repo = path.resolve(__dirname, '../..');
const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nprofile: shop\n',
  'profiles.yml': SHOP_DUCKDB_PROFILE,
  'models/a.sql': 'select 1 as id\n',
  'snapshots/s.sql': "{% snapshot s_snap %}\n{{ config(\n    meta = {'o': 1}\n    unique_key = 'id', strategy = 'check', check_cols = ['id'], target_schema = 'x'\n) }}\nselect * from {{ ref('a') }}\n{% endsnapshot %}\n",
  'tests/t.sql': "select * from {{ ref('a') }}\n{{ exceptions.raise_compiler_error('test boom') }}\n",
  'analyses/x.sql': "select 1\n{{ exceptions.raise_compiler_error('analysis boom') }}\n",
};
const brief = (file: string, line: number, code: unknown) => `${file}:${line + 1}:${String(code)}`;

test('the editor shows the render errors of snapshots, singular tests and analyses, as floe check does', async () => {
  await withProjectServer('floe-unbound-render-', FILES, async (client, root) => {
    const expected = ['analyses/x.sql:2:jinja-render', 'snapshots/s.sql:2:jinja-syntax', 'tests/t.sql:2:jinja-render'];
    const pulled: string[] = [];
    for (const rel of ['snapshots/s.sql', 'tests/t.sql', 'analyses/x.sql']) {
      const uri = await client.open(path.join(root, rel), FILES[rel]);
      for (const d of await client.diagnostics(uri)) pulled.push(brief(rel, d.range.start.line, d.code));
    }
    assert.deepEqual(pulled.sort(), expected, 'document pulls');
    const ws = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const problems = ws.items.flatMap((i) => (i.kind === 'full' ? i.items.map((d) => brief(path.relative(root, new URL(i.uri).pathname), d.range.start.line, d.code)) : []));
    assert.deepEqual(problems.sort(), expected, 'the Problems panel (workspace pull)');
    const cli = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'server/src/cli/main.ts'), 'check', root, '--format', 'json'], { cwd: repo, encoding: 'utf8' });
    const report = JSON.parse(cli.stdout) as { diagnostics: Array<{ file: string; range: { start: { line: number } }; code: string }> };
    assert.deepEqual(report.diagnostics.map((d) => brief(d.file, d.range.start.line, d.code)).sort(), expected, 'floe check');
  });
});
