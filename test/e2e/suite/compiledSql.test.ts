// "Show Compiled SQL" opens a read-only SQL document with the Jinja rendered, and follows edits of the model.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openFile, replaceOnce, revertActive, waitForReady } from './helpers';

function waitForText(doc: vscode.TextDocument, accept: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (accept(doc.getText())) return resolve(doc.getText());
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`compiled SQL did not update within ${timeoutMs} ms:\n${doc.getText()}`));
    }, timeoutMs);
    const sub = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== doc || !accept(doc.getText())) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(doc.getText());
    });
  });
}

describe('compiled SQL', () => {
  before(() => waitForReady());

  it('shows the model with Jinja rendered, and follows edits', async () => {
    const model = await openFile('models/staging/stg_orders.sql');
    const view = await vscode.commands.executeCommand<vscode.TextEditor>('floe.showCompiledSql', model.document.uri);
    const compiled = view.document;
    assert.equal(compiled.uri.scheme, 'floe-compiled');
    assert.equal(compiled.languageId, 'sql');
    const text = await waitForText(compiled, (t) => t.includes('order_id'));
    assert.doesNotMatch(text, /\{\{|\{%/, 'compiled SQL still contains Jinja');

    await vscode.window.showTextDocument(model.document);
    await replaceOnce(model.document, 'lower(status) as status', 'lower(status) as order_status');
    await waitForText(compiled, (t) => t.includes('order_status'));
    await revertActive();
  });
});
