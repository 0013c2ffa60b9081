// Starts the real Floe language server (source through tsx, over stdio) and speaks LSP to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { createProtocolConnection, type ProtocolConnection, InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification, DidChangeWatchedFilesNotification, FileChangeType,
  DidChangeTextDocumentNotification, DocumentDiagnosticRequest, WorkspaceDiagnosticRequest, ShutdownRequest, ExitNotification, ShowMessageNotification, ShowMessageRequest, type Diagnostic, type TextDocumentClientCapabilities, type WorkspaceClientCapabilities } from 'vscode-languageserver-protocol';
import { writeTempProject } from './demo-copy';
import { PackagesMissingNotification, StatusNotification, type PackagesMissingParams, type StatusParams } from '../../server/src/protocol';

const repo = path.resolve(__dirname, '../..');

export class LspClient {
  readonly statuses: StatusParams[] = [];
  private waiters: Array<{ pred: (s: StatusParams) => boolean; resolve: (s: StatusParams) => void }> = [];
  private versions = new Map<string, number>();
  readonly stderr: string[] = [];
  /** floe/packagesMissing notifications, in order. */
  readonly packagesMissing: PackagesMissingParams[] = [];
  /** window/showMessage and window/showMessageRequest texts, in order. */
  readonly shownMessages: string[] = [];

  private constructor(readonly connection: ProtocolConnection, readonly child: ChildProcess) {
    connection.onNotification(StatusNotification.type, (s) => {
      this.statuses.push(s);
      this.waiters = this.waiters.filter((w) => (w.pred(s) ? (w.resolve(s), false) : true));
    });
    connection.onNotification(PackagesMissingNotification.type, (p) => { this.packagesMissing.push(p); });
    connection.onNotification(ShowMessageNotification.type, (m) => { this.shownMessages.push(m.message); });
    connection.onRequest(ShowMessageRequest.type, (m) => { this.shownMessages.push(m.message); return null; });
    connection.onRequest('workspace/configuration', () => []);
    connection.onRequest('workspace/diagnostic/refresh', () => null);
    connection.onRequest('client/registerCapability', () => null);
  }

  /**
   * Starts the server on `folder`; with `settings`, the client answers workspace/configuration with them (the `floe`
   * section). `options.built`: the bundle (dist/server.js, build first), whose build id is the same from one start to
   * the next (from source each process is its own build); `options.serverJs`: another copy of that bundle;
   * `options.untilReady` false: returns once initialized; `options.processId`: the client process the server watches
   * (it exits when that process is gone), this one by default; `options.textDocument`, `options.workspace`: client capabilities added.
   */
  static async start(folder: string, env: Record<string, string> = {}, settings?: Record<string, unknown>, options: { built?: boolean; serverJs?: string; untilReady?: boolean; processId?: number; textDocument?: TextDocumentClientCapabilities; workspace?: WorkspaceClientCapabilities } = {}): Promise<LspClient> {
    const entry = options.serverJs ? [options.serverJs] : options.built ? [path.join(repo, 'dist/server.js')] : ['--import', 'tsx', path.join(repo, 'server/src/lsp/main.ts')];
    const child = spawn(process.execPath, [...entry, '--stdio'], {
      cwd: repo, env: { ...process.env, FLOE_NO_CATALOG: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(connection, child);
    if (settings) connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => settings));
    child.stderr!.on('data', (d) => client.stderr.push(String(d)));
    connection.listen();
    const ready = client.waitForStatus((s) => s.state === 'ready' || s.state === 'error');
    await connection.sendRequest(InitializeRequest.type, {
      processId: options.processId ?? process.pid, rootUri: pathToFileURL(folder).toString(), workspaceFolders: [{ uri: pathToFileURL(folder).toString(), name: 'ws' }],
      capabilities: { workspace: { diagnostics: { refreshSupport: true }, configuration: settings !== undefined, ...options.workspace }, textDocument: { rename: { prepareSupport: true }, ...options.textDocument } },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    if (options.untilReady === false) ready.catch(() => undefined);
    else await ready;
    return client;
  }

  waitForStatus(pred: (s: StatusParams) => boolean, timeoutMs = 20000): Promise<StatusParams> {
    const seen = this.statuses.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching floe/status within ${timeoutMs} ms; got ${JSON.stringify(this.statuses)}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (s) => { clearTimeout(timer); resolve(s); } });
    });
  }

  uri(file: string): string {
    return pathToFileURL(file).toString();
  }

  async open(file: string, text = readFileSync(file, 'utf8')): Promise<string> {
    const uri = this.uri(file);
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'floe-sql', version: 1, text } });
    return uri;
  }

  /** Replaces the whole text (an incremental change covering the document). */
  async change(uri: string, text: string): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** What the client's file watcher reports: files created, changed or deleted on disk. */
  async filesChanged(changes: Array<{ file: string; type: 'created' | 'changed' | 'deleted' }>): Promise<void> {
    const types = { created: FileChangeType.Created, changed: FileChangeType.Changed, deleted: FileChangeType.Deleted } as const;
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: changes.map((c) => ({ uri: this.uri(c.file), type: types[c.type] })) });
  }

  async diagnostics(uri: string): Promise<Diagnostic[]> {
    const r = await this.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    return r.kind === 'full' ? r.items : [];
  }

  /** Every file's diagnostics as the Problems panel pulls them (a workspace pull), by URI in URI order. */
  async workspaceDiagnostics(): Promise<Array<{ uri: string; items: Diagnostic[] }>> {
    const r = await this.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    return r.items.flatMap((i) => (i.kind === 'full' ? [{ uri: i.uri, items: i.items }] : [])).sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // already gone
    }
    // the server exits on the notification (its exit handlers run: tests read what they write); kill one that does not
    if (this.child.exitCode === null && this.child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3000);
        this.child.once('exit', () => (clearTimeout(timer), resolve()));
      });
    }
    this.connection.dispose();
    if (this.child.exitCode === null) this.child.kill();
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
}

/** The position of the first occurrence of `needle` (plus `delta` characters) in `text`. */
export function positionOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`'${needle}' not in text`);
  const before = text.slice(0, at + delta);
  const lines = before.split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

/** A DuckDB profiles.yml for a test project named `shop` (`profile: shop`). */
export const SHOP_DUCKDB_PROFILE = "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n";

/** Writes `files` as a temporary project, runs `body` against a server on it (binder off), then stops and removes both. */
export async function withProjectServer(prefix: string, files: Record<string, string>, body: (client: LspClient, root: string) => Promise<void>): Promise<void> {
  const root = writeTempProject(prefix, files);
  const client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
  try {
    await body(client, root);
  } finally {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
