// Issue 17: floe run / build / seed send OpenLineage run events, configured as OpenLineage clients are. The receiver
// is a stand-in for Marquez on loopback speaking its API (POST /api/v1/lineage with a JSON run event, 201 Created),
// recording what it gets; every event is validated against OpenLineage's published schemas (test/fixtures/openlineage).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import { copyDemo } from '../helpers/demo-copy';
import { runFloe, type CliRun } from '../helpers/floe-cli';
import { DbtProject } from '../../server/src/project/project';
import { openLakehouse, stopLocalCatalogServers } from '../../server/src/run/lakehouse';
import { writeDemoBronze } from '../../server/src/run/demo-bronze';

type Json = Record<string, any>;

/** Marquez's lineage endpoint: records each event and its Authorization header; `hang` leaves requests unanswered. */
class MarquezStandIn {
  events: Json[] = [];
  authorizations: (string | undefined)[] = [];
  hang = false;
  private readonly server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/api/v1/lineage') {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (this.hang) return;
      if (!/^application\/json/.test(req.headers['content-type'] ?? '')) {
        res.writeHead(415).end();
        return;
      }
      this.events.push(JSON.parse(body));
      this.authorizations.push(req.headers.authorization);
      res.writeHead(201).end();
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.events = [];
    this.authorizations = [];
    this.hang = false;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let dir: string;
const marquez = new MarquezStandIn();
let url: string;
const OFF = { OPENLINEAGE_URL: undefined, OPENLINEAGE_CONFIG: undefined, OPENLINEAGE_API_KEY: undefined, OPENLINEAGE_NAMESPACE: undefined, OPENLINEAGE_DISABLED: undefined };
const floe = (env: Record<string, string | undefined>, ...args: string[]) => runFloe(args, { ...OFF, HOME: dir, ...env }, dir);

const EXTRA = {
  'seeds/loaded/countries.csv': 'code,name\nNL,Netherlands\nFR,France\n',
  'models/extra/needs_var.sql': "{{ config(materialized='table', polaris_namespace='demo.extra') }}\nselect '{{ var(\"wanted_status\") }}' as status from {{ ref('stg_orders') }}\n",
  'models/extra/eph.sql': "{{ config(materialized='ephemeral') }}\nselect order_id, status from {{ ref('stg_orders') }}\n",
  'models/extra/from_eph.sql': "{{ config(materialized='table', polaris_namespace='demo.extra') }}\nselect e.status, c.name from {{ ref('eph') }} e cross join {{ ref('countries') }} c\n",
};

before(async () => {
  dir = copyDemo(EXTRA);
  fs.appendFileSync(path.join(dir, 'dbt_project.yml'), '\nseeds:\n  floe_demo:\n    loaded:\n      +schema: ref\n');
  try {
    await writeDemoBronze(await openLakehouse(DbtProject.load(dir)), path.join(dir, 'bronze'), { customers: 20, orders: 60, products: 8 });
  } finally {
    await stopLocalCatalogServers();
  }
  url = await marquez.start();
});
after(async () => {
  await marquez.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const fixtures = path.join(__dirname, '..', 'fixtures', 'openlineage');
const ajv = new Ajv2020({ strict: false, validateFormats: false });
for (const f of fs.readdirSync(fixtures).filter((f) => f.endsWith('.json'))) ajv.addSchema(JSON.parse(fs.readFileSync(path.join(fixtures, f), 'utf8')));
const SPEC = 'https://openlineage.io/spec/2-0-2/OpenLineage.json';
const validRunEvent = ajv.compile({ $ref: `${SPEC}#/$defs/RunEvent` });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Each event against RunEvent; each facet against the schema its _schemaURL names, which must be a vendored one. */
function assertValid(event: Json): void {
  assert.ok(validRunEvent(event), JSON.stringify(validRunEvent.errors?.slice(0, 3)));
  assert.match(event.run.runId, UUID);
  assert.ok(!Number.isNaN(Date.parse(event.eventTime)));
  const facetGroups = [event.run.facets, event.job.facets, ...[...event.inputs, ...event.outputs].flatMap((d: Json) => [d.facets, d.outputFacets ?? {}])];
  for (const group of facetGroups) {
    for (const [key, facet] of Object.entries(group as Json)) {
      assert.equal(facet._producer, event.producer);
      const validate = ajv.getSchema(facet._schemaURL);
      assert.ok(validate, `${key}: ${facet._schemaURL} is a published facet schema`);
      assert.ok(validate(facet), `${key}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
    }
  }
}

const ok = (r: CliRun) => { assert.equal(r.code, 0, r.err + r.out); return r; };

test('floe build sends START and COMPLETE/FAIL per node, parented to the invocation, with Iceberg datasets, schemas, SQL and snapshot ids', async () => {
  marquez.reset();
  const r = await floe({ OPENLINEAGE_URL: url, OPENLINEAGE_NAMESPACE: 'pipelines' }, 'build', '--select', 'stg_orders+', 'stg_customers', 'stg_order_items', 'countries', '--exclude', 'mart_customer_orders', 'mart_product_performance');
  assert.equal(r.code, 1, r.err + r.out);
  assert.doesNotMatch(r.err, /OpenLineage/);
  const events = marquez.events;
  events.forEach(assertValid);
  const runResults = JSON.parse(fs.readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8'));
  const invocationId = runResults.metadata.invocation_id;

  // The invocation first and last, as dbt-ol reports it; every node run is its child.
  const [first, last] = [events[0], events[events.length - 1]];
  assert.deepEqual([first.eventType, first.job.name, first.job.namespace, first.run.runId], ['START', 'dbt-run-floe_demo', 'pipelines', invocationId]);
  assert.deepEqual([last.eventType, last.run.runId], ['FAIL', invocationId]);
  // The validators do reject what the spec forbids.
  assert.equal(validRunEvent({ ...first, eventType: 'DONE' }), false);
  assert.equal(validRunEvent({ ...first, run: { facets: {} } }), false);
  assert.equal(ajv.getSchema(first.run.facets.parent?._schemaURL ?? events[1].run.facets.parent._schemaURL)!({ _producer: 'x', _schemaURL: 'y', run: {} }), false);
  const nodeEvents = events.slice(1, -1);
  for (const e of nodeEvents) {
    assert.equal(e.run.facets.parent.run.runId, invocationId);
    assert.deepEqual(e.run.facets.parent.job, { namespace: 'pipelines', name: 'dbt-run-floe_demo' });
    assert.notEqual(e.run.runId, invocationId);
  }
  // One START then one end event per node run, in the order nodes ran; run ids unique per node.
  const byRun = new Map<string, Json[]>();
  for (const e of nodeEvents) byRun.set(e.run.runId, [...(byRun.get(e.run.runId) ?? []), e]);
  const ran = runResults.results.filter((x: Json) => x.status !== 'skipped');
  assert.equal(byRun.size, ran.length);
  for (const pair of byRun.values()) {
    assert.deepEqual(pair.map((e) => e.eventType).slice(0, 1), ['START']);
    assert.equal(pair.length, 2);
    assert.equal(pair[0].job.name, pair[1].job.name);
  }
  // Model and seed jobs are database.schema.package.name, tests their unique id.
  const idOfJob = (job: string) => (job.startsWith('test.') ? job
    : ran.find((x: Json) => !x.unique_id.startsWith('test.') && job.endsWith(`.${x.unique_id.split('.').slice(1).join('.')}`))?.unique_id);
  assert.deepEqual([...byRun.values()].map((p) => idOfJob(p[0].job.name)), ran.map((x: Json) => x.unique_id));

  const end = (job: RegExp) => nodeEvents.find((e) => e.eventType !== 'START' && job.test(e.job.name))!;
  const warehouse = pathToFileURL(path.join(dir, '.floe', 'warehouse')).href;
  const revenue = end(/\.floe_demo\.mart_revenue$/);
  assert.equal(revenue.eventType, 'COMPLETE');
  assert.equal(revenue.job.name, 'memory.demo.gold.floe_demo.mart_revenue');
  const { processingType, integration, jobType } = revenue.job.facets.jobType;
  assert.deepEqual([processingType, integration, jobType], ['BATCH', 'DBT', 'MODEL']);
  assert.match(revenue.job.facets.sql.query, /from "memory"."main_silver"."stg_orders" o/);
  const [out] = revenue.outputs;
  assert.deepEqual([out.namespace, out.name], [warehouse, 'demo.gold.mart_revenue']);
  const mart = runResults.results.find((x: Json) => x.unique_id === 'model.floe_demo.mart_revenue');
  assert.equal(out.facets.version.datasetVersion, mart.adapter_response.snapshot_id);
  assert.equal(typeof out.facets.version.datasetVersion, 'string');
  assert.equal(out.outputFacets.outputStatistics.rowCount, mart.adapter_response.rows_affected);
  assert.ok(out.facets.schema.fields.some((f: Json) => f.name === 'order_month' && f.type === 'DATE'));
  // Its inputs are the staging views of the session (in-memory datasets), with the columns they were built with.
  assert.deepEqual(revenue.inputs.map((d: Json) => `${d.namespace}${d.name}`).sort(), ['inmemory://memory.main_silver.stg_customers', 'inmemory://memory.main_silver.stg_order_items', 'inmemory://memory.main_silver.stg_orders']);
  assert.ok(revenue.inputs.every((d: Json) => d.facets.schema.fields.length > 0));
  // stg_orders reads the bronze source: the Iceberg table by its catalog name.
  const stg = end(/\.floe_demo\.stg_orders$/);
  assert.deepEqual(stg.inputs.map((d: Json) => [d.namespace, d.name]), [[warehouse, 'demo.bronze.bronze_orders']]);
  assert.equal(stg.outputs[0].facets.version, undefined, 'a view has no snapshot');
  // An ephemeral parent stands for what it reads; the seed was loaded into the catalog first.
  const fromEph = end(/\.floe_demo\.from_eph$/);
  assert.deepEqual(fromEph.inputs.map((d: Json) => d.name).sort(), ['memory.main_silver.stg_orders', 'ref.countries']);
  const seed = end(/\.floe_demo\.countries$/);
  assert.deepEqual([seed.job.facets.jobType.jobType, seed.outputs[0].name, seed.outputs[0].facets.schema.fields.map((f: Json) => f.name)], ['SEED', 'ref.countries', ['code', 'name']]);
  // A test is a job named by its unique id, reading what it tests.
  const testRun = nodeEvents.find((e) => e.eventType !== 'START' && e.job.name.startsWith('test.floe_demo.'))!;
  assert.equal(testRun.job.facets.jobType.jobType, 'TEST');
  assert.ok(testRun.inputs.length >= 1);
  // A failing model: FAIL with its error, no outputs.
  const failed = end(/\.floe_demo\.needs_var$/);
  assert.equal(failed.eventType, 'FAIL');
  assert.match(failed.run.facets.errorMessage.message, /Required var 'wanted_status' not found/);
  assert.deepEqual(failed.outputs, []);
});

test('floe materialize sends the same events: the invocation, then START and COMPLETE per gold model with its snapshot', async () => {
  marquez.reset();
  const r = ok(await floe({ OPENLINEAGE_URL: url }, 'materialize', '.', '--select', 'mart_revenue', '--format', 'json'));
  const [written] = JSON.parse(r.out);
  const events = marquez.events;
  events.forEach(assertValid);
  assert.deepEqual(events.map((e) => `${e.eventType} ${e.job.name}`), [
    'START dbt-run-floe_demo', 'START memory.demo.gold.floe_demo.mart_revenue', 'COMPLETE memory.demo.gold.floe_demo.mart_revenue', 'COMPLETE dbt-run-floe_demo',
  ]);
  assert.equal(events[1].run.runId, events[2].run.runId);
  assert.equal(events[2].run.facets.parent.run.runId, events[0].run.runId);
  assert.deepEqual([events[2].outputs[0].name, events[2].outputs[0].facets.version.datasetVersion], ['demo.gold.mart_revenue', written.snapshot_id]);
  assert.match(events[2].job.facets.sql.query, /from "memory"."main_silver"."stg_orders" o/);
});

test('the API key is a Bearer token and never printed; openlineage.yml configures the transport; OPENLINEAGE_DISABLED turns it off', async () => {
  marquez.reset();
  const key = 'ol-secret-key-4d1b';
  const r = ok(await floe({ OPENLINEAGE_URL: `${url}/`, OPENLINEAGE_API_KEY: key, FLOE_DEBUG: '1' }, 'run', '-s', 'stg_orders'));
  assert.deepEqual(marquez.authorizations, [`Bearer ${key}`, `Bearer ${key}`, `Bearer ${key}`, `Bearer ${key}`]);
  assert.ok(!(r.out + r.err).includes(key));

  marquez.reset();
  fs.writeFileSync(path.join(dir, 'openlineage.yml'), `transport:\n  type: http\n  url: ${url}\n  endpoint: /api/v1/lineage\n  auth:\n    type: api_key\n    apiKey: from-yml\n`);
  try {
    ok(await floe({}, 'seed'));
    assert.deepEqual(marquez.events.map((e) => e.eventType), ['START', 'START', 'COMPLETE', 'COMPLETE']);
    assert.equal(marquez.authorizations[0], 'Bearer from-yml');
    marquez.reset();
    ok(await floe({ OPENLINEAGE_DISABLED: 'true' }, 'seed'));
    assert.equal(marquez.events.length, 0);
  } finally {
    fs.rmSync(path.join(dir, 'openlineage.yml'));
  }
  // A file transport (OPENLINEAGE_CONFIG names the config), as the Python client writes it: with append, one file of
  // JSON lines; without, one timestamped file per event.
  const config = path.join(dir, 'ol-file.yml');
  fs.writeFileSync(config, 'transport:\n  type: file\n  log_file_path: lineage.jsonl\n  append: true\n');
  ok(await floe({ OPENLINEAGE_CONFIG: config }, 'seed'));
  const lines = fs.readFileSync(path.join(dir, 'lineage.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((e) => e.eventType), ['START', 'START', 'COMPLETE', 'COMPLETE']);
  lines.forEach(assertValid);
  fs.mkdirSync(path.join(dir, 'ol'));
  fs.writeFileSync(config, 'transport:\n  type: file\n  log_file_path: ol/events\n');
  ok(await floe({ OPENLINEAGE_CONFIG: config }, 'seed'));
  const files = fs.readdirSync(path.join(dir, 'ol')).sort();
  assert.equal(files.length, 4);
  assert.ok(files.every((f) => /^events-\d{8}-\d{6}\.\d{6}\.json$/.test(f)), files.join());
  assert.deepEqual(files.map((f) => JSON.parse(fs.readFileSync(path.join(dir, 'ol', f), 'utf8')).eventType), ['START', 'START', 'COMPLETE', 'COMPLETE']);
});

test('an endpoint that is down or does not answer costs one warning naming it, never the run', async () => {
  const down = ok(await floe({ OPENLINEAGE_URL: 'http://127.0.0.1:9', OPENLINEAGE_API_KEY: 'k-never-shown' }, 'run', '-s', 'stg_orders', 'stg_customers'));
  assert.equal(down.err.match(/OpenLineage/g)?.length, 1, down.err);
  assert.match(down.err, /OpenLineage: could not send lineage to http:\/\/127\.0\.0\.1:9\/api\/v1\/lineage \(ECONNREFUSED\); the run goes on without lineage/);
  assert.match(down.out, /Done\. PASS=2/);
  assert.ok(!down.err.includes('k-never-shown'));

  marquez.reset();
  marquez.hang = true;
  fs.writeFileSync(path.join(dir, 'openlineage.yml'), `transport:\n  type: http\n  url: ${url}\n  timeout: 0.5\n`);
  try {
    const started = Date.now();
    const slow = ok(await floe({}, 'run', '-s', 'stg_orders', 'stg_customers'));
    const quick = Date.now();
    ok(await floe({ OPENLINEAGE_DISABLED: 'true' }, 'run', '-s', 'stg_orders', 'stg_customers'));
    const without = Date.now() - quick;
    assert.equal(slow.err.match(/OpenLineage/g)?.length, 1, slow.err);
    assert.match(slow.err, /could not send lineage to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/lineage \(no answer within 0\.5s\)/);
    // One timeout's worth, not one per event.
    assert.ok(quick - started < without + 2500, `${quick - started} ms with a silent endpoint, ${without} ms without lineage`);
  } finally {
    fs.rmSync(path.join(dir, 'openlineage.yml'));
  }
});
