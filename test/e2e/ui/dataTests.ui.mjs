// Scenario: a person opens the Testing view and runs every test; the demo's dbt data tests all pass, as many as
// `floe test --format json` runs, and a model's tests show their passed state when expanded. Then they drop a value
// from an accepted_values list in schema.yml and run "Floe: Test Model": the test fails, and the failure peek at its
// YAML line names the failing-row count and shows the sample.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { floeCli } from './lakehouse.mjs';
import { openFile, replaceInEditor, revertActiveEditor, runCommand } from './workbench.mjs';

export const name = 'data tests from the Testing view and Test Model: passes as `floe test` does, a failure peeks at its line';

const SUBJECT = 'stg_orders';

export async function run({ page, workspace, screenshot, assert }) {
  const expected = JSON.parse(floeCli(['test', '--project', workspace, '--format', 'json'])).results;
  assert(expected.length > 0 && expected.every((r) => r.status === 'pass'), `the CLI should pass every demo test: ${JSON.stringify(expected.map((r) => [r.id, r.status]))}`);

  await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 60_000 });
  await runCommand(page, 'Testing: Focus on Test Explorer View');
  const rows = page.locator('.test-explorer .monaco-list-row');
  const subject = rows.filter({ hasText: SUBJECT }).first();
  await subject.waitFor({ timeout: 30_000 });

  await runCommand(page, 'Test: Run All Tests');
  // The view's summary line counts the run's passed tests over all it ran, e.g. "16/16" (then the duration).
  const summary = page.locator('.test-explorer .result-summary');
  const want = `${expected.length}/${expected.length}`;
  await page.waitForFunction((w) => document.querySelector('.test-explorer .result-summary')?.innerText.split('\n')[0].trim() === w, want, { timeout: 60_000 }).catch(async () => {
    const shown = await summary.innerText().catch(() => '(no summary)');
    throw new Error(`the Testing view should show ${want} passed, shows "${shown}"`);
  });
  assert(await rows.locator('.codicon-testing-failed-icon, .codicon-testing-error-icon').count() === 0, 'no test row shows failed or errored');

  // Expand the model: its tests are listed with their passed state.
  if ((await subject.getAttribute('aria-expanded')) === 'false') await subject.locator('.monaco-tl-twistie').click();
  const test = rows.filter({ hasText: 'accepted_values(status)' }).first();
  await test.waitFor({ timeout: 10_000 });
  assert(await test.locator('.codicon-testing-passed-icon').count() === 1, 'accepted_values(status) shows passed');
  await screenshot('testing-view-passed', { expectText: 'accepted_values(status)' });

  await failAcceptedValues({ page, workspace, screenshot, assert });
}

/** Removes 'cancelled' from the demo's accepted_values on stg_orders.status (unsaved), runs Test Model, peeks at the failure. */
async function failAcceptedValues({ page, workspace, screenshot, assert }) {
  const yaml = readFileSync(path.join(workspace, 'models/schema.yml'), 'utf8');
  const list = /values: \[[^\]\n]*'cancelled'[^\]\n]*\]/.exec(yaml)?.[0];
  assert(list, "the demo's schema.yml has no accepted_values list with 'cancelled'");
  const without = list.replace(/,\s*'cancelled'|'cancelled',\s*/, '');
  await openFile(page, 'models/schema.yml');
  await replaceInEditor(page, list, without);
  await runCommand(page, 'Floe: Test Model');
  const rows = page.locator('.test-explorer .monaco-list-row');
  const failed = rows.filter({ hasText: 'accepted_values(status)' }).first();
  await failed.locator('.codicon-testing-failed-icon').waitFor({ timeout: 60_000 });
  // Every other test declared in schema.yml still passes.
  assert(await rows.locator('.codicon-testing-failed-icon').count() === 2, 'only accepted_values(status) (and its subject, stg_orders) show failed');

  // The failure shows inline at the test's line; clicking it opens the peek with the whole message.
  await page.locator('.editor-instance .monaco-editor').getByText(/accepted_values\(status\) on stg_orders\b.*: 1 failing row\b/).first().click({ timeout: 20_000 });
  const peek = page.locator('.test-output-peek');
  await peek.waitFor({ timeout: 20_000 });
  await peek.getByText('1 failing row').first().waitFor({ timeout: 10_000 });
  await peek.getByText('cancelled').first().waitFor({ timeout: 10_000 });
  const line = yaml.split('\n').findIndex((l) => l.includes('- accepted_values')) + 1;
  const cursor = await page.locator('.statusbar-item', { hasText: /Ln \d+/ }).first().innerText();
  assert(cursor.includes(`Ln ${line},`), `the failure should be at line ${line} of schema.yml: ${cursor}`);
  await screenshot('failure-peek', { expectText: '1 failing row' });
  await page.keyboard.press('Escape');
  await revertActiveEditor(page);
}
