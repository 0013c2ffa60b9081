// Read-only virtual documents with a table's metadata JSON, fetched by the server (int64 values exact).
import * as vscode from 'vscode';
import { ExplorerMetadataRequest, type TableParams } from '../../../server/src/protocol/explorer';
import type { FloeServer } from '../languageClient';

export const METADATA_SCHEME = 'floe-metadata';

/** floe-metadata:/<ns>/<table>.metadata.json?<connection, namespace, table as JSON> */
export function metadataUri(p: TableParams): vscode.Uri {
  return vscode.Uri.from({
    scheme: METADATA_SCHEME,
    path: `/${[...p.namespace, `${p.table}.metadata.json`].map(encodeURIComponent).join('/')}`,
    query: JSON.stringify(p),
  });
}

export class MetadataDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly server: FloeServer) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const params = JSON.parse(uri.query) as TableParams;
    const client = this.server.languageClient;
    if (!client?.isRunning()) return '// The Floe language server is not running.';
    const result = await client.sendRequest(ExplorerMetadataRequest.type, params);
    return 'error' in result ? `// ${result.error}` : result.json;
  }
}
