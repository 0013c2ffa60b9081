// Where each row group of a written Parquet file starts: the manifest's `split-offsets`, which readers use to plan
// splits (Spark) and to fetch a file's first row group alongside its footer (Floe's S3 LIMIT reads).
import type { DuckSession } from '../session.js';
import { quoteLiteral } from '../../sql/quote.js';

/**
 * Row group starts of each file, ascending, keyed by the local path as given, from DuckDB's reading of the footers
 * (one query for all files). A row group starts at its first column chunk: the dictionary page when there is one,
 * else the first data page, as Parquet's Java writer counts it.
 */
export async function rowGroupStartsOf(session: DuckSession, files: readonly string[]): Promise<Map<string, bigint[]>> {
  const out = new Map<string, bigint[]>();
  if (files.length === 0) return out;
  const list = `[${files.map(quoteLiteral).join(', ')}]`;
  // Split offsets are optional: a path DuckDB cannot read as given (say, one it takes for a glob) leaves them out
  // rather than failing the write; a file named otherwise in the answer gets none.
  const r = await session.query(`SELECT file_name, row_group_id,
      min(CASE WHEN dictionary_page_offset > 0 THEN least(dictionary_page_offset, data_page_offset) ELSE data_page_offset END)::VARCHAR
    FROM parquet_metadata(${list}) GROUP BY file_name, row_group_id ORDER BY file_name, row_group_id`).catch(() => undefined);
  for (const [file, , start] of (r?.rows ?? []) as [string, unknown, string][]) {
    const starts = out.get(file) ?? [];
    starts.push(BigInt(start));
    out.set(file, starts);
  }
  return out;
}
