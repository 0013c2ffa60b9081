// Query results for the results panel: the preview result the server returns, the Parquet export
// request, and the messages between the results webview and the extension. Imported by the server,
// the client and media/ (which imports types only, so the LSP import stays out of its bundle).
import { RequestType } from 'vscode-languageserver-protocol';

/** One result column: its name and the DuckDB type name shown in the grid header. */
export interface ResultColumn {
  name: string;
  type: string;
}

/** A preview's rows, carried as an Apache Arrow IPC stream. Sent by the server. */
export interface PreviewResult {
  columns: ResultColumn[];
  /** Base64 of an Arrow IPC stream (one schema message, then record batches). */
  arrow: string;
  rowCount: number;
  /** True when the query had more rows than the preview limit; rowCount is then the limit. */
  truncated: boolean;
  /** Rows of the full result (after the view's filter), counted by the server when the rows were cut at the limit. */
  totalRows?: number;
  /** The row limit that applied. */
  limit?: number;
  /** The query time in milliseconds (the rows sent; the count is not included). */
  elapsedMs: number;
  /** The SQL that ran, shown on hover; the key by which the server finds the preview for re-queries and exports. */
  sql: string;
  /** Panel title, e.g. the model name. */
  title: string;
  /** The sort and filter the server applied over the full result (floe/results/query); absent for the query's own order. */
  view?: ResultView;
}

/** A sort and a filter over a preview's full result, applied by the server in DuckDB. Columns are 0-based positions. */
export interface ResultView {
  sort?: { column: number; descending: boolean };
  /** Rows whose value, as text, contains `text` case-insensitively; in one column, or in any when `column` is absent. */
  filter?: { text: string; column?: number };
}

/** Where an error points in the user's project, shown instead of a grid. */
export interface ResultLocation {
  /** File path or URI of the model. */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column, when known. */
  column?: number;
}

export type ExportFormat = 'csv' | 'json' | 'parquet';

export interface ExportResultParams {
  /** The PreviewResult's sql: its full query is run again without the row limit. */
  sql: string;
  format: ExportFormat;
  /** The grid's sort and filter, applied to the full result. */
  view?: ResultView;
  /** Destination file URI chosen in the save dialog. */
  target: string;
}

export interface ExportResultResult {
  rows: number;
  bytes: number;
}

/** floe/exportResult: write a preview's full result (sorted and filtered as the grid is) to a CSV, JSON or Parquet file. Sent by the client. */
export namespace ExportResultRequest {
  export const method = 'floe/exportResult' as const;
  export const type = new RequestType<ExportResultParams, ExportResultResult | { error: string }, void>(method);
}

export interface ResultQueryParams {
  /** The PreviewResult's sql. */
  sql: string;
  view: ResultView;
}

/** floe/results/query: the first rows of a preview's full result, sorted and filtered by the server. Sent by the client. */
export namespace ResultQueryRequest {
  export const method = 'floe/results/query' as const;
  export const type = new RequestType<ResultQueryParams, { result: PreviewResult } | { error: string }, void>(method);
}

/** One column's statistics over a preview's full result. */
export interface ColumnStats {
  name: string;
  type: string;
  /** Rows where the column is NULL. */
  nulls: number;
  distinct: number;
  /** Smallest and largest value as text; absent for types without an order (structs, lists, maps), null when every value is NULL. */
  min?: string | null;
  max?: string | null;
}

export interface ResultStats {
  /** Rows of the full result. */
  rows: number;
  columns: ColumnStats[];
}

/** floe/results/stats: null share, distinct count, min and max of each column of a preview's full result, in DuckDB. Sent by the client. */
export namespace ResultStatsRequest {
  export const method = 'floe/results/stats' as const;
  export const type = new RequestType<{ sql: string }, { stats: ResultStats } | { error: string }, void>(method);
}

/** Extension → webview. */
export type ToWebviewMessage =
  | { type: 'load'; result: PreviewResult }
  | { type: 'loading'; title: string }
  | { type: 'error'; message: string; location?: ResultLocation; title?: string }
  /** The outcome of an export or copy the webview asked for. */
  | { type: 'notice'; message: string }
  /** Column statistics of the shown preview's full result. */
  | { type: 'stats'; sql: string; stats: ResultStats };

/** Webview → extension. */
export type FromWebviewMessage =
  /** The webview script started and can receive a 'load'. */
  | { type: 'ready' }
  /**
   * Save the rows. When the grid holds the whole result it may send the text it made (csv, json of the
   * filtered, sorted rows); otherwise it sends none and the server writes the full result with `view` applied.
   */
  | { type: 'export'; format: ExportFormat; text?: string; view?: ResultView }
  /** Sort or filter the full result on the server (the grid holds only the first rows). */
  | { type: 'query'; view: ResultView }
  /** Compute column statistics over the full result. */
  | { type: 'stats' }
  /** Put text on the clipboard. */
  | { type: 'copy'; text: string }
  /** The user pressed Cancel on the loading state. */
  | { type: 'cancel' }
  /** Open the model at the error's location. */
  | { type: 'reveal'; location: ResultLocation };
