// The Catalog tree: renders the nodes the language server returns. It keeps each parent's loaded children so
// "Load more…" can append a page, and each connection's state for the node, the status bar and the output.
import * as vscode from 'vscode';
import {
  ExplorerChildrenRequest, ExplorerConnectionsRequest, ExplorerSetCredentialRequest, secretKeyOf,
  type CatalogSettingEntry, type ConnectionInfo, type ExplorerNode,
} from '../../../server/src/protocol/explorer';
import type { FloeServer } from '../languageClient';
import type { ConnectionState } from './catalogStatusView';

export type { ConnectionState };

/** Context key: the Catalog view has at least one connection (the welcome view shows otherwise). */
export const HAS_CONNECTIONS_KEY = 'floe.explorer.hasConnections';
/** globalState key of a profile target's client id, remembered from "Set Client Secret…". */
export const clientIdStateKey = (connection: string) => `floe.catalog.clientId:${connection}`;

export class CatalogTreeProvider implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly stateChanged = new vscode.EventEmitter<void>();
  /** Fires when a connection's state changes. */
  readonly onDidChangeState = this.stateChanged.event;

  private connectionInfos = new Map<string, ConnectionInfo>();
  private readonly states = new Map<string, ConnectionState>();
  /** Loaded children per parent node id; "Load more…" appends to these. */
  private readonly children = new Map<string, ExplorerNode[]>();
  private readonly parents = new Map<string, ExplorerNode>();
  /** Connections the user opened (expanded, retried) this session; with the active target's, the ones that may warn. */
  readonly asked = new Set<string>();
  /**
   * Part of the row id of connections other than the active ones, new each session: VS Code restores a tree's
   * expanded rows after a reload, which would connect (and maybe warn about) a catalog nobody asked for this time.
   */
  private readonly session = Date.now().toString(36);
  /** Connections whose secret was handed to the running server (cleared when it restarts). */
  private readonly credentialsSent = new Set<string>();

  constructor(
    private readonly server: FloeServer,
    private readonly extension: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  dispose(): void {
    this.changed.dispose();
    this.stateChanged.dispose();
  }

  /** Reloads everything (Refresh); `forgetCredentials` after a server restart. */
  refresh(forgetCredentials = false): void {
    this.children.clear();
    this.parents.clear();
    if (forgetCredentials) this.credentialsSent.clear();
    this.changed.fire(undefined);
  }

  /** Reloads one node's children (Retry on a connection, after create/drop). */
  refreshNode(node: ExplorerNode): void {
    this.children.delete(node.id);
    this.changed.fire(node.ref.kind === 'connection' ? this.connectionNode(node.ref.connection) ?? node : node);
  }

  connection(id: string): ConnectionInfo | undefined {
    return this.connectionInfos.get(id);
  }

  connections(): ConnectionInfo[] {
    return [...this.connectionInfos.values()];
  }

  stateOf(id: string): ConnectionState {
    return this.states.get(id) ?? { state: 'idle' };
  }

  /** Marks a connection as asked for by the user, so its state shows as a warning when it fails. */
  ask(id: string): void {
    if (this.asked.has(id)) return;
    this.asked.add(id);
    this.stateChanged.fire();
    const node = this.connectionNode(id);
    if (node) this.changed.fire(node);
  }

  /** Whether a failure of this connection may be shown as one: the active target's, or one the user opened. */
  private isAsked(id: string): boolean {
    return !!this.connectionInfos.get(id)?.active || this.asked.has(id);
  }

  /** Forgets that a connection's secret was sent, so the next expand sends the new one. */
  credentialChanged(id: string): void {
    this.credentialsSent.delete(id);
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    return this.parents.get(node.id);
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    const collapsed = node.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(node.label, node.collapsible ? collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.ref.kind === 'connection' && !node.expanded ? `${node.id}\u001f${this.session}` : node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon, node.state ? new vscode.ThemeColor('errorForeground') : undefined);
    item.contextValue = node.contextValue;
    if (node.ref.kind === 'connection') {
      const s = this.stateOf(node.ref.connection);
      if (s.state !== 'idle' && s.state !== 'connected' && this.isAsked(node.ref.connection)) {
        item.description = `${s.state} — ${s.reason}`;
        item.tooltip = `${node.tooltip ?? node.label}\n\n${s.reason}`;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.contextValue = `${node.contextValue} floe.connection.failed`;
      } else if (s.state === 'connected') {
        item.iconPath = new vscode.ThemeIcon(node.icon, new vscode.ThemeColor('testing.iconPassed'));
      }
    }
    if (node.ref.kind === 'loadMore') item.command = { command: 'floe.explorer.loadMore', title: 'Load more', arguments: [node] };
    return item;
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    const client = this.server.languageClient;
    if (!client?.isRunning()) {
      // Not the welcome view: it would say nothing is configured while the server is merely starting.
      const status = this.server.status;
      const starting = !status || status.state === 'starting';
      const label = starting ? 'Waiting for the Floe language server…' : 'The Floe language server is not running';
      const ref = { connection: '', kind: 'empty' as const };
      return node ? [] : [{ ref, id: 'floe.server-not-running', label, icon: starting ? 'loading~spin' : 'warning', collapsible: false, contextValue: 'floe.empty' }];
    }
    if (!node) return this.loadConnections();
    const cached = this.children.get(node.id);
    if (cached) return cached;
    try {
      if (node.ref.kind === 'connection') await this.sendCredential(node.ref.connection);
      const result = await client.sendRequest(ExplorerChildrenRequest.type, { ref: node.ref });
      this.remember(node, result.nodes);
      if (result.connectionState) this.setState(node.ref.connection, result.connectionState);
      return result.nodes;
    } catch (e) {
      // The server went away mid-request: show it in the tree (with Retry) rather than as a popup.
      const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
      this.output.error(`Catalog view: listing ${node.label} failed: ${reason}`);
      const error: ExplorerNode = {
        ref: { ...node.ref, kind: 'error' }, id: `${node.id}\u001ferror`, label: 'Error', description: reason, tooltip: reason,
        icon: 'error', collapsible: false, contextValue: 'floe.error', state: 'error',
      };
      this.parents.set(error.id, node); // so Retry reloads the parent; the error itself is not cached
      return [error];
    }
  }

  /** Replaces a "Load more…" node with the next page of its parent's children. */
  async loadMore(more: ExplorerNode): Promise<void> {
    const parent = this.parents.get(more.id);
    const client = this.server.languageClient;
    if (!parent || !client) return;
    const result = await client.sendRequest(ExplorerChildrenRequest.type, { ref: more.ref });
    const siblings = (this.children.get(parent.id) ?? []).filter((n) => n.id !== more.id);
    this.remember(parent, [...siblings, ...result.nodes]);
    this.changed.fire(parent);
    if (result.connectionState) this.setState(more.ref.connection, result.connectionState);
  }

  private async loadConnections(): Promise<ExplorerNode[]> {
    const catalogs = vscode.workspace.getConfiguration('floe', null).get<CatalogSettingEntry[]>('catalogs') ?? [];
    const result = await this.server.languageClient!.sendRequest(ExplorerConnectionsRequest.type, { catalogs: Array.isArray(catalogs) ? catalogs : [] });
    this.connectionInfos = new Map(result.connections.map((c) => [c.id, c]));
    void vscode.commands.executeCommand('setContext', HAS_CONNECTIONS_KEY, result.nodes.length > 0);
    this.topLevel = result.nodes;
    this.stateChanged.fire();
    return result.nodes;
  }

  private topLevel: ExplorerNode[] = [];

  private connectionNode(id: string): ExplorerNode | undefined {
    return this.topLevel.find((n) => n.ref.connection === id);
  }

  private remember(parent: ExplorerNode, nodes: ExplorerNode[]): void {
    this.children.set(parent.id, nodes);
    for (const n of nodes) this.parents.set(n.id, parent);
  }

  private setState(id: string, state: ConnectionState): void {
    const before = this.states.get(id);
    if (JSON.stringify(before) === JSON.stringify(state)) return;
    this.states.set(id, state);
    const label = this.connectionInfos.get(id)?.label ?? id;
    if (state.state === 'connected') this.output.info(`Catalog ${label}: connected`);
    else if (state.state !== 'idle') this.output.warn(`Catalog ${label}: ${state.state}: ${state.reason}`);
    this.stateChanged.fire();
    // Redraw only the connection row (its children are already cached, so this does not refetch them).
    const node = this.connectionNode(id);
    if (node) this.changed.fire(node);
  }

  /** Hands the server this connection's client secret from SecretStorage, once per server run. */
  private async sendCredential(id: string): Promise<void> {
    if (this.credentialsSent.has(id)) return;
    const info = this.connectionInfos.get(id);
    if (!info || info.kind === 'local') return;
    const clientId = info.clientId ?? this.extension.globalState.get<string>(clientIdStateKey(id));
    if (!clientId || !info.uri) return;
    const secret = await this.extension.secrets.get(secretKeyOf(info.uri, info.warehouse, clientId));
    if (!secret) return;
    await this.server.languageClient!.sendRequest(ExplorerSetCredentialRequest.type, { connection: id, clientSecret: secret, clientId });
    this.credentialsSent.add(id);
  }
}
