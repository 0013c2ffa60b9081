// Scenario: a person opens a staging model and runs Floe: Show Lineage; the panel draws the model's boxes (bronze
// source upstream, marts downstream, the model highlighted); clicking a mart's box opens its SQL file, double-clicking
// a box centres the lineage on it.
import { resultsFrame } from './lakehouse.mjs';
import { openFile, runCommand } from './workbench.mjs';

export const name = 'lineage panel: the DAG around stg_orders, a click opens a mart, a double-click centres on a mart or a source';

const EXPECTED_LABELS = ['bronze.orders', 'mart_customer_orders', 'mart_revenue', 'stg_orders'];

export async function run({ page, screenshot, assert }) {
  await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 60_000 });
  await openFile(page, 'models/staging/stg_orders.sql');
  await runCommand(page, 'Floe: Show Lineage');

  // The panel is the only webview open, so the results-frame locator reaches it.
  const panel = resultsFrame(page);
  const nodes = panel.locator('svg.graph .node');
  await nodes.nth(EXPECTED_LABELS.length - 1).waitFor({ timeout: 30_000 });
  const labels = (await panel.locator('svg.graph .node .label').allTextContents()).sort();
  assert(JSON.stringify(labels) === JSON.stringify(EXPECTED_LABELS), `node labels ${JSON.stringify(labels)}, expected ${JSON.stringify(EXPECTED_LABELS)}`);
  const focus = await panel.locator('svg.graph .node.focus .label').allTextContents();
  assert(JSON.stringify(focus) === '["stg_orders"]', `the highlighted node should be stg_orders: ${JSON.stringify(focus)}`);
  const edges = await panel.locator('svg.graph path.edge').count();
  assert(edges === 3, `expected 3 edges, got ${edges}`);
  const detail = await panel.locator('svg.graph .node[data-id="model:stg_orders"] .detail').textContent();
  assert(/^view · silver · \d+ tests?$/.test(detail ?? ''), `stg_orders' box should show its badge, layer and tests: "${detail}"`);

  await screenshot('panel', { expectText: 'Lineage: stg_orders' });

  await panel.locator('svg.graph .node[data-id="model:mart_revenue"]').click();
  await page.locator('.tabs-container .tab.active', { hasText: 'mart_revenue.sql' }).waitFor({ timeout: 15_000 });
  // Opening a file from the panel keeps the graph where it was.
  assert(await page.getByText('Lineage: stg_orders').first().isVisible(), 'the panel should still show stg_orders after the click');

  // A double-click centres the lineage on that model.
  await panel.locator('svg.graph .node[data-id="model:mart_customer_orders"]').dblclick();
  await page.getByText('Lineage: mart_customer_orders').first().waitFor({ timeout: 15_000 });
  await panel.locator('svg.graph .node.focus[data-id="model:mart_customer_orders"]').waitFor({ timeout: 15_000 });
  // A source can be the centre too: its downstream models show, and nothing upstream.
  await panel.locator('svg.graph .node[data-id="source:bronze.orders"]').dblclick();
  await page.getByText('Lineage: bronze.orders').first().waitFor({ timeout: 15_000 });
  await panel.locator('svg.graph .node.focus[data-id="source:bronze.orders"]').waitFor({ timeout: 15_000 });
  const around = (await panel.locator('svg.graph .node .label').allTextContents()).sort();
  assert(JSON.stringify(around) === JSON.stringify(['bronze.orders', 'mart_customer_orders', 'mart_revenue', 'stg_orders']),
    `around bronze.orders (2 down): ${JSON.stringify(around)}`);
}
