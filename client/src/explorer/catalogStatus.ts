// The catalog status bar item: how many explorer connections are up, or which one failed and why.
import * as vscode from 'vscode';
import type { ConnectionInfo } from '../../../server/src/protocol/explorer';
import { catalogStatusView, type ConnectionState } from './catalogStatusView';

export function createCatalogStatusBar(onDidChange: vscode.Event<void>, connections: () => ConnectionInfo[], stateOf: (id: string) => ConnectionState, asked: ReadonlySet<string>): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('floe.catalogStatus', vscode.StatusBarAlignment.Left, 9);
  item.name = 'Floe Catalog';
  item.command = 'floe.catalog.focus';
  const subscription = onDidChange(() => {
    const view = catalogStatusView(connections(), stateOf, asked);
    if (!view) return item.hide();
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.backgroundColor = view.isError ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  });
  return vscode.Disposable.from(item, subscription);
}
