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
  elapsedMs: number;
  /** The SQL that ran, shown on hover and used for Parquet export. */
  sql: string;
  /** Panel title, e.g. the model name. */
  title: string;
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

export interface ExportParquetParams {
  /** The PreviewResult's sql, run again without the preview row limit. */
  sql: string;
  /** Destination file URI chosen in the save dialog. */
  target: string;
}

export interface ExportParquetResult {
  rows: number;
  bytes: number;
}

/** floe/exportParquet: write a preview's full result to a Parquet file. Sent by the client. */
export namespace ExportParquetRequest {
  export const method = 'floe/exportParquet' as const;
  export const type = new RequestType<ExportParquetParams, ExportParquetResult, void>(method);
}

/** Extension → webview. */
export type ToWebviewMessage =
  | { type: 'load'; result: PreviewResult }
  | { type: 'loading'; title: string }
  | { type: 'error'; message: string; location?: ResultLocation; title?: string }
  /** The outcome of an export or copy the webview asked for. */
  | { type: 'notice'; message: string };

/** Webview → extension. */
export type FromWebviewMessage =
  /** The webview script started and can receive a 'load'. */
  | { type: 'ready' }
  /**
   * Save the rows. For csv and json the webview sends the text it made (of the filtered, sorted
   * rows); for parquet it sends no text and the extension asks the server to write the SQL's result.
   */
  | { type: 'export'; format: ExportFormat; text?: string }
  /** Put text on the clipboard. */
  | { type: 'copy'; text: string }
  /** The user pressed Cancel on the loading state. */
  | { type: 'cancel' }
  /** Open the model at the error's location. */
  | { type: 'reveal'; location: ResultLocation };
