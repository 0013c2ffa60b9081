// The catalog explorer's UI: the Catalog tree, its commands, the metadata documents and the status bar item.
import * as vscode from 'vscode';
import type { FloeServer } from '../languageClient';
import { CatalogTreeProvider } from './catalogTree';
import { createCatalogStatusBar } from './catalogStatus';
import { explorerCommandFactories } from './explorerCommands';
import { METADATA_SCHEME, MetadataDocumentProvider } from './metadataDocument';

/** The Catalog view id (package.json `views`). */
export const CATALOG_VIEW_ID = 'floe.catalog';

export function registerExplorer(ctx: { extension: vscode.ExtensionContext; server: FloeServer; output: vscode.LogOutputChannel }): vscode.Disposable[] {
  const tree = new CatalogTreeProvider(ctx.server, ctx.extension, ctx.output);
  const view = vscode.window.createTreeView(CATALOG_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const full = { ...ctx, tree };
  let lastState: string | undefined;
  return [
    tree,
    view,
    createCatalogStatusBar(tree.onDidChangeState, () => tree.connections(), (id) => tree.stateOf(id), tree.asked),
    // Expanding a connection is asking for it: from then on its failures show in the status bar too.
    view.onDidExpandElement((e) => { if (e.element.ref.kind === 'connection') tree.ask(e.element.ref.connection); }),
    vscode.workspace.registerTextDocumentContentProvider(METADATA_SCHEME, new MetadataDocumentProvider(ctx.server)),
    ...Object.entries(explorerCommandFactories).map(([id, factory]) => vscode.commands.registerCommand(id, factory(full))),
    // A new server run has no connections or secrets yet: reload once it is ready.
    ctx.server.onDidChangeStatus((s) => {
      if (s.state === 'ready' && lastState !== 'ready') tree.refresh(true);
      lastState = s.state;
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('floe.catalogs')) tree.refresh();
    }),
  ];
}
