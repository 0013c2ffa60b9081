// What the results panel asks of the language server, which owns DuckDB and each preview's open session: sort and
// filter the full result, compute its column statistics, and export it.
import type * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import {
  ExportResultRequest, ResultQueryRequest, ResultStatsRequest,
  type ExportFormat, type ExportResultResult, type PreviewResult, type ResultStats, type ResultView,
} from '../../../server/src/protocol/results';

export interface ResultsServer {
  /** The first rows of the preview's full result, sorted and filtered by the server. */
  query(result: PreviewResult, view: ResultView): Promise<{ result: PreviewResult } | { error: string }>;
  /** Column statistics of the preview's full result. */
  stats(result: PreviewResult): Promise<{ stats: ResultStats } | { error: string }>;
  /** Writes the preview's full result, with the grid's view applied, to `target`. */
  export(result: PreviewResult, format: ExportFormat, view: ResultView, target: vscode.Uri): Promise<ExportResultResult | { error: string }>;
}

/** A ResultsServer over the running language client (asked for on each call: the server may have restarted). */
export function resultsServerOf(client: () => BaseLanguageClient | undefined): ResultsServer {
  const running = (): BaseLanguageClient => {
    const c = client();
    if (!c?.isRunning()) throw new Error('the Floe language server is not running');
    return c;
  };
  return {
    query: (result, view) => running().sendRequest(ResultQueryRequest.type, { sql: result.sql, view }),
    stats: (result) => running().sendRequest(ResultStatsRequest.type, { sql: result.sql }),
    export: (result, format, view, target) => running().sendRequest(ExportResultRequest.type, { sql: result.sql, format, view, target: target.toString() }),
  };
}
