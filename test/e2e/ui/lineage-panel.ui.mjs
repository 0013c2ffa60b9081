// Scenario: the lineage panel beside the editor at half the window's width: the whole graph fits the panel and stays
// readable, refits when the panel is resized, and comes back (same model, same graph) after a window reload.
import { resultsFrame } from './lakehouse.mjs';
import { openFile, runCommand } from './workbench.mjs';

export const name = 'lineage panel at half width: fits, readable, resizes with the panel, restored after a reload';

/** The graph's geometry inside the webview: the svg's box, and every node's rendered box and label size. */
async function geometry(panel) {
  return panel.locator('svg.graph').evaluate((svg) => {
    const box = svg.getBoundingClientRect();
    const nodes = Array.from(svg.querySelectorAll('.node')).map((n) => {
      const r = n.querySelector('.box').getBoundingClientRect();
      const label = n.querySelector('.label').getBoundingClientRect();
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, labelHeight: label.height };
    });
    return { width: box.width, height: box.height, left: box.left, top: box.top, right: box.right, bottom: box.bottom, nodes, viewport: { width: innerWidth, height: innerHeight } };
  });
}

function checkFits(g, assert, when) {
  assert(g.nodes.length >= 4, `${when}: the graph should have its boxes: ${g.nodes.length}`);
  // The graph fills the panel (not a small fixed-size drawing in a corner).
  assert(g.width >= g.viewport.width - 2 && g.bottom >= g.viewport.height - 2, `${when}: the graph should fill the panel: ${JSON.stringify({ w: g.width, b: g.bottom, vp: g.viewport })}`);
  for (const n of g.nodes) {
    assert(n.left >= g.left - 1 && n.right <= g.right + 1 && n.top >= g.top - 1 && n.bottom <= g.bottom + 1, `${when}: a box is clipped: ${JSON.stringify(n)} in ${JSON.stringify(g)}`);
    assert(n.labelHeight >= 10, `${when}: labels should stay readable (≥ 10 px high), got ${n.labelHeight.toFixed(1)} px`);
  }
}

export async function run({ page, screenshot, assert }) {
  await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 60_000 });
  await openFile(page, 'models/staging/stg_orders.sql');
  await runCommand(page, 'Floe: Show Lineage');
  let panel = resultsFrame(page);
  await panel.locator('svg.graph .node').nth(3).waitFor({ timeout: 30_000 });
  // The panel opens beside the editor: half of the editor area.
  const frame = await page.locator('iframe.webview.ready').boundingBox();
  const editors = await page.locator('.part.editor').boundingBox();
  assert(frame && editors && Math.abs(frame.width - editors.width / 2) < editors.width * 0.1, `the panel should take half the editor area: ${frame?.width} of ${editors?.width}`);
  await page.waitForTimeout(500); // the fit follows the panel's size
  checkFits(await geometry(panel), assert, 'at half width');
  await screenshot('half-width', { expectText: 'Lineage: stg_orders' });

  // Narrower panel (the side bar opens): the graph refits to the new size.
  const before = await geometry(panel);
  await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
  await page.waitForFunction(async () => true);
  await page.waitForTimeout(800);
  const after = await geometry(panel);
  assert(Math.abs(after.width - before.width) > 20, `toggling the side bar should resize the panel: ${before.width} → ${after.width}`);
  checkFits(after, assert, 'after a resize');
  await runCommand(page, 'View: Toggle Primary Side Bar Visibility');

  // A window reload brings the panel back on the same model.
  await runCommand(page, 'Developer: Reload Window');
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 90_000 });
  panel = resultsFrame(page);
  await page.locator('.tab', { hasText: 'Lineage: stg_orders' }).first().waitFor({ timeout: 30_000 });
  await panel.locator('svg.graph .node.focus[data-id="model:stg_orders"]').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  checkFits(await geometry(panel), assert, 'after a reload');
  await screenshot('restored', { expectText: 'Lineage: stg_orders' });
}
