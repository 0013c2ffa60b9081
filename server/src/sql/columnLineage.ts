// Column lineage of one model: for each output column, the upstream relation columns it is computed from, and every
// place the SQL reads an upstream column. Why DuckDB's own parser (json_serialize_sql) and a resolver of our own over
// its AST: the parse is exactly DuckDB's grammar (`* exclude`, `columns(...)`, `qualify`, `group by all`, lateral
// aliases), costs well under a millisecond, and names are resolved here against the same upstream schemas the binder's
// stand-ins hold; DuckDB exposes no bound plan with column provenance, and a second SQL grammar would drift from it.
import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { nameParts, type UpstreamRelation } from './standins';
import type { ColumnInfo } from './standins';
import type { ColumnEdgeKind } from '../protocol/columnLineage';

/** One upstream column an output column is computed from. `path`: struct fields read within it (`s.a.b` → ['a','b']). */
export interface LocalOrigin {
  /** The upstream relation as the binder knows it (UpstreamRelation.name, e.g. `"stg_orders"`). */
  relation: string;
  column: string;
  path?: string[];
  /** Computed from the column (a function, cast, aggregate, window, case...), not the column's value itself. */
  transformed: boolean;
}

export interface LocalColumn {
  name: string;
  from: LocalOrigin[];
  /** Offset in the compiled SQL of the select item (or star) that makes the column. */
  at?: number;
}

/** A place where the SQL reads an upstream column: a column reference, or a `*` that expands to it. */
export interface LocalUse {
  relation: string;
  column: string;
  /** Offset in the compiled SQL where the reference (or the star) starts. */
  at: number;
}

export interface LocalLineage {
  columns: LocalColumn[];
  uses: LocalUse[];
  /** Why no lineage could be had (the SQL does not parse as one SELECT, ...). */
  problem?: string;
}

/** The AST of a SELECT as DuckDB serializes it: plain JSON, read by shape. */
type Json = { [k: string]: any };

const OPTIONS = 'skip_null := true, skip_empty := true, skip_default := true';
const SERIALIZE = `SELECT json_serialize_sql($1::VARCHAR, ${OPTIONS})`;
/** Several in one call: a DuckDB call costs about as much as the parse of a model, so queued binds share one. */
const SERIALIZE_MANY = `SELECT list_transform($1::VARCHAR[], s -> json_serialize_sql(s, ${OPTIONS}))`;
const MAX_BATCH = 16;
/** Prepared statements per connection (a third of the CPU of a fresh query each time), used one call at a time. */
const serializers = new WeakMap<DuckDBConnection, { one?: Promise<DuckDBPreparedStatement>; many?: Promise<DuckDBPreparedStatement>; tail: Promise<unknown> }>();

/** The module, imported once: a bundled `import()` copies every export on each call. */
let duckdbApi: Promise<typeof import('@duckdb/node-api')> | undefined;

function serialize(conn: DuckDBConnection, sqls: string[]): Promise<string[]> {
  let s = serializers.get(conn);
  if (!s) serializers.set(conn, (s = { tail: Promise.resolve() }));
  const state = s;
  const run = s.tail.then(async () => {
    if (sqls.length === 1) {
      const p = await (state.one ??= conn.prepare(SERIALIZE));
      p.bindVarchar(1, sqls[0]);
      return [String((await p.runAndReadAll()).getRows()[0][0])];
    }
    const { listValue, LIST, VARCHAR } = await (duckdbApi ??= import('@duckdb/node-api'));
    const p = await (state.many ??= conn.prepare(SERIALIZE_MANY));
    p.bindList(1, listValue(sqls), LIST(VARCHAR));
    const items = ((await p.runAndReadAll()).getRows()[0][0] as { items?: unknown[] } | null)?.items;
    if (items?.length !== sqls.length) throw new Error('the batch of parses did not answer one per query');
    return items.map(String);
  });
  s.tail = run.catch(() => undefined);
  return run;
}

type Parsed = { ast?: Json; problem?: string };

function astOf(serialized: string): Parsed {
  try {
    const parsed = JSON.parse(serialized) as Json;
    if (parsed.error) return { problem: String(parsed.error_message ?? 'the SQL does not parse') };
    const statement = parsed.statements?.[0];
    return statement?.node ? { ast: statement.node } : { problem: 'no SELECT statement' };
  } catch (e) {
    return { problem: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
}

const failed = (e: unknown): Parsed => ({ problem: e instanceof Error ? e.message.split('\n')[0] : String(e) });

/** Parses `sql` with DuckDB's parser (no binding, no catalog) and returns its first statement's AST. */
export async function parseSelect(conn: DuckDBConnection, sql: string): Promise<Parsed> {
  return serialize(conn, [sql]).then((r) => astOf(r[0]), failed);
}

interface Wanted {
  sql: string;
  result?: Promise<Parsed>;
}
/** Parses asked for and not yet made, per connection, in the order asked; the oldest beyond a bound are forgotten (made alone if asked for). */
const wanted = new WeakMap<DuckDBConnection, Wanted[]>();
const MAX_WANTED = 1000;

/**
 * Notes a parse of `sql` to come; the function returned makes it, together with the parses asked for since (binds
 * waiting for the connection), in one DuckDB call. Calls on the connection stay one at a time.
 */
export function parseLater(conn: DuckDBConnection, sql: string): () => Promise<Parsed> {
  let list = wanted.get(conn);
  if (!list) wanted.set(conn, (list = []));
  const me: Wanted = { sql };
  list.push(me);
  if (list.length > MAX_WANTED) list.shift();
  return () => {
    if (!me.result) {
      const at = list!.indexOf(me);
      const batch = at < 0 ? [me] : list!.splice(at, MAX_BATCH);
      const answers = serialize(conn, batch.map((w) => w.sql)).catch(() =>
        // one query that fails the batch (it should not: a parse error is an answer) fails only itself
        Promise.all(batch.map((w) => serialize(conn, [w.sql]).then((r) => r[0], (e: unknown) => e))),
      );
      batch.forEach((w, i) => (w.result = answers.then((all) => (typeof all[i] === 'string' ? astOf(all[i] as string) : failed(all[i])), failed)));
    }
    return me.result!;
  };
}

/** Parses and resolves: the lineage of `sql` over `upstream`; `bound` (the binder's output columns) names the columns. */
export async function modelColumnLineage(conn: DuckDBConnection, sql: string, upstream: UpstreamRelation[], bound: ColumnInfo[]): Promise<LocalLineage> {
  return lineageOf(await parseSelect(conn, sql), upstream, bound);
}

/** The lineage from a parse made already (parseSelect). */
export function lineageOf(parsed: { ast?: Json; problem?: string }, upstream: UpstreamRelation[], bound: ColumnInfo[]): LocalLineage {
  if (!parsed.ast) return { columns: [], uses: [], problem: parsed.problem };
  return resolveLineage(parsed.ast, upstream, bound);
}

interface Col {
  name: string;
  origins: LocalOrigin[];
  at?: number;
}

interface Binding {
  alias: string;
  columns: Col[];
  /** The upstream relation this binding reads directly (references to it are uses). */
  base?: string;
  /** Columns unknown (a table function, an upstream of unknown schema): any name may belong to it. */
  opaque?: boolean;
}

interface Scope {
  bindings: Binding[];
  /** Names a USING/NATURAL join merged: `*` shows them once. */
  merged: Set<string>;
  parent?: Scope;
  /** Earlier select items by alias (DuckDB's lateral column aliases); consulted after the FROM columns. */
  lateral?: Map<string, Col>;
  /** CTEs visible here (subqueries in expressions read them too). */
  ctes: Ctes;
}

type Ctes = Map<string, Col[]>;

const lower = (s: string) => s.toLowerCase();

/** Resolves a parsed SELECT (json_serialize_sql's node) against the upstream relations. Pure: no DuckDB. */
export function resolveLineage(ast: Json, upstream: UpstreamRelation[], bound: ColumnInfo[] = []): LocalLineage {
  const uses: LocalUse[] = [];
  const relations = upstream.map((u) => ({ name: u.name, parts: nameParts(u.name).map(lower), columns: u.columns }));
  const findRelation = (parts: string[]) => {
    const want = parts.map(lower);
    return relations.find((r) => r.parts.length <= want.length && r.parts.every((p, i) => p === want[want.length - r.parts.length + i]))
      ?? relations.find((r) => want.length < r.parts.length && want.every((p, i) => p === r.parts[r.parts.length - want.length + i]));
  };
  const use = (b: Binding, column: string, at: number | undefined) => {
    if (b.base && at !== undefined) uses.push({ relation: b.base, column, at });
  };

  const lookup = (names: string[], scope: Scope, at: number | undefined): LocalOrigin[] | undefined => {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const found = lookupIn(names, s, at);
      if (found) return found;
    }
    return undefined;
  };
  const withPath = (origins: LocalOrigin[], path: string[]): LocalOrigin[] =>
    path.length ? origins.map((o) => ({ ...o, path: [...(o.path ?? []), ...path] })) : origins;
  const columnOf = (b: Binding, name: string) => b.columns.find((c) => lower(c.name) === lower(name));
  const lookupIn = (names: string[], s: Scope, at: number | undefined): LocalOrigin[] | undefined => {
    // alias.column[.field...], then schema.table.column
    for (const skip of [1, 2]) {
      if (names.length <= skip) break;
      const qualifier = lower(names[skip - 1]);
      const b = s.bindings.find((x) => lower(x.alias) === qualifier);
      if (!b) continue;
      const c = columnOf(b, names[skip]);
      if (c) {
        use(b, c.name, at);
        return withPath(c.origins, names.slice(skip + 1));
      }
      if (b.opaque) return [];
    }
    // column[.field...]: the first binding that has it (a USING column resolves to the left side, as in DuckDB)
    for (const b of s.bindings) {
      const c = columnOf(b, names[0]);
      if (c) {
        use(b, c.name, at);
        return withPath(c.origins, names.slice(1));
      }
    }
    // a table alias used as a value: the whole row
    if (names.length === 1) {
      const b = s.bindings.find((x) => lower(x.alias) === lower(names[0]));
      if (b) {
        for (const c of b.columns) use(b, c.name, at);
        return b.columns.flatMap((c) => c.origins.map((o) => ({ ...o, transformed: true })));
      }
    }
    const lateral = s.lateral?.get(lower(names[0]));
    if (lateral) return withPath(lateral.origins, names.slice(1));
    if (s.bindings.some((b) => b.opaque)) return [];
    return undefined;
  };

  /** Every upstream column an expression reads; `transformed` unless it is a bare column reference. */
  const expression = (e: Json, scope: Scope, shadowed: Set<string> = new Set()): LocalOrigin[] => {
    const out: LocalOrigin[] = [];
    const visit = (x: unknown, hidden: Set<string>) => {
      if (!x || typeof x !== 'object') return;
      if (Array.isArray(x)) {
        for (const y of x) visit(y, hidden);
        return;
      }
      const j = x as Json;
      if (j.class === 'COLUMN_REF' && Array.isArray(j.column_names)) {
        if (j.column_names.length === 1 && hidden.has(lower(j.column_names[0]))) return;
        out.push(...(lookup(j.column_names, scope, j.query_location) ?? []));
        return;
      }
      if (j.class === 'SUBQUERY' && j.subquery?.node) {
        const cols = node(j.subquery.node, scope.ctes, scope);
        const first = j.subquery_type === 'SCALAR' || j.subquery_type === 'ANY' ? cols.slice(0, 1) : j.subquery_type === 'EXISTS' || j.subquery_type === 'NOT_EXISTS' ? [] : cols;
        for (const c of first) out.push(...c.origins);
        visit(j.child, hidden);
        return;
      }
      if (j.class === 'LAMBDA') {
        const params = new Set(hidden);
        const lhs = j.lhs;
        for (const p of lhs?.class === 'FUNCTION' && lhs.function_name === 'row' ? lhs.children ?? [] : [lhs]) if (p?.class === 'COLUMN_REF') params.add(lower(p.column_names[0]));
        visit(j.expr, params);
        return;
      }
      if (j.class === 'STAR') {
        for (const c of starColumns(j, scope)) out.push(...c.origins);
        return;
      }
      for (const [k, v] of Object.entries(j)) if (k !== 'query_location' && typeof v === 'object') visit(v, hidden);
    };
    visit(e, shadowed);
    const bare = e.class === 'COLUMN_REF';
    return dedupe(bare ? out : out.map((o) => ({ ...o, transformed: true })));
  };

  /** The columns a `*`, `alias.*`, `* exclude/replace/rename` or `columns(...)` stands for in `scope`. */
  const starColumns = (star: Json, scope: Scope): Col[] => {
    const rel = star.relation_name ? lower(star.relation_name) : undefined;
    const candidates: Array<{ b: Binding; c: Col }> = [];
    const seen = new Set<string>();
    for (const b of scope.bindings) {
      if (rel !== undefined && lower(b.alias) !== rel) continue;
      for (const c of b.columns) {
        const k = lower(c.name);
        if (rel === undefined && scope.merged.has(k) && seen.has(k)) continue;
        seen.add(k);
        candidates.push({ b, c });
      }
    }
    const excluded = new Set<string>([
      ...((star.exclude_list ?? []) as unknown[]).map((x) => lower(typeof x === 'string' ? x : String((x as Json).column ?? ''))),
      ...((star.qualified_exclude_list ?? []) as Json[]).map((x) => lower(String(x.column ?? ''))),
    ]);
    let kept = candidates.filter(({ c }) => !excluded.has(lower(c.name)));
    if (star.columns && star.expr) kept = kept.filter(({ c }) => columnsMatch(star.expr, c.name));
    const replaced = new Map<string, Json>(((star.replace_list ?? []) as Json[]).map((r) => [lower(String(r.key)), r.value]));
    const renamed = new Map<string, string>(((star.rename_list ?? []) as Json[]).map((r) => [lower(String(r.key?.column ?? r.key)), String(r.value)]));
    return kept.map(({ b, c }) => {
      const replacement = replaced.get(lower(c.name));
      if (replacement) return { name: c.name, origins: expression(replacement, scope), at: star.query_location };
      use(b, c.name, star.query_location);
      return { name: renamed.get(lower(c.name)) ?? c.name, origins: c.origins, at: star.query_location };
    });
  };

  const select = (n: Json, ctes: Ctes, outer: Scope | undefined): Col[] => {
    const scope: Scope = { bindings: [], merged: new Set(), parent: outer, lateral: new Map(), ctes };
    if (n.from_table) from(n.from_table, ctes, scope, outer);
    const cols: Col[] = [];
    for (const item of (n.select_list ?? []) as Json[]) {
      if (item.class === 'STAR' && !(item.columns && item.expr?.class === 'LAMBDA')) {
        cols.push(...starColumns(item, scope));
        continue;
      }
      const nested = nestedColumnsStar(item);
      if (nested) {
        // `max(columns('x_.*'))`: one output column per column the pattern matches
        for (const c of starColumns(nested, scope)) cols.push({ name: c.name, origins: dedupe(c.origins.map((o) => ({ ...o, transformed: true }))), at: item.query_location });
        continue;
      }
      const col: Col = { name: item.alias ?? (item.class === 'COLUMN_REF' ? item.column_names[item.column_names.length - 1] : ''), origins: expression(item, scope), at: item.query_location };
      if (item.alias) scope.lateral!.set(lower(item.alias), col);
      cols.push(col);
    }
    // the rest of the query reads columns too: uses (for references), not output lineage
    for (const k of ['where_clause', 'having', 'qualify', 'group_expressions', 'modifiers', 'sample']) if (n[k]) expression(n[k], scope);
    return cols;
  };

  const from = (t: Json, ctes: Ctes, scope: Scope, outer: Scope | undefined): void => {
    switch (t.type) {
      case 'BASE_TABLE': {
        const parts = [t.catalog_name, t.schema_name, t.table_name].filter((p): p is string => typeof p === 'string' && p !== '');
        const alias = t.alias ?? t.table_name;
        const cte = parts.length === 1 ? cteOf(ctes, parts[0]) : undefined;
        if (cte) {
          scope.bindings.push({ alias, columns: renameColumns(cte, t.column_name_alias) });
          return;
        }
        const r = findRelation(parts);
        if (!r) {
          scope.bindings.push({ alias, columns: [], opaque: true });
          return;
        }
        const columns = r.columns.map((c) => ({ name: c.name, origins: [{ relation: r.name, column: c.name, transformed: false }] }));
        scope.bindings.push({ alias, columns: renameColumns(columns, t.column_name_alias), base: r.name, opaque: r.columns.length === 0 });
        return;
      }
      case 'SUBQUERY': {
        // LATERAL subqueries see the bindings to their left
        const lateral: Scope = { bindings: [...scope.bindings], merged: scope.merged, parent: outer, ctes };
        const cols = node(t.subquery.node, ctes, lateral);
        scope.bindings.push({ alias: t.alias ?? '', columns: renameColumns(cols, t.column_name_alias) });
        return;
      }
      case 'JOIN': {
        from(t.left, ctes, scope, outer);
        const leftCount = scope.bindings.length;
        from(t.right, ctes, scope, outer);
        let using: string[] = (t.using_columns ?? []).map(String);
        if (t.ref_type === 'NATURAL') {
          const left = new Set(scope.bindings.slice(0, leftCount).flatMap((b) => b.columns.map((c) => lower(c.name))));
          using = scope.bindings.slice(leftCount).flatMap((b) => b.columns.map((c) => c.name)).filter((n) => left.has(lower(n)));
        }
        for (const u of using) scope.merged.add(lower(u));
        if (t.join_type === 'FULL' && using.length) mergeFullUsing(scope.bindings, leftCount, using);
        if (t.condition) expression(t.condition, scope);
        return;
      }
      case 'TABLE_FUNCTION': {
        if (t.function) expression(t.function, { bindings: [...scope.bindings], merged: scope.merged, parent: outer, ctes });
        scope.bindings.push({ alias: t.alias ?? String(t.function?.function_name ?? ''), columns: renameColumns([], t.column_name_alias), opaque: !t.column_name_alias?.length });
        return;
      }
      case 'EXPRESSION_LIST': {
        // VALUES: new columns with no upstream (DuckDB names them col0, col1, …); a cell reading a lateral column is a transformation of it
        const rows = (t.values ?? []) as Json[][];
        const cells: Scope = { bindings: [...scope.bindings], merged: scope.merged, parent: outer, ctes };
        const columns = (rows[0] ?? []).map((_, i) => ({
          name: `col${i}`,
          origins: dedupe(rows.flatMap((r) => (r[i] ? expression(r[i], cells) : [])).map((o) => ({ ...o, transformed: true }))),
        }));
        scope.bindings.push({ alias: t.alias ?? '', columns: renameColumns(columns, t.column_name_alias) });
        return;
      }
      case 'EMPTY':
        return;
      default:
        // PIVOT and whatever comes next: columns unknown
        scope.bindings.push({ alias: t.alias ?? '', columns: [], opaque: true });
    }
  };

  /** A query node (SELECT, set operation, recursive CTE) with its own CTEs, as output columns. */
  const node = (n: Json, outerCtes: Ctes, outer: Scope | undefined): Col[] => {
    const ctes: Ctes = new Map(outerCtes);
    for (const entry of (n.cte_map?.map ?? []) as Json[]) {
      const name = lower(String(entry.key));
      const q = entry.value?.query?.node;
      if (!q) continue;
      const cols = q.type === 'RECURSIVE_CTE_NODE' ? recursive(q, ctes, outer) : node(q, ctes, outer);
      ctes.set(name, renameColumns(cols, entry.value.aliases));
    }
    switch (n.type) {
      case 'SELECT_NODE':
        return select(n, ctes, outer);
      case 'SET_OPERATION_NODE': {
        const branches: Json[] = n.children ?? [n.left, n.right].filter(Boolean);
        const results = branches.map((b) => node(b, ctes, outer));
        return combine(results, n.setop_type === 'UNION_BY_NAME');
      }
      case 'RECURSIVE_CTE_NODE':
        return recursive(n, ctes, outer);
      default:
        return [];
    }
  };

  /** `WITH RECURSIVE r AS (anchor UNION recursive-part)`: the recursive part reads the anchor's columns as r. */
  const recursive = (n: Json, ctes: Ctes, outer: Scope | undefined): Col[] => {
    const anchor = renameColumns(node(n.left, ctes, outer), n.aliases);
    const inner: Ctes = new Map(ctes);
    inner.set(lower(String(n.cte_name)), anchor);
    const step = node(n.right, inner, outer);
    return combine([anchor, step], false);
  };

  let cols: Col[];
  try {
    cols = node(ast, new Map(), undefined);
  } catch (e) {
    return { columns: [], uses: [], problem: `lineage not resolved: ${e instanceof Error ? e.message : String(e)}` };
  }
  // DuckDB's names are the truth (it names `a + 1` and dedupes `x`, `x` as `x`, `x_1`); ours stand in if counts differ
  const named = bound.length === cols.length;
  const columns = cols.map((c, i) => ({ name: named ? bound[i].name : c.name || `column${i}`, from: c.origins, ...(c.at === undefined ? {} : { at: c.at }) }));
  return { columns, uses: dedupeUses(uses) };
}

/** Set operations line columns up by position (BY NAME: by name); each output column reads every branch's. */
function combine(branches: Col[][], byName: boolean): Col[] {
  if (branches.length === 0) return [];
  const out: Col[] = branches[0].map((c) => ({ name: c.name, origins: [...c.origins] }));
  for (const b of branches.slice(1)) {
    b.forEach((c, i) => {
      const target = byName ? out.find((o) => lower(o.name) === lower(c.name)) : out[i];
      if (target) target.origins = dedupe([...target.origins, ...c.origins]);
      else if (byName) out.push({ name: c.name, origins: [...c.origins] });
    });
  }
  return out;
}

/** A FULL join USING (x): x is COALESCE(left.x, right.x), computed from both sides. */
function mergeFullUsing(bindings: Binding[], leftCount: number, using: string[]): void {
  for (const u of using) {
    const k = lower(u);
    const left = bindings.slice(0, leftCount).find((b) => b.columns.some((c) => lower(c.name) === k));
    const right = bindings.slice(leftCount).find((b) => b.columns.some((c) => lower(c.name) === k));
    if (!left || !right) continue;
    const l = left.columns.find((c) => lower(c.name) === k)!;
    const r = right.columns.find((c) => lower(c.name) === k)!;
    const merged = { name: l.name, origins: dedupe([...l.origins, ...r.origins].map((o) => ({ ...o, transformed: true }))) };
    left.columns = left.columns.map((c) => (c === l ? merged : c));
  }
}

function cteOf(ctes: Ctes, name: string): Col[] | undefined {
  return ctes.get(lower(name));
}

/** `AS t(a, b)` and CTE column lists rename the first columns by position. */
function renameColumns(cols: Col[], aliases: unknown): Col[] {
  if (!Array.isArray(aliases) || aliases.length === 0) return cols;
  return cols.map((c, i) => (i < aliases.length ? { ...c, name: String(aliases[i]) } : c));
}

/** The `columns(...)` star nested inside an expression (`min(columns(*))`), if any. */
function nestedColumnsStar(e: Json): Json | undefined {
  let found: Json | undefined;
  const visit = (x: unknown) => {
    if (found || !x || typeof x !== 'object') return;
    if (Array.isArray(x)) return x.forEach(visit);
    const j = x as Json;
    if (j.class === 'SUBQUERY') return;
    if (j.class === 'STAR' && j.columns) {
      found = j;
      return;
    }
    for (const v of Object.values(j)) if (typeof v === 'object') visit(v);
  };
  if (e.class !== 'STAR') visit(e);
  return found;
}

/** Does `columns(expr)` select the column: a regular expression (DuckDB matches anywhere in the name), a list of names, or `*`. */
function columnsMatch(expr: Json, name: string): boolean {
  if (expr.class === 'CONSTANT' && typeof expr.value?.value === 'string') {
    try {
      return new RegExp(expr.value.value).test(name);
    } catch {
      return true;
    }
  }
  if (expr.class === 'FUNCTION' && (expr.function_name === 'list_value' || expr.function_name === 'list_pack')) {
    return ((expr.children ?? []) as Json[]).some((c) => (c.class === 'CONSTANT' ? String(c.value?.value) : c.column_names?.[c.column_names.length - 1])?.toLowerCase() === lower(name));
  }
  return true;
}

function dedupe(origins: LocalOrigin[]): LocalOrigin[] {
  const byKey = new Map<string, LocalOrigin>();
  for (const o of origins) {
    const k = JSON.stringify([o.relation, lower(o.column), o.path ?? []]);
    const have = byKey.get(k);
    // read both bare and computed: the computed reading is the one that changes values
    if (!have) byKey.set(k, o);
    else if (o.transformed && !have.transformed) byKey.set(k, o);
  }
  return [...byKey.values()];
}

function dedupeUses(uses: LocalUse[]): LocalUse[] {
  const seen = new Set<string>();
  return uses.filter((u) => {
    const k = `${u.relation}\0${lower(u.column)}\0${u.at}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export type EdgeKind = ColumnEdgeKind;

/** How an output column comes from one upstream column: its value as is, under another name, or computed from it. */
export function edgeKind(output: string, origin: LocalOrigin): EdgeKind {
  if (origin.transformed) return 'transformation';
  const leaf = origin.path?.length ? origin.path[origin.path.length - 1] : origin.column;
  return lower(leaf) === lower(output) ? 'pass-through' : 'rename';
}
