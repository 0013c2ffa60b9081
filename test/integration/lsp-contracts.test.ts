// Issue 15: enforced model contracts over the real language server, binding in real DuckDB. Each finding is placed
// at the contract's YAML line and at the model's select item; downstream models get warnings where they read a column
// a contract drops or retypes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';
import { writeTempProject } from '../helpers/demo-copy';
import { runFloe } from '../helpers/floe-cli';

const SOURCES = `version: 2
sources:
  - name: raw
    schema: raw
    tables:
      - name: orders
        columns:
          - {name: order_id, data_type: bigint}
          - {name: customer_id, data_type: bigint}
          - {name: amount, data_type: 'decimal(18,2)'}
          - {name: ordered_at, data_type: timestamptz}
      - name: customers
        columns:
          - {name: customer_id, data_type: bigint}
          - {name: name, data_type: varchar}
`;

const ORDERS_SQL = `select
    o.order_id,
    o.customer_id,
    o.amount,
    o.ordered_at,
    c.name as customer_name
from {{ source('raw', 'orders') }} o
left join {{ source('raw', 'customers') }} c on c.customer_id = o.customer_id
`;

const SCHEMA = `version: 2
models:
  - name: orders
    config:
      contract: {enforced: true}
    columns:
      - name: order_id
        data_type: int8
        constraints:
          - type: not_null
      - name: customer_id
        data_type: long
      - name: amount
        data_type: numeric(18,2)
      - name: ordered_at
        data_type: timestamp with time zone
      - name: customer_name
        data_type: string
`;

const REPORT_SQL = `select r.order_id, r.amount * 2 as doubled, customer_name
from {{ ref('orders') }} r
join {{ source('raw', 'customers') }} c on c.customer_id = r.customer_id
`;

let dir: string;
let client: LspClient;
const file = (rel: string) => path.join(dir, rel);

before(async () => {
  dir = writeTempProject('floe-contracts-', {
    'dbt_project.yml': "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\nmodel-paths: ['models']\n",
    'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n',
    'models/sources.yml': SOURCES,
    'models/orders.sql': ORDERS_SQL,
    'models/schema.yml': SCHEMA,
    'models/report.sql': REPORT_SQL,
  });
  client = await LspClient.start(dir);
  await client.waitForStatus((s) => s.state === 'ready' && /All \d+ models bound/.test(s.message ?? ''), 30000);
});
after(async () => {
  await client?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Contract diagnostics now (every model was bound before the tests start). */
async function now(uri: string): Promise<Diagnostic[]> {
  return (await client.diagnostics(uri)).filter((x) => String(x.code).startsWith('contract'));
}

/** Polls pull diagnostics of a file until `pred` holds (binding runs in the background after each edit). */
async function until(uri: string, pred: (d: Diagnostic[]) => boolean): Promise<Diagnostic[]> {
  const deadline = Date.now() + 15000;
  for (;;) {
    const d = (await client.diagnostics(uri)).filter((x) => String(x.code).startsWith('contract'));
    if (pred(d) || Date.now() > deadline) return d;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a contract the model meets has no diagnostics, whichever type spellings it uses (int8, long, numeric, timestamp with time zone, string)', async () => {
  const yaml = await client.open(file('models/schema.yml'));
  const sql = await client.open(file('models/orders.sql'));
  assert.deepEqual(await now(yaml), []);
  assert.deepEqual(await now(sql), []);
});

test('a retyped, a missing and an extra column are reported at the YAML line and at the SQL column', async () => {
  const yaml = await client.open(file('models/schema.yml'));
  const sqlUri = await client.open(file('models/orders.sql'));
  const edited = SCHEMA.replace('data_type: numeric(18,2)', 'data_type: double').replace('      - name: customer_name\n        data_type: string\n', '      - name: discount\n        data_type: int\n');
  await client.change(yaml, edited);
  const inYaml = await until(yaml, (d) => d.length >= 3);
  const at = (needle: string) => positionOf(edited, needle).line;
  const byLine = new Map(inYaml.map((d) => [d.range.start.line, String(d.message)]));
  assert.match(byLine.get(at('data_type: double')) ?? '', /column amount is DECIMAL\(18,2\) in the model's SQL but double in the contract/);
  assert.match(byLine.get(at('- name: discount')) ?? '', /column discount is in the contract but the model's SQL does not produce it/);
  assert.match(byLine.get(at('- name: orders')) ?? '', /column customer_name is produced by the model's SQL but not in the contract/);
  // in the SQL: the select items themselves
  const inSql = await until(sqlUri, (d) => d.length >= 2);
  const sqlAt = (needle: string) => positionOf(ORDERS_SQL, needle);
  const amount = inSql.find((d) => /amount/.test(String(d.message)))!;
  assert.deepEqual(amount.range.start, sqlAt('o.amount'));
  const extra = inSql.find((d) => /customer_name/.test(String(d.message)))!;
  assert.deepEqual(extra.range.start, sqlAt('c.name as customer_name'));
  assert.equal(extra.severity, 1);
  await client.change(yaml, SCHEMA);
  assert.deepEqual(await until(sqlUri, (d) => d.length === 0), []);
});

test('not_null on a column that is NULL by construction is an error; a left join\'s left side and a coalesce are not', async () => {
  const yaml = await client.open(file('models/schema.yml'));
  const sqlUri = await client.open(file('models/orders.sql'));
  const notNullName = SCHEMA.replace('      - name: customer_name\n        data_type: string\n', '      - name: customer_name\n        data_type: string\n        constraints: [{type: not_null}]\n');
  await client.change(yaml, notNullName);
  const found = await until(yaml, (d) => d.length > 0);
  assert.equal(found.length, 1);
  assert.equal(found[0].range.start.line, positionOf(notNullName, 'type: not_null}]').line);
  assert.match(String(found[0].message), /customer_name is not_null, but .* c, the right side of an outer join, without coalesce/);
  // coalesce proves nothing, so nothing is said
  const coalesced = ORDERS_SQL.replace('c.name as customer_name', "coalesce(c.name, '?') as customer_name");
  await client.change(sqlUri, coalesced);
  assert.deepEqual(await until(yaml, (d) => d.length === 0), []);
  // a literal NULL is reported on the select item
  const literal = ORDERS_SQL.replace('o.order_id,', 'null::bigint as order_id,');
  await client.change(sqlUri, literal);
  await client.change(yaml, SCHEMA);
  const inSql = await until(sqlUri, (d) => d.length > 0);
  assert.equal(inSql.length, 1);
  assert.match(String(inSql[0].message), /order_id is not_null, but it is a literal NULL/);
  assert.deepEqual(inSql[0].range.start, positionOf(literal, 'null::bigint'));
  await client.change(sqlUri, ORDERS_SQL);
  assert.deepEqual(await until(sqlUri, (d) => d.length === 0), []);
});

test('model-level constraints: a column they name that the contract lacks is an error at that line, and their not_null joins the NULL-by-construction check', async () => {
  const yaml = await client.open(file('models/schema.yml'));
  const edited = SCHEMA.replace('      contract: {enforced: true}\n', `      contract: {enforced: true}
    constraints:
      - type: primary_key
        columns: [order_id, ordr_id]
      - type: not_null
        columns:
          - customer_name
`);
  await client.change(yaml, edited);
  const found = await until(yaml, (d) => d.length >= 2);
  const byLine = new Map(found.map((d) => [d.range.start.line, String(d.message)]));
  assert.equal(found.length, 2, JSON.stringify(found));
  assert.match(byLine.get(positionOf(edited, 'ordr_id').line) ?? '', /the model's primary_key constraint names column ordr_id, which the contract does not have/);
  assert.deepEqual(found.find((d) => /ordr_id/.test(String(d.message)))!.range.start, positionOf(edited, 'ordr_id'));
  assert.match(byLine.get(positionOf(edited, '- customer_name').line) ?? '', /customer_name is not_null, but .* c, the right side of an outer join, without coalesce/);
  await client.change(yaml, SCHEMA);
  assert.deepEqual(await until(yaml, (d) => d.length === 0), []);
});

test('a contract that drops or retypes a column warns on downstream models where they read it, never on a same-named column of another relation', async () => {
  const yaml = await client.open(file('models/schema.yml'));
  const report = await client.open(file('models/report.sql'));
  assert.deepEqual(await now(report), []);
  const edited = SCHEMA.replace('data_type: numeric(18,2)', 'data_type: double');
  await client.change(yaml, edited);
  const found = await until(report, (d) => d.length > 0);
  assert.equal(found.length, 1);
  assert.equal(found[0].severity, 2);
  assert.match(String(found[0].message), /contract of orders \(models\/schema\.yml line 3\) retypes column amount to double/);
  assert.deepEqual(found[0].range.start, positionOf(REPORT_SQL, 'amount * 2'));
  // dropping customer_name: the unqualified use in report reads orders' column (customers has no such column)
  const dropped = SCHEMA.replace('      - name: customer_name\n        data_type: string\n', '');
  await client.change(yaml, dropped);
  const drops = await until(report, (d) => d.some((x) => /drops column customer_name/.test(String(x.message))));
  assert.deepEqual(drops.map((d) => d.range.start), [positionOf(REPORT_SQL, 'customer_name\n')]);
  // dropping customer_id: r.customer_id is a use, c.customer_id (the source's column of the same name) is not
  const noKey = SCHEMA.replace('      - name: customer_id\n        data_type: long\n', '');
  await client.change(yaml, noKey);
  const keys = await until(report, (d) => d.some((x) => /drops column customer_id/.test(String(x.message))));
  assert.deepEqual(keys.map((d) => d.range.start), [positionOf(REPORT_SQL, 'r.customer_id', 2)]);
  await client.change(yaml, SCHEMA);
  assert.deepEqual(await until(report, (d) => d.length === 0), []);
});

test('floe check reports the same contract errors, with exit 1, and a contract that dbt_project.yml enforces counts', async () => {
  const other = writeTempProject('floe-contracts-check-', {
    'dbt_project.yml': "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\nmodel-paths: ['models']\nmodels:\n  shop:\n    +contract: {enforced: true}\n",
    'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n',
    'models/sources.yml': SOURCES,
    'models/orders.sql': ORDERS_SQL,
    'models/schema.yml': SCHEMA.replace('    config:\n      contract: {enforced: true}\n', '').replace('data_type: numeric(18,2)', 'data_type: double'),
  });
  try {
    const run = await runFloe(['check', other, '--format', 'json', '--no-cache']);
    assert.equal(run.code, 1, run.err);
    const found = (JSON.parse(run.out).diagnostics as Array<{ file: string; code: string; message: string }>).filter((d) => d.code === 'contract');
    assert.deepEqual(found.map((d) => d.file).sort(), ['models/orders.sql', 'models/schema.yml']);
    assert.ok(found.every((d) => /column amount is DECIMAL\(18,2\) in the model's SQL but double in the contract/.test(d.message)), JSON.stringify(found));
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
  }
});
