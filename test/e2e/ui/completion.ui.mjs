// A person types {{ ref(' and picks a model from the suggestions; hovering a ref shows the model.
import { openFile, revertActiveEditor } from './workbench.mjs';

export const name = 'ref completion and hover';

export async function run({ page, screenshot }) {
  await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 60_000 });
  await openFile(page, 'models/marts/mart_revenue.sql');

  // Type at the end of the file, as a person would; the editor auto-closes the quote and the braces.
  await page.keyboard.press('Control+End');
  await page.keyboard.type("\nunion all select * from {{ ref('");
  await page.keyboard.press('Control+Space');
  const suggestions = page.locator('.suggest-widget .monaco-list-row');
  await suggestions.filter({ hasText: 'stg_customers' }).first().waitFor({ timeout: 20_000 });
  await suggestions.filter({ hasText: 'stg_products' }).first().waitFor();
  await screenshot('ref-suggestions', { expectText: 'stg_customers' });
  await page.keyboard.press('Escape');

  const refToken = page.locator('.view-lines .view-line span', { hasText: "'stg_orders'" }).first();
  await refToken.hover();
  const hover = page.locator('.monaco-hover', { hasText: 'stg_orders' }).first();
  await hover.waitFor({ timeout: 20_000 });
  await screenshot('ref-hover', { expectText: 'materialized' });

  await revertActiveEditor(page);
}
