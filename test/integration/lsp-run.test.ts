// The editor's core loop over LSP: floe/preview returns Arrow rows, floe/materialize writes gold, errors come back
// as data with the model's line, and a preview can be exported to Parquet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { LspClient } from '../helpers/lspClient';
import { copyDemo } from '../helpers/demo-copy';
import { DbtProject } from '../../server/src/project/project';
import { openLakehouse, stopLocalCatalogServers } from '../../server/src/run/lakehouse';
import { writeDemoBronze, DEMO_SIZES } from '../../server/src/run/demo-bronze';
import { MaterializeRequest, PreviewRequest, PreviewTableRequest } from '../../server/src/protocol/run';
import { ExportResultRequest, ResultQueryRequest } from '../../server/src/protocol/results';
import { CodeLensRequest, HoverRequest } from 'vscode-languageserver-protocol';
import { DuckSession } from '../../server/src/engine/session';

let dir: string;
let client: LspClient;

before(async () => {
  dir = copyDemo();
  const project = DbtProject.load(dir);
  await writeDemoBronze(await openLakehouse(project), path.join(dir, 'bronze'), DEMO_SIZES.small);
  await stopLocalCatalogServers();
  client = await LspClient.start(dir, { FLOE_NO_CATALOG: '0' });
});
after(async () => {
  await client?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const uri = (rel: string) => pathToFileURL(path.join(dir, rel)).toString();

test('source schemas come from the local lakehouse: a misspelled column is diagnosed at its line', async () => {
  const file = path.join(dir, 'models/staging/stg_misspelled.sql');
  const text = "select\n    product_id,\n    categroy\nfrom {{ source('bronze', 'products') }}\n";
  fs.writeFileSync(file, text);
  // Binding runs in the background: pull again each time the server asks for a diagnostics refresh.
  let refreshed = () => undefined as void;
  client.connection.onRequest('workspace/diagnostic/refresh', () => { refreshed(); return null; });
  const uri = await client.open(file, text);
  const deadline = Date.now() + 20_000;
  let found: { message: string; range: { start: { line: number } } } | undefined;
  while (!(found = (await client.diagnostics(uri)).map((d) => ({ message: String(d.message), range: d.range })).find((d) => /categroy/.test(d.message))) && Date.now() < deadline) {
    await new Promise<void>((resolve) => { refreshed = resolve; setTimeout(resolve, deadline - Date.now()); });
  }
  assert.ok(found, 'a binder diagnostic for the misspelled column');
  assert.equal(found.range.start.line, 2);
  assert.match(found.message, /category/, 'DuckDB names the candidate');
  const bound = await client.waitForStatus((st) => st.errors > 0 && /bound/.test(st.message ?? ''));
  assert.ok(bound.errors >= 1, 'the status bar counts binder errors too');
  fs.rmSync(file);
});

test('floe/preview returns the model rows as Arrow IPC, exact and limited', async () => {
  const response = await client.connection.sendRequest(PreviewRequest.type, { uri: uri('models/staging/stg_products.sql'), limit: 50 });
  assert.ok('result' in response, JSON.stringify(response));
  const { result } = response;
  assert.equal(result.rowCount, 50);
  assert.equal(result.truncated, true);
  assert.deepEqual(result.columns.map((c) => `${c.name}:${c.type}`), ['product_id:INTEGER', 'product_name:VARCHAR', 'category:VARCHAR', 'list_price:DECIMAL(10,2)']);
  const table = tableFromIPC(Buffer.from(result.arrow, 'base64'));
  assert.equal(table.numRows, 50);
  assert.equal(table.schema.fields.length, 4);

  const target = path.join(os.tmpdir(), `floe-export-${process.pid}.parquet`);
  assert.deepEqual([result.totalRows, result.limit], [200, 50], 'the total row count of the full result, and the limit');
  const exported = await client.connection.sendRequest(ExportResultRequest.type, { sql: result.sql, format: 'parquet', target: pathToFileURL(target).toString() });
  assert.ok(!('error' in exported), JSON.stringify(exported));
  assert.equal(exported.rows, 200, 'the export has every row, not the preview limit');
  const s = await DuckSession.open();
  try {
    assert.deepEqual((await s.query(`SELECT count(*), sum(list_price) > 0 FROM read_parquet('${target}')`)).rows, [['200', true]]);
  } finally {
    s.close();
    fs.rmSync(target, { force: true });
  }
});

test('floe/results/query sorts and filters the full result in DuckDB; floe/exportResult writes it all, as the grid shows it', async () => {
  const response = await client.connection.sendRequest(PreviewRequest.type, { uri: uri('models/staging/stg_products.sql'), limit: 20 });
  assert.ok('result' in response, JSON.stringify(response));
  const { result } = response;
  const full = path.join(os.tmpdir(), `floe-full-${process.pid}.parquet`);
  const csv = path.join(os.tmpdir(), `floe-view-${process.pid}.csv`);
  const json = path.join(os.tmpdir(), `floe-view-${process.pid}.json`);
  const s = await DuckSession.open();
  try {
    // The reference: every row of the model, from the server's own full export.
    await client.connection.sendRequest(ExportResultRequest.type, { sql: result.sql, format: 'parquet', target: pathToFileURL(full).toString() });
    const expect = async (sql: string) => (await s.query(sql.replace('FULL', `read_parquet('${full}')`))).rows;
    const [[maxPrice, minId]] = await expect('SELECT max(list_price)::VARCHAR, min(product_id) FROM FULL');
    const category = String((await expect('SELECT category FROM FULL WHERE category IS NOT NULL ORDER BY product_id DESC LIMIT 1'))[0][0]);
    const [[matching]] = await expect(`SELECT count(*) FROM FULL WHERE contains(lower(category), lower('${category.replace(/'/g, "''")}'))`);

    // Sort descending by list_price (column 3): the first row is the maximum of all rows, not of the 20 fetched.
    const sorted = await client.connection.sendRequest(ResultQueryRequest.type, { sql: result.sql, view: { sort: { column: 3, descending: true } } });
    assert.ok('result' in sorted, JSON.stringify(sorted));
    const topId = Number(tableFromIPC(Buffer.from(sorted.result.arrow, 'base64')).getChildAt(0)!.get(0));
    assert.equal(String(sorted.result.totalRows), '200');
    assert.deepEqual([sorted.result.rowCount, sorted.result.truncated, sorted.result.view?.sort?.descending], [20, true, true]);
    assert.deepEqual(await expect(`SELECT list_price::VARCHAR FROM FULL WHERE product_id = ${topId}`), [[maxPrice]], 'the first row after a descending sort holds the maximum of all rows');
    const ascending = await client.connection.sendRequest(ResultQueryRequest.type, { sql: result.sql, view: { sort: { column: 0, descending: false } } });
    assert.ok('result' in ascending);
    assert.equal(Number(tableFromIPC(Buffer.from(ascending.result.arrow, 'base64')).getChildAt(0)!.get(0)), Number(minId), 'ascending by product_id starts at the smallest id of all rows');

    // Filter on one column: the total counts every matching row of the full result.
    const filtered = await client.connection.sendRequest(ResultQueryRequest.type, { sql: result.sql, view: { filter: { text: category.toUpperCase(), column: 2 }, sort: { column: 0, descending: true } } });
    assert.ok('result' in filtered, JSON.stringify(filtered));
    assert.equal(String(filtered.result.totalRows), String(matching));

    // Export with the view: every matching row, in the grid's order, as CSV and JSON.
    const view = { filter: { text: category, column: 2 }, sort: { column: 0, descending: true } };
    const wroteCsv = await client.connection.sendRequest(ExportResultRequest.type, { sql: result.sql, format: 'csv', view, target: pathToFileURL(csv).toString() });
    assert.deepEqual(wroteCsv && 'rows' in wroteCsv ? wroteCsv.rows : wroteCsv, Number(matching));
    const lines = fs.readFileSync(csv, 'utf8').trim().split(/\r?\n/);
    assert.equal(lines[0], 'product_id,product_name,category,list_price');
    assert.equal(lines.length, Number(matching) + 1);
    const ids = lines.slice(1).map((l) => Number(l.split(',')[0]));
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'rows in the sorted order');
    const wroteJson = await client.connection.sendRequest(ExportResultRequest.type, { sql: result.sql, format: 'json', view, target: pathToFileURL(json).toString() });
    assert.ok(!('error' in wroteJson), JSON.stringify(wroteJson));
    assert.equal(JSON.parse(fs.readFileSync(json, 'utf8')).length, Number(matching));

    // Two quick clicks: both answered, in order, on the preview's one session.
    const [asc, desc] = await Promise.all([0, 1].map((d) => client.connection.sendRequest(ResultQueryRequest.type, { sql: result.sql, view: { sort: { column: 0, descending: d === 1 } } })));
    assert.ok('result' in asc && 'result' in desc, JSON.stringify([asc, desc]).slice(0, 300));
    assert.deepEqual([asc.result.view?.sort?.descending, desc.result.view?.sort?.descending], [false, true]);

    // The filter text is a bound value, never SQL; a column outside the result is refused in words.
    const hostile = await client.connection.sendRequest(ResultQueryRequest.type, { sql: result.sql, view: { filter: { text: "x') OR 1=1 --" } } });
    assert.ok('result' in hostile, JSON.stringify(hostile));
    assert.deepEqual([hostile.result.rowCount, hostile.result.totalRows], [0, 0]);
    const bad = await client.connection.sendRequest(ResultQueryRequest.type, { sql: result.sql, view: { sort: { column: 9, descending: false } } });
    assert.deepEqual(bad, { error: 'The result has no column 10 (it has 4).' });
    const gone = await client.connection.sendRequest(ResultQueryRequest.type, { sql: 'select 1', view: {} });
    assert.match('error' in gone ? gone.error : '', /no longer open on the server; run it again/);
  } finally {
    s.close();
    for (const f of [full, csv, json]) fs.rmSync(f, { force: true });
  }
});

test('floe/preview of a broken model answers an error at the model line, and the server keeps serving', async () => {
  const file = path.join(dir, 'models/staging/stg_broken.sql');
  fs.writeFileSync(file, "{{ config(materialized='view') }}\nselect\n    product_id,\n    no_such_column\nfrom {{ source('bronze', 'products') }}\n");
  await client.open(file);
  const response = await client.connection.sendRequest(PreviewRequest.type, { uri: uri('models/staging/stg_broken.sql') });
  assert.ok('error' in response);
  assert.match(response.error, /no_such_column/);
  assert.equal(response.location?.line, 4);
  assert.equal(response.location?.file, uri('models/staging/stg_broken.sql'));
  const again = await client.connection.sendRequest(PreviewRequest.type, { uri: uri('models/staging/stg_customers.sql'), limit: 3 });
  assert.ok('result' in again && again.result.rowCount === 3);
});

test('floe/materialize writes a mart, and floe/previewTable reads it back at its snapshot', async () => {
  const response = await client.connection.sendRequest(MaterializeRequest.type, { uri: uri('models/marts/mart_product_performance.sql') });
  assert.ok('results' in response, JSON.stringify(response));
  const [written] = response.results;
  assert.equal(written.table, 'demo.gold.mart_product_performance');
  assert.equal(written.rows, '200');
  const downstream = path.join(dir, 'models/marts/top_products.sql');
  fs.writeFileSync(downstream, "select * from {{ ref('mart_product_performance') }}\n");
  const markdown = JSON.stringify(await client.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri: await client.open(downstream) }, position: { line: 0, character: 22 },
  }));
  assert.ok(markdown.includes(written.snapshotId), `the model hover shows the new snapshot: ${markdown}`);
  const table = await client.connection.sendRequest(PreviewTableRequest.type, {
    connection: `local:${dir}`, namespace: ['demo', 'gold'], name: 'mart_product_performance', snapshotId: written.snapshotId, limit: 1000,
  });
  assert.ok('result' in table, JSON.stringify(table));
  assert.equal(table.result.rowCount, 200);
  assert.match(table.result.title, new RegExp(written.snapshotId));
});

test('floe/materialize takes dbt selection syntax: warnings for criteria that matched nothing, errors naming the selector', async () => {
  const folder = pathToFileURL(dir).toString();
  const response = await client.connection.sendRequest(MaterializeRequest.type, { uri: folder, selector: 'marts.mart_* nothing_here', exclude: 'mart_customer_orders mart_revenue' });
  assert.ok('results' in response, JSON.stringify(response));
  assert.deepEqual(response.results.map((r) => r.table), ['demo.gold.mart_product_performance']);
  assert.deepEqual(response.warnings, ["The selection criterion 'nothing_here' does not match any enabled nodes."]);
  const none = await client.connection.sendRequest(MaterializeRequest.type, { uri: folder, selector: 'stg_ordrs' });
  assert.ok('error' in none, JSON.stringify(none));
  assert.match(none.error, /The selection criterion 'stg_ordrs' does not match any enabled nodes\. Did you mean 'stg_orders'\?\n--select 'stg_ordrs' selects no model\./);
  assert.equal(none.retry, undefined, 'retrying cannot help a selection that picks nothing');
  const bad = await client.connection.sendRequest(MaterializeRequest.type, { uri: folder, selector: '@+mart_revenue' });
  assert.ok('error' in bad, JSON.stringify(bad));
  assert.match(bad.error, /Invalid selector '@\+mart_revenue': '@' and a leading '\+' cannot be combined/);
});

test('code lenses: Materialize only above models written to the catalog', async () => {
  const titles = async (rel: string) => {
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: await client.open(path.join(dir, rel)) } });
    return (lenses ?? []).map((l) => l.command?.title ?? '');
  };
  const isCte = (t: string) => /^▶ Preview \S/.test(t);
  const view = await titles('models/staging/stg_orders.sql');
  assert.deepEqual(view.filter((t) => !t.startsWith('Test (') && !isCte(t)), ['▶ Preview'], 'a view has nothing to materialize');
  assert.deepEqual(view.filter(isCte), ['▶ Preview source', '▶ Preview deduplicated'], 'each CTE can be previewed');
  assert.deepEqual((await titles('models/marts/mart_revenue.sql')).filter((t) => !isCte(t)), ['▶ Preview', 'Materialize']);
});

test('selectors.yml in the editor: errors at the selector, an info for an empty one, a Materialize lens that runs it', async () => {
  const file = path.join(dir, 'selectors.yml');
  const broken = 'selectors:\n  - name: gold_products\n    definition: {method: fqn, value: mart_product_performance}\n  - name: broken\n    definition: {method: colour, value: red}\n';
  fs.writeFileSync(file, broken);
  const selectorsUri = await client.open(file, broken);
  const errors = await client.diagnostics(selectorsUri);
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.equal(errors[0].range.start.line, 3);
  assert.equal(errors[0].severity, 1);
  assert.match(String(errors[0].message), /^selector 'broken': Invalid selector 'colour:red': 'colour' is not a selection method/);

  await client.change(selectorsUri, broken.replace('{method: colour, value: red}', "'tag:nothing_has_this'"));
  const infos = await client.diagnostics(selectorsUri);
  assert.deepEqual(infos.map((d) => [d.range.start.line, d.severity, d.message]), [[3, 3, "Selector 'broken' selects nothing in floe_demo: no enabled node matches it."]]);
  const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: selectorsUri } });
  assert.deepEqual(lenses?.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]),
    [[1, 'Materialize (1 model)', 'floe.materializeSelector', [selectorsUri, 'gold_products']]]);

  const response = await client.connection.sendRequest(MaterializeRequest.type, { uri: selectorsUri, yamlSelector: 'gold_products' });
  assert.ok('results' in response, JSON.stringify(response));
  assert.deepEqual(response.results.map((r) => r.table), ['demo.gold.mart_product_performance']);
  const unknown = await client.connection.sendRequest(MaterializeRequest.type, { uri: selectorsUri, yamlSelector: 'gold' });
  assert.ok('error' in unknown, JSON.stringify(unknown));
  assert.match(unknown.error, /there is no selector 'gold' in selectors\.yml \(there are: gold_products, broken\)/);
  fs.rmSync(file);
});

test('settings: floe.preview.rowLimit sets the preview size, and with floe.localLakehouse.enabled off a run says why', async () => {
  const limited = await LspClient.start(dir, {}, { preview: { rowLimit: 7 } });
  try {
    const r = await limited.connection.sendRequest(PreviewRequest.type, { uri: uri('models/staging/stg_customers.sql') });
    assert.ok('result' in r && r.result.rowCount === 7, JSON.stringify(r).slice(0, 300));
  } finally {
    await limited.stop();
  }
  const off = await LspClient.start(dir, {}, { localLakehouse: { enabled: false } });
  try {
    const r = await off.connection.sendRequest(PreviewRequest.type, { uri: uri('models/staging/stg_customers.sql') });
    assert.ok('error' in r);
    assert.match(r.error, /floe\.localLakehouse\.enabled is off/);
  } finally {
    await off.stop();
  }
});
