// The one results panel: shows a PreviewResult, a loading state or an error in a webview grid,
// and carries out what the grid asks for (copy, save, sort and filter on the server, reveal the model).
import * as vscode from 'vscode';
import type { ExportFormat, FromWebviewMessage, PreviewResult, ResultLocation, ResultView, ToWebviewMessage } from '../../../server/src/protocol/results';
import { resultsHtml } from './resultsHtml';
import type { ResultsServer } from './resultsServer';

const VIEW_TYPE = 'floe.results';
const EXTENSIONS: Record<ExportFormat, string> = { csv: 'csv', json: 'json', parquet: 'parquet' };

export class ResultsPanel {
  private static current?: ResultsPanel;
  private static context?: vscode.ExtensionContext;
  private static server?: ResultsServer;

  private ready = false;
  /** The last state sent; replayed when the webview reloads (its context is not retained when hidden). */
  private state?: ToWebviewMessage;
  private result?: PreviewResult;
  private cancel?: () => void;

  /** Remembers the extension context so showLoading can create the panel, and how to reach the server; call from activate(). */
  static register(context: vscode.ExtensionContext, server?: ResultsServer): void {
    ResultsPanel.context = context;
    if (server) ResultsPanel.server = server;
  }

  /** Shows a query result in the (reused) panel. */
  static show(context: vscode.ExtensionContext, result: PreviewResult): void {
    const panel = ResultsPanel.reveal(context, result.title);
    panel.result = result;
    panel.cancel = undefined;
    panel.send({ type: 'load', result });
  }

  /** Shows an error instead of a grid, with the model location (file:line) when known. */
  static showError(context: vscode.ExtensionContext, message: string, location?: ResultLocation, title?: string): void {
    const panel = ResultsPanel.reveal(context, title ?? 'Error');
    panel.result = undefined;
    panel.cancel = undefined;
    panel.send({ type: 'error', message, location, title });
  }

  /** Shows a running state with a Cancel button that calls `cancel`. */
  static showLoading(title: string, cancel: () => void, context = ResultsPanel.context): void {
    if (!context) throw new Error('ResultsPanel.register(context) must be called before showLoading');
    const panel = ResultsPanel.reveal(context, title);
    panel.cancel = cancel;
    panel.send({ type: 'loading', title });
  }

  private static reveal(context: vscode.ExtensionContext, title: string): ResultsPanel {
    ResultsPanel.context ??= context;
    let panel = ResultsPanel.current;
    if (!panel) panel = ResultsPanel.current = new ResultsPanel(context);
    else panel.webviewPanel.reveal(undefined, true);
    panel.webviewPanel.title = `Results: ${title}`;
    return panel;
  }

  private readonly webviewPanel: vscode.WebviewPanel;

  private constructor(context: vscode.ExtensionContext) {
    const root = context.extensionUri;
    this.webviewPanel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      'Results',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'media'), vscode.Uri.joinPath(root, 'media')],
      },
    );
    const webview = this.webviewPanel.webview;
    webview.onDidReceiveMessage((m: FromWebviewMessage) => this.onMessage(m), undefined, context.subscriptions);
    // A hidden panel drops its webview; the reloaded script says 'ready' again and gets the state replayed.
    this.webviewPanel.onDidChangeViewState(() => {
      if (!this.webviewPanel.visible) this.ready = false;
    }, undefined, context.subscriptions);
    this.webviewPanel.onDidDispose(() => {
      if (ResultsPanel.current === this) ResultsPanel.current = undefined;
    }, undefined, context.subscriptions);
    webview.html = resultsHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'media', 'results.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'dist', 'media', 'results.css')).toString(),
    });
  }

  private send(message: ToWebviewMessage): void {
    if (message.type !== 'notice') this.state = message;
    if (this.ready) void this.webviewPanel.webview.postMessage(message);
  }

  private async onMessage(m: FromWebviewMessage): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.state) void this.webviewPanel.webview.postMessage(this.state);
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        this.send({ type: 'notice', message: 'Copied to the clipboard' });
        return;
      case 'cancel':
        this.cancel?.();
        return;
      case 'export':
        return this.export(m.format, m.text, m.view);
      case 'query':
        return this.query(m.view);
      case 'stats':
        return this.stats();
      case 'reveal':
        return this.revealLocation(m.location);
    }
  }

  /** Sorts or filters the full result on the server; the answer replaces the grid's rows. */
  private async query(view: ResultView): Promise<void> {
    const result = this.result;
    if (!result) return;
    try {
      if (!ResultsPanel.server) throw new Error('the Floe language server is not connected');
      const answer = await ResultsPanel.server.query(result, view);
      if (this.result !== result) return; // a newer preview owns the panel
      if ('error' in answer) return this.send({ type: 'notice', message: answer.error });
      this.result = answer.result;
      this.send({ type: 'load', result: answer.result });
    } catch (e) {
      this.send({ type: 'notice', message: `Could not sort or filter: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  /** Column statistics of the full result, computed by the server; shown by the webview beside the grid. */
  private async stats(): Promise<void> {
    const result = this.result;
    if (!result) return;
    try {
      if (!ResultsPanel.server) throw new Error('the Floe language server is not connected');
      const answer = await ResultsPanel.server.stats(result);
      if (this.result !== result) return;
      if ('error' in answer) return this.send({ type: 'notice', message: answer.error });
      void this.webviewPanel.webview.postMessage({ type: 'stats', sql: result.sql, stats: answer.stats } satisfies ToWebviewMessage);
    } catch (e) {
      this.send({ type: 'notice', message: `Could not compute column statistics: ${e instanceof Error ? e.message : String(e)}` });
    }
  }

  private async export(format: ExportFormat, text: string | undefined, view: ResultView | undefined): Promise<void> {
    const result = this.result;
    if (!result) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = `${result.title.replace(/[^\w.-]+/g, '_') || 'results'}.${EXTENSIONS[format]}`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: { [format.toUpperCase()]: [EXTENSIONS[format]] },
      saveLabel: `Export ${format.toUpperCase()}`,
    });
    if (!target) return;
    try {
      if (text !== undefined && format !== 'parquet') {
        await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
        this.send({ type: 'notice', message: `Saved ${vscode.workspace.asRelativePath(target)}` });
        return;
      }
      // The full result, written by the server: the grid holds only the first rows.
      if (!ResultsPanel.server) throw new Error('the Floe language server is not connected');
      const written = await ResultsPanel.server.export(result, format, view ?? result.view ?? {}, target);
      if ('error' in written) throw new Error(written.error);
      this.send({ type: 'notice', message: `Saved ${written.rows.toLocaleString('en-US')} rows to ${vscode.workspace.asRelativePath(target)}` });
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(`Could not export ${target.fsPath}: ${reason}`);
    }
  }

  private async revealLocation(location: ResultLocation): Promise<void> {
    const uri = /^[a-z][\w+.-]*:/i.test(location.file) && !/^[a-z]:[\\/]/i.test(location.file) ? vscode.Uri.parse(location.file) : vscode.Uri.file(location.file);
    const position = new vscode.Position(Math.max(0, location.line - 1), Math.max(0, (location.column ?? 1) - 1));
    await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.One });
  }
}
