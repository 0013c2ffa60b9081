// The lineage panel's UI: one panel and the command that shows it.
import * as vscode from 'vscode';
import type { FloeServer } from '../languageClient';
import { LINEAGE_VIEW_TYPE, LineagePanel } from './lineagePanel';
import { parseLineageState } from './lineageMessages';

export const SHOW_LINEAGE_COMMAND = 'floe.showLineage';

/** Registers Floe: Show Lineage; it resolves with the graph the panel shows (for tests and other extensions). */
export function registerLineage(ctx: { extension: vscode.ExtensionContext; server: FloeServer }): vscode.Disposable[] {
  const panel = new LineagePanel(ctx.extension, ctx.server);
  return [
    panel,
    vscode.commands.registerCommand(SHOW_LINEAGE_COMMAND, (resource?: unknown) => panel.show(toUri(resource))),
    // After a window reload VS Code recreates the panel with the state its page kept; show the same lineage again.
    vscode.window.registerWebviewPanelSerializer(LINEAGE_VIEW_TYPE, {
      deserializeWebviewPanel: (restored, state) => panel.restore(restored, parseLineageState(state)),
    }),
  ];
}

/** The editor title button passes the file's Uri; a string from the palette or another extension is parsed. */
function toUri(resource: unknown): vscode.Uri | undefined {
  if (resource instanceof vscode.Uri) return resource;
  if (typeof resource === 'string' && resource) return vscode.Uri.parse(resource);
  return undefined;
}
