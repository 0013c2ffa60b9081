// floe/status: the server's readiness and progress. Sent by the server; the status bar and tests wait on it.
import { NotificationType } from 'vscode-languageserver-protocol';

export interface StatusParams {
  state: 'starting' | 'indexing' | 'ready' | 'error';
  /** Project root folder URIs the server knows. */
  projects: string[];
  models: number;
  errors: number;
  warnings: number;
  /** Ready, with every file's problems still being counted: `errors` and `warnings` are the binder's alone so far. */
  counting?: boolean;
  message?: string;
}

export namespace StatusNotification {
  export const method = 'floe/status' as const;
  export const type = new NotificationType<StatusParams>(method);
}
