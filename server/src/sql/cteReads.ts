// Whether a query reads every one of its statement-level CTEs, from DuckDB's own parse (json_serialize_sql, see
// columnLineage.ts) or, when they are sure, from our own tokens. DuckDB binds only the CTEs a query reads: when it
// reads them all, one successful prepare of the whole query has bound every CTE, and the binder needs no second look.
import { identifierOf, isWord } from './lexer';
import type { SqlOutline } from './outline';

/** The AST of a query node as DuckDB serializes it: plain JSON, read by shape. */
type Json = { [k: string]: any };

/**
 * True only when the final query reads each of `names` (the statement-level CTEs, lower case), directly or through
 * CTEs it reads. Anything this cannot be sure of (a nested WITH reusing one of the names, a parse of another shape)
 * answers false, which costs the caller a look at the CTEs, never a missed error.
 */
export function readsEveryCte(statement: Json | undefined, names: string[]): boolean {
  if (names.length === 0) return true;
  const entries = (statement?.cte_map?.map ?? []) as Json[];
  const keys = entries.map((e) => String(e.key).toLowerCase());
  if (keys.length !== names.length || keys.some((k, i) => k !== names[i])) return false;
  const top = new Set(keys);
  const reads = (node: unknown): Set<string> | undefined => {
    const out = new Set<string>();
    let sure = true;
    const visit = (x: unknown) => {
      if (!sure || !x || typeof x !== 'object') return;
      if (Array.isArray(x)) return x.forEach(visit);
      const j = x as Json;
      // an inner WITH that reuses a name hides the outer CTE from what it encloses
      for (const e of (j.cte_map?.map ?? []) as Json[]) if (top.has(String(e.key).toLowerCase())) sure = false;
      if (j.type === 'BASE_TABLE' && typeof j.table_name === 'string' && !j.schema_name && !j.catalog_name) out.add(j.table_name.toLowerCase());
      for (const v of Object.values(j)) if (typeof v === 'object') visit(v);
    };
    visit(node);
    return sure ? out : undefined;
  };
  // a CTE reads only the CTEs defined before it (itself only when recursive, which is no read from outside)
  const edges: Set<string>[] = [];
  for (let i = 0; i < entries.length; i++) {
    const r = reads(entries[i].value?.query?.node);
    if (!r) return false;
    edges.push(new Set([...r].filter((n) => keys.indexOf(n) >= 0 && keys.indexOf(n) < i)));
  }
  const final = reads({ ...statement, cte_map: undefined });
  if (!final) return false;
  const read = new Set<string>();
  const todo = [...final].filter((n) => top.has(n));
  while (todo.length) {
    const n = todo.pop()!;
    if (read.has(n)) continue;
    read.add(n);
    todo.push(...edges[keys.indexOf(n)]);
  }
  return read.size === top.size;
}

/**
 * The same question answered from our own tokens (outline.ts), so a bind that needs no lineage needs no DuckDB parse:
 * true only when every statement-level CTE is named right after a FROM or JOIN of a query block (not a function's
 * `extract(year FROM x)`, not `IS DISTINCT FROM x`) in the final query or in a CTE it reads. Any shape it is not sure
 * of (a nested WITH, a comma join, a parenthesized or qualified name) answers false, and the caller asks DuckDB's
 * parse instead; tested against readsEveryCte on the same queries.
 */
export function readsEveryCteInText(o: SqlOutline): boolean {
  const statement = o.statements[0];
  if (!statement) return true;
  const top = o.ctes.filter((c) => c.statement === 0 && c.depth === 0);
  if (top.length === 0) return true;
  const { tokens, parent } = o;
  let withs = 0;
  for (let i = statement.first; i <= statement.last; i++) if (isWord(tokens[i], 'with')) withs++;
  if (withs !== 1) return false;
  const names = top.map((c) => c.name.toLowerCase());
  const reads = top.map(() => new Set<number>());
  const finalReads = new Set<number>();
  const bodyEnd = top[top.length - 1].end;
  // a comma after the last CTE found: the list goes on in a shape the outline did not read
  const next = tokens.find((t) => t.start >= bodyEnd);
  if (next?.kind === 'punct' && next.text === ',') return false;
  const isQueryBlock = (open: number) => open < 0 || ['select', 'with', 'from'].some((w) => isWord(tokens[open + 1], w));
  for (let i = statement.first + 1; i <= statement.last; i++) {
    const t = tokens[i];
    if (t.kind !== 'word' && t.kind !== 'quoted') continue;
    const k = names.indexOf(identifierOf(t).toLowerCase());
    if (k < 0) continue;
    const before = tokens[i - 1];
    const from = isWord(before, 'from') && !isWord(tokens[i - 2], 'distinct');
    if (!(from || isWord(before, 'join')) || !isQueryBlock(parent[i - 1])) continue;
    const after = tokens[i + 1];
    if (after?.kind === 'punct' && (after.text === '.' || after.text === '(')) continue;
    const holder = top.findIndex((c) => t.start > c.bodyOpen && t.start < c.end);
    if (holder >= 0) {
      if (k < holder) reads[holder].add(k);
    } else if (t.start >= bodyEnd) finalReads.add(k);
  }
  const read = new Set<number>();
  const todo = [...finalReads];
  while (todo.length) {
    const k = todo.pop()!;
    if (read.has(k)) continue;
    read.add(k);
    todo.push(...reads[k]);
  }
  return read.size === top.length;
}
