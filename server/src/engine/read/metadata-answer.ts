// A count(*)/min/max query over one Iceberg table answered from its manifests (iceberg/metadata-aggregates.ts) as a
// SELECT of constants with the columns the query itself would give: their names and types come from DuckDB
// describing the query over an empty stand-in of the table. Undefined whenever the metadata cannot be exact.
import type { LoadTableResult } from '../../catalog/catalog';
import { aggregateFromMetadata } from '../../iceberg/metadata-aggregates';
import type { NestedField } from '../../iceberg/spec';
import { storageFor } from '../../storage/factory';
import { duckLiteral, duckTypeOf } from '../types';
import { DuckSession, quoteIdent, quoteLiteral } from '../session';
import type { QueryShape } from './query-shape';
import { openTable, type TableReadOptions } from './register-table';

export interface MetadataAnswer {
  /** The query's result as constants. */
  sql: string;
  /** For the user: where the answer came from. */
  note: string;
}

type ViewName = string | [string, string] | [string, string, string];

/**
 * Answers `sql` (of `shape`, over the table registered as `view`) from the table's metadata. The stand-in view is
 * dropped again, so the caller registers the real table when this returns undefined.
 */
export async function answerFromMetadata(
  session: DuckSession, sql: string, shape: Extract<QueryShape, { kind: 'aggregate' }>, view: ViewName,
  source: string | LoadTableResult, options: TableReadOptions,
): Promise<MetadataAnswer | undefined> {
  const opened = await openTable(source, options);
  const fields: NestedField[] = [];
  for (const item of shape.items) {
    if (item.fn === 'count') continue;
    const field = columnNamed(opened.schema.fields, item.column);
    if (!field) return undefined;
    fields.push(field);
  }
  let rows = 0n, dataFiles = 0, manifests = 0;
  const min = new Map<number, unknown>(), max = new Map<number, unknown>();
  if (opened.snapshot) {
    const storage = storageFor(opened.root, opened.storageOptions);
    const answer = await aggregateFromMetadata(opened.metadata, { bounds: fields.map((f) => f.id) },
      { snapshotId: opened.snapshot['snapshot-id'], tableLocation: opened.root }, { read: (p) => storage.read(p) }).catch(() => undefined);
    if (!answer?.ok) return undefined; // a read error is the relation's to report, with its context
    ({ rows, dataFiles, manifestsRead: manifests } = answer);
    for (const [id, v] of answer.min) min.set(id, v);
    for (const [id, v] of answer.max) max.set(id, v);
  }

  const parts = Array.isArray(view) ? view : [view];
  await session.registerView(view, `SELECT ${opened.schema.fields.map((f) => `NULL::${duckTypeOf(f.type)} AS ${quoteIdent(f.name)}`).join(', ')} WHERE false`);
  let columns: { name: string; type: string }[];
  try {
    const described = await session.query(`DESCRIBE ${sql}`);
    columns = described.rows.map((r) => ({ name: String(r[0]), type: String(r[1]) }));
  } catch {
    return undefined;
  } finally {
    await session.run(`DROP VIEW IF EXISTS ${parts.map(quoteIdent).join('.')}`);
  }
  if (columns.length !== shape.items.length) return undefined;
  let f = 0;
  const values = shape.items.map((item) => {
    if (item.fn === 'count') return quoteLiteral(String(rows));
    const field = fields[f++]!;
    return duckLiteral(field.type, (item.fn === 'min' ? min : max).get(field.id) ?? null);
  });
  const note = `answered from table metadata: ${dataFiles} data file(s) in ${manifests} manifest(s), no delete files, no data file read`;
  // The note leads the SQL too: a preview shows the SQL that ran on hover.
  return { sql: `-- ${note}\nSELECT ${columns.map((c, i) => `CAST(${values[i]} AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ')}`, note };
}

/** The column DuckDB would bind: the exact name, else the one name equal ignoring case (DuckDB's rule). */
function columnNamed(fields: NestedField[], name: string): NestedField | undefined {
  const exact = fields.find((f) => f.name === name);
  if (exact) return exact;
  const folded = fields.filter((f) => f.name.toLowerCase() === name.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}
