// Scenario: the demo's first screen, as a newcomer sees it. The Lakehouse view lists the active target's catalog (the
// local lakehouse, target dev) first, expanded and connected; the unused prod target sits collapsed below it, never
// contacted; nothing in the tree or the status bar is red or yellow.
import { catalogRows, treeRow } from './lakehouse.mjs';

export const name = "the demo's first screen: the active target's catalog first and connected, prod collapsed, no warning";

const LOCAL = 'Local lakehouse · floe_demo';
const PROD = 'floe_demo · prod';

export async function run({ page, screenshot, assert }) {
  await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 60_000 });
  const rows = await catalogRows(page);

  // The active target's catalog opens by itself: its namespace shows without a click.
  await treeRow(rows, 'demo').waitFor({ timeout: 30_000 });
  const labels = await rows.locator('.label-name').allInnerTexts();
  assert(labels[0] === LOCAL, `the active target's catalog should be listed first: ${JSON.stringify(labels)}`);
  assert((await treeRow(rows, LOCAL).getAttribute('aria-expanded')) === 'true', `${LOCAL} should be expanded`);
  const prod = treeRow(rows, PROD);
  await prod.waitFor();
  assert((await prod.getAttribute('aria-expanded')) === 'false', `${PROD} should stay collapsed until asked for`);
  await page.locator('.statusbar-item', { hasText: 'Catalog: 1 connected' }).first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(2_000); // long enough for a connection nobody asked for to have failed, if one were tried

  // Nothing red or yellow: no error rows or icons in the tree, no warning or error item in the status bar.
  const treeText = (await rows.allInnerTexts()).join('\n');
  assert(!/unreachable|Not authorized|Forbidden|Error/.test(treeText), `the tree should show no error: ${treeText}`);
  assert((await page.locator('.part.sidebar .monaco-list-row .codicon-error').count()) === 0, 'no error icon in the tree');
  const alarming = await page.locator('.part.statusbar .statusbar-item').evaluateAll((items) => items
    .filter((i) => i.classList.contains('warning-kind') || i.classList.contains('error-kind') || /\b(unreachable|unauthorized)\b/.test(i.textContent ?? ''))
    .map((i) => i.textContent));
  assert(alarming.length === 0, `no warning in the status bar: ${JSON.stringify(alarming)}`);
  await screenshot('first-screen', { expectText: LOCAL });
}
