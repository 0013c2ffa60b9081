// A person types {{ ref(' and picks a model from the suggestions (the focused one shows its kind and materialization);
// hovering a ref shows the model.
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
  // the focused model's detail, resolved when the list shows it (completionItem/resolve)
  await page.locator('.suggest-widget .monaco-list-row.focused', { hasText: /(model|seed|snapshot) · / }).first().waitFor({ timeout: 10_000 });
  await screenshot('ref-suggestions', { expectText: 'stg_customers' });
  await page.keyboard.press('Escape');

  const refToken = page.locator('.view-lines .view-line span', { hasText: "'stg_orders'" }).first();
  const hover = page.locator('.monaco-hover', { hasText: 'stg_orders' }).first();
  // Code lenses refresh after an edit and can shift the lines under a resting mouse: hover again until it shows.
  for (let attempt = 1; ; attempt++) {
    await page.mouse.move(0, 0);
    await refToken.hover();
    try {
      await hover.waitFor({ timeout: 5_000 });
      break;
    } catch (e) {
      if (attempt === 4) throw e;
    }
  }
  await screenshot('ref-hover', { expectText: 'materialized' });

  await revertActiveEditor(page);
}
