// The lineage panel's column view: a webview's 'columns' / 'column' message asked of the server (floe/columnLineage)
// and its answer as the message the webview draws.
import type { LanguageClient } from 'vscode-languageclient/node';
import { ColumnLineageRequest, type ColumnLineageResponse } from '../../../server/src/protocol/columnLineage';
import type { ToLineageWebview } from '../../../server/src/protocol/lineage';

export async function askColumns(client: LanguageClient | undefined, uri: string, m: { type: 'columns'; id: string } | { type: 'column'; id: string; column: string }): Promise<ToLineageWebview> {
  if (!client?.isRunning()) return { type: 'columnsError', id: m.id, message: 'The Floe language server is not running.' };
  let r: ColumnLineageResponse;
  try {
    r = await client.sendRequest(ColumnLineageRequest.type, { uri, node: m.id, ...(m.type === 'column' ? { column: m.column } : {}) });
  } catch (e) {
    r = { error: `Could not get the columns of ${m.id.replace(/^\w+:/, '')}: ${e instanceof Error ? e.message : String(e)}` };
  }
  if ('error' in r) return { type: 'columnsError', id: m.id, message: r.error };
  if (m.type === 'column') {
    const own = r.columns.find((c) => c.name.toLowerCase() === m.column.toLowerCase());
    return { type: 'columnPaths', focus: { node: m.id, column: own?.name ?? m.column }, edges: r.edges ?? [], nodeColumns: { ...r.nodeColumns, [m.id]: r.columns } };
  }
  return { type: 'columns', id: m.id, columns: r.columns, ...(r.problem ? { problem: r.problem } : {}) };
}
