// Recognizes, with DuckDB's own parser (json_serialize_sql), the two query shapes over one table that need less than
// the whole table: plain rows under a LIMIT (any rows will do, so planning can stop early), and count(*)/min/max
// with nothing else (answerable from manifests). Anything else, or anything unparsable, is no shape: read as usual.
import { DuckSession, quoteLiteral } from '../session';

/** A table as the query names it (empty strings where it gives no catalog or schema). */
export interface TableRef { catalog: string; schema: string; table: string }

export type AggregateItem = { fn: 'count' } | { fn: 'min' | 'max'; column: string };

export type QueryShape =
  /** SELECT of columns or * FROM the table LIMIT n [OFFSET m], nothing else: the first `rows` rows of any order do. */
  | { kind: 'rows'; table: TableRef; rows: number }
  /** SELECT count(*), min(c), max(c) [AS name], ... FROM the table, nothing else (a LIMIT ≥ 1 changes nothing). */
  | { kind: 'aggregate'; table: TableRef; items: AggregateItem[] };

// The parser's JSON is untyped; these name only the fields read here.
type Node = Record<string, unknown>;

/** The query's shape, or undefined for every other query. */
export async function queryShape(session: DuckSession, sql: string): Promise<QueryShape | undefined> {
  let parsed: { error?: boolean; statements?: { node: Node }[] };
  try {
    const r = await session.query(`SELECT json_serialize_sql(${quoteLiteral(sql)})`);
    parsed = JSON.parse(r.rows[0]![0] as string);
  } catch {
    return undefined;
  }
  if (parsed.error || parsed.statements?.length !== 1) return undefined;
  return shapeOf(parsed.statements[0]!.node);
}

/** The shape of a parsed SELECT node (exported for tests). */
export function shapeOf(node: Node): QueryShape | undefined {
  if (node.type !== 'SELECT_NODE' || !plainFrom(node)) return undefined;
  const table = tableRef(node.from_table as Node);
  const items = node.select_list as Node[];
  const limit = limitOf(node.modifiers as Node[]);
  if (limit === undefined) return undefined;
  if (items.every(isPlainColumn)) {
    return limit.rows === undefined ? undefined : { kind: 'rows', table, rows: limit.rows + limit.offset };
  }
  if (limit.offset !== 0 || limit.rows === 0) return undefined;
  const aggregates = items.map(aggregateItem);
  if (aggregates.some((a) => a === undefined)) return undefined;
  return { kind: 'aggregate', table, items: aggregates as AggregateItem[] };
}

/** FROM one base table, no CTE, WHERE, GROUP BY, HAVING, QUALIFY, sample or time travel clause. */
function plainFrom(node: Node): boolean {
  const from = node.from_table as Node | null;
  const ctes = (node.cte_map as { map?: unknown[] } | undefined)?.map ?? [];
  return !!from && from.type === 'BASE_TABLE' && from.sample == null && from.at_clause == null
    && ((from.column_name_alias as unknown[] | undefined) ?? []).length === 0
    && ctes.length === 0 && node.where_clause == null && node.having == null && node.qualify == null && node.sample == null
    && ((node.group_expressions as unknown[] | undefined) ?? []).length === 0 && ((node.group_sets as unknown[] | undefined) ?? []).length === 0
    && node.aggregate_handling === 'STANDARD_HANDLING';
}

function tableRef(from: Node): TableRef {
  return { catalog: String(from.catalog_name ?? ''), schema: String(from.schema_name ?? ''), table: String(from.table_name ?? '') };
}

/** The modifiers when they are at most one LIMIT of constants: rows undefined for none. Undefined for any other. */
function limitOf(modifiers: Node[]): { rows?: number; offset: number } | undefined {
  if (modifiers.length === 0) return { offset: 0 };
  if (modifiers.length !== 1 || modifiers[0]!.type !== 'LIMIT_MODIFIER') return undefined;
  const rows = constantCount(modifiers[0]!.limit as Node | null);
  const offset = modifiers[0]!.offset == null ? 0 : constantCount(modifiers[0]!.offset as Node);
  if (rows === undefined && modifiers[0]!.limit != null) return undefined;
  return offset === undefined ? undefined : { rows, offset };
}

function constantCount(n: Node | null): number | undefined {
  const v = n?.class === 'CONSTANT' ? (n.value as { is_null?: boolean; value?: unknown }) : undefined;
  return v && !v.is_null && Number.isSafeInteger(v.value) && (v.value as number) >= 0 ? v.value as number : undefined;
}

/** `*` (no REPLACE or expression) or a bare column: every output row is one row of the table. */
function isPlainColumn(item: Node): boolean {
  if (item.class === 'STAR') return item.expr == null && !item.columns && ((item.replace_list as unknown[] | undefined) ?? []).length === 0;
  return item.class === 'COLUMN_REF';
}

function aggregateItem(item: Node): AggregateItem | undefined {
  if (item.class !== 'FUNCTION' || item.filter != null || item.distinct || item.schema || item.catalog) return undefined;
  if (((item.order_bys as { orders?: unknown[] } | undefined)?.orders ?? []).length > 0) return undefined;
  const name = String(item.function_name).toLowerCase();
  const args = (item.children as Node[] | undefined) ?? [];
  if (name === 'count_star' && args.length === 0) return { fn: 'count' };
  // count(1), count(0): a non-null constant counts every row
  if (name === 'count' && args.length === 1 && args[0]!.class === 'CONSTANT' && !(args[0]!.value as { is_null?: boolean }).is_null) return { fn: 'count' };
  if ((name === 'min' || name === 'max') && args.length === 1 && args[0]!.class === 'COLUMN_REF') {
    const names = args[0]!.column_names as string[];
    if (names.length === 1) return { fn: name, column: names[0]! };
  }
  return undefined;
}
