// What activate() returns: a small API for other extensions and for the e2e tests, which wait on status instead of sleeping.
import type * as vscode from 'vscode';
import type { FloeServer, ServerStatus } from './languageClient';
import type { DataTestController } from './tests/dataTestController';

export interface FloeApi {
  /** The latest server status, if any arrived. */
  status(): ServerStatus | undefined;
  onDidChangeStatus: vscode.Event<ServerStatus>;
  /** Resolves with the first status (current or future) that matches; rejects after timeoutMs. */
  waitForStatus(predicate: (s: ServerStatus) => boolean, timeoutMs?: number): Promise<ServerStatus>;
  /** The data tests' Test Explorer controller: its items, a refresh, when the tree changes, and a run (as the Run profile does). */
  dataTests: Pick<DataTestController, 'controller' | 'tests' | 'refresh' | 'onDidChangeTests' | 'run'>;
}

export function createApi(server: FloeServer, dataTests: DataTestController): FloeApi {
  return {
    dataTests,
    status: () => server.status,
    onDidChangeStatus: server.onDidChangeStatus,
    waitForStatus: (predicate, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const now = server.status;
        if (now && predicate(now)) return resolve(now);
        const timer = setTimeout(() => {
          sub.dispose();
          reject(new Error(`Floe status did not match within ${timeoutMs} ms; last: ${JSON.stringify(server.status)}`));
        }, timeoutMs);
        const sub = server.onDidChangeStatus((s) => {
          if (!predicate(s)) return;
          clearTimeout(timer);
          sub.dispose();
          resolve(s);
        });
      }),
  };
}
