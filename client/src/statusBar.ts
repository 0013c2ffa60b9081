// The Floe status bar item: starting/indexing with a spinner, ready with counts, error with a click to the output.
import * as vscode from 'vscode';
import type { ServerStatus } from './languageClient';

export const SHOW_OUTPUT_COMMAND = 'floe.showOutput';
/** Context key set while the server reports ready; the walkthrough's first step completes on it. */
export const READY_CONTEXT_KEY = 'floe.ready';

export interface StatusBarView {
  text: string;
  tooltip: string;
  isError: boolean;
}

/** What the status bar shows for a status; pure, so it is easy to check. */
export function statusBarView(status: ServerStatus): StatusBarView {
  switch (status.state) {
    case 'starting':
      return { text: '$(sync~spin) Floe: starting', tooltip: 'Starting the Floe language server', isError: false };
    case 'indexing':
      return {
        text: '$(sync~spin) Floe: indexing',
        tooltip: status.message ?? `Indexing ${plural(status.projects.length, 'dbt project')}`,
        isError: false,
      };
    case 'ready': {
      const counts = [plural(status.models, 'model')];
      if (status.errors > 0) counts.push(plural(status.errors, 'error'));
      if (status.warnings > 0) counts.push(plural(status.warnings, 'warning'));
      if (status.counting) counts.push('counting problems');
      const icon = status.counting ? '$(sync~spin)' : status.errors > 0 ? '$(error)' : status.warnings > 0 ? '$(warning)' : '$(check)';
      const projects = status.projects.map((uri) => vscode.Uri.parse(uri).fsPath).join('\n');
      return {
        text: `${icon} Floe: ready (${counts.join(', ')})`,
        tooltip: [`Floe is ready: ${counts.join(', ')} in ${plural(status.projects.length, 'dbt project')}`, status.message, projects]
          .filter(Boolean)
          .join('\n'),
        isError: false,
      };
    }
    case 'error':
      return { text: '$(error) Floe: error', tooltip: `${status.message ?? 'The Floe language server reported an error'}. Click to show the output.`, isError: true };
    case 'stopped':
      return { text: '$(error) Floe: stopped', tooltip: `${status.message} Click to show the output.`, isError: true };
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function createStatusBar(onDidChangeStatus: vscode.Event<ServerStatus>): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('floe.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'Floe';
  item.command = SHOW_OUTPUT_COMMAND;
  const subscription = onDidChangeStatus((status) => {
    const view = statusBarView(status);
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.backgroundColor = view.isError ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    item.show();
    void vscode.commands.executeCommand('setContext', READY_CONTEXT_KEY, status.state === 'ready');
  });
  return vscode.Disposable.from(item, subscription);
}
