// The Catalog view's commands, as one map of factories. Each asks the server and shows the answer; failures
// are shown as one-line messages, never stack traces.
import * as vscode from 'vscode';
import {
  ExplorerCreateNamespaceRequest, ExplorerDropTableRequest, ExplorerRetryRequest, ExplorerSetCredentialRequest,
  ExplorerSourceRefRequest, ExplorerStagingModelRequest, ExplorerStartLocalRequest, secretKeyOf,
  type CatalogSettingEntry, type ExplorerNode, type FileEdit, type PreviewTableArgs, type TableParams,
} from '../../../server/src/protocol/explorer';
import type { FloeServer } from '../languageClient';
import { clientIdStateKey, type CatalogTreeProvider } from './catalogTree';
import { metadataUri } from './metadataDocument';
import { maintainTable } from './maintenanceCommands';

export interface ExplorerContext {
  extension: vscode.ExtensionContext;
  server: FloeServer;
  output: vscode.LogOutputChannel;
  tree: CatalogTreeProvider;
}

type Factory = (ctx: ExplorerContext) => (...args: any[]) => unknown;

/** Stable command ids (the e2e tests and package.json menus use them). */
export const explorerCommandFactories: Record<string, Factory> = {
  'floe.explorer.refresh': ({ tree }) => () => tree.refresh(),
  'floe.explorer.retry': (ctx) => async (node?: ExplorerNode) => {
    const id = node?.ref.connection;
    if (!id) return ctx.tree.refresh();
    await request(ctx, (c) => c.sendRequest(ExplorerRetryRequest.type, { connection: id }));
    ctx.tree.credentialChanged(id);
    ctx.tree.ask(id);
    const connection = ctx.tree.connections().find((c) => c.id === id);
    ctx.output.info(`Retrying catalog ${connection?.label ?? id}`);
    ctx.tree.refreshNode(node.ref.kind === 'error' ? ctx.tree.getParent(node) ?? node : node);
  },
  'floe.explorer.loadMore': ({ tree }) => (node: ExplorerNode) => tree.loadMore(node),
  'floe.explorer.connect': (ctx) => () => connectToPolaris(ctx),
  'floe.explorer.setCredential': (ctx) => (node?: ExplorerNode) => setCredential(ctx, node),
  'floe.explorer.startLocal': (ctx) => async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return void vscode.window.showWarningMessage('Open a folder first: the local lakehouse lives in its .floe/warehouse folder.');
    const result = await request(ctx, (c) => c.sendRequest(ExplorerStartLocalRequest.type, { folder: folder.uri.toString() }));
    if (!result) return;
    if ('error' in result) return void vscode.window.showErrorMessage(`Could not start the local lakehouse: ${result.error}`);
    ctx.output.info(`Local lakehouse catalog running at ${result.uri}`);
    ctx.tree.refresh();
  },
  'floe.explorer.previewTable': () => (node: ExplorerNode) => preview(node),
  'floe.explorer.previewSnapshot': () => (node: ExplorerNode) => preview(node, node.ref.snapshotId),
  'floe.explorer.copySnapshotId': () => async (node: ExplorerNode) => {
    // The id travels as a decimal string from the server: never through a JS number, which would round it.
    const id = node?.ref.snapshotId;
    if (!id) return;
    await vscode.env.clipboard.writeText(id);
    void vscode.window.setStatusBarMessage(`Copied snapshot id ${id}`, 3000);
  },
  'floe.explorer.copySource': (ctx) => (node: ExplorerNode) => sourceRef(ctx, node, 'copy'),
  'floe.explorer.insertSource': (ctx) => (node: ExplorerNode) => sourceRef(ctx, node, 'insert'),
  'floe.explorer.createStagingModel': (ctx) => async (node: ExplorerNode) => {
    const params = tableParams(node);
    const result = await request(ctx, (c) => c.sendRequest(ExplorerStagingModelRequest.type, { ...params, projectHint: activeFile() }));
    if (!result) return;
    if ('error' in result) return void vscode.window.showErrorMessage(result.error);
    if (result.sourceYaml) await writeFile(result.sourceYaml);
    await writeFile(result.model);
    await vscode.window.showTextDocument(vscode.Uri.file(result.model.file));
    ctx.output.info(`Created ${result.model.file}${result.sourceYaml ? ` and mapped the table in ${result.sourceYaml.file}` : ''}`);
  },
  'floe.explorer.openMetadata': () => async (node: ExplorerNode) => {
    const doc = await vscode.workspace.openTextDocument(metadataUri(tableParams(node)));
    await vscode.languages.setTextDocumentLanguage(doc, 'json');
    await vscode.window.showTextDocument(doc, { preview: true });
  },
  'floe.explorer.createNamespace': (ctx) => async (node?: ExplorerNode) => {
    const connection = node?.ref.connection ?? (await pickConnection(ctx));
    if (!connection) return;
    const parent = node?.ref.namespace ?? [];
    const name = await vscode.window.showInputBox({
      title: 'Create Namespace', prompt: parent.length ? `New namespace under ${parent.join('.')} (dots make deeper levels)` : 'Namespace, e.g. demo.bronze',
      validateInput: (v) => (v.split('.').some((l) => l.trim() === '') ? 'Each dot-separated level needs a name.' : undefined),
    });
    if (!name) return;
    const namespace = [...parent, ...name.split('.')];
    const result = await request(ctx, (c) => c.sendRequest(ExplorerCreateNamespaceRequest.type, { connection, namespace }));
    if (!result) return;
    if ('error' in result) return void vscode.window.showErrorMessage(result.error);
    ctx.output.info(`Created namespace ${namespace.join('.')}`);
    if (node) ctx.tree.refreshNode(node);
    else ctx.tree.refresh();
  },
  'floe.explorer.optimizeTable': (ctx) => (node: ExplorerNode) => maintainTable(ctx, node, 'optimize'),
  'floe.explorer.expireSnapshots': (ctx) => (node: ExplorerNode) => maintainTable(ctx, node, 'expireSnapshots'),
  'floe.explorer.rewriteManifests': (ctx) => (node: ExplorerNode) => maintainTable(ctx, node, 'rewriteManifests'),
  'floe.explorer.dropTable': (ctx) => async (node: ExplorerNode) => {
    const params = tableParams(node);
    const full = [...params.namespace, params.table].join('.');
    const label = ctx.tree.connections().find((c) => c.id === params.connection)?.label ?? params.connection;
    const drop = `Drop ${full}`;
    const answer = await vscode.window.showWarningMessage(
      `Drop table ${full} from ${label}?`, { modal: true, detail: 'The catalog forgets the table. Its data files are not purged.' }, drop,
    );
    if (answer !== drop) return;
    const result = await request(ctx, (c) => c.sendRequest(ExplorerDropTableRequest.type, params));
    if (!result) return;
    if ('error' in result) return void vscode.window.showErrorMessage(result.error);
    ctx.output.info(`Dropped table ${full} from ${label}`);
    const parent = ctx.tree.getParent(node);
    if (parent) ctx.tree.refreshNode(parent);
    else ctx.tree.refresh();
  },
};

export function tableParams(node: ExplorerNode): TableParams {
  return { connection: node.ref.connection, namespace: node.ref.namespace ?? [], table: node.ref.table ?? '' };
}

async function preview(node: ExplorerNode, snapshotId?: string): Promise<void> {
  const p = tableParams(node);
  const args: PreviewTableArgs = { connection: p.connection, table: [...p.namespace, p.table].join('.'), namespace: p.namespace, name: p.table, snapshotId };
  const available = (await vscode.commands.getCommands(true)).includes('floe.previewTable');
  if (!available) return void vscode.window.showInformationMessage('Table preview is not available in this build of Floe yet.');
  await vscode.commands.executeCommand('floe.previewTable', args);
}

async function sourceRef(ctx: ExplorerContext, node: ExplorerNode, mode: 'copy' | 'insert'): Promise<void> {
  const params = tableParams(node);
  const result = await request(ctx, (c) => c.sendRequest(ExplorerSourceRefRequest.type, { ...params, projectHint: activeFile() }));
  if (!result) return;
  if ('error' in result) return void vscode.window.showErrorMessage(result.error);
  if (!result.mapped) {
    const add = 'Add Mapping';
    const answer = await vscode.window.showInformationMessage(
      `No sources YAML maps ${[...params.namespace, params.table].join('.')}. Add it as source '${result.source}' in ${vscode.workspace.asRelativePath(result.edit.file)}?`, add, 'Cancel',
    );
    if (answer !== add) return;
    await writeFile(result.edit);
    ctx.output.info(`Mapped ${params.table} as source('${result.source}', '${result.table}') in ${result.edit.file}`);
  }
  if (mode === 'copy') {
    await vscode.env.clipboard.writeText(result.jinja);
    vscode.window.setStatusBarMessage(`Copied ${result.jinja}`, 3000);
    return;
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    await vscode.env.clipboard.writeText(result.jinja);
    return void vscode.window.showInformationMessage(`No editor is open; copied ${result.jinja} to the clipboard.`);
  }
  await editor.edit((b) => editor.selections.forEach((s) => b.replace(s, result.jinja)));
}

/** Writes a file the server proposed (a new file, or the whole new text of an existing one) and saves it. */
async function writeFile(edit: FileEdit): Promise<void> {
  const uri = vscode.Uri.file(edit.file);
  const we = new vscode.WorkspaceEdit();
  if (edit.mode === 'create') {
    we.createFile(uri, { ignoreIfExists: true });
    we.insert(uri, new vscode.Position(0, 0), edit.text);
  } else {
    const doc = await vscode.workspace.openTextDocument(uri);
    we.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), edit.text);
  }
  await vscode.workspace.applyEdit(we);
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  await doc?.save();
}

async function connectToPolaris(ctx: ExplorerContext): Promise<void> {
  const title = 'Connect to Polaris';
  const uri = await vscode.window.showInputBox({
    title, prompt: 'Catalog URI (the Iceberg REST base URL)', value: 'http://localhost:8181/api/catalog', ignoreFocusOut: true,
    validateInput: (v) => (/^https?:\/\/[^\s]+$/.test(v.trim()) ? undefined : 'Enter an http(s) URL.'),
  });
  if (!uri) return;
  const warehouse = await vscode.window.showInputBox({ title, prompt: 'Warehouse (the Polaris catalog name)', ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Required.') });
  if (!warehouse) return;
  const clientId = await vscode.window.showInputBox({ title, prompt: 'Client id of the Polaris principal', ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Required.') });
  if (!clientId) return;
  const secret = await vscode.window.showInputBox({ title, prompt: 'Client secret (kept in VS Code secret storage, never in settings)', password: true, ignoreFocusOut: true });
  if (secret === undefined) return;
  const realm = await vscode.window.showInputBox({ title, prompt: 'Realm (optional, sent as Polaris-Realm)', ignoreFocusOut: true });
  if (realm === undefined) return;
  const scope = await vscode.window.showInputBox({ title, prompt: 'OAuth2 scope (optional)', value: 'PRINCIPAL_ROLE:ALL', ignoreFocusOut: true });
  if (scope === undefined) return;
  const name = await vscode.window.showInputBox({ title, prompt: 'Name shown in the Catalog view', value: `${warehouse} @ ${new URL(uri.trim()).host}`, ignoreFocusOut: true });
  if (!name) return;

  const entry: CatalogSettingEntry = { name, uri: uri.trim(), warehouse: warehouse.trim(), clientId: clientId.trim() };
  if (realm.trim()) entry.realm = realm.trim();
  if (scope.trim()) entry.scope = scope.trim();
  if (secret) await ctx.extension.secrets.store(secretKeyOf(entry.uri, entry.warehouse, entry.clientId), secret);
  const config = vscode.workspace.getConfiguration('floe', null);
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const existing = (config.get<CatalogSettingEntry[]>('catalogs') ?? []).filter((c) => c.name !== name);
  await config.update('catalogs', [...existing, entry], target);
  ctx.tree.credentialChanged(`setting:${name}`);
  ctx.output.info(`Added catalog connection ${name} (${entry.uri}, warehouse ${entry.warehouse}, client id ${entry.clientId})`);
  ctx.tree.refresh();
}

/** Stores a client secret (and for profile targets the client id) for a connection, then reconnects. */
async function setCredential(ctx: ExplorerContext, node?: ExplorerNode): Promise<void> {
  const id = node?.ref.connection ?? (await pickConnection(ctx, true));
  const info = id ? ctx.tree.connection(id) : undefined;
  if (!id || !info?.uri) return;
  const title = `Credentials for ${info.label}`;
  const clientId = info.clientId ?? await vscode.window.showInputBox({
    title, prompt: 'Client id', value: ctx.extension.globalState.get<string>(clientIdStateKey(id)) ?? '', ignoreFocusOut: true,
  });
  if (!clientId) return;
  const secret = await vscode.window.showInputBox({ title, prompt: `Client secret for ${clientId} (kept in VS Code secret storage)`, password: true, ignoreFocusOut: true });
  if (!secret) return;
  await ctx.extension.secrets.store(secretKeyOf(info.uri, info.warehouse, clientId), secret);
  if (!info.clientId) await ctx.extension.globalState.update(clientIdStateKey(id), clientId);
  await request(ctx, (c) => c.sendRequest(ExplorerSetCredentialRequest.type, { connection: id, clientSecret: secret, clientId }));
  ctx.tree.credentialChanged(id);
  ctx.tree.refresh();
}

async function pickConnection(ctx: ExplorerContext, remoteOnly = false): Promise<string | undefined> {
  const items = ctx.tree.connections().filter((c) => !remoteOnly || c.kind !== 'local').map((c) => ({ label: c.label, description: c.uri, id: c.id }));
  if (items.length === 0) return void vscode.window.showInformationMessage('No catalog connections yet: use "Connect to Polaris" first.');
  return (await vscode.window.showQuickPick(items, { title: 'Catalog connection' }))?.id;
}

function activeFile(): string | undefined {
  return vscode.window.activeTextEditor?.document.uri.toString() ?? vscode.workspace.workspaceFolders?.[0]?.uri.toString();
}

/** The running language client, waiting (up to 30 s) while it starts: the welcome view's buttons show before activation. */
async function runningClient(server: FloeServer): Promise<FloeServer['languageClient']> {
  const running = () => (server.languageClient?.isRunning() ? server.languageClient : undefined);
  if (running() || server.status?.state === 'stopped') return running();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      sub.dispose();
      resolve(running());
    };
    const timer = setTimeout(done, 30_000);
    const sub = server.onDidChangeStatus((s) => {
      if (running() || s.state === 'stopped') done();
    });
  });
}

/** Sends a request once the server runs; a failed request is logged and shown as one line. */
export async function request<R>(ctx: ExplorerContext, send: (c: NonNullable<FloeServer['languageClient']>) => Promise<R>): Promise<R | undefined> {
  const client = await runningClient(ctx.server);
  if (!client?.isRunning()) {
    void vscode.window.showWarningMessage('The Floe language server is not running. Run "Floe: Restart Language Server".');
    return undefined;
  }
  try {
    return await send(client);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    ctx.output.error(`Catalog request failed: ${message}`);
    void vscode.window.showErrorMessage(`Floe: ${message.split('\n')[0]}`);
    return undefined;
  }
}
