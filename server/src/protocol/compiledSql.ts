// floe/compiledSql: the compiled SQL of one model file, for the read-only "Show compiled SQL" document. Sent by the client.
import { RequestType } from 'vscode-languageserver-protocol';

export interface CompiledSqlParams {
  /** URI of the model file, as the editor knows it. */
  uri: string;
}

export type CompiledSqlResult = { sql: string } | { error: string };

export namespace CompiledSqlRequest {
  export const method = 'floe/compiledSql' as const;
  export const type = new RequestType<CompiledSqlParams, CompiledSqlResult, void>(method);
}
