// The lineage panel: a webview beside the editor that shows the DAG around the active model (asked of the server with
// floe/lineage), follows the active model editor and the server's project changes, and opens what the user clicks.
import * as vscode from 'vscode';
import {
  LineageRequest,
  type LineageDepth, type LineageNode, type LineagePanelState, type LineageResponse, type LineageView, type ToLineageWebview,
} from '../../../server/src/protocol/lineage';
import type { FloeServer } from '../languageClient';
import { LANGUAGE_ID } from '../language';
import { lineageHtml } from './lineageHtml';
import { DEFAULT_DEPTH, nodeFor, parseLineageMessage } from './lineageMessages';
import { askColumns } from './columnMessages';

/** The panel's view type (package.json `onWebviewPanel:floe.lineage` activates Floe to restore it after a reload). */
export const LINEAGE_VIEW_TYPE = 'floe.lineage';
/** Editor switches and status bursts settle before one request goes out. */
const DEBOUNCE_MS = 300;

export const NO_MODEL_MESSAGE = 'Open a model to see its lineage.';
const SERVER_DOWN_MESSAGE = 'The Floe language server is not running. Run "Floe: Restart Language Server".';

/** A model file the panel can follow: Floe SQL on disk, not a macro. */
export function isModelDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === LANGUAGE_ID && doc.uri.scheme === 'file' && !/\/macros\//.test(doc.uri.path);
}

function fileName(uri: vscode.Uri): string {
  return uri.path.split('/').pop()!.replace(/\.sql$/i, '');
}

export class LineagePanel implements vscode.Disposable {
  private panel?: vscode.WebviewPanel;
  private ready = false;
  private view?: LineageView;
  /** What the lineage is centred on: a model file, or a node of a file (a source in its YAML, one of several snapshots). */
  private target?: { uri: vscode.Uri; focus?: string };
  private depth: LineageDepth = DEFAULT_DEPTH;
  /** The nodes of the graph on screen: the only ones a click may open. */
  private nodes?: LineageNode[];
  private seq = 0;
  private timer?: ReturnType<typeof setTimeout>;
  /** A file opened from the panel: becoming active must not re-centre the graph. */
  private openedFromPanel?: string;
  /** Where model editors live, so clicks open files there and not over the panel. */
  private editorColumn = vscode.ViewColumn.One;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly server: FloeServer,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((e) => this.follow(e)),
      server.onDidChangeStatus((s) => {
        if (this.panel && this.target && s.state === 'ready') this.schedule(true);
      }),
    );
  }

  /** Shows the panel centred on `resource` (or the active model) and resolves with the graph it shows. */
  async show(resource?: vscode.Uri): Promise<LineageResponse | undefined> {
    const editor = vscode.window.activeTextEditor;
    const uri = resource ?? (editor && isModelDocument(editor.document) ? editor.document.uri : undefined);
    if (editor?.viewColumn && editor.document.uri.toString() === uri?.toString()) this.editorColumn = editor.viewColumn;
    this.reveal();
    if (!uri) {
      this.target = undefined;
      this.nodes = undefined;
      this.send({ state: 'message', title: 'No model', message: NO_MODEL_MESSAGE, depth: this.depth });
      return undefined;
    }
    this.target = { uri };
    return this.refresh(false);
  }

  /** Takes over a panel VS Code restored after a window reload, centred where it was (`state` from the webview). */
  async restore(panel: vscode.WebviewPanel, state: LineagePanelState | undefined): Promise<void> {
    if (this.panel) {
      panel.dispose(); // one lineage panel: the live one wins
      return;
    }
    this.adopt(panel);
    if (!state) {
      this.send({ state: 'message', title: 'No model', message: NO_MODEL_MESSAGE, depth: this.depth });
      return;
    }
    this.depth = state.depth;
    this.target = { uri: vscode.Uri.parse(state.uri), focus: state.focus };
    await this.refresh(false);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private follow(editor: vscode.TextEditor | undefined): void {
    if (!this.panel || !editor || !isModelDocument(editor.document)) return;
    const uri = editor.document.uri;
    if (uri.toString() === this.openedFromPanel) return;
    this.openedFromPanel = undefined;
    if (editor.viewColumn) this.editorColumn = editor.viewColumn;
    if (uri.toString() === this.target?.uri.toString() && !this.target.focus) return;
    this.target = { uri };
    this.schedule(true);
  }

  private schedule(quiet: boolean): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(quiet), DEBOUNCE_MS);
  }

  /**
   * Asks the server for the lineage of the target and shows it. A quiet refresh (following the editor, a project
   * change) keeps the graph on screen while it waits, and keeps it when the new file has no lineage.
   */
  private async refresh(quiet: boolean): Promise<LineageResponse | undefined> {
    clearTimeout(this.timer);
    const target = this.target;
    if (!target) return undefined;
    const seq = ++this.seq;
    const fallbackTitle = target.focus?.replace(/^\w+:/, '') ?? fileName(target.uri);
    const client = this.server.languageClient;
    if (!client?.isRunning()) {
      this.nodes = undefined;
      // Still starting (e.g. a panel restored after a reload): wait; the 'ready' status refreshes the panel.
      const starting = !this.server.status || this.server.status.state === 'starting' || this.server.status.state === 'indexing';
      this.send(starting ? { state: 'loading', title: fallbackTitle, depth: this.depth } : { state: 'message', title: fallbackTitle, message: SERVER_DOWN_MESSAGE, depth: this.depth });
      return undefined;
    }
    if (!quiet || this.view?.state !== 'graph') this.send({ state: 'loading', title: fallbackTitle, depth: this.depth });
    let response: LineageResponse;
    try {
      response = await client.sendRequest(LineageRequest.type, {
        uri: target.uri.toString(),
        focus: target.focus,
        upstream: this.depth.upstream ?? undefined,
        downstream: this.depth.downstream ?? undefined,
      });
    } catch (e) {
      response = { error: `Could not get the lineage of ${fallbackTitle}: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (seq !== this.seq) return response; // a newer request owns the panel
    if ('error' in response) {
      if (quiet && this.view?.state === 'graph') return response;
      this.nodes = undefined;
      this.send({ state: 'message', title: fallbackTitle, message: response.error, depth: this.depth });
      return response;
    }
    const focus = response.nodes.find((n) => n.focus);
    this.nodes = response.nodes;
    this.send({ state: 'graph', title: focus?.label ?? fallbackTitle, nodes: response.nodes, edges: response.edges, depth: this.depth });
    return response;
  }

  private reveal(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      LINEAGE_VIEW_TYPE,
      'Lineage',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [this.media()] },
    );
    this.adopt(panel);
  }

  private media(): vscode.Uri {
    return vscode.Uri.joinPath(this.extension.extensionUri, 'dist', 'media');
  }

  /** Makes `panel` (new, or restored by VS Code) this panel: its page, messages and lifetime. */
  private adopt(panel: vscode.WebviewPanel): void {
    const media = this.media();
    panel.webview.options = { enableScripts: true, localResourceRoots: [media] };
    this.panel = panel;
    this.ready = false;
    panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m), undefined, this.disposables);
    // A hidden panel drops its webview; the reloaded script says 'ready' again and gets the view replayed.
    panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
    }, undefined, this.disposables);
    panel.onDidDispose(() => {
      if (this.panel !== panel) return;
      this.panel = undefined;
      this.view = undefined;
      this.nodes = undefined;
      this.target = undefined;
      clearTimeout(this.timer);
    }, undefined, this.disposables);
    panel.webview.html = lineageHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'lineage.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'lineage.css')).toString(),
    });
  }

  private send(view: LineageView): void {
    this.view = view;
    if (!this.panel) return;
    this.panel.title = this.target ? `Lineage: ${view.title}` : 'Lineage';
    const restore: LineagePanelState | undefined = this.target && { uri: this.target.uri.toString(), ...(this.target.focus ? { focus: this.target.focus } : {}), depth: this.depth };
    if (this.ready) void this.panel.webview.postMessage({ type: 'show', view, restore } satisfies ToLineageWebview);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseLineageMessage(raw);
    if (!m) return;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.view) this.send(this.view);
        return;
      case 'depth':
        this.depth = m.depth;
        return void this.refresh(true);
      case 'open': {
        const node = nodeFor(this.nodes, m);
        if (node) await this.open(node);
        return;
      }
      case 'focus': {
        const node = nodeFor(this.nodes, m);
        if (!node) return;
        this.target = { uri: vscode.Uri.parse(node.uri), focus: node.id };
        return void this.refresh(false);
      }
      case 'columns':
      case 'column': {
        // only nodes of the graph on screen; the project is the one the graph came from
        if (!nodeFor(this.nodes, m) || !this.target) return;
        const reply = await askColumns(this.server.languageClient, this.target.uri.toString(), m);
        if (this.panel && this.ready) void this.panel.webview.postMessage(reply);
        return;
      }
    }
  }

  private async open(node: LineageNode): Promise<void> {
    const uri = vscode.Uri.parse(node.uri);
    const { start, end } = node.range;
    const selection = new vscode.Range(start.line, start.character, end.line, end.character);
    this.openedFromPanel = uri.toString();
    try {
      await vscode.window.showTextDocument(uri, { selection, viewColumn: this.editorColumn, preview: true });
    } catch (e) {
      this.openedFromPanel = undefined;
      void vscode.window.showErrorMessage(`Floe: could not open ${node.label} (${uri.fsPath}): ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
