// Playwright helpers for the lakehouse scenarios: the results webview, the Catalog tree, the CLI as the reference.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { root } from '../workspace.mjs';
export { freePort } from '../codeServer.mjs';

const cli = path.join(root, 'dist/cli.js');

/** Runs `floe ARGS` and returns its stdout; throws with its stderr when it fails. */
export function floeCli(args) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`floe ${args.join(' ')} failed: ${(r.stderr || r.stdout || '').trim()}`);
  return r.stdout;
}

/** `floeCli` without blocking the event loop, so the workbench keeps loading meanwhile. */
export function floeCliAsync(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`floe ${args.slice(0, 2).join(' ')} failed: ${(err || out).trim()}`))));
  });
}

/** The results webview's document (webviews are nested iframes: the host frame, then #active-frame). */
export function resultsFrame(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Opens the Lakehouse view container (its one view, Catalog, fills the side bar) and returns a locator of the tree's rows. */
export async function catalogRows(page) {
  const item = page.locator('.activitybar .action-item', { has: page.locator('a[aria-label^="Lakehouse"]') });
  if (!(await item.evaluate((e) => e.classList.contains('checked')))) await item.click();
  await page.locator('.part.sidebar .composite.title', { hasText: /Lakehouse|Catalog/i }).first().waitFor();
  await widenSideBar(page, 560);
  return page.locator('.part.sidebar .monaco-list-row');
}

/** Drags the side bar's edge so tree descriptions (types, reasons) are readable in screenshots. */
async function widenSideBar(page, width) {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width + 1, y);
  await page.mouse.down();
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
}

/** The tree row whose label is exactly `label` (the description is the separate `.label-description`). */
export function treeRow(rows, label) {
  return rows.filter({ has: rows.page().locator('.label-name', { hasText: new RegExp(`^${escape(label)}$`) }) }).first();
}

/** Expands a collapsed row (clicking a row toggles it) and waits until it says it is expanded. */
export async function expand(row) {
  await row.waitFor({ timeout: 30_000 });
  if ((await row.getAttribute('aria-expanded')) === 'true') return;
  await row.click();
  await row.and(row.page().locator('[aria-expanded="true"]')).waitFor({ timeout: 30_000 });
}

/** Expands each label in turn, each under the previous (labels must be unique in the visible tree). */
export async function expandPath(rows, labels) {
  for (const label of labels) await expand(treeRow(rows, label));
}

/** The current snapshot id of a table in the local lakehouse, read from its newest metadata file (int64 kept as text). */
export function currentSnapshotId(workspace, namespace, table) {
  const dir = path.join(workspace, '.floe/warehouse', ...namespace, table, 'metadata');
  const newest = readdirSync(dir).filter((f) => f.endsWith('.metadata.json')).sort().pop();
  if (!newest) return undefined;
  return /"current-snapshot-id"\s*:\s*(-?\d+)/.exec(readFileSync(path.join(dir, newest), 'utf8'))?.[1];
}


/** Starts `floe catalog serve` on a port; resolves once it prints its URI. Returns { uri, stop() }. */
export function serveCatalog(warehouse, port) {
  const child = spawn(process.execPath, [cli, 'catalog', 'serve', '--warehouse', warehouse, '--port', String(port)], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n');
      if (line.length > 1) resolve({ uri: line[0].trim(), stop });
    });
    child.once('exit', (code) => reject(new Error(`floe catalog serve exited (${code}): ${err.trim()}`)));
  });
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
