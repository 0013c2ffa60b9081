// Whether a query reads every one of its statement-level CTEs, from DuckDB's own parse (json_serialize_sql, see
// columnLineage.ts). DuckDB binds only the CTEs a query reads: when it reads them all, one successful prepare of the
// whole query has bound every CTE, and the binder needs no second look at them.

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
