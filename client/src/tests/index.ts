// dbt data tests in the editor: the Test Explorer controller and the two commands that run through it.
import * as vscode from 'vscode';
import type { FloeServer } from '../languageClient';
import { DataTestController } from './dataTestController';
import type { DataTestRunSummary } from './dataTestText';

export type { DataTestRunSummary } from './dataTestText';

export function registerDataTests(ctx: { server: FloeServer; output: vscode.LogOutputChannel }): { controller: DataTestController; disposables: vscode.Disposable[] } {
  const controller = new DataTestController(ctx.server, ctx.output);
  const commands: Record<string, (...args: any[]) => Promise<DataTestRunSummary | undefined>> = {
    'floe.testAll': async () => announce(await controller.runAll(), 'the project'),
    'floe.testModel': async (resource?: unknown) => {
      const file = resource instanceof vscode.Uri ? resource : typeof resource === 'string' ? vscode.Uri.parse(resource) : vscode.window.activeTextEditor?.document.uri;
      if (!file) return void vscode.window.showInformationMessage('Open a model or a schema.yml to run its data tests.');
      const name = file.path.split('/').pop() ?? file.path;
      const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === file.toString());
      if (editor?.document.isDirty && name.endsWith('.sql')) await editor.document.save();
      const summary = await controller.runForFile(file);
      if (!summary) {
        void vscode.window.showInformationMessage(`Floe: no data tests for ${name.replace(/\.sql$/, '')}.`);
        return { passed: 0, failed: 0, warned: 0, errored: 0, skipped: 0, results: [] };
      }
      return announce(summary, name.replace(/\.sql$/, ''));
    },
  };
  return {
    controller,
    disposables: [controller, ...Object.entries(commands).map(([id, run]) => vscode.commands.registerCommand(id, run))],
  };
}

/** A short message for runs started from the palette or the editor title (the Test Explorer shows the details). */
function announce(s: DataTestRunSummary, what: string): DataTestRunSummary {
  const total = s.passed + s.failed + s.warned + s.errored;
  const parts = [`${s.passed} passed`, s.failed && `${s.failed} failed`, s.warned && `${s.warned} warned`, s.errored && `${s.errored} errored`, s.skipped && `${s.skipped} skipped`].filter(Boolean);
  const text = `Floe: ${total} data test${total === 1 ? '' : 's'} of ${what}: ${parts.join(', ')}.`;
  const show = s.failed || s.errored ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void show(text, 'Show Test Results').then((pick) => {
    if (pick) void vscode.commands.executeCommand('workbench.view.testing.focus');
  });
  return s;
}
