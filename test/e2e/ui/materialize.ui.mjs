// Scenario 5: a person materializes a mart from its code lens; the Catalog tree then shows the gold table with the new
// snapshot (the id the materialize message reports, marked current) after the one the demo seeding wrote.
import { catalogRows, currentSnapshotId, expandPath, treeRow } from './lakehouse.mjs';
import { openFile, runCommand } from './workbench.mjs';

export const name = 'materialize a mart: the tree shows the gold table with the new snapshot';

const MART = 'mart_revenue';
const CONNECTION = 'Local lakehouse · floe_demo';

export async function run({ page, workspace, screenshot, assert }) {
  const seeded = currentSnapshotId(workspace, ['demo', 'gold'], MART);
  assert(seeded, `the seeded lakehouse has no snapshot of demo.gold.${MART}`);

  await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 60_000 });
  const rows = await catalogRows(page);
  await expandPath(rows, [CONNECTION, 'demo', 'gold', MART, 'Snapshots']);
  // Snapshot rows lead with time and operation; the one described "current" carries the exact id in Copy Snapshot Id.
  const current = rows.filter({ has: page.locator('.label-description', { hasText: /^current/ }) }).first();
  await current.waitFor({ timeout: 30_000 });
  await copiedIdIs(page, current, seeded);

  await openFile(page, `models/marts/${MART}.sql`);
  await page.locator('.codelens-decoration a', { hasText: 'Materialize' }).first().click({ timeout: 30_000 });
  // Toasts are hidden under the smoke-test driver; the Notifications Center lists the same messages.
  await runCommand(page, 'Notifications: Show Notifications');
  const message = page.locator('.notifications-center .notification-list-item-message', { hasText: `Materialized demo.gold.${MART}` }).first();
  await message.waitFor({ timeout: 60_000 });
  const text = await message.innerText();
  const reported = /snapshot (\d+)/.exec(text)?.[1];
  assert(reported && reported !== seeded, `materialize should report a new snapshot: "${text}" (seeded ${seeded})`);
  assert(reported === currentSnapshotId(workspace, ['demo', 'gold'], MART), `the table's current snapshot is not the reported ${reported}`);
  await runCommand(page, 'Notifications: Hide Notifications');

  // Materialize refreshes the tree; the expanded path is kept and now lists both snapshots, the new one current.
  await treeRow(rows, 'Snapshots').locator('.label-description', { hasText: /^2$/ }).waitFor({ timeout: 30_000 });
  await copiedIdIs(page, current, reported);
  await screenshot('tree-gold-table', { expectText: `Copied snapshot id ${reported}` });
}

/** Copy Snapshot Id on a snapshot row, and the status bar's confirmation naming `id` (19 digits, never a JS number). */
async function copiedIdIs(page, row, id) {
  await row.hover();
  await row.locator('.action-label[aria-label^="Copy Snapshot Id"]').click();
  await page.locator('.statusbar-item', { hasText: `Copied snapshot id ${id}` }).first().waitFor({ timeout: 10_000 });
}
