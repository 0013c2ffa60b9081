// The query's result columns and their Iceberg types, read from DuckDB without running the query.
import type { DuckSession } from '../session.js';
import { icebergTypeOf, subquery } from './duckdb-to-iceberg.js';
import type { QueryColumn } from './write-schema.js';
import { WriteError } from './write-error.js';

/** Binds the query (LIMIT 0) and maps each result column to an Iceberg type. */
export async function queryColumns(session: DuckSession, sql: string): Promise<QueryColumn[]> {
  const result = await session.connection.run(`SELECT * FROM ${subquery(sql)} AS "__floe_query" LIMIT 0`);
  const names = result.columnNames(), types = result.columnTypes();
  const seen = new Set<string>();
  return names.map((name, i) => {
    if (seen.has(name)) throw new WriteError('incompatible-schema', `the query returns column "${name}" twice; give each column a distinct name`);
    seen.add(name);
    return { name, type: icebergTypeOf(name, types[i]) };
  });
}
