// A person misspells a ref: Problems shows it at the right line, the fix clears it. Also: status bar and compiled SQL.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { floeStatus, openFile, problemRows, replaceInEditor, revertActiveEditor, runCommand } from './workbench.mjs';

export const name = 'status bar, problems, compiled SQL';

export async function run({ page, workspace, screenshot, assert }) {
  const status = floeStatus(page);
  await status.filter({ hasText: /Floe: (ready|stopped|error)/ }).waitFor({ timeout: 60_000 });
  const statusText = await status.innerText();
  assert(statusText.includes('Floe: ready'), `status bar should say ready: ${statusText}`);
  await screenshot('status-ready', { expectText: 'Floe: ready' });

  await openFile(page, 'models/marts/mart_revenue.sql');
  await replaceInEditor(page, "ref('stg_orders')", "ref('stg_ordrs')");
  const rows = await problemRows(page);
  const bad = rows.filter({ hasText: 'stg_ordrs' }).first();
  await bad.waitFor({ timeout: 20_000 });
  const source = readFileSync(path.join(workspace, 'models/marts/mart_revenue.sql'), 'utf8').split('\n');
  const line = source.findIndex((l) => l.includes("ref('stg_orders')")) + 1;
  const text = await bad.innerText();
  assert(new RegExp(`Ln ${line}\\b`).test(text), `Problems row should point at line ${line}: ${text}`);
  await status.filter({ hasText: '1 error' }).waitFor({ timeout: 10_000 });
  await screenshot('problems-misspelled-ref', { expectText: 'stg_ordrs' });

  await page.locator('.editor-instance .monaco-editor').first().click();
  await replaceInEditor(page, "ref('stg_ordrs')", "ref('stg_orders')");
  await rows.filter({ hasText: 'stg_ordrs' }).first().waitFor({ state: 'detached', timeout: 20_000 });
  await screenshot('problems-cleared');
  await revertActiveEditor(page); // the fix leaves the same text, still marked dirty

  await page.locator('.editor-instance .monaco-editor').first().click();
  await runCommand(page, 'Floe: Show Compiled SQL');
  await page.locator('.tabs-container .tab', { hasText: 'mart_revenue.compiled.sql' }).waitFor({ timeout: 20_000 });
  await screenshot('compiled-sql', { expectText: 'mart_revenue.compiled.sql' });
}
