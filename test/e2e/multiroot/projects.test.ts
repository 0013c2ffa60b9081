// Two dbt projects in one multi-root window: one server indexes both, and each project sees only its own models.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { completionLabels, floeApi, positionOf, waitForDiagnostics } from '../suite/helpers';

function rootUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.name === name);
  const names = vscode.workspace.workspaceFolders?.map((f) => f.uri.toString());
  assert.ok(folder, `workspace folder ${name} is missing from ${JSON.stringify(names)} (${vscode.workspace.workspaceFile})`);
  return folder.uri;
}

async function completionsAt(relUri: vscode.Uri, marked: string): Promise<string[]> {
  const doc = await vscode.workspace.openTextDocument(relUri);
  await vscode.window.showTextDocument(doc);
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, positionOf(doc, marked));
  return completionLabels(list);
}

/** code-server sometimes starts the extension host before a workspace file's folders are resolved; wait for them. */
function waitForFolders(names: string[], timeoutMs = 30_000): Promise<void> {
  const present = () => names.every((n) => vscode.workspace.workspaceFolders?.some((f) => f.name === n));
  return new Promise((resolve, reject) => {
    if (present()) return resolve();
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`workspace folders ${names.join(', ')} did not appear within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = vscode.workspace.onDidChangeWorkspaceFolders(() => {
      if (!present()) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
}

describe('multi-root workspace', () => {
  before(() => waitForFolders(['demo', 'shop']));

  it('indexes both dbt projects', async () => {
    const roots = [rootUri('demo').fsPath, rootUri('shop').fsPath];
    const api = await floeApi();
    const fsPaths = (projects: string[]) => projects.map((p) => vscode.Uri.parse(p).fsPath);
    const status = await api.waitForStatus(
      (s) => s.state === 'stopped' || (s.state === 'ready' && roots.every((r) => fsPaths(s.projects).includes(r))),
      60_000,
    );
    assert.equal(status.state, 'ready', JSON.stringify(status));
  });

  it('offers each project only its own models in ref()', async () => {
    const shop = await completionsAt(vscode.Uri.joinPath(rootUri('shop'), 'models/shop_customer_count.sql'), "ref('|shop_customers')");
    assert.ok(shop.includes('shop_customers'), `shop completions: ${shop.join(', ')}`);
    assert.ok(!shop.includes('stg_orders'), 'the shop project was offered a demo model');
    const demo = await completionsAt(vscode.Uri.joinPath(rootUri('demo'), 'models/marts/mart_revenue.sql'), "ref('|stg_orders')");
    assert.ok(demo.includes('stg_orders') && !demo.includes('shop_customers'), `demo completions: ${demo.join(', ')}`);
  });

  it('reports a ref to the other project as unknown', async () => {
    const uri = vscode.Uri.joinPath(rootUri('shop'), 'models/shop_customer_count.sql');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const edit = new vscode.WorkspaceEdit();
    const at = positionOf(doc, "ref('|shop_customers')");
    edit.replace(uri, new vscode.Range(at, at.translate(0, 'shop_customers'.length)), 'stg_orders');
    await vscode.workspace.applyEdit(edit);
    const ds = await waitForDiagnostics(uri, (d) => d.some((x) => x.message.includes('stg_orders')));
    assert.equal(ds.find((x) => x.message.includes('stg_orders'))!.range.start.line, at.line);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it("groups the Test Explorer by project, each project with its own data tests and its packages' under each package; a folder item runs only its own", async () => {
    const api = await floeApi();
    const roots = [rootUri('demo'), rootUri('shop')].map((u) => u.fsPath);
    const known = (projects: string[]) => roots.every((r) => projects.some((p) => vscode.Uri.parse(p).fsPath === r));
    const status = await api.waitForStatus((s) => s.state === 'stopped' || (s.state === 'ready' && known(s.projects)), 60_000);
    assert.equal(status.state, 'ready', JSON.stringify(status));
    const { dataTests } = api;
    await dataTests.refresh();
    const top: Array<{ label: string; uri?: string; children: string[] }> = [];
    dataTests.controller.items.forEach((i) => {
      const children: string[] = [];
      i.children.forEach((c) => void children.push(c.description === 'package' ? `${c.label} (package)` : c.label));
      top.push({ label: i.label, uri: i.uri?.fsPath, children });
    });
    const shop = top.find((t) => t.uri === rootUri('shop').fsPath);
    const demo = top.find((t) => t.uri === rootUri('demo').fsPath);
    assert.deepEqual(top.map((t) => t.label).sort(), ['demo', 'shop'], JSON.stringify(top));
    assert.deepEqual(shop?.children, ['shop_customers', 'shop_checks (package)']);
    assert.ok(demo?.children.includes('stg_orders') && !demo.children.includes('shop_customers'), JSON.stringify(demo));
    const shopTests = dataTests.tests().filter((t) => t.item.parent?.parent?.label === 'shop');
    assert.deepEqual(shopTests.map((t) => [t.info.label, t.item.uri?.fsPath]), [['not_null(customer_id)', vscode.Uri.joinPath(rootUri('shop'), 'models/schema.yml').fsPath]]);
    // the package's test sits under package → subject, at its line in the package's YAML
    const packageTests = dataTests.tests().filter((t) => t.item.parent?.parent?.label === 'shop_checks' && t.item.parent.parent.parent?.label === 'shop');
    assert.deepEqual(packageTests.map((t) => [t.item.parent?.label, t.info.label, t.item.uri?.fsPath, t.item.range?.start.line]),
      [['shop_calendar', 'unique(day_id)', vscode.Uri.joinPath(rootUri('shop'), 'dbt_packages/shop_checks/models/schema.yml').fsPath, 5]]);

    // Running the shop folder's item runs its test only, in the shop project.
    let shopItem: vscode.TestItem | undefined;
    dataTests.controller.items.forEach((i) => {
      if (i.label === 'shop') shopItem = i;
    });
    const summary = await dataTests.run(new vscode.TestRunRequest([shopItem!]));
    assert.deepEqual(summary.results.map((r) => [r.id, r.status, r.message ?? '']).sort(), [[shopTests[0].info.id, 'pass', ''], [packageTests[0].info.id, 'pass', '']].sort());
  });
});
