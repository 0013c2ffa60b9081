// Starts and restarts the Floe language server (dist/server.js over node IPC) and relays its status.
import * as vscode from 'vscode';
import { LanguageClient, RevealOutputChannelOn, State, TransportKind } from 'vscode-languageclient/node';
import type { LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';
import { StatusNotification } from '../../server/src/protocol';
import type { StatusParams } from '../../server/src/protocol';
import { serverDocumentSelector, watchedFilesGlob } from './language';

export type ServerStatus = StatusParams | { state: 'stopped'; message: string };

export class FloeServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly statusEmitter = new vscode.EventEmitter<ServerStatus>();
  private lastStatus: ServerStatus | undefined;
  private readonly disposables: vscode.Disposable[] = [this.statusEmitter];

  /** Fires on every floe/status notification, and when the server stops. */
  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  get status(): ServerStatus | undefined {
    return this.lastStatus;
  }

  /** The running client, for sending requests; undefined before start. */
  get languageClient(): LanguageClient | undefined {
    return this.client;
  }

  async start(): Promise<void> {
    if (this.client) return;
    const client = this.createClient();
    this.client = client;
    this.disposables.push(
      client.onNotification(StatusNotification.type, (params) => this.setStatus(params)),
      client.onDidChangeState((e) => {
        if (e.newState === State.Stopped) this.setStatus({ state: 'stopped', message: STOPPED_MESSAGE });
        else if (e.newState === State.Starting) this.setStatus(startingStatus());
      }),
    );
    this.setStatus(startingStatus());
    try {
      await client.start();
    } catch (err) {
      this.output.appendLine(`Floe language server failed to start: ${errorMessage(err)}`);
      this.setStatus({ state: 'stopped', message: `The Floe language server failed to start: ${errorMessage(err)}` });
    }
  }

  async restart(): Promise<void> {
    const client = this.client;
    if (!client) return this.start();
    this.output.appendLine('Restarting the Floe language server.');
    this.setStatus(startingStatus());
    try {
      if (client.isRunning()) await client.restart();
      else await client.start();
    } catch (err) {
      this.setStatus({ state: 'stopped', message: `The Floe language server failed to restart: ${errorMessage(err)}` });
    }
  }

  async stop(): Promise<void> {
    if (this.client?.isRunning()) await this.client.stop();
  }

  dispose(): void {
    void this.stop();
    for (const d of this.disposables) d.dispose();
  }

  private setStatus(status: ServerStatus): void {
    this.lastStatus = status;
    this.statusEmitter.fire(status);
  }

  private createClient(): LanguageClient {
    // FLOE_SERVER_MODULE lets the e2e tests run purpose-built misbehaving servers; it is never set for users.
    const module = process.env.FLOE_SERVER_MODULE ?? this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
    };
    const watcher = vscode.workspace.createFileSystemWatcher(watchedFilesGlob);
    this.disposables.push(watcher);
    const clientOptions: LanguageClientOptions = {
      documentSelector: serverDocumentSelector,
      synchronize: { configurationSection: 'floe', fileEvents: watcher },
      outputChannel: this.output,
      traceOutputChannel: this.output,
      // Both the output channel and the popups stay quiet; the status bar shows problems and links to the output.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
    };
    return new LanguageClient('floe', 'Floe Language Server', serverOptions, clientOptions);
  }
}

const STOPPED_MESSAGE = 'The Floe language server stopped. See the Floe output, then run "Floe: Restart Language Server".';

function startingStatus(): StatusParams {
  return { state: 'starting', projects: [], models: 0, errors: 0, warnings: 0 };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
