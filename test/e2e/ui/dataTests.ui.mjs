// Scenario: a person opens the Testing view and runs every test; the demo's dbt data tests all pass, as many as
// `floe test --format json` runs, and a model's tests show their passed state when expanded.
import { floeCli } from './lakehouse.mjs';
import { runCommand } from './workbench.mjs';

export const name = 'run all data tests from the Testing view: as many pass as `floe test` runs';

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
}
