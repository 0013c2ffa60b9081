// dbt unit tests over LSP on a copy of test/fixtures/projects/unit-tests (no catalog, no lakehouse): floe/dataTests lists
// them beside the data tests at their YAML lines, floe/runDataTests runs them in milliseconds (fixtures typed by the
// binder's columns, overrides of vars, macros and env vars), a failure carries the expected and actual rows for the
// diff view, and diagnostics follow the YAML as it is typed, each at its line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lspClient';
import { DataTestsRequest, RunDataTestsRequest, type DataTestResult } from '../../server/src/protocol/dataTests';

const FIXTURE = path.resolve(__dirname, '../fixtures/projects/unit-tests');
let dir: string;
let client: LspClient;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-unit-tests-'));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  client = await LspClient.start(dir);
  await client.waitForStatus((s) => s.state === 'ready' && /All \d+ models bound/.test(s.message ?? ''), 60000);
});
after(async () => {
  await client?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const root = () => pathToFileURL(dir).toString();
const schema = () => path.join(dir, 'models/marts/schema.yml');

async function run(ids?: string[]): Promise<Map<string, DataTestResult>> {
  const response = await client.connection.sendRequest(RunDataTestsRequest.type, { uri: root(), ids });
  assert.ok('results' in response, JSON.stringify(response));
  return new Map(response.results.map((r) => [r.id, r]));
}

test('floe/dataTests lists the unit tests beside the data tests, each at its name in the YAML, about its model', async () => {
  const { tests } = await client.connection.sendRequest(DataTestsRequest.type, { uri: root() });
  const lines = fs.readFileSync(schema(), 'utf8').split('\n');
  const unit = tests.filter((t) => t.kind === 'unit');
  assert.deepEqual(unit.map((t) => t.id), [
    'unit:customer_revenue.revenue_per_customer', 'unit:customer_revenue.incremental_only_new_customers', 'unit:stg_orders.lowercases_status', 'unit:customer_revenue.wrong_revenue',
  ]);
  const wrong = unit[3];
  assert.equal(wrong.label, 'wrong_revenue');
  assert.equal(wrong.subject, 'customer_revenue');
  assert.equal(lines[wrong.range.start.line].trim(), '- name: wrong_revenue');
  assert.match(wrong.subjectUri ?? '', /models\/marts\/customer_revenue\.sql$/);
  assert.ok(tests.some((t) => t.kind === 'singular'), 'the data tests are still listed');
});

test('floe/runDataTests runs unit tests with no lakehouse: passes, overrides, and a failure with its diff', async () => {
  const ids = ['unit:customer_revenue.revenue_per_customer', 'unit:customer_revenue.incremental_only_new_customers', 'unit:stg_orders.lowercases_status', 'unit:customer_revenue.wrong_revenue'];
  const results = await run(ids);
  for (const id of ids.slice(0, 3)) assert.equal(results.get(id)?.status, 'pass', JSON.stringify(results.get(id)));
  const wrong = results.get('unit:customer_revenue.wrong_revenue')!;
  assert.equal(wrong.status, 'fail');
  assert.match(wrong.message ?? '', /^unit test wrong_revenue on customer_revenue: actual differs from expected \(models\/marts\/schema\.yml:59\)/);
  assert.match(wrong.message ?? '', /^\+ 1 +\| 5\.50$/m);
  assert.match(wrong.message ?? '', /^- 1 +\| 6\.00$/m);
  assert.deepEqual(wrong.diff, { expected: 'customer_id | revenue\n1           | 6.00', actual: 'customer_id | revenue\n1           | 5.50' });
  // Warm (the upstream already bound), a unit test takes milliseconds.
  const again = await run(['unit:stg_orders.lowercases_status']);
  assert.ok(again.get('unit:stg_orders.lowercases_status')!.ms < 500, `ms: ${again.get('unit:stg_orders.lowercases_status')!.ms}`);
});

test('a unit test that cannot run is an error naming the YAML line: a missing input, sql rows that do not render', async () => {
  const uri = await client.open(schema());
  const text = fs.readFileSync(schema(), 'utf8');
  // wrong_revenue without its stg_orders input.
  const edited = text.replace("      - input: ref('stg_orders')\n        rows:\n          - {order_id: 10, customer_id: 1, amount: 5.50, status: placed}\n", '');
  assert.notEqual(edited, text);
  await client.change(uri, edited);
  const r = (await run(['unit:customer_revenue.wrong_revenue'])).get('unit:customer_revenue.wrong_revenue')!;
  assert.equal(r.status, 'error');
  assert.match(r.message ?? '', /customer_revenue reads ref\('stg_orders'\), which given: has no input for .*\(models\/marts\/schema\.yml:\d+\)/);
  // sql rows are rendered as dbt renders them (the fixture's var() passes above); Jinja that fails says where
  await client.change(uri, text.replace("select {{ var('last_loaded_customer', 1) }} as customer_id", 'select {{ no_such_macro() }} as customer_id'));
  const bad = (await run(['unit:customer_revenue.incremental_only_new_customers'])).get('unit:customer_revenue.incremental_only_new_customers')!;
  assert.equal(bad.status, 'error');
  assert.match(bad.message ?? '', /could not run: the sql rows do not render: .*no_such_macro.* \(models\/marts\/schema\.yml:39\)/);
  await client.change(uri, text);
});

test('diagnostics while typing, each at its YAML text: unknown model, input not upstream, missing fixture file, a value that does not fit, an expected column the model lacks', async () => {
  const uri = client.uri(schema());
  const text = fs.readFileSync(schema(), 'utf8');
  assert.deepEqual((await client.diagnostics(uri)).filter((d) => String(d.code).startsWith('unit-test')), [], 'the fixture project is clean');
  const edited = text
    .replace('model: stg_orders', 'model: stg_order')
    .replace('fixture: customers_fixture', 'fixture: customers_fixtur')
    .replace("      - input: ref('stg_orders')\n        rows: []", "      - input: ref('stg_orders')\n        rows: []\n      - input: source('raw', 'orders')\n        rows: []")
    .replace('- {customer_id: 1, revenue: 6.00}', '- {customer_id: x1, revnue: 6.00}');
  await client.change(uri, edited);
  const lines = edited.split('\n');
  const got = (await client.diagnostics(uri)).filter((d) => String(d.code).startsWith('unit-test'))
    .map((d) => [d.code, lines[d.range.start.line].slice(d.range.start.character, d.range.end.line === d.range.start.line ? d.range.end.character : undefined)]);
  assert.deepEqual(got, [
    ['unit-test-fixture', 'customers_fixtur'],
    ['unit-test-input-unused', "source('raw', 'orders')"],
    ['unit-test-model', 'stg_order'],
    ['unit-test-expect-column', 'revnue'],
    ['unit-test-value-type', 'x1'],
  ]);
  await client.change(uri, text);
  assert.deepEqual((await client.diagnostics(uri)).filter((d) => String(d.code).startsWith('unit-test')), []);
});
