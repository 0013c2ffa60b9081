// The installed VSIX previews a staging model: proves the packaged extension (DuckDB's native binding is the only
// node_modules it ships) runs DuckDB in code-server's extension host and draws the results grid.
import { floeCli, resultsFrame } from './ui/lakehouse.mjs';
import { openFile, runCommand } from './ui/workbench.mjs';

const MODEL = 'stg_customers';
const COLUMNS = ['customer_id', 'customer_name', 'email', 'country', 'signup_date', 'is_active'];
const ROW_LIMIT = '500'; // floe.preview.rowLimit's default, so the editor and the CLI count the same rows

/** Opens the model, runs "Floe: Preview Model" from the palette and checks the grid's columns and footer count. */
export async function previewModelInVsix(page, workspace, screenshot) {
  const expected = JSON.parse(floeCli(['preview', workspace, MODEL, '--format', 'json', '--limit', ROW_LIMIT]));
  await openFile(page, `models/staging/${MODEL}.sql`);
  await runCommand(page, 'Floe: Preview Model');

  const grid = resultsFrame(page);
  const summary = grid.locator('.footer .summary');
  await summary.waitFor({ timeout: 90_000 });
  const footer = await summary.innerText();
  const shown = /^(?:Showing first )?([\d,]+) (?:of [\d,]+ )?rows/.exec(footer)?.[1]?.replace(/,/g, '');
  if (shown !== String(expected.rows.length)) {
    throw new Error(`results footer should count ${expected.rows.length} rows (as the CLI does): "${footer}"`);
  }

  const headers = await grid.locator('.cell.head .name').allInnerTexts();
  if (JSON.stringify(headers) !== JSON.stringify(COLUMNS)) {
    throw new Error(`results grid columns ${JSON.stringify(headers)}, expected ${JSON.stringify(COLUMNS)}`);
  }
  const firstRow = await grid.locator('.row[data-row="0"] [role="gridcell"]').allInnerTexts();
  if (firstRow.length !== COLUMNS.length) throw new Error(`first grid row has ${firstRow.length} cells: ${JSON.stringify(firstRow)}`);

  await runCommand(page, 'Notifications: Clear All Notifications'); // the git prompt would hide the grid's footer
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  // The shot's text check sees only the workbench's DOM; the grid inside the webview is checked above.
  await screenshot(page, 'vsix-preview', { expectText: `Results: ${MODEL}` });
  return { rows: expected.rows.length, footer };
}
