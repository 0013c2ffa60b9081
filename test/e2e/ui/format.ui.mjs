// A person formats a model with Jinja in it: Format Document lays out the SQL and leaves every Jinja construct as written.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { floeStatus, openFile, runCommand } from './workbench.mjs';

export const name = 'Format Document on a model with Jinja';

const MESSY = "{{ config(materialized='view') }}\n\nselect order_id, customer_id from {{ ref('stg_orders') }} where status <> '{{ var(\"skip_status\", \"x\") }}'\n";

export async function run({ page, workspace, screenshot, assert }) {
  const file = path.join(workspace, 'models/staging/messy_orders.sql');
  writeFileSync(file, MESSY);
  await floeStatus(page).filter({ hasText: /Floe: ready/ }).waitFor({ timeout: 60_000 });
  await openFile(page, 'models/staging/messy_orders.sql');
  await runCommand(page, 'Format Document');
  // the laid-out select list shows in the editor before the file is saved
  await page.locator('.editor-instance .view-line', { hasText: /^\s*customer_id\s*$/ }).first().waitFor({ timeout: 20_000 });
  await screenshot('formatted', { expectText: 'customer_id' });
  await page.keyboard.press(process.platform === 'darwin' ? 'Meta+S' : 'Control+S');
  await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
  const text = readFileSync(file, 'utf8');
  assert(text !== MESSY, 'the file should be formatted');
  for (const jinja of ["{{ config(materialized='view') }}", "{{ ref('stg_orders') }}", "'{{ var(\"skip_status\", \"x\") }}'"]) {
    assert(text.includes(jinja), `Jinja kept as written: ${jinja}\n${text}`);
  }
  assert(/^select\n\s+order_id,\n\s+customer_id\nfrom\n/m.test(text), `the select list is laid out one column per line:\n${text}`);
}
