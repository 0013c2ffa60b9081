// Scenario (issue 16): a merge-incremental table in the local lakehouse has grown small files and equality deletes
// (written by `floe write`, Floe's own write path). The Catalog tree shows its file count, delete-file count and size.
// Optimize Table's dry run says what it would rewrite in a confirmation dialog; confirmed, it runs with a cancellable
// progress notification and the counts drop to one file per partition. Expire Snapshots asks for an age and a count
// and confirms before deleting anything: declining leaves every snapshot; confirming keeps only the last one.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogRows, expandPath, floeCliAsync, freePort, serveCatalog, treeRow } from './lakehouse.mjs';
import { runCommand } from './workbench.mjs';

export const name = 'table maintenance from the Catalog tree: file counts, Optimize Table dry run and run, Expire Snapshots confirmed';

const LOCAL = 'Local lakehouse · floe_demo';
const NAMESPACE = 'maint';
const TABLE = 'order_events';
const FULL = `${NAMESPACE}.${TABLE}`;
const PARTITIONS = 4;
const rowsSql = (from, to, v) => `SELECT i::BIGINT AS id, (i % ${PARTITIONS})::INTEGER AS part, '${v}' AS v FROM range(${from}, ${to}) r(i)`;

export async function run({ page, workspace, screenshot, assert }) {
  // The writes run while the workbench and the language server start.
  const written = writeSmallFiles(workspace);
  await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 60_000 });
  await written;
  const before = tableStats(workspace);
  assert(before.dataFiles >= 4 * PARTITIONS && before.deleteFiles > 0, `the writes should leave small files and deletes: ${JSON.stringify(before)}`);

  // Toasts are hidden under the smoke-test driver: the Notifications Center lists them, progress included.
  await runCommand(page, 'Notifications: Show Notifications');
  await recordNotifications(page);
  const rows = await catalogRows(page);
  await expandPath(rows, [LOCAL, NAMESPACE]);
  const table = treeRow(rows, TABLE);
  await table.waitFor({ timeout: 30_000 });
  const shown = await table.locator('.label-description').innerText();
  const expected = new RegExp(`^${before.dataFiles} files · ${before.deleteFiles} delete files · [\\d.]+ (B|KiB)$`);
  assert(expected.test(shown), `the table row should show ${before.dataFiles} files and ${before.deleteFiles} delete files: "${shown}"`);

  // Optimize Table: the dry run's report, in a dialog that asks before changing anything.
  await tableAction(page, table, 'Optimize Table');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 30_000 });
  const report = await dialog.innerText();
  const summary = `${FULL}: would rewrite ${before.dataFiles} data file(s) in ${PARTITIONS} partition(s) and remove ${before.deleteFiles} delete file(s)`;
  assert(report.includes(summary), `the dry run should say "${summary}": ${report}`);
  assert(/would rewrite part=0: \d+ data file\(s\)/.test(report), `the dry run should list what it rewrites per partition: ${report}`);
  assert(tableStats(workspace).snapshots === before.snapshots, 'a dry run must not commit');
  await screenshot('optimize-dry-run', { expectText: 'would rewrite part=0' });
  await dialog.getByRole('button', { name: `Optimize ${FULL}` }).click();

  const done = notification(page, `${FULL}: rewrote ${before.dataFiles} data file(s) in ${PARTITIONS} partition(s) as ${PARTITIONS} `);
  await done.waitFor({ timeout: 60_000 });
  const seen = await page.evaluate(() => window.__floeNotifications);
  assert(seen.some((n) => /Optimize Table: .*rewriting part=\d/.test(n.text) && n.buttons.includes('Cancel')),
    `the run should show its progress with a Cancel button: ${JSON.stringify(seen)}`);
  const after = tableStats(workspace);
  assert(after.dataFiles === PARTITIONS && after.deleteFiles === 0, `one file per partition and no deletes after: ${JSON.stringify(after)}`);
  await table.locator('.label-description', { hasText: new RegExp(`^${PARTITIONS} files · [\\d.]+ (B|KiB)$`) }).waitFor({ timeout: 30_000 });

  // Expire Snapshots: any age, keep 1. Declining the confirmation leaves every snapshot; confirming keeps one.
  const expire = `${FULL}: would expire ${after.snapshots - 1} snapshot(s) and delete`;
  await (await expireSnapshots(page, table, expire)).getByRole('button', { name: 'Cancel', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
  assert(tableStats(workspace).snapshots === after.snapshots, 'declining the confirmation must leave every snapshot');
  await expireSnapshots(page, table, expire);
  await screenshot('expire-confirmation', { expectText: expire });
  await dialog.getByRole('button', { name: `Expire ${FULL}`, exact: true }).click();
  await notification(page, `${FULL}: expired ${after.snapshots - 1} snapshot(s)`).waitFor({ timeout: 60_000 });
  assert(tableStats(workspace).snapshots === 1, `one snapshot should be kept: ${JSON.stringify(tableStats(workspace))}`);
  await expandPath(rows, [TABLE]);
  await treeRow(rows, 'Snapshots').locator('.label-description', { hasText: /^1$/ }).waitFor({ timeout: 30_000 });
  await screenshot('after-optimize-and-expire', { expectText: `expired ${after.snapshots - 1} snapshot(s)` });
}

/** A merge-incremental table: a first load in PARTITIONS partitions, two merges (equality deletes), an append. */
async function writeSmallFiles(workspace) {
  const catalog = await serveCatalog(path.join(workspace, '.floe/warehouse'), await freePort());
  try {
    const write = (mode, sql, ...flags) => floeCliAsync(['write', '--catalog', catalog.uri, '--warehouse', 'floe', '--mode', mode, ...flags, FULL, sql]);
    await write('create', rowsSql(0, 400, 'v0'), '--partition-by', 'part');
    await write('merge', rowsSql(50, 150, 'm1'), '--unique-key', 'id');
    await write('merge', rowsSql(200, 300, 'm2'), '--unique-key', 'id');
    await write('append', rowsSql(1000, 1040, 'a1'));
  } finally {
    await catalog.stop();
  }
}

/** Right-click a table row and pick a maintenance action from its context menu. */
async function tableAction(page, row, label) {
  await row.click({ button: 'right' });
  // Hover focuses the item and Enter runs it: a click right as the menu opens was seen to be dropped.
  const item = page.getByRole('menuitem', { name: new RegExp(`^${label}`) });
  await item.hover();
  await item.press('Enter');
  await item.waitFor({ state: 'detached' });
}

/** Expire Snapshots with any age and one kept, up to its confirmation, which must state what would go. Returns the dialog. */
async function expireSnapshots(page, row, expected) {
  await tableAction(page, row, 'Expire Snapshots');
  const input = page.locator('.quick-input-widget input');
  await page.locator('.quick-input-widget', { hasText: 'Expire snapshots older than' }).waitFor();
  await input.fill('0');
  await input.press('Enter');
  await page.locator('.quick-input-widget', { hasText: 'Keep at least' }).waitFor();
  await input.fill('1');
  await input.press('Enter');
  const dialog = page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 30_000 });
  const text = await dialog.innerText();
  if (!text.includes(expected) || !/would delete \d+ data files, .*manifest lists/.test(text)) {
    throw new Error(`Expire Snapshots should confirm "${expected}" and count the files by kind: ${text}`);
  }
  return dialog;
}

/** A notification in the Notifications Center whose message starts with `text`. */
function notification(page, text) {
  return page.locator('.notifications-center .notification-list-item-message', { hasText: text }).first();
}

/** Keeps every notification's message and buttons as they appear (progress notifications go away when done). */
async function recordNotifications(page) {
  await page.evaluate(() => {
    window.__floeNotifications = [];
    const seen = new Set();
    const collect = () => {
      for (const item of document.querySelectorAll('.notifications-center .notification-list-item')) {
        const text = item.querySelector('.notification-list-item-message')?.textContent ?? '';
        const buttons = [...item.querySelectorAll('.monaco-button')].map((b) => b.textContent?.trim() ?? '');
        const key = `${text}|${buttons.join(',')}`;
        if (!seen.has(key)) { seen.add(key); window.__floeNotifications.push({ text, buttons }); }
      }
    };
    new MutationObserver(collect).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

/** The table's current totals and snapshot count, from the metadata file the local catalog points at. */
function tableStats(workspace) {
  const warehouse = path.join(workspace, '.floe/warehouse');
  const pointer = JSON.parse(readFileSync(path.join(warehouse, '.floe-catalog/ns', NAMESPACE, '.tables', `${TABLE}.json`), 'utf8'));
  const file = pointer['metadata-location'].startsWith('file:') ? fileURLToPath(pointer['metadata-location']) : pointer['metadata-location'];
  const m = JSON.parse(readFileSync(file, 'utf8'));
  // The newest snapshot has the highest sequence number (ids are 19 digits, which plain JSON.parse rounds).
  const current = m.snapshots.reduce((a, s) => (s['sequence-number'] > a['sequence-number'] ? s : a));
  const total = (k) => Number(current.summary[k] ?? 0);
  return { dataFiles: total('total-data-files'), deleteFiles: total('total-delete-files'), snapshots: m.snapshots.length };
}
