// Parquet export goes through the language server, which owns DuckDB and the preview's session.
import type * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import { ExportParquetRequest } from '../../../server/src/protocol/results';
import type { ParquetExporter } from './resultsPanel';

/** A ParquetExporter that sends floe/exportParquet to the server; pass it to ResultsPanel.register. */
export function parquetExporterFor(client: BaseLanguageClient): ParquetExporter {
  return async (result, target: vscode.Uri) => {
    await client.sendRequest(ExportParquetRequest.type, { sql: result.sql, target: target.toString() });
  };
}
