// Scenario 4: a person runs a staging model from its code lens; the results panel shows the same rows, columns and
// types as `floe preview DIR MODEL --format json` prints for that model.
import { floeCli, resultsFrame } from './lakehouse.mjs';
import { openFile } from './workbench.mjs';

export const name = 'preview a staging model: results grid matches the CLI';

const MODEL = 'stg_customers';
const ROW_LIMIT = '500'; // floe.preview.rowLimit's default, so the editor and the CLI fetch the same rows
const CHECKED_ROWS = 3;

export async function run({ page, workspace, screenshot, assert }) {
  const expected = JSON.parse(floeCli(['preview', workspace, MODEL, '--format', 'json', '--limit', ROW_LIMIT]));
  assert(expected.rows.length > CHECKED_ROWS, `the CLI preview of ${MODEL} has too few rows: ${expected.rows.length}`);

  await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 60_000 });
  await openFile(page, `models/staging/${MODEL}.sql`);
  await page.locator('.codelens-decoration a', { hasText: /^\W*Preview\s*$/ }).first().click({ timeout: 30_000 });

  const grid = resultsFrame(page);
  const summary = grid.locator('.footer .summary');
  await summary.waitFor({ timeout: 60_000 });

  const footer = await summary.innerText();
  const shown = /^(?:Showing first )?([\d,]+) (?:of [\d,]+ )?rows/.exec(footer)?.[1]?.replace(/,/g, '');
  assert(shown === String(expected.rows.length), `footer should count ${expected.rows.length} rows: "${footer}"`);

  const headers = await grid.locator('.cell.head').evaluateAll((cells) =>
    cells.map((c) => ({ name: c.querySelector('.name')?.textContent, type: c.querySelector('.type')?.textContent })));
  assert(
    JSON.stringify(headers) === JSON.stringify(expected.columns.map((c) => ({ name: c.name, type: c.type }))),
    `headers ${JSON.stringify(headers)} differ from the CLI's ${JSON.stringify(expected.columns)}`,
  );

  for (let r = 0; r < CHECKED_ROWS; r++) {
    const cells = await grid.locator(`.row[data-row="${r}"] [role="gridcell"]`).allInnerTexts();
    const want = expected.rows[r].map((v) => (v === null ? 'NULL' : String(v)));
    assert(JSON.stringify(cells) === JSON.stringify(want), `row ${r + 1}: grid ${JSON.stringify(cells)}, CLI ${JSON.stringify(want)}`);
  }

  // The shot's text check sees only the workbench's own DOM; the grid's is checked here, just before it.
  assert(await grid.getByText(String(expected.rows[0][1])).first().isVisible(), 'the first row is not visible in the grid');
  await screenshot('results-grid', { expectText: `Results: ${MODEL}` });
}
