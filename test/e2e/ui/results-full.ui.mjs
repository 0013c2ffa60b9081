// Scenario: the results grid on a 100,000-row preview. The grid holds the first 500 rows; the footer says so and
// shows the total and the query time; a descending sort and a filter run on the full result in DuckDB, so the
// maximum of all 100,000 rows comes first and a filter finds rows that were never fetched.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { resultsFrame } from './lakehouse.mjs';
import { openFile } from './workbench.mjs';

export const name = 'results grid on 100,000 rows: total and time shown; sort and filter over the full result';

const MODEL = 'stg_big_numbers';
const SQL = `{{ config(materialized='view') }}
-- 100,000 rows: more than the preview's 500-row limit.
select i as n, (i * 7919) % 100000 as scrambled, 'row ' || i as label
from range(100000) as t(i)
`;

export async function run({ page, workspace, screenshot, assert }) {
  writeFileSync(path.join(workspace, 'models', 'staging', `${MODEL}.sql`), SQL);
  await page.locator('.statusbar-item', { hasText: /Floe: ready \(8 models/ }).first().waitFor({ timeout: 90_000 });
  await openFile(page, `models/staging/${MODEL}.sql`);
  await page.locator('.codelens-decoration a', { hasText: /^\W*Preview\s*$/ }).first().click({ timeout: 30_000 });

  const grid = resultsFrame(page);
  const summary = grid.locator('.footer .summary');
  await summary.waitFor({ timeout: 90_000 });
  const footer = await summary.innerText();
  assert(/^Showing first 500 of 100,000 rows · row limit 500: sort, filter and export use the full result · [\d,]+ ms$/.test(footer), `footer: "${footer}"`);
  const firstCell = grid.locator('.row[data-row="0"] [role="gridcell"]').first();
  assert((await firstCell.innerText()) === '0', 'the preview starts at n = 0');

  // Sort by n, descending (a second click): the server sorts all 100,000 rows, so 99999 comes first.
  const header = grid.locator('.cell.head', { has: grid.locator('.name', { hasText: /^n$/ }) });
  await header.click();
  await grid.locator('.cell.head[aria-sort="ascending"]').waitFor({ timeout: 30_000 });
  await header.click();
  await grid.locator('.cell.head[aria-sort="descending"]').waitFor({ timeout: 30_000 });
  await grid.locator('.row[data-row="0"] [role="gridcell"]', { hasText: /^99999$/ }).first().waitFor({ timeout: 30_000 });
  assert((await summary.innerText()).startsWith('Showing first 500 of 100,000 rows'), `after the sort: "${await summary.innerText()}"`);
  await screenshot('sorted-desc', { expectText: `Results: ${MODEL}` });

  // A filter over the full result: "row 9999" matches 11 rows, none of them among the 500 first fetched.
  await grid.locator('input.filter').fill('row 9999');
  await grid.locator('.footer .summary', { hasText: /^11 matching rows · sorted and filtered over the full result/ }).waitFor({ timeout: 30_000 });
  const labels = await grid.locator('.row:not([hidden]) [role="gridcell"]:nth-child(4)').allInnerTexts();
  assert(labels[0] === 'row 99999' && labels.includes('row 9999'), `the filtered rows, sorted descending: ${JSON.stringify(labels)}`);
  await screenshot('filtered', { expectText: `Results: ${MODEL}` });
}
