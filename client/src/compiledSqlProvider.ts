// Read-only virtual documents with a model's compiled SQL, fed by floe/compiledSql and refreshed as the model is edited.
import * as vscode from 'vscode';
import { CompiledSqlRequest } from '../../server/src/protocol';
import type { FloeServer } from './languageClient';

export const COMPILED_SQL_SCHEME = 'floe-compiled';
const REFRESH_DELAY_MS = 250;

/** The virtual document URI showing the compiled SQL of a model file. */
export function compiledSqlUri(model: vscode.Uri): vscode.Uri {
  const name = model.path.replace(/\.sql$/i, '');
  return vscode.Uri.from({ scheme: COMPILED_SQL_SCHEME, path: `${name}.compiled.sql`, query: model.toString() });
}

function modelUriOf(compiled: vscode.Uri): string {
  return compiled.query;
}

export class CompiledSqlProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subscriptions: vscode.Disposable[];
  readonly onDidChange = this.changed.event;

  constructor(private readonly server: FloeServer) {
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidChangeTextDocument((e) => this.modelChanged(e.document.uri)),
      vscode.workspace.onDidSaveTextDocument((doc) => this.modelChanged(doc.uri)),
    ];
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const client = this.server.languageClient;
    if (!client?.isRunning()) return '-- The Floe language server is not running.\n';
    try {
      const result = await client.sendRequest(CompiledSqlRequest.type, { uri: modelUriOf(uri) }, token);
      return 'sql' in result ? result.sql : `-- Cannot compile this model: ${result.error}\n`;
    } catch (err) {
      return `-- Cannot compile this model: ${err instanceof Error ? err.message : String(err)}\n`;
    }
  }

  /** Refreshes open compiled views of this model, once edits pause. */
  private modelChanged(model: vscode.Uri): void {
    if (model.scheme === COMPILED_SQL_SCHEME) return;
    const compiled = compiledSqlUri(model);
    const key = compiled.toString();
    if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === key)) return;
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.changed.fire(compiled);
      }, REFRESH_DELAY_MS),
    );
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subscriptions) s.dispose();
  }
}
