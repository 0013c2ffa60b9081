// Scenario: a person adds dbt unit tests for stg_orders in a YAML file; they appear in the Testing view beside the data
// tests. "Floe: Test Model" in that file runs them with no lakehouse: the right one passes, the wrong one fails, and
// its failure, peeked at its YAML line, is a diff of the expected rows against the actual ones.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openFile, runCommand } from './workbench.mjs';

export const name = 'dbt unit tests in the Testing view: a failing one peeks at its YAML line with a diff of expected against actual rows';

const UNIT_TESTS = `version: 2

unit_tests:
  - name: status_is_lowercased
    model: stg_orders
    given:
      - input: source('bronze', 'orders')
        rows:
          - {order_id: 1, customer_id: 7, status: PLACED, ordered_at: '2024-01-02', updated_at: '2024-01-02'}
    expect:
      rows:
        - {order_id: 1, status: placed}

  - name: status_keeps_its_case
    model: stg_orders
    given:
      - input: source('bronze', 'orders')
        rows:
          - {order_id: 1, customer_id: 7, status: Shipped, ordered_at: '2024-01-02', updated_at: '2024-01-02'}
    expect:
      rows:
        - {order_id: 1, status: Shipped}
`;

export async function run({ page, workspace, screenshot, assert }) {
  writeFileSync(path.join(workspace, 'models/unit_tests.yml'), UNIT_TESTS);
  await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 60_000 });
  await runCommand(page, 'Testing: Focus on Test Explorer View');
  const rows = page.locator('.test-explorer .monaco-list-row');
  const subject = rows.filter({ hasText: 'stg_orders' }).first();
  await subject.waitFor({ timeout: 30_000 });
  if ((await subject.getAttribute('aria-expanded')) === 'false') await subject.locator('.monaco-tl-twistie').click();
  await rows.filter({ hasText: 'status_keeps_its_case' }).first().waitFor({ timeout: 30_000 });

  await openFile(page, 'models/unit_tests.yml');
  await runCommand(page, 'Floe: Test Model');
  const failed = rows.filter({ hasText: 'status_keeps_its_case' }).first();
  await failed.locator('.codicon-testing-failed-icon').waitFor({ timeout: 60_000 });
  const passed = rows.filter({ hasText: 'status_is_lowercased' }).first();
  await passed.locator('.codicon-testing-passed-icon').waitFor({ timeout: 10_000 });

  // The failure shows inline at the test's line as `actual != expected`; clicking it opens the peek, a diff of the rows.
  await page.locator('.editor-instance .monaco-editor').getByText(/shipped != .*Shipped/).first().click({ timeout: 20_000 });
  const peek = page.locator('.test-output-peek');
  await peek.waitFor({ timeout: 20_000 });
  const diff = peek.locator('.monaco-diff-editor');
  await diff.waitFor({ timeout: 20_000 });
  await diff.getByText('Shipped').first().waitFor({ timeout: 10_000 });
  await diff.getByText('shipped').first().waitFor({ timeout: 10_000 });
  const line = UNIT_TESTS.split('\n').findIndex((l) => l.includes('- name: status_keeps_its_case')) + 1;
  const cursor = await page.locator('.statusbar-item', { hasText: /Ln \d+/ }).first().innerText();
  assert(cursor.includes(`Ln ${line},`), `the failure should be at line ${line} of unit_tests.yml: ${cursor}`);
  await screenshot('failure-diff', { expectText: 'Shipped' });
  await page.keyboard.press('Escape');
}
