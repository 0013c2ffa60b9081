// Issue 15: renaming a model's output column over the real language server: the defining select item, the uses in
// downstream models that resolve to that model's column (never a same-named column of another relation), `select *`
// passing it on, and schema YAML (columns, tests, contracts, unit test rows), in one WorkspaceEdit marked for review.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PrepareRenameRequest, RenameRequest, type TextDocumentEdit, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';
import { writeTempProject } from '../helpers/demo-copy';
import { appliedEdit } from '../helpers/workspaceEdit';

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
          - {name: customer_id, data_type: bigint}
      - name: customers
        columns:
          - {name: customer_id, data_type: bigint}
          - {name: amount, data_type: double}
`,
  // the column to rename: amount, an alias in the final select
  'models/orders.sql': `with src as (
    select * from {{ source('raw', 'orders') }}
)
select id, customer_id, total * 1.0 as amount
from src
`,
  // qualified uses, and a same-named column of another relation that must stay
  'models/report.sql': `select o.id, o.amount as amt, o.amount * 2 as doubled, c.amount as customer_amount
from {{ ref('orders') }} o
join {{ source('raw', 'customers') }} c on c.customer_id = o.customer_id
where o.amount > 0
`,
  // an unqualified bare select item: it keeps its output name
  'models/plain.sql': `select id, amount from {{ ref('orders') }}
`,
  // select * passes the column on: this model's output is renamed too, and its own downstream
  'models/orders_copy.sql': `with base as (select * from {{ ref('orders') }})
select * from base
`,
  'models/copy_report.sql': `select amount from {{ ref('orders_copy') }}
`,
  'models/schema.yml': `version: 2
models:
  - name: orders
    config:
      contract: {enforced: true}
    constraints:
      - type: primary_key
        columns: [id, amount]
    columns:
      - name: id
        data_type: bigint
        description: "{{ doc('shared_id') }}"
      - name: customer_id
        data_type: bigint
        description: "{{ doc('orders__customer_id') }}"
      - name: amount
        data_type: double
        data_tests: [not_null]
        description: "{{ doc('amount') }}"
  - name: orders_copy
    columns:
      - name: amount
        description: "{{ doc('amount') }}"
  - name: plain
    columns:
      - name: id
        description: "{{ doc('shared_id') }}"
  - name: report
    columns:
      - name: amount
        data_tests:
          - relationships:
              arguments:
                to: ref('orders')
                field: amount
unit_tests:
  - name: doubles
    model: report
    given:
      - input: ref('orders')
        rows:
          - {id: 1, customer_id: 1, amount: 2}
    expect:
      rows:
        - {id: 1, doubled: 4}
`,
  // docs blocks: one per column (renamed with it), and one two models' columns share (left as it is)
  'models/docs.md': `{% docs orders__customer_id %}
The buyer: \`customer_id\`, as in customers.customer_id. Every customer_id is set.
{% enddocs %}

{% docs amount %}
The order's amount in euros ({{ doc('currency') }}); see \`amount\`, not \`total\`.
{% enddocs %}

{% docs shared_id %}
The \`id\` of the row.
{% enddocs %}

{% docs currency %}Euros.{% enddocs %}
`,
};

let dir: string;
let client: LspClient;
const file = (rel: string) => path.join(dir, rel);

before(async () => {
  dir = writeTempProject('floe-column-rename-', FILES);
  client = await LspClient.start(dir);
  await client.waitForStatus((s) => s.state === 'ready' && /All \d+ models bound/.test(s.message ?? ''), 30000);
});
after(async () => {
  await client?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});


test('renaming an output column updates its downstream uses, select * chains and YAML, and nothing of another relation', async () => {
  const uri = await client.open(file('models/orders.sql'));
  const at = positionOf(FILES['models/orders.sql'], 'as amount', 3);
  const prepared = await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: at }) as { placeholder: string } | null;
  assert.equal(prepared?.placeholder, 'amount');
  const edit = await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: at, newName: 'net_amount' }) as WorkspaceEdit;
  assert.ok(edit.changeAnnotations?.['floe.rename']?.needsConfirmation, 'the edit asks for review');
  const files = appliedEdit(edit, dir, FILES);
  assert.deepEqual(Object.keys(files).sort(), ['models/copy_report.sql', 'models/docs.md', 'models/orders.sql', 'models/plain.sql', 'models/report.sql', 'models/schema.yml']);
  assert.equal(files['models/orders.sql'], FILES['models/orders.sql'].replace('as amount', 'as net_amount'));
  assert.equal(files['models/plain.sql'], "select id, net_amount as amount from {{ ref('orders') }}\n");
  assert.equal(files['models/report.sql'], `select o.id, o.net_amount as amt, o.net_amount * 2 as doubled, c.amount as customer_amount
from {{ ref('orders') }} o
join {{ source('raw', 'customers') }} c on c.customer_id = o.customer_id
where o.net_amount > 0
`);
  // orders_copy passes it on through select *: its output is net_amount now, so copy_report keeps its own name
  assert.equal(files['models/copy_report.sql'], "select net_amount as amount from {{ ref('orders_copy') }}\n");
  const yaml = files['models/schema.yml'];
  assert.match(yaml, /- name: orders\n[\s\S]*- name: net_amount\n        data_type: double\n        data_tests: \[not_null\]/);
  assert.match(yaml, /columns: \[id, net_amount\]/, 'model-level constraints name it too');
  assert.match(yaml, /- name: orders_copy\n    columns:\n      - name: net_amount\n/);
  assert.match(yaml, /- name: report\n    columns:\n      - name: amount\n/, "report's own column keeps its name");
  assert.match(yaml, /field: net_amount/);
  assert.match(yaml, /\{id: 1, customer_id: 1, net_amount: 2\}/);
  assert.match(yaml, /\{id: 1, doubled: 4\}/);
  // its docs block follows the column's name and only these two columns use it: renamed, with both doc() uses
  assert.equal((yaml.match(/doc\('net_amount'\)/g) ?? []).length, 2);
  assert.match(files['models/docs.md'], /\{% docs net_amount %\}\nThe order's amount in euros \(\{\{ doc\('currency'\) \}\}\); see `net_amount`, not `total`\./);
  assert.match(files['models/docs.md'], /\{% docs orders__customer_id %\}/, "another column's block is untouched");
  // the name is a reference; the word in backticks is prose, confirmed apart
  const docsEdits = (edit.documentChanges as TextDocumentEdit[]).find((c) => c.textDocument.uri.endsWith('docs.md'))!.edits as Array<TextEdit & { annotationId?: string }>;
  assert.deepEqual(docsEdits.map((e) => e.annotationId).sort(), ['floe.rename', 'floe.rename.docs']);
  assert.ok(edit.changeAnnotations?.['floe.rename.docs']?.needsConfirmation);
});

test("a column's own docs block: its name, its identifier mentions, never a qualified name of another table", async () => {
  const uri = await client.open(file('models/orders.sql'));
  const edit = await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: positionOf(FILES['models/orders.sql'], 'customer_id, total'), newName: 'buyer_id' }) as WorkspaceEdit;
  const files = appliedEdit(edit, dir, FILES);
  assert.match(files['models/docs.md'], /\{% docs orders__buyer_id %\}\nThe buyer: `buyer_id`, as in customers\.customer_id\. Every buyer_id is set\.\n/);
  assert.match(files['models/schema.yml'], /description: "\{\{ doc\('orders__buyer_id'\) \}\}"/);
});

test('a docs block two models share is left as it is, and the review says why', async () => {
  const uri = await client.open(file('models/orders.sql'));
  const edit = await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: positionOf(FILES['models/orders.sql'], 'select id', 7), newName: 'order_id' }) as WorkspaceEdit;
  const files = appliedEdit(edit, dir, FILES);
  assert.equal(files['models/docs.md'], undefined);
  assert.match(edit.changeAnnotations?.['floe.rename']?.label ?? '', /docs block 'shared_id' left unchanged: it also describes plain\.id/);
});

test('an unqualified use that another relation could supply refuses the rename, with the reason', async () => {
  const ambiguous = `select id, customer_id
from {{ ref('orders') }} o
join {{ source('raw', 'customers') }} c using (customer_id)
`;
  const report = await client.open(file('models/report.sql'));
  await client.change(report, ambiguous);
  const uri = await client.open(file('models/orders.sql'));
  const at = positionOf(FILES['models/orders.sql'], 'customer_id, total');
  await assert.rejects(
    client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: at, newName: 'buyer_id' }),
    (e: Error) => /Cannot rename orders\.customer_id exactly: models\/report\.sql line 1: 'c' has a column of the same name; qualify the column/.test(e.message),
  );
  await client.change(report, FILES['models/report.sql']);
});

test('a name the model already has is refused', async () => {
  const uri = await client.open(file('models/orders.sql'));
  const at = positionOf(FILES['models/orders.sql'], 'as amount', 3);
  await assert.rejects(
    client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: at, newName: 'id' }),
    /orders already has a column id/,
  );
});

test('rename from the column\'s entry in schema YAML is the same rename as from its select item', async () => {
  const uri = await client.open(file('models/schema.yml'));
  const at = positionOf(FILES['models/schema.yml'], '- name: amount', 9);
  const prepared = await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position: at }) as { placeholder: string } | null;
  assert.equal(prepared?.placeholder, 'amount');
  const fromYaml = appliedEdit(await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: at, newName: 'net_amount' }) as WorkspaceEdit, dir, FILES);
  const sqlUri = await client.open(file('models/orders.sql'));
  const fromSql = appliedEdit(await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: sqlUri }, position: positionOf(FILES['models/orders.sql'], 'as amount', 3), newName: 'net_amount' }) as WorkspaceEdit, dir, FILES);
  assert.deepEqual(fromYaml, fromSql);
  assert.match(fromYaml['models/orders.sql'], /as net_amount/);
});
