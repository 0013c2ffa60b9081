// floe/lineage over the real language server on a copy of the demo: the DAG around stg_orders (bronze source up,
// gold marts down, each openable), the whole project from its folder, depth limits, unsaved edits, and errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lspClient';
import { copyDemo } from '../helpers/demo-copy';
import { LineageRequest, type LineageNode, type LineageParams, type LineageResponse } from '../../server/src/protocol/lineage';
import { DataTestsRequest } from '../../server/src/protocol/dataTests';

let dir: string;
let client: LspClient;

before(async () => {
  dir = copyDemo();
  client = await LspClient.start(dir, { FLOE_NO_BINDER: '1' });
});
after(async () => {
  await client?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).toString();

async function lineage(params: LineageParams): Promise<{ nodes: Map<string, LineageNode>; edges: string[] }> {
  const r: LineageResponse = await client.connection.sendRequest(LineageRequest.type, params);
  assert.ok(!('error' in r), JSON.stringify(r));
  return { nodes: new Map(r.nodes.map((n) => [n.id, n])), edges: r.edges.map((e) => `${e.from} -> ${e.to}`).sort() };
}

test('around stg_orders: bronze orders upstream, the two marts that read it downstream', async () => {
  const { nodes, edges } = await lineage({ uri: uri('models/staging/stg_orders.sql') });
  assert.deepEqual([...nodes.keys()].sort(), ['model:mart_customer_orders', 'model:mart_revenue', 'model:stg_orders', 'source:bronze.orders']);
  assert.deepEqual(edges, ['model:stg_orders -> model:mart_customer_orders', 'model:stg_orders -> model:mart_revenue', 'source:bronze.orders -> model:stg_orders']);
  const focus = nodes.get('model:stg_orders')!;
  assert.deepEqual([focus.focus, focus.materialized, focus.layer, focus.uri], [true, 'view', 'silver', uri('models/staging/stg_orders.sql')]);
  const { tests } = await client.connection.sendRequest(DataTestsRequest.type, { uri: pathToFileURL(dir).toString() });
  assert.ok(focus.tests > 0);
  assert.equal(focus.tests, tests.filter((t) => t.subject === 'stg_orders').length, 'as many tests as the Testing view lists for it');
  const source = nodes.get('source:bronze.orders')!;
  assert.deepEqual([source.kind, source.label, source.layer, source.icebergTable, source.tests], ['source', 'bronze.orders', 'bronze', 'demo.bronze.bronze_orders', 1]);
  const yamlLine = fs.readFileSync(fileURLToPath(source.uri), 'utf8').split('\n')[source.range.start.line];
  assert.match(yamlLine, /^\s*- name: orders$/, 'a click opens the source at its YAML line');
  const mart = nodes.get('model:mart_revenue')!;
  assert.deepEqual([mart.materialized, mart.layer, mart.icebergTable, mart.focus], ['external', 'gold', 'demo.gold.mart_revenue', undefined]);
});

test('the project folder gives every model and the source tables', async () => {
  const { nodes, edges } = await lineage({ uri: pathToFileURL(dir).toString() });
  const models = fs.readdirSync(path.join(dir, 'models'), { recursive: true }).map(String).filter((f) => f.endsWith('.sql')).map((f) => `model:${path.basename(f, '.sql')}`);
  assert.equal(models.length, 7);
  assert.deepEqual([...nodes.keys()].filter((id) => id.startsWith('model:')).sort(), models.sort());
  assert.deepEqual([...nodes.keys()].filter((id) => id.startsWith('source:')).sort(), ['source:bronze.customers', 'source:bronze.order_items', 'source:bronze.orders', 'source:bronze.products']);
  assert.ok(edges.includes('model:stg_order_items -> model:mart_product_performance'));
  assert.ok([...nodes.values()].every((n) => !n.focus));
});

test('depth limits and unsaved edits', async () => {
  const limited = await lineage({ uri: uri('models/marts/mart_revenue.sql'), upstream: 1, downstream: 0 });
  assert.deepEqual([...limited.nodes.keys()].sort(), ['model:mart_revenue', 'model:stg_customers', 'model:stg_order_items', 'model:stg_orders']);
  const file = path.join(dir, 'models/marts/mart_revenue.sql');
  const opened = await client.open(file);
  await client.change(opened, "{{ config(materialized='external', polaris_namespace='demo.gold') }}\nselect * from {{ ref('stg_customers') }}\n");
  const { nodes } = await lineage({ uri: uri('models/staging/stg_orders.sql') });
  assert.deepEqual([...nodes.keys()].sort(), ['model:mart_customer_orders', 'model:stg_orders', 'source:bronze.orders'], 'the edited mart no longer reads stg_orders');
});

test('focus centres on a node id, so a source can be re-centred from its YAML uri', async () => {
  const { nodes, edges } = await lineage({ uri: uri('models/sources.yml'), focus: 'source:bronze.customers', downstream: 1 });
  assert.deepEqual([...nodes.keys()].sort(), ['model:stg_customers', 'source:bronze.customers']);
  assert.deepEqual(edges, ['source:bronze.customers -> model:stg_customers']);
  assert.equal(nodes.get('source:bronze.customers')?.focus, true);
  const unknown = await client.connection.sendRequest(LineageRequest.type, { uri: pathToFileURL(dir).toString(), focus: 'source:bronze.nope' });
  assert.ok('error' in unknown && /source:bronze\.nope is not in floe_demo/.test(unknown.error), JSON.stringify(unknown));
});

test('a uri outside any project, or a file that is no model, answers an error; the server stays up', async () => {
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-not-dbt-'));
  try {
    const r = await client.connection.sendRequest(LineageRequest.type, { uri: pathToFileURL(path.join(outside, 'x.sql')).toString() });
    assert.ok('error' in r && /not in a dbt project/.test(r.error), JSON.stringify(r));
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
  }
  const yaml = await client.connection.sendRequest(LineageRequest.type, { uri: uri('models/schema.yml') });
  assert.ok('error' in yaml && /schema\.yml is not a model/.test(yaml.error), JSON.stringify(yaml));
  const odd = await client.connection.sendRequest(LineageRequest.type, { uri: 'untitled:Untitled-1' });
  assert.ok('error' in odd, JSON.stringify(odd));
  assert.ok(client.alive);
});

test('a workspace folder holding one project answers that project', async () => {
  const wrapper = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-repo-'));
  fs.renameSync(copyDemo(), path.join(wrapper, 'demo'));
  const outer = await LspClient.start(wrapper, { FLOE_NO_BINDER: '1' });
  try {
    const r = await outer.connection.sendRequest(LineageRequest.type, { uri: pathToFileURL(wrapper).toString() });
    assert.ok(!('error' in r), JSON.stringify(r));
    assert.equal(r.nodes.filter((n) => n.kind === 'model').length, 7);
    assert.ok(r.nodes.every((n) => n.uri.startsWith(pathToFileURL(path.join(wrapper, 'demo')).toString())));
  } finally {
    await outer.stop();
    fs.rmSync(wrapper, { recursive: true, force: true });
  }
});
