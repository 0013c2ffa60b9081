// Scenario: the lineage panel keeps up with the person. An unsaved edit that adds a ref() shows the new upstream model
// once the server has re-indexed; opening another model re-centres the panel on it.
import { resultsFrame } from './lakehouse.mjs';
import { openFile, replaceInEditor, revertActiveEditor, runCommand } from './workbench.mjs';

export const name = 'lineage panel follows edits and the active model';

export async function run({ page, assert }) {
  await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 60_000 });
  await openFile(page, 'models/staging/stg_orders.sql');
  await runCommand(page, 'Floe: Show Lineage');
  const panel = resultsFrame(page);
  const node = (id) => panel.locator(`svg.graph .node[data-id="${id}"]`);
  await node('model:mart_revenue').waitFor({ timeout: 30_000 });
  assert(await node('model:stg_customers').count() === 0, 'stg_customers is not upstream of stg_orders yet');

  await openFile(page, 'models/staging/stg_orders.sql'); // focus the editor again after the palette
  await replaceInEditor(page, 'from deduplicated', "from deduplicated -- {{ ref('stg_customers') }}");
  await node('model:stg_customers').waitFor({ timeout: 30_000 });
  await node('source:bronze.customers').waitFor({ timeout: 5_000 });
  await revertActiveEditor(page);
  await node('model:stg_customers').waitFor({ state: 'detached', timeout: 30_000 });

  await openFile(page, 'models/marts/mart_revenue.sql');
  await page.getByText('Lineage: mart_revenue').first().waitFor({ timeout: 15_000 });
  await panel.locator('svg.graph .node.focus[data-id="model:mart_revenue"]').waitFor({ timeout: 15_000 });
}
