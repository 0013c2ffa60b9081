// Floe's extension entry: starts the language server and registers UI. Everything else happens in the server.
import * as vscode from 'vscode';
import { createApi } from './api';
import type { FloeApi } from './api';
import { registerCommands } from './commands';
import { watchMissingPackages } from './commands/packages';
import { registerExplorer } from './explorer';
import { registerDataTests } from './tests';
import { registerLineage } from './lineage';
import { COMPILED_SQL_SCHEME, CompiledSqlProvider } from './compiledSqlProvider';
import { FloeServer } from './languageClient';
import { createRedactingOutputChannel } from './output/redactingOutputChannel';
import { createStatusBar } from './statusBar';
import { ResultsPanel } from './results/resultsPanel';
import { resultsServerOf } from './results/resultsServer';
import { packagedBindings, wrongPlatformMessage } from './platformCheck';
import { redact } from '../../server/src/catalog/redact';

let server: FloeServer | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<FloeApi> {
  const output = createRedactingOutputChannel('Floe', redact);
  const wrongPlatform = wrongPlatformMessage(packagedBindings(context.extensionPath), `${process.platform}-${process.arch}`);
  if (wrongPlatform) {
    output.appendLine(wrongPlatform);
    void vscode.window.showErrorMessage(wrongPlatform);
  }
  server = new FloeServer(context, output);
  const compiledSql = new CompiledSqlProvider(server);
  const floe = server;
  const dataTests = registerDataTests({ server, output });
  ResultsPanel.register(context, resultsServerOf(() => floe.languageClient));
  context.subscriptions.push(
    output,
    createStatusBar(server.onDidChangeStatus),
    server,
    compiledSql,
    vscode.workspace.registerTextDocumentContentProvider(COMPILED_SQL_SCHEME, compiledSql),
    ...registerCommands({ extension: context, server, output }),
    ...registerExplorer({ extension: context, server, output }),
    ...registerLineage({ extension: context, server }),
    ...dataTests.disposables,
  );
  // Not awaited: activation stays fast; the status bar and the API follow the server's status.
  void server.start();
  // start() creates the client at once; a restart keeps the same client, so the listener stays.
  if (server.languageClient) context.subscriptions.push(watchMissingPackages({ extension: context, server, output }, server.languageClient));
  return createApi(server, dataTests.controller);
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
