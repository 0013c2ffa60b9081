// Preview and materialize: ask the server (which owns DuckDB and the catalog), show progress with Cancel,
// and put rows in the results panel. No data work happens in the extension host.
import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import {
  MaterializeRequest, PreviewRequest, PreviewTableRequest, RunProgressNotification,
  type PreviewResponse, type PreviewTableParams, type RunFailure,
} from '../../../server/src/protocol/run';
import type { PreviewTableArgs } from '../../../server/src/protocol/explorer';
import { ResultsPanel } from '../results/resultsPanel';
import type { CommandContext, CommandFactory } from './index';

let nextProgressId = 0;

function modelUri(resource: unknown): vscode.Uri | undefined {
  if (resource instanceof vscode.Uri) return resource;
  if (typeof resource === 'string') return vscode.Uri.parse(resource);
  return vscode.window.activeTextEditor?.document.uri;
}

function clientOf(ctx: CommandContext): BaseLanguageClient | undefined {
  const client = ctx.server.languageClient;
  if (!client?.isRunning()) void vscode.window.showWarningMessage('The Floe language server is not running. Run "Floe: Restart Language Server".');
  return client?.isRunning() ? client : undefined;
}

/** Runs a request under a cancellable progress notification fed by floe/runProgress. */
async function withRunProgress<R>(client: BaseLanguageClient, title: string, send: (progressId: string, token: vscode.CancellationToken) => Promise<R>, onCancelSource?: (cancel: () => void) => void): Promise<R> {
  const progressId = `run-${++nextProgressId}`;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const source = new vscode.CancellationTokenSource();
    const subs = [
      token.onCancellationRequested(() => source.cancel()),
      client.onNotification(RunProgressNotification.type, (p) => {
        if (p.progressId !== progressId) return;
        const mb = p.bytes ? ` (${(p.bytes / 1_048_576).toFixed(1)} MB fetched)` : '';
        progress.report({ message: `${p.message}${mb}` });
      }),
    ];
    onCancelSource?.(() => source.cancel());
    try {
      return await send(progressId, source.token);
    } finally {
      subs.forEach((s) => s.dispose());
      source.dispose();
    }
  });
}

function showPreview(ctx: CommandContext, response: PreviewResponse, title: string): void {
  if ('result' in response) ResultsPanel.show(ctx.extension, response.result);
  else ResultsPanel.showError(ctx.extension, response.error, response.location, title);
}

/** `cteOffset`: preview the CTE at this offset of the model's text (a CTE's code lens). */
async function preview(ctx: CommandContext, resource: unknown, part: 'model' | 'selection' | 'cte', cteOffset?: string): Promise<void> {
  const uri = modelUri(resource);
  const client = clientOf(ctx);
  if (!uri || !client) return;
  const editor = vscode.window.activeTextEditor;
  const here = editor && editor.document.uri.toString() === uri.toString() ? editor : undefined;
  let selection: { start: vscode.Position; end: vscode.Position } | undefined;
  let cteAt: vscode.Position | undefined;
  if (part === 'cte') {
    const doc = here?.document ?? await vscode.workspace.openTextDocument(uri);
    cteAt = cteOffset !== undefined && Number.isInteger(Number(cteOffset)) ? doc.positionAt(Number(cteOffset)) : here?.selection.active;
    if (!cteAt) return;
  }
  if (part === 'selection' && here) {
    if (here.selection.isEmpty) cteAt = here.selection.active;
    else selection = { start: here.selection.start, end: here.selection.end };
  }
  if (here?.document.isDirty) await here.document.save();
  const name = uri.path.split('/').pop()!.replace(/\.sql$/, '');
  const title = selection ? `${name} (selection)` : cteAt ? `${name} (CTE)` : name;
  const response = await withRunProgress(client, `Floe: previewing ${title}`, (progressId, token) => {
    ResultsPanel.showLoading(title, () => undefined);
    return client.sendRequest(PreviewRequest.type, {
      uri: uri.toString(), progressId,
      selection: selection && { start: plain(selection.start), end: plain(selection.end) },
      cteAt: cteAt && plain(cteAt),
    }, token);
  });
  showPreview(ctx, response, title);
}

async function previewTable(ctx: CommandContext, args: PreviewTableArgs | undefined): Promise<void> {
  const client = clientOf(ctx);
  if (!client || !args) return;
  const title = args.snapshotId ? `${args.table} @ ${args.snapshotId}` : args.table;
  const params: PreviewTableParams = { connection: args.connection, namespace: args.namespace, name: args.name, snapshotId: args.snapshotId };
  const response = await withRunProgress(client, `Floe: previewing ${title}`, (progressId, token) => {
    ResultsPanel.showLoading(title, () => undefined);
    return client.sendRequest(PreviewTableRequest.type, { ...params, progressId }, token);
  });
  showPreview(ctx, response, title);
}

async function materialize(ctx: CommandContext, resource: unknown, selector?: (model: string) => string, yamlSelector?: string): Promise<void> {
  const client = clientOf(ctx);
  if (!client) return;
  let uri = modelUri(resource);
  const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : vscode.workspace.workspaceFolders?.[0];
  if (!uri && folder) uri = folder.uri;
  if (!uri) return void vscode.window.showInformationMessage('Open a model or a dbt project to materialize.');
  const name = uri.path.split('/').pop()!.replace(/\.sql$/, '');
  const sel = selector?.(name);
  const title = yamlSelector !== undefined ? `selector ${yamlSelector}` : sel ?? name;
  const response = await withRunProgress(client, `Floe: materializing ${title}`, (progressId, token) =>
    client.sendRequest(MaterializeRequest.type, { uri: uri!.toString(), selector: sel, yamlSelector, progressId }, token));
  if ('error' in response) return reportFailure(response, () => materialize(ctx, resource, selector, yamlSelector));
  for (const warning of response.warnings ?? []) void vscode.window.showWarningMessage(`Floe: ${warning}`);
  const summary = response.results.map((r) => `${r.table}: snapshot ${r.snapshotId}, ${r.rows} rows, ${r.files} file(s), ${r.ms} ms`);
  ctx.output.info(`Materialized:\n${summary.join('\n')}`);
  if ((await vscode.commands.getCommands(true)).includes('floe.explorer.refresh')) await vscode.commands.executeCommand('floe.explorer.refresh');
  const first = response.results[0];
  void vscode.window.showInformationMessage(
    response.results.length === 1 ? `Materialized ${first.table}: snapshot ${first.snapshotId}, ${first.rows} rows in ${first.ms} ms.` : `Materialized ${response.results.length} tables: ${response.results.map((r) => r.table).join(', ')}.`,
  );
}

/** An error message with the action that helps: open the model at the error, or retry (catalog down, credentials); none when neither can. */
function reportFailure(failure: RunFailure, retry: () => Promise<void>): void {
  const where = failure.location ? ` (${vscode.Uri.parse(failure.location.file).path.split('/').pop()}:${failure.location.line})` : '';
  const actions = failure.location ? ['Open'] : failure.retry ? ['Retry'] : [];
  void vscode.window.showErrorMessage(`Floe: ${failure.error}${where}`, ...actions).then((pick) => {
    if (pick === 'Retry') return void retry();
    if (pick !== 'Open' || !failure.location) return;
    const pos = new vscode.Position(failure.location.line - 1, (failure.location.column ?? 1) - 1);
    void vscode.window.showTextDocument(vscode.Uri.parse(failure.location.file), { selection: new vscode.Range(pos, pos) });
  });
}

const plain = (p: vscode.Position) => ({ line: p.line, character: p.character });

export const runCommands: Record<string, CommandFactory> = {
  'floe.preview': (ctx) => (resource?: unknown) => preview(ctx, resource, 'model'),
  'floe.previewSelection': (ctx) => (resource?: unknown) => preview(ctx, resource, 'selection'),
  'floe.previewCte': (ctx) => (resource?: unknown, offset?: string) => preview(ctx, resource, 'cte', offset),
  'floe.previewTable': (ctx) => (args?: PreviewTableArgs) => previewTable(ctx, args),
  'floe.materialize': (ctx) => (resource?: unknown) => materialize(ctx, resource),
  'floe.materializeWithUpstream': (ctx) => (resource?: unknown) => materialize(ctx, resource, (m) => `+${m}`),
  'floe.materializeAll': (ctx) => () => materialize(ctx, vscode.workspace.workspaceFolders?.[0]?.uri, () => ''),
  // From a code lens above a selector in selectors.yml: (file URI, selector name).
  'floe.materializeSelector': (ctx) => (resource?: unknown, name?: unknown) =>
    typeof name === 'string' ? materialize(ctx, resource, undefined, name) : Promise.resolve(),
};
