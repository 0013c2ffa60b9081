// Issue 15: preview what is under the cursor, over the real language server and real DuckDB. Each CTE of a model has
// a "Preview <cte>" lens; previewing at a CTE runs the query up to it; column statistics of a preview are computed on
// the full result (not the page the grid holds).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { CodeLensRequest, type CodeLens } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';
import { writeTempProject } from '../helpers/demo-copy';
import { PreviewRequest } from '../../server/src/protocol/run';
import { ResultStatsRequest, type PreviewResult } from '../../server/src/protocol/results';

const MODEL = `with numbers as (
    select i, case when i % 4 = 0 then null else i % 10 end as digit, [i, i] as pair
    from range(100) t(i)
),

doubled as (
    select i * 2 as twice, digit, pair from numbers
)

select * from doubled where twice < 20
`;

let dir: string;
let client: LspClient;
const uri = () => pathToFileURL(path.join(dir, 'models/numbers.sql')).toString();

before(async () => {
  dir = writeTempProject('floe-cte-preview-', {
    'dbt_project.yml': "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\nmodel-paths: ['models']\n",
    'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n',
    'models/numbers.sql': MODEL,
  });
  client = await LspClient.start(dir);
  await client.waitForStatus((s) => s.state === 'ready');
});
after(async () => {
  await client?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('each CTE has a Preview lens at its name, with its offset for the client', async () => {
  await client.open(path.join(dir, 'models/numbers.sql'));
  const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: uri() } }) as CodeLens[];
  const ctes = lenses.filter((l) => l.command?.command === 'floe.previewCte');
  assert.deepEqual(ctes.map((l) => [l.command!.title, l.range.start]), [
    ['▶ Preview numbers', positionOf(MODEL, 'numbers as (')],
    ['▶ Preview doubled', positionOf(MODEL, 'doubled as (')],
  ]);
  assert.deepEqual(ctes[1].command!.arguments, [uri(), String(MODEL.indexOf('doubled as ('))]);
});

async function preview(cteAt?: { line: number; character: number }, limit = 5): Promise<PreviewResult> {
  const response = await client.connection.sendRequest(PreviewRequest.type, { uri: uri(), limit, cteAt });
  assert.ok('result' in response, JSON.stringify(response));
  return response.result;
}

test('a CTE preview runs the query up to that CTE; its statistics cover every row, not the page', async () => {
  const result = await preview(positionOf(MODEL, 'doubled as (', 2));
  assert.equal(result.title, 'numbers (CTE)');
  assert.deepEqual(result.columns.map((c) => c.name), ['twice', 'digit', 'pair']);
  assert.equal(result.rowCount, 5);
  assert.equal(result.truncated, true);
  assert.equal(tableFromIPC(Buffer.from(result.arrow, 'base64')).numRows, 5);
  const answer = await client.connection.sendRequest(ResultStatsRequest.type, { sql: result.sql });
  assert.ok('stats' in answer, JSON.stringify(answer));
  assert.equal(answer.stats.rows, 100);
  assert.deepEqual(answer.stats.columns, [
    { name: 'twice', type: 'BIGINT', nulls: 0, distinct: 100, min: '0', max: '198' },
    { name: 'digit', type: 'BIGINT', nulls: 25, distinct: 10, min: '0', max: '9' },
    // a list has no useful order: no min and max
    { name: 'pair', type: 'BIGINT[]', nulls: 0, distinct: 100 },
  ]);
});

test('statistics of the whole model follow its filter; a preview no longer open says so', async () => {
  const whole = await preview(undefined, 500);
  const answer = await client.connection.sendRequest(ResultStatsRequest.type, { sql: whole.sql });
  assert.ok('stats' in answer);
  assert.equal(answer.stats.rows, 10);
  assert.equal(answer.stats.columns[1].nulls, 3, 'i = 0, 4, 8 have no digit');
  const gone = await client.connection.sendRequest(ResultStatsRequest.type, { sql: 'select 1' });
  assert.ok('error' in gone && /no longer open on the server; run it again, then compute column statistics/.test(gone.error), JSON.stringify(gone));
});
