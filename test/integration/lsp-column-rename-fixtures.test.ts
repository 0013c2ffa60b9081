// Issue 15: column rename over the real language server reaches unit tests' text fixtures: the header of csv rows
// and the aliases of sql rows, inline or in tests/fixtures files; what it cannot place exactly refuses the rename
// with the file and line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RenameRequest, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';
import { writeTempProject } from '../helpers/demo-copy';
import { appliedEdit } from '../helpers/workspaceEdit';

const UNIT_TESTS = `unit_tests:
  - name: csv_inline
    model: report
    given:
      - input: ref('orders')
        format: csv
        rows: |
          id,amount
          1,2
    expect:
      format: csv
      rows: |
        id,doubled
        1,4
  - name: csv_file
    model: report
    given:
      - input: ref('orders')
        format: csv
        fixture: orders_rows
    expect: {rows: [{id: 1, doubled: 4}]}
  - name: sql_inline
    model: report
    given:
      - input: ref('orders')
        format: sql
        rows: |
          select 1 as id, 2 as amount
          union all
          select 2 as id, 3 as "amount"
    expect: {rows: [{id: 1, doubled: 4}]}
  - name: sql_file
    model: report
    given:
      - input: ref('orders')
        format: sql
        fixture: orders_query
    expect: {rows: [{id: 1, doubled: 4}]}
  - name: own_expect
    model: orders
    given:
      - input: source('raw', 'orders')
        format: csv
        rows: |
          id,total
          1,2
    expect:
      format: csv
      rows: |
        id,"amount"
        1,2.0
`;

const FILES: Record<string, string> = {
  'dbt_project.yml': "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\nmodel-paths: ['models']\n",
  'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n',
  'models/sources.yml': `version: 2
sources:
  - name: raw
    tables:
      - name: orders
        columns:
          - {name: id, data_type: bigint}
          - {name: total, data_type: double}
`,
  'models/orders.sql': "select id, total * 1.0 as amount from {{ source('raw', 'orders') }}\n",
  'models/report.sql': "select id, amount * 2 as doubled from {{ ref('orders') }}\n",
  'models/unit_tests.yml': UNIT_TESTS,
  'tests/fixtures/orders_rows.csv': 'id,amount\n1,2\n',
  'tests/fixtures/orders_query.sql': 'select 1 as id, 2 as amount\n',
};

let dir: string;
let client: LspClient;
const file = (rel: string) => path.join(dir, rel);

before(async () => {
  dir = writeTempProject('floe-column-rename-fixtures-', FILES);
  client = await LspClient.start(dir);
  await client.waitForStatus((s) => s.state === 'ready' && /All \d+ models bound/.test(s.message ?? ''), 30000);
});
after(async () => {
  await client?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});


const rename = async (newName: string) => {
  const uri = await client.open(file('models/orders.sql'));
  return client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: positionOf(FILES['models/orders.sql'], 'as amount', 3), newName }) as Promise<WorkspaceEdit>;
};

test('csv headers and sql aliases naming the column, inline and in fixture files, follow the rename', async () => {
  const files = appliedEdit(await rename('net_amount'), dir, FILES);
  assert.equal(files['tests/fixtures/orders_rows.csv'], 'id,net_amount\n1,2\n');
  assert.equal(files['tests/fixtures/orders_query.sql'], 'select 1 as id, 2 as net_amount\n');
  const yaml = files['models/unit_tests.yml'];
  assert.equal(yaml, UNIT_TESTS
    .replace('          id,amount\n', '          id,net_amount\n')
    .replace('2 as amount\n', '2 as net_amount\n').replace('3 as "amount"', '3 as "net_amount"')
    .replace('id,"amount"', 'id,"net_amount"'));
  assert.match(yaml, /id,total\n/, "the source's rows keep their columns");
});

test('a sql fixture that reads the column rather than naming it, and a fixture file shared with another input, refuse with the file and line', async () => {
  const yamlUri = await client.open(file('models/unit_tests.yml'));
  await client.change(yamlUri, UNIT_TESTS.replace('select 1 as id, 2 as amount\n', 'select id, amount from (values (1, 2)) t(id, amount)\n'));
  await assert.rejects(rename('net_amount'), (e: Error) => /models\/unit_tests\.yml line 28: amount is not an alias of a select item there/.test(e.message));
  await client.change(yamlUri, `${UNIT_TESTS}  - name: shared_file
    model: orders
    given:
      - input: source('raw', 'orders')
        format: csv
        fixture: orders_rows
    expect: {rows: []}
`);
  await assert.rejects(rename('net_amount'), (e: Error) => /tests\/fixtures\/orders_rows\.csv also holds the rows of source\('raw', 'orders'\)/.test(e.message));
  await client.change(yamlUri, UNIT_TESTS);
});
