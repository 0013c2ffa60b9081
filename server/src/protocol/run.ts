// Running models from the editor: preview (rows in the results panel), table preview, materialize, and their progress.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { PreviewResult, ResultLocation } from './results';

export interface Pos { line: number; character: number }

export interface PreviewParams {
  /** The model file's URI. */
  uri: string;
  /** Rows to show; the server's default (floe.preview.rowLimit) when absent. */
  limit?: number;
  /** Preview only the selected text. */
  selection?: { start: Pos; end: Pos };
  /** Preview the CTE at this position. */
  cteAt?: Pos;
  /** Time travel: Iceberg table (namespace.table) → snapshot id (decimal string). */
  snapshots?: Record<string, string>;
  /** Echoed in floe/runProgress notifications. */
  progressId?: string;
}

/** `retry`: the failure came from outside the project (catalog, storage, engine), so trying again may help. */
export type RunFailure = { error: string; location?: ResultLocation; retry?: true };
export type PreviewResponse = { result: PreviewResult } | RunFailure;

/** floe/preview: run a model (or part of it) over its upstream chain with a row limit. Sent by the client; cancellable. */
export namespace PreviewRequest {
  export const method = 'floe/preview' as const;
  export const type = new RequestType<PreviewParams, PreviewResponse, void>(method);
}

export interface PreviewTableParams {
  /** Explorer connection id (`local:<root>`, `profile:<root>:<target>`, `setting:<name>`). */
  connection: string;
  namespace: string[];
  name: string;
  /** Decimal int64 snapshot id, for time travel. */
  snapshotId?: string;
  limit?: number;
  progressId?: string;
}

/** floe/previewTable: rows of one Iceberg table, optionally at a snapshot. Sent by the client; cancellable. */
export namespace PreviewTableRequest {
  export const method = 'floe/previewTable' as const;
  export const type = new RequestType<PreviewTableParams, PreviewResponse, void>(method);
}

export interface MaterializeParams {
  /** A model file (materialize that model) or a project folder (with a selector, or every gold model). */
  uri: string;
  /** dbt selection syntax, as one `--select` value (`marts.*`, `+model`, `tag:x,config.materialized:table`); absent means the model at `uri`, or every gold model of a folder. */
  selector?: string;
  /** dbt selection syntax, as one `--exclude` value. */
  exclude?: string;
  /** A selector of the project's selectors.yml (`--selector NAME`); instead of `selector`/`exclude`. */
  yamlSelector?: string;
  progressId?: string;
}

export interface MaterializedTable {
  model: string;
  table: string;
  snapshotId: string;
  rows: string;
  files: number;
  bytes: string;
  operation: string;
  ms: number;
}

/** `warnings`: selection criteria that matched nothing ("The selection criterion 'x' does not match any enabled nodes."). */
export type MaterializeResponse = { results: MaterializedTable[]; warnings?: string[] } | RunFailure;

/** floe/materialize: write gold models into their Iceberg tables. Sent by the client; cancellable. */
export namespace MaterializeRequest {
  export const method = 'floe/materialize' as const;
  export const type = new RequestType<MaterializeParams, MaterializeResponse, void>(method);
}

export interface RunProgressParams {
  progressId: string;
  /** What is happening now, e.g. "reading demo.bronze.bronze_orders" or "writing mart_revenue: 2 files, 10,000 rows". */
  message: string;
  /** Bytes fetched from storage so far in this run. */
  bytes?: number;
}

/** floe/runProgress: stages, rows and bytes of a running preview or materialization. Sent by the server. */
export namespace RunProgressNotification {
  export const method = 'floe/runProgress' as const;
  export const type = new NotificationType<RunProgressParams>(method);
}
