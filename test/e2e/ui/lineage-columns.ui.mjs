// Scenario: the lineage panel's column view. stg_orders expands to its columns; a click on order_date draws its path
// from the bronze source's ordered_at to mart_revenue's order_month, the rows on it highlighted and the rest dimmed.
import { resultsFrame } from './lakehouse.mjs';
import { openFile, runCommand } from './workbench.mjs';

export const name = 'lineage panel column view: expand a model to its columns, a column highlights its upstream and downstream paths';

export async function run({ page, screenshot, assert }) {
  await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 60_000 });
  await openFile(page, 'models/staging/stg_orders.sql');
  await runCommand(page, 'Floe: Show Lineage');
  const panel = resultsFrame(page);
  const stg = panel.locator('svg.graph .node[data-id="model:stg_orders"]');
  await stg.waitFor({ timeout: 30_000 });

  // Expand: the ▸ button on the model's box lists its columns.
  await stg.locator('.toggle').click();
  const row = stg.locator('.column-row[data-column="order_date"]');
  await row.waitFor({ timeout: 30_000 });
  const names = await stg.locator('.column-row').evaluateAll((rows) => rows.map((r) => r.dataset.column));
  assert(['order_id', 'customer_id', 'order_date', 'ordered_at', 'status'].every((c) => names.includes(c)), `stg_orders should list its columns: ${names}`);

  // Click a column: its paths are drawn once the models are bound (the background binder may still be at work).
  const edges = panel.locator('svg.graph .column-edge');
  for (let attempt = 0; attempt < 30 && (await edges.count()) < 2; attempt++) {
    await stg.locator('.column-row[data-column="order_date"]').click();
    await page.waitForTimeout(1000);
  }
  assert((await edges.count()) >= 2, `order_date's paths should be drawn (source → stg_orders → mart), got ${await edges.count()} edges`);
  const focus = await stg.locator('.column-row.focus-column').getAttribute('data-column');
  assert(focus === 'order_date', `the clicked column is the focus: ${focus}`);
  const source = panel.locator('svg.graph .node[data-id="source:bronze.orders"] .column-row.on-path');
  assert((await source.getAttribute('data-column')) === 'ordered_at', 'upstream: the source column ordered_at is on the path');
  const mart = panel.locator('svg.graph .node[data-id="model:mart_revenue"] .column-row.on-path');
  assert((await mart.getAttribute('data-column')) === 'order_month', 'downstream: mart_revenue.order_month is on the path');
  const dimmed = await panel.locator('svg.graph.has-highlight .column-row:not(.on-path)').count();
  assert(dimmed > 0, 'the columns off the path are dimmed');
  await page.waitForTimeout(300);
  await screenshot('column-paths', { expectText: 'Lineage: stg_orders' });
}
