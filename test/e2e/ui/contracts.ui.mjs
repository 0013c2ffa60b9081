// Scenario (issue 15): stg_orders has an enforced contract it meets. A person changes one column's data_type in
// schema.yml to a type the SQL does not produce: Problems shows the contract error at that YAML line, and at the
// model's select item; undoing the edit clears both.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openFile, problemRows, replaceInEditor, revertActiveEditor } from './workbench.mjs';

export const name = 'an enforced contract: a changed data_type is an error in Problems at its YAML line and the select item';

const CONTRACT = `  - name: stg_orders
    description: Orders, latest version of each.
    config:
      contract: {enforced: true}
    columns:
      - name: order_id
        data_type: bigint
      - name: customer_id
        data_type: bigint
      - name: order_date
        data_type: date
      - name: ordered_at
        data_type: timestamp
      - name: status
        data_type: varchar
`;

export async function run({ page, workspace, screenshot, assert }) {
  // The contract the model meets, written before the person starts editing.
  const schemaPath = path.join(workspace, 'models/schema.yml');
  const schema = readFileSync(schemaPath, 'utf8');
  const start = schema.indexOf('  - name: stg_orders\n');
  const end = schema.indexOf('  - name: stg_products\n');
  assert(start > 0 && end > start, 'the demo schema.yml lists stg_orders before stg_products');
  const contracted = schema.slice(0, start) + CONTRACT + schema.slice(end);
  writeFileSync(schemaPath, contracted);

  await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 60_000 });
  await openFile(page, 'models/schema.yml');
  await replaceInEditor(page, 'data_type: timestamp', 'data_type: timestamptz');
  const rows = await problemRows(page);
  const inYaml = rows.filter({ hasText: 'Contract of stg_orders: column ordered_at is TIMESTAMP' }).first();
  await inYaml.waitFor({ timeout: 30_000 });
  const line = contracted.split('\n').findIndex((l) => l.includes('data_type: timestamp')) + 1;
  const text = await inYaml.innerText();
  assert(new RegExp(`Ln ${line}\\b`).test(text), `the contract error should point at schema.yml line ${line}: ${text}`);
  assert(/timestamptz in the contract/.test(text), `the message names the contract's type: ${text}`);
  // the model's select item has it too
  const sql = readFileSync(path.join(workspace, 'models/staging/stg_orders.sql'), 'utf8').split('\n');
  const sqlLine = sql.findIndex((l) => l.trim() === 'ordered_at,') + 1;
  const inSql = rows.filter({ hasText: 'Enforced contract (models/schema.yml' }).first();
  await inSql.waitFor({ timeout: 30_000 });
  const sqlText = await inSql.innerText();
  assert(new RegExp(`Ln ${sqlLine}\\b`).test(sqlText), `the SQL-side error should point at stg_orders.sql line ${sqlLine}: ${sqlText}`);
  // Opening the YAML problem shows its line in the editor, beside the Problems panel.
  await inYaml.dblclick();
  await page.locator('.editor-instance .view-line', { hasText: 'data_type: timestamptz' }).first().waitFor({ timeout: 10_000 });
  await screenshot('contract-type-mismatch', { expectText: 'column ordered_at is TIMESTAMP' });

  await page.locator('.editor-instance .monaco-editor').first().click();
  await replaceInEditor(page, 'data_type: timestamptz', 'data_type: timestamp');
  await inYaml.waitFor({ state: 'detached', timeout: 30_000 });
  await revertActiveEditor(page);
}
