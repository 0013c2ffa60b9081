// The extension activates on a dbt project and the server reaches "ready" with the demo's models indexed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, floeApi, openFile, waitForReady, workspaceUri } from './helpers';

describe('activation', () => {
  it('activates on a folder with dbt_project.yml and becomes ready with the demo models', async () => {
    await floeApi();
    assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, 'extension is not active');
    const status = await waitForReady();
    assert.ok(status.models >= 7, `expected the demo's 7 models, got ${status.models}`);
    assert.ok(
      status.projects.some((p) => vscode.Uri.parse(p).fsPath === workspaceUri('').fsPath.replace(/\/$/, '')),
      `demo project missing from ${JSON.stringify(status.projects)}`,
    );
  });

  it('gives model files the floe-sql language', async () => {
    const editor = await openFile('models/staging/stg_orders.sql');
    assert.equal(editor.document.languageId, 'floe-sql');
  });

  it('registers its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['floe.restartServer', 'floe.showOutput', 'floe.showCompiledSql']) {
      assert.ok(commands.includes(id), `command ${id} is not registered`);
    }
  });
});
