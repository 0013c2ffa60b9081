// dbt data tests over LSP on a copy of the demo with its local lakehouse: floe/dataTests lists them at their YAML
// lines, floe/runDataTests runs them (pass, fail with count and sample, warn, error naming the model), and
// floe/dataTestsChanged follows a YAML edit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lspClient';
import { copyDemo } from '../helpers/demo-copy';
import { DbtProject } from '../../server/src/project/project';
import { openLakehouse, stopLocalCatalogServers } from '../../server/src/run/lakehouse';
import { writeDemoBronze, DEMO_SIZES } from '../../server/src/run/demo-bronze';
import { DataTestsChangedNotification, DataTestsRequest, RunDataTestsRequest, type DataTestResult } from '../../server/src/protocol/dataTests';

let dir: string;
let client: LspClient;

before(async () => {
  dir = copyDemo({
    'tests/assert_no_cancelled_orders.sql': "{{ config(severity='warn') }}\nselect order_id, status\nfrom {{ ref('stg_orders') }}\nwhere status = 'cancelled'\n",
  });
  const project = DbtProject.load(dir);
  await writeDemoBronze(await openLakehouse(project), path.join(dir, 'bronze'), DEMO_SIZES.small);
  await stopLocalCatalogServers();
  client = await LspClient.start(dir);
});
after(async () => {
  await client?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const root = () => pathToFileURL(dir).toString();
const schemaFile = () => path.join(dir, 'models/schema.yml');

async function run(ids?: string[]): Promise<Map<string, DataTestResult>> {
  const response = await client.connection.sendRequest(RunDataTestsRequest.type, { uri: root(), ids });
  assert.ok('results' in response, JSON.stringify(response));
  return new Map(response.results.map((r) => [r.id, r]));
}

test('floe/dataTests lists the generic tests at their YAML lines, source tests and singular tests', async () => {
  const { tests } = await client.connection.sendRequest(DataTestsRequest.type, { uri: root() });
  const byId = new Map(tests.map((t) => [t.id, t]));
  const lines = fs.readFileSync(schemaFile(), 'utf8').split('\n');
  const status = byId.get('stg_orders.status.accepted_values');
  assert.ok(status, `ids: ${[...byId.keys()].join(', ')}`);
  assert.equal(status.label, 'accepted_values(status)');
  assert.equal(status.subject, 'stg_orders');
  assert.equal(status.column, 'status');
  assert.equal(status.uri, pathToFileURL(schemaFile()).toString());
  assert.match(lines[status.range.start.line], /^\s*- accepted_values:/);
  const notNull = byId.get('stg_orders.order_id.not_null')!;
  assert.match(lines[notNull.range.start.line], /^\s*- not_null$/);
  assert.equal(lines[notNull.range.start.line - 1].trim(), '- unique', 'the not_null under unique, not the first not_null of the file');
  assert.match(status.subjectUri ?? '', /\/models\/staging\/stg_orders\.sql$/, 'the subject opens the model');
  assert.equal(byId.get('source:bronze.orders.order_id.not_null')?.subject, 'source:bronze.orders');
  assert.match(byId.get('source:bronze.orders.order_id.not_null')?.subjectUri ?? '', /\/models\/sources\.yml$/);
  const singular = byId.get('singular:tests/assert_no_cancelled_orders.sql');
  assert.equal(singular?.kind, 'singular');
  assert.equal(singular?.severity, 'warn');
});

test('floe/runDataTests: the demo tests pass over the models built from bronze; a warn singular test reports its rows', async () => {
  const results = await run();
  const notPassing = [...results.values()].filter((r) => r.status !== 'pass' && !r.id.includes('assert_no_cancelled'));
  assert.deepEqual(notPassing, []);
  const unique = results.get('stg_orders.order_id.unique')!;
  assert.equal(unique.failures, '0');
  assert.match(unique.sql, /group by "order_id" having count\(\*\) > 1/);
  const warn = results.get('singular:tests/assert_no_cancelled_orders.sql')!;
  assert.equal(warn.status, 'warn');
  assert.ok(BigInt(warn.failures) > 0n);
  assert.deepEqual(warn.sample?.columns, ['order_id', 'status']);
  assert.equal(warn.sample?.rows.length, 5);
  assert.equal(warn.sample?.rows[0][1], 'cancelled');
});

test('an edited YAML: floe/dataTestsChanged arrives, a failing test fails with its count and sample, a broken one errors naming the model', async () => {
  const changed = new Promise<{ uri: string }>((resolve) => client.connection.onNotification(DataTestsChangedNotification.type, resolve));
  const original = fs.readFileSync(schemaFile(), 'utf8');
  const edited = original
    .replace("values: ['placed', 'shipped', 'completed', 'cancelled']", "values: ['placed', 'shipped', 'completed']")
    .replace('        description: Lower-cased email address.\n', '        description: Lower-cased email address.\n        tests:\n          - not_null:\n              config: {severity: warn}\n')
    .replace('  - name: stg_orders\n', '      - name: no_such_column\n        tests: [not_null]\n  - name: stg_orders\n');
  assert.notEqual(edited, original);
  const uri = await client.open(schemaFile(), original);
  await client.change(uri, edited);
  assert.equal((await changed).uri, root());

  const { tests } = await client.connection.sendRequest(DataTestsRequest.type, { uri: root() });
  const emailTests = tests.filter((t) => t.subject === 'stg_customers' && t.column === 'email');
  assert.deepEqual(emailTests.map((t) => t.severity), ['error', 'warn'], 'data_tests: and tests: both read, config severity kept');
  assert.match(emailTests[1].id, /^stg_customers\.email\.not_null~[0-9a-f]{6}$/, 'a second not_null on a column gets its own id');

  const results = await run(['stg_orders.status.accepted_values', 'stg_customers.no_such_column.not_null', 'stg_orders.order_id.unique', 'gone.test']);
  const values = results.get('stg_orders.status.accepted_values')!;
  assert.equal(values.status, 'fail');
  assert.equal(values.failures, '1', 'one value outside the list');
  assert.deepEqual(values.sample?.columns, ['value_field', 'n_records']);
  assert.equal(values.sample?.rows[0][0], 'cancelled');
  assert.match(values.message ?? '', /stg_orders\.status/);
  assert.match(values.message ?? '', /models\/schema\.yml:\d+/);

  const broken = results.get('stg_customers.no_such_column.not_null')!;
  assert.equal(broken.status, 'error');
  assert.match(broken.message ?? '', /stg_customers/);
  assert.match(broken.message ?? '', /no_such_column/);

  assert.equal(results.get('stg_orders.order_id.unique')?.status, 'pass');
  assert.equal(results.get('gone.test')?.status, 'error');
  assert.match(results.get('gone.test')?.message ?? '', /no data test 'gone\.test'/);
});
