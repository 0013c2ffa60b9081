// The catalog status bar item: how many explorer connections are up, or which one failed and why.
import * as vscode from 'vscode';
import type { ConnectionInfo } from '../../../server/src/protocol/explorer';
import type { ConnectionState } from './catalogTree';

export interface CatalogStatusView {
  text: string;
  tooltip: string;
  isError: boolean;
}

/** What the item shows for the connections' states; undefined hides it (nothing opened yet). Pure. */
export function catalogStatusView(connections: ConnectionInfo[], stateOf: (id: string) => ConnectionState): CatalogStatusView | undefined {
  const states = connections.map((c) => ({ c, s: stateOf(c.id) })).filter(({ s }) => s.state !== 'idle');
  if (states.length === 0) return undefined;
  const failed = states.filter(({ s }) => s.state !== 'connected');
  const connected = states.length - failed.length;
  const lines = states.map(({ c, s }) => `${c.label}: ${s.state === 'connected' ? 'connected' : `${s.state} — ${'reason' in s ? s.reason : ''}`}`);
  if (failed.length > 0) {
    const { c, s } = failed[0];
    return { text: `$(warning) Catalog: ${c.label} ${s.state}`, tooltip: lines.join('\n'), isError: true };
  }
  return { text: `$(database) Catalog: ${connected} connected`, tooltip: lines.join('\n'), isError: false };
}

export function createCatalogStatusBar(onDidChange: vscode.Event<void>, connections: () => ConnectionInfo[], stateOf: (id: string) => ConnectionState): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('floe.catalogStatus', vscode.StatusBarAlignment.Left, 9);
  item.name = 'Floe Catalog';
  item.command = 'floe.catalog.focus';
  const subscription = onDidChange(() => {
    const view = catalogStatusView(connections(), stateOf);
    if (!view) return item.hide();
    item.text = view.text;
    item.tooltip = view.tooltip;
    item.backgroundColor = view.isError ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  });
  return vscode.Disposable.from(item, subscription);
}
