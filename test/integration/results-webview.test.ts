// The results webview bundle in headless Chromium, in a page like VS Code's webview (same HTML and
// CSP, a stub acquireVsCodeApi): 100k rows from DuckDB, scroll, sort, filter, copy, export, errors;
// hostile strings show as text and no script runs from data. Screenshots go to .test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DuckDBInstance } from '@duckdb/node-api';
import { duckdbResultToPreview } from '../../server/src/engine/arrow';
import { resultsHtml } from '../../client/src/results/resultsHtml';
import type { PreviewResult, FromWebviewMessage } from '../../server/src/protocol/results';

const root = path.resolve(__dirname, '../..');
const artifacts = path.join(root, '.test-artifacts');
const HOSTILE_IMG = '<img src=x onerror=alert(1)>';
const HOSTILE_SCRIPT = '</script><script>window.__pwned=1</script>';
const ROWS = 100_000;
/** The Dark+ colours VS Code injects into webviews as CSS variables. */
const THEME: Record<string, string> = {
  '--vscode-editor-background': '#1e1e1e', '--vscode-editor-foreground': '#d4d4d4',
  '--vscode-font-family': 'sans-serif', '--vscode-font-size': '13px',
  '--vscode-editor-font-family': 'monospace', '--vscode-editor-font-size': '13px',
  '--vscode-descriptionForeground': '#9d9d9d', '--vscode-disabledForeground': '#7f7f7f',
  '--vscode-editor-selectionBackground': '#264f78', '--vscode-focusBorder': '#007fd4',
  '--vscode-editorGroup-border': '#444', '--vscode-panel-border': '#444',
  '--vscode-input-background': '#3c3c3c', '--vscode-input-foreground': '#ccc',
  '--vscode-button-secondaryBackground': '#3a3d41', '--vscode-button-secondaryForeground': '#fff',
  '--vscode-list-hoverBackground': '#2a2d2e', '--vscode-editorLineNumber-foreground': '#858585',
  '--vscode-textLink-foreground': '#3794ff', '--vscode-errorForeground': '#f48771',
};

let workDir: string;
let server: Server;
let base: string;
let browser: Browser;
let page: Page;
let result: PreviewResult;
let empty: PreviewResult;
/** The same query cut at 500 rows (the server counted 100,000), and the server's answer to a descending sort by id. */
let limited: PreviewResult;
let limitedDesc: PreviewResult;
const dialogs: string[] = [];
const cspViolations: string[] = [];

const haveChromium = existsSync('/usr/bin/chromium');
const needsChromium = { skip: haveChromium ? false : 'needs /usr/bin/chromium (apt-get install -y chromium)' };

before(async () => {
  if (!haveChromium) return;
  workDir = mkdtempSync(path.join(tmpdir(), 'floe-results-'));
  const built = spawnSync(process.execPath, [path.join(root, 'media/build.mjs'), `--outdir=${workDir}`], { encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);

  const instance = await DuckDBInstance.create(':memory:');
  const con = await instance.connect();
  const sql = `SELECT
      CASE WHEN i = 0 THEN 9223372036854775807 WHEN i = 1 THEN -9223372036854775807 ELSE i END::BIGINT AS id,
      CASE WHEN i = 0 THEN 12345678901234567890.123456789::DECIMAL(38,9) ELSE (i / 1000)::DECIMAL(38,9) END AS amount,
      CASE i WHEN 2 THEN '${HOSTILE_IMG}' WHEN 3 THEN '${HOSTILE_SCRIPT}' WHEN 4 THEN 'NULL' WHEN 5 THEN NULL ELSE 'name ' || i END AS name,
      TIMESTAMP '2024-01-01 00:00:00' + to_microseconds(i * 1000001) AS ts,
      i % 2 = 0 AS even,
      DATE '2024-01-01' + (i % 365)::INTEGER AS day,
      i / 7 AS ratio,
      'group ' || (i % 13) AS grp,
      (i * 37 % 1000)::INTEGER AS bucket,
      CASE WHEN i % 10 = 0 THEN NULL ELSE i % 10 END AS maybe
    FROM range(${ROWS}) t(i)`;
  const started = performance.now();
  result = await duckdbResultToPreview(await con.stream(sql), { sql, title: 'stg_hostile', startedAt: started, maxRows: ROWS });
  limited = { ...(await duckdbResultToPreview(await con.stream(sql), { sql, title: 'big', startedAt: started, maxRows: 500 })), totalRows: ROWS, limit: 500 };
  const descending = `SELECT * FROM (${sql}) ORDER BY id DESC NULLS LAST`;
  limitedDesc = {
    ...(await duckdbResultToPreview(await con.stream(descending), { sql, title: 'big', startedAt: started, maxRows: 500 })),
    totalRows: ROWS, limit: 500, view: { sort: { column: 0, descending: true } },
  };
  empty = await duckdbResultToPreview(await con.stream('SELECT 1::BIGINT AS a, 2 AS b WHERE false'), { sql: '', title: 'empty', startedAt: started });
  con.closeSync();
  instance.closeSync();

  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/') {
      res.setHeader('content-type', 'text/html');
      return res.end(resultsHtml({ cspSource: base, scriptUri: `${base}/media/results.js`, styleUri: `${base}/media/results.css` }));
    }
    if (url === '/favicon.ico') return res.writeHead(204).end();
    const file = url.startsWith('/media/') ? path.join(workDir, path.basename(url)) : '';
    try {
      res.setHeader('content-type', file.endsWith('.js') ? 'text/javascript' : 'text/css');
      res.end(readFileSync(file));
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1200, height: 640 } });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    else if (m.type() === 'error') console.log(`# page console: ${m.text()}`);
  });
  page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
  // What VS Code gives a webview: acquireVsCodeApi and the theme's CSS variables.
  // A string, not a function: tsx's transpiled helpers would not exist in the page.
  await page.addInitScript(`
    const posted = [];
    window.__posted = posted;
    // Like VS Code, state set by the webview survives a reload of the page.
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => posted.push(m),
      getState: () => JSON.parse(sessionStorage.getItem('state') ?? 'null') ?? undefined,
      setState: (s) => sessionStorage.setItem('state', JSON.stringify(s)),
    });
    document.addEventListener('DOMContentLoaded', () => {
      const vars = ${JSON.stringify(THEME)};
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
    });
  `);
  await page.goto(base + '/');
  await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'ready'));
});

after(async () => {
  await browser?.close();
  server?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function posted(): Promise<FromWebviewMessage[]> {
  return page.evaluate(() => (window as any).__posted);
}

/** Scrolls the grid so that view row `row` (0-based) is at the top, and waits until it is drawn. */
async function scrollToRow(row: number): Promise<void> {
  await page.evaluate((r) => { (document.querySelector('.grid') as HTMLElement).scrollTop = 22 * r; }, row);
  await page.waitForFunction((label) => Array.from(document.querySelectorAll('.row:not([hidden]) .rownum')).some((c) => c.textContent === label), String(row + 1));
}

/** The texts of the cells in the first rendered rows at the top of the viewport. */
async function firstRowTexts(): Promise<string[]> {
  return page.evaluate(() => {
    const grid = document.querySelector('.grid') as HTMLElement;
    const rows = Array.from(document.querySelectorAll<HTMLElement>('.row:not([hidden])'));
    const top = grid.scrollTop;
    const first = rows.filter((r) => r.offsetTop >= top).sort((a, b) => a.offsetTop - b.offsetTop)[0];
    return Array.from(first.children).map((c) => c.textContent ?? '');
  });
}

function cellsOf(texts: string[], names: string[]): Record<string, string> {
  return Object.fromEntries(result.columns.map((c, i) => [c.name, texts[i + 1]]).filter(([n]) => names.includes(n as string)));
}

test('100k rows load, only visible rows are in the DOM, exact values and the footer show', needsChromium, async () => {
  assert.equal(result.rowCount, ROWS);
  assert.equal(result.truncated, false, 'the whole result: the grid sorts and filters it itself');
  await page.evaluate((r) => { (window as any).__t0 = performance.now(); window.postMessage({ type: 'load', result: r }, '*'); }, result);
  await page.waitForSelector('.row:not([hidden])');
  const loadMs = Math.round(await page.evaluate(() => performance.now() - (window as any).__t0));
  const domRows = await page.locator('.row').count();
  assert.ok(domRows < 100, `${domRows} row elements in the DOM`);
  const first = cellsOf(await firstRowTexts(), ['id', 'amount', 'ts']);
  assert.deepEqual(first, { id: '9223372036854775807', amount: '12345678901234567890.123456789', ts: '2024-01-01 00:00:00' });
  const footer = await page.locator('.footer .summary').textContent();
  assert.match(footer ?? '', /^100,000 rows · [\d,]+ ms$/);
  const headers = await page.locator('.cell.head .type').allTextContents();
  assert.deepEqual(headers.slice(0, 4), ['BIGINT', 'DECIMAL(38,9)', 'VARCHAR', 'TIMESTAMP']);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'results-grid.png') });
  console.log(`# 100k rows decoded and first paint in ${loadMs} ms`);
});

test('hostile strings render as text, NULL is distinct from the string NULL, and no script ran', needsChromium, async () => {
  const cells = await page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('.row:not([hidden])'))
    .sort((a, b) => a.offsetTop - b.offsetTop).slice(0, 6).map((r) => {
      const c = r.children[3] as HTMLElement;
      return { text: c.textContent, isNull: c.classList.contains('null'), children: c.children.length };
    }));
  assert.deepEqual(cells.slice(2), [
    { text: '<img src=x onerror=alert(1)>', isNull: false, children: 0 },
    { text: '</script><script>window.__pwned=1</script>', isNull: false, children: 0 },
    { text: 'NULL', isNull: false, children: 0 },
    { text: 'NULL', isNull: true, children: 0 },
  ]);
  assert.equal(await page.locator('img').count(), 0);
  assert.equal(await page.evaluate(() => (window as any).__pwned), undefined);
  assert.deepEqual(dialogs, []);
  assert.deepEqual(cspViolations, []);
});

test('scrolling deep renders the right rows quickly', needsChromium, async () => {
  const t0 = Date.now();
  await scrollToRow(60000);
  const texts = await firstRowTexts();
  assert.equal(texts[0], '60001');
  assert.equal(cellsOf(texts, ['id']).id, '60000');
  console.log(`# scroll to row 60,000 rendered in ${Date.now() - t0} ms`);
  await page.screenshot({ path: path.join(artifacts, 'results-grid-scrolled.png') });
});

test('clicking a header sorts by exact value, descending on a second click', needsChromium, async () => {
  const idHeader = page.locator('.cell.head').nth(0);
  await page.evaluate(() => { (window as any).__t0 = performance.now(); });
  await idHeader.click();
  await page.waitForFunction(() => document.querySelector('.cell.head[aria-sort="ascending"]'));
  console.log(`# sort of 100k BIGINT rows shown in ${Math.round(await page.evaluate(() => performance.now() - (window as any).__t0))} ms`);
  await scrollToRow(0);
  assert.equal(cellsOf(await firstRowTexts(), ['id']).id, '-9223372036854775807');
  await idHeader.click();
  await page.waitForFunction(() => document.querySelector('.cell.head[aria-sort="descending"]'));
  await scrollToRow(0);
  assert.equal(cellsOf(await firstRowTexts(), ['id']).id, '9223372036854775807');
  await page.screenshot({ path: path.join(artifacts, 'results-grid-sorted.png') });
  await idHeader.click(); // back to unsorted
});

test('the keyboard moves the focused cell and scrolls it into view', needsChromium, async () => {
  await page.locator('.row:not([hidden]) .cell[data-col="0"]').first().click();
  const focused = () => page.locator('.cell.focused').textContent();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  assert.equal(await focused(), '0.002000000');
  await page.keyboard.press('Control+End');
  await page.waitForFunction(() => Array.from(document.querySelectorAll('.row:not([hidden]) .rownum')).some((c) => c.textContent === '100000'));
  assert.equal(await focused(), '9', 'last row, last column (maybe = 99999 % 10)');
  await page.keyboard.press('Control+Home');
  await page.waitForFunction(() => document.querySelector('.cell.focused')?.parentElement?.firstElementChild?.textContent === '1');
  assert.equal(await focused(), '9223372036854775807');
});

test('the filter narrows rows and the footer counts them', needsChromium, async () => {
  await page.evaluate(() => { (window as any).__t0 = performance.now(); });
  await page.fill('.filter', 'name 9999');
  await page.waitForFunction(() => /of 100,000 rows/.test(document.querySelector('.footer .summary')?.textContent ?? ''));
  const footer = await page.locator('.footer .summary').textContent();
  console.log(`# filter over 100k x 10 (typing, 120 ms debounce included) in ${Math.round(await page.evaluate(() => performance.now() - (window as any).__t0))} ms`);
  assert.match(footer ?? '', /^11 of 100,000 rows/); // name 9999 and name 99990..99999
  const shown = await page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('.row')).filter((r) => r.offsetParent !== null).length);
  assert.equal(shown, 11, 'no stale rows stay visible');
  await page.screenshot({ path: path.join(artifacts, 'results-grid-filtered.png') });
});

test('copy sends the selected cells as TSV; exports send CSV and JSON text or ask for Parquet', needsChromium, async () => {
  await page.locator('.row:not([hidden]) .cell[data-col="2"]').first().click();
  await page.keyboard.press('Shift+ArrowRight');
  await page.keyboard.press('Control+c');
  await page.click('button:has-text("CSV") >> nth=1');
  await page.click('button:has-text("JSON")');
  await page.click('button:has-text("Parquet")');
  const messages = (await posted()).filter((m) => m.type !== 'ready');
  assert.deepEqual(messages[0], { type: 'copy', text: 'name 9999\t2024-01-01 02:46:39.009999' });
  const csv = messages[1];
  assert.equal(csv.type, 'export');
  assert.ok(csv.type === 'export' && csv.format === 'csv' && csv.text!.startsWith('id,amount,name,ts,even,day,ratio,grp,bucket,maybe\r\n9999,9.999000000,name 9999,'));
  const json = messages[2];
  assert.ok(json.type === 'export' && json.format === 'json' && json.text!.includes('"id": 9999, "amount": 9.999000000'));
  const parquet = messages[3];
  assert.ok(parquet.type === 'export' && parquet.format === 'parquet' && parquet.text === undefined && parquet.view !== undefined, JSON.stringify(parquet));
});

test('after the webview is dropped and reloaded, the same result comes back with its filter', needsChromium, async () => {
  await page.reload();
  await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'ready'));
  await page.evaluate((r) => window.postMessage({ type: 'load', result: r }, '*'), result);
  await page.waitForSelector('.row:not([hidden])');
  assert.equal(await page.inputValue('.filter'), 'name 9999');
  assert.match((await page.locator('.footer .summary').textContent()) ?? '', /^11 of 100,000 rows/);
});

test('the loading state offers Cancel; an empty result shows its columns and 0 rows', needsChromium, async () => {
  await page.evaluate(() => window.postMessage({ type: 'loading', title: 'stg_orders' }, '*'));
  await page.waitForSelector('.state.loading');
  assert.equal(await page.locator('.state.loading .message').textContent(), 'Running stg_orders…');
  await page.click('.state.loading button');
  assert.deepEqual((await posted()).at(-1), { type: 'cancel' });
  await page.evaluate((r) => window.postMessage({ type: 'load', result: r }, '*'), empty);
  await page.waitForSelector('.grid');
  assert.equal(await page.locator('.row:not([hidden])').count(), 0);
  assert.deepEqual(await page.locator('.cell.head .name').allTextContents(), ['a', 'b']);
  assert.match((await page.locator('.footer .summary').textContent()) ?? '', /^0 rows · /);
});

test('an error shows the message and the model location instead of a grid', needsChromium, async () => {
  await page.evaluate(() => window.postMessage({
    type: 'error', title: 'stg_orders', message: 'Binder Error: column "<b>x</b>" not found',
    location: { file: 'models/staging/stg_orders.sql', line: 12, column: 5 },
  }, '*'));
  await page.waitForSelector('.state.error');
  assert.equal(await page.locator('.grid').count(), 0);
  assert.equal(await page.locator('.error-message').textContent(), 'Binder Error: column "<b>x</b>" not found');
  await page.click('.location');
  const last = (await posted()).at(-1);
  assert.deepEqual(last, { type: 'reveal', location: { file: 'models/staging/stg_orders.sql', line: 12, column: 5 } });
  assert.equal(await page.locator('.location').textContent(), 'models/staging/stg_orders.sql:12:5');
  await page.screenshot({ path: path.join(artifacts, 'results-error.png') });
});

test('a result cut at its row limit: the footer says so with the total; sort, filter and export ask the server for the full result', needsChromium, async () => {
  await page.evaluate(() => sessionStorage.clear());
  await page.evaluate((r) => window.postMessage({ type: 'load', result: r }, '*'), limited);
  await page.waitForFunction(() => /Showing first 500 of 100,000 rows/.test(document.querySelector('.footer .summary')?.textContent ?? ''));
  assert.match((await page.locator('.footer .summary').textContent()) ?? '', /^Showing first 500 of 100,000 rows · row limit 500: sort, filter and export use the full result · [\d,]+ ms$/);
  const before = (await posted()).length;

  // A header click asks the server (twice: ascending, then descending); the grid does not sort its 500 rows itself.
  await page.click('.cell.head:has(.name:text-is("id"))');
  await page.click('.cell.head:has(.name:text-is("id"))');
  const asked = (await posted()).slice(before);
  assert.deepEqual(asked, [{ type: 'query', view: { sort: { column: 0, descending: false } } }, { type: 'query', view: { sort: { column: 0, descending: true } } }]);
  assert.match(await page.locator('.footer .notice').textContent() ?? '', /Sorting the full result/);

  // The server's answer: the maximum id of all 100,000 rows comes first, and the header shows the sort.
  await page.evaluate((r) => window.postMessage({ type: 'load', result: r }, '*'), limitedDesc);
  await page.waitForFunction(() => document.querySelector('.cell.head[aria-sort="descending"] .name')?.textContent === 'id');
  await scrollToRow(0);
  assert.equal(cellsOf(await firstRowTexts(), ['id']).id, '9223372036854775807');

  // Typing a filter asks the server once the typing pauses; the box keeps its text and focus across the answer.
  await page.fill('.filter', 'name 4242');
  await page.waitForFunction(() => (window as any).__posted.some((m: any) => m.type === 'query' && m.view.filter?.text === 'name 4242'));
  const query = (await posted()).filter((m) => m.type === 'query').at(-1);
  assert.deepEqual(query, { type: 'query', view: { sort: { column: 0, descending: true }, filter: { text: 'name 4242' } } });
  await page.evaluate((r) => window.postMessage({ type: 'load', result: r }, '*'), { ...limitedDesc, view: query!.type === 'query' ? query.view : {} });
  assert.equal(await page.inputValue('.filter'), 'name 4242');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'filter');

  // Exports go to the server with the view, never as the text of the 500 rows.
  await page.click('button:text-is("CSV")');
  const exported = (await posted()).at(-1);
  assert.deepEqual(exported, { type: 'export', format: 'csv', view: { sort: { column: 0, descending: true }, filter: { text: 'name 4242' } } });
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'results-limited.png') });
});

test('Column stats asks the server; its answer shows as a table of text above the grid, and Close hides it', needsChromium, async () => {
  await page.evaluate((r) => window.postMessage({ type: 'load', result: r }, '*'), limited);
  await page.waitForFunction(() => /Showing first 500/.test(document.querySelector('.footer .summary')?.textContent ?? ''));
  await page.click('button:text-is("Column stats")');
  assert.deepEqual((await posted()).at(-1), { type: 'stats' });
  assert.match(await page.locator('.footer .notice').textContent() ?? '', /Computing column statistics over the full result/);
  const stats = {
    rows: 100_000,
    columns: [
      { name: 'id', type: 'BIGINT', nulls: 0, distinct: 100_000, min: '1', max: '9223372036854775807' },
      { name: HOSTILE_IMG, type: 'VARCHAR', nulls: 40, distinct: 3, min: null, max: null },
      { name: 'tags', type: 'VARCHAR[]', nulls: 100_000, distinct: 0 },
    ],
  };
  // an answer for another preview is ignored
  await page.evaluate((s) => window.postMessage({ type: 'stats', sql: 'select 1', stats: s }, '*'), stats);
  assert.equal(await page.locator('.stats').count(), 0);
  await page.evaluate(([s, sql]) => window.postMessage({ type: 'stats', sql, stats: s }, '*'), [stats, limited.sql] as const);
  await page.locator('.stats').waitFor();
  assert.equal(await page.locator('.stats-title').textContent(), 'Column statistics over all 100,000 rows');
  const rows = await page.locator('.stats-table tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td"), (td) => td.textContent)));
  assert.deepEqual(rows, [
    ['id', 'BIGINT', '0%', '100,000', '1', '9223372036854775807'],
    [HOSTILE_IMG, 'VARCHAR', '<0.1%', '3', 'NULL', 'NULL'],
    ['tags', 'VARCHAR[]', '100%', '0', '—', '—'],
  ]);
  assert.equal(await page.evaluate(() => (window as any).__pwned), undefined);
  await page.screenshot({ path: path.join(artifacts, 'results-column-stats.png') });
  await page.click('.stats button:text-is("Close")');
  assert.equal(await page.locator('.stats').count(), 0);
});
