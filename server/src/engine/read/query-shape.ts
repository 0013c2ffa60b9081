// Recognizes, with DuckDB's own parser (json_serialize_sql), the two query shapes over one table that need less than
// the whole table: plain rows under a LIMIT (any rows will do, so planning can stop early), and count(*)/min/max
// with nothing else (answerable from manifests). Anything else, or anything unparsable, is no shape: read as usual.
import { DuckSession, quoteLiteral } from '../session';
import { and, cmp, isIn, isNull, notNull, or, type ComparisonOp, type Predicate } from '../../iceberg/predicate';
import type { PrimitiveType, Schema } from '../../iceberg/spec';

/** A table as the query names it (empty strings where it gives no catalog or schema). */
export interface TableRef { catalog: string; schema: string; table: string }

export type AggregateItem = { fn: 'count' } | { fn: 'min' | 'max'; column: string };

export type QueryShape =
  /**
   * SELECT of columns or * FROM the table LIMIT n [OFFSET m], nothing else: the first `rows` rows of any order do.
   * Or a query over the table with a WHERE (any select list and modifiers): `filter` is the part of the WHERE that
   * files can be pruned by (the query still applies all of it).
   */
  | { kind: 'rows'; table: TableRef; rows?: number; filter?: Predicate }
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
  // A subquery may read the same table again, and must see all of it.
  if (hasSubquery(parsed.statements[0]!.node)) return undefined;
  return shapeOf(parsed.statements[0]!.node);
}

/** The shape of a parsed SELECT node (exported for tests). */
export function shapeOf(node: Node): QueryShape | undefined {
  if (node.type !== 'SELECT_NODE' || !plainFrom(node, true)) return undefined;
  const table = tableRef(node.from_table as Node);
  const items = node.select_list as Node[];
  // A WHERE prunes files whatever is done with the rows after it (order, limit, expressions, aggregates).
  if (node.where_clause != null) {
    const filter = predicateOf(node.where_clause as Node);
    return filter ? { kind: 'rows', table, filter } : undefined;
  }
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

function hasSubquery(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasSubquery);
  if (v === null || typeof v !== 'object') return false;
  const node = v as Node;
  return node.class === 'SUBQUERY' || node.type === 'SUBQUERY' || Object.values(node).some(hasSubquery);
}

/** What a rows shape lets the table's read skip (TableReadOptions.rowLimit and filter). */
export function lessToRead(shape: Extract<QueryShape, { kind: 'rows' }>): { rowLimit?: number; sqlFilter?: Predicate } {
  return { ...(shape.rows === undefined ? {} : { rowLimit: shape.rows }), ...(shape.filter ? { sqlFilter: shape.filter } : {}) };
}

/** FROM one base table, no CTE, GROUP BY, HAVING, QUALIFY, sample or time travel clause (and no WHERE unless `where`). */
function plainFrom(node: Node, where = false): boolean {
  const from = node.from_table as Node | null;
  const ctes = (node.cte_map as { map?: unknown[] } | undefined)?.map ?? [];
  return !!from && from.type === 'BASE_TABLE' && from.sample == null && from.at_clause == null
    && ((from.column_name_alias as unknown[] | undefined) ?? []).length === 0
    && ctes.length === 0 && (where || node.where_clause == null) && node.having == null && node.qualify == null && node.sample == null
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

const COMPARISONS: Record<string, [ComparisonOp, ComparisonOp]> = {
  // [as written, with the constant on the left flipped]
  COMPARE_EQUAL: ['=', '='], COMPARE_NOTEQUAL: ['!=', '!='], COMPARE_LESSTHAN: ['<', '>'], COMPARE_GREATERTHAN: ['>', '<'],
  COMPARE_LESSTHANOREQUALTO: ['<=', '>='], COMPARE_GREATERTHANOREQUALTO: ['>=', '<='],
};
const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER']);

/**
 * The part of a WHERE clause that files can be pruned by: comparisons, IN and IS [NOT] NULL of a column with
 * integer or text constants (or a text cast to DATE), under AND (unknown terms left out: a weaker filter) and OR
 * (all terms known). Undefined when nothing is known.
 */
function predicateOf(n: Node): Predicate | undefined {
  if (n.type === 'CONJUNCTION_AND') {
    const known = (n.children as Node[]).map(predicateOf).filter((p): p is Predicate => p !== undefined);
    return known.length === 0 ? undefined : known.length === 1 ? known[0] : and(...known);
  }
  if (n.type === 'CONJUNCTION_OR') {
    const all = (n.children as Node[]).map(predicateOf);
    return all.every((p) => p !== undefined) ? or(...(all as Predicate[])) : undefined;
  }
  const compare = COMPARISONS[String(n.type)];
  if (n.class === 'COMPARISON' && compare) {
    const left = n.left as Node, right = n.right as Node;
    const [column, value, op] = columnOf(left) !== undefined ? [columnOf(left), constantOf(right), compare[0]] : [columnOf(right), constantOf(left), compare[1]];
    return column !== undefined && value !== undefined ? cmp(column, op, value) : undefined;
  }
  const args = (n.children as Node[] | undefined) ?? [];
  const column = args[0] ? columnOf(args[0]) : undefined;
  if (column === undefined) return undefined;
  if (n.type === 'OPERATOR_IS_NULL' && args.length === 1) return isNull(column);
  if (n.type === 'OPERATOR_IS_NOT_NULL' && args.length === 1) return notNull(column);
  if (n.type === 'COMPARE_IN' && args.length > 1) {
    const values = args.slice(1).map(constantOf);
    return values.every((v) => v !== undefined) ? isIn(column, values) : undefined;
  }
  return undefined;
}

function columnOf(n: Node): string | undefined {
  const names = n.class === 'COLUMN_REF' ? n.column_names as string[] : undefined;
  return names?.length === 1 ? names[0] : undefined;
}

/** An integer, a text, or a text cast to DATE; undefined for anything else (NULL, decimals, other casts). */
function constantOf(n: Node): number | string | undefined {
  if (n.class === 'CAST') {
    const to = (n.cast_type as { id?: string } | undefined)?.id;
    const inner = n.child as Node;
    return to === 'DATE' && !n.try_cast && inner.class === 'CONSTANT' && typeOfConstant(inner) === 'VARCHAR' ? constantOf(inner) : undefined;
  }
  if (n.class !== 'CONSTANT') return undefined;
  const v = n.value as { is_null?: boolean; value?: unknown };
  if (v.is_null) return undefined;
  const type = typeOfConstant(n);
  if (type === 'VARCHAR' && typeof v.value === 'string') return v.value;
  return INTEGER_TYPES.has(type) && Number.isSafeInteger(v.value) ? v.value as number : undefined;
}

function typeOfConstant(n: Node): string {
  return String((n.value as { type?: { id?: string } }).type?.id ?? '');
}

/**
 * The filter with every term a pruning could get wrong made "true" (keeps all files): columns not in the schema or
 * not primitive, and text compared to a column whose type DuckDB would read that text differently from Iceberg
 * (time zones, floating point). Only these primitive types take text: dates, timestamps without zone, strings.
 */
export function prunableFilter(p: Predicate, schema: Schema): Predicate {
  const types = new Map<string, PrimitiveType>();
  for (const f of schema.fields) if (typeof f.type === 'string') types.set(f.name.toLowerCase(), f.type);
  const safe = (type: PrimitiveType, value: unknown) =>
    typeof value !== 'string' ? ['int', 'long'].includes(type) : ['date', 'timestamp', 'string'].includes(type);
  const screen = (q: Predicate): Predicate => {
    switch (q.op) {
      case 'and': case 'or': return { op: q.op, args: q.args.map(screen) };
      case 'true': case 'false': return q;
    }
    const matches = schema.fields.filter((f) => f.name.toLowerCase() === q.column.toLowerCase());
    const type = matches.length === 1 ? types.get(q.column.toLowerCase()) : undefined;
    if (!type) return { op: 'true' };
    if (q.op === 'is-null' || q.op === 'not-null') return q;
    if (q.op === 'in') return q.values.every((v) => safe(type, v)) ? q : { op: 'true' };
    return safe(type, q.value) ? q : { op: 'true' };
  };
  return screen(p);
}
