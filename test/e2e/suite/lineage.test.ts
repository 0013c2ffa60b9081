// Floe: Show Lineage opens the lineage panel beside the model and resolves with the graph it shows; the panel follows
// the active model and says so when no model is open.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LineageResponse } from '../../../server/src/protocol/lineage';
import { openFile, waitForReady, workspaceUri } from './helpers';

const LINEAGE_VIEW_TYPE = 'floe.lineage';

function lineageTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(LINEAGE_VIEW_TYPE));
}

/** Resolves once exactly one lineage panel is open and its title is `label` (checked now and on every tab change). */
function waitForLineageTab(label: string, timeoutMs = 15_000): Promise<vscode.Tab> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const tabs = lineageTabs();
      if (tabs.length !== 1 || tabs[0].label !== label) return false;
      clearTimeout(timer);
      sub.dispose();
      resolve(tabs[0]);
      return true;
    };
    const sub = vscode.window.tabGroups.onDidChangeTabs(() => check());
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no lineage panel titled "${label}" within ${timeoutMs} ms; open: ${JSON.stringify(lineageTabs().map((t) => t.label))}`));
    }, timeoutMs);
    check();
  });
}

async function closeLineagePanels(): Promise<void> {
  await vscode.window.tabGroups.close(lineageTabs());
}

/** One edge per line, `from -> to`, sorted: readable when the assertion fails. */
function edgeLines(graph: { edges: Array<{ from: string; to: string }> }): string[] {
  return graph.edges.map((e) => `${e.from} -> ${e.to}`).sort();
}

describe('lineage panel', () => {
  before(() => waitForReady());
  after(() => closeLineagePanels());

  it('Show Lineage on stg_orders shows bronze orders upstream and the marts downstream, focused on stg_orders', async () => {
    await openFile('models/staging/stg_orders.sql');
    const graph = await vscode.commands.executeCommand<LineageResponse | undefined>('floe.showLineage');
    assert.ok(graph && !('error' in graph), `expected a graph, got ${JSON.stringify(graph)}`);
    assert.deepEqual(graph.nodes.filter((n) => n.focus).map((n) => n.id), ['model:stg_orders']);
    assert.deepEqual(edgeLines(graph), [
      'model:stg_orders -> model:mart_customer_orders',
      'model:stg_orders -> model:mart_revenue',
      'source:bronze.orders -> model:stg_orders',
    ]);
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    assert.equal(byId.get('source:bronze.orders')?.layer, 'bronze');
    assert.equal(byId.get('model:mart_revenue')?.layer, 'gold');
    assert.equal(byId.get('model:mart_revenue')?.uri, workspaceUri('models/marts/mart_revenue.sql').toString());
    await waitForLineageTab('Lineage: stg_orders');
  });

  it('follows the active model: opening mart_revenue re-centres the panel on it', async () => {
    await openFile('models/staging/stg_orders.sql');
    await vscode.commands.executeCommand('floe.showLineage');
    await waitForLineageTab('Lineage: stg_orders');
    await openFile('models/marts/mart_revenue.sql');
    await waitForLineageTab('Lineage: mart_revenue');
  });

  it('the depth reaches further up: from mart_revenue, two levels up include bronze orders', async () => {
    const graph = await vscode.commands.executeCommand<LineageResponse | undefined>('floe.showLineage', workspaceUri('models/marts/mart_revenue.sql'));
    assert.ok(graph && !('error' in graph), `expected a graph, got ${JSON.stringify(graph)}`);
    assert.ok(edgeLines(graph).includes('source:bronze.orders -> model:stg_orders'), edgeLines(graph).join('\n'));
    assert.deepEqual(graph.nodes.filter((n) => n.focus).map((n) => n.id), ['model:mart_revenue']);
  });

  it('a SQL file that is not a model gets the server\'s reason, in the panel and as the result', async () => {
    const test = workspaceUri('tests/assert_positive_line_amounts.sql');
    const result = await vscode.commands.executeCommand<LineageResponse | undefined>('floe.showLineage', test);
    assert.ok(result && 'error' in result, `expected an error, got ${JSON.stringify(result)}`);
    assert.match(result.error, /assert_positive_line_amounts\.sql is not a model/);
    await waitForLineageTab('Lineage: assert_positive_line_amounts');
  });

  it('with no model open, the panel asks for one', async () => {
    await closeLineagePanels();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const graph = await vscode.commands.executeCommand<LineageResponse | undefined>('floe.showLineage');
    assert.equal(graph, undefined);
    await waitForLineageTab('Lineage');
  });
});
