// Columns in scope at an offset of a model's SQL: relations from the SQL engineer's scope analysis,
// resolved through ref()/source() to upstream models and Iceberg sources, and through CTEs.
import { scopeAt, type RelationInScope } from '../sql/scope';
import type { DbtProject } from '../project/project';
import type { ModelFileAnalysis } from '../project/modelFile';
import type { Column, Location } from '../project/types';

export interface ScopedColumn extends Column {
  /** Where the column comes from: `model stg_orders`, `source bronze.orders`, `cte final`. */
  origin: string;
  /** The alias (or name) of the relation in this query. */
  relation: string;
  /** Where the upstream relation is defined (for go to definition). */
  location?: Location;
}

export function columnsOfRelation(project: DbtProject, a: ModelFileAnalysis, r: RelationInScope, depth = 0): ScopedColumn[] {
  const label = r.alias ?? r.name[r.name.length - 1] ?? '';
  if (r.kind === 'jinja') {
    const ref = a.refs.find((x) => x.callStart >= r.start && x.callEnd <= r.end);
    if (ref) {
      const node = project.resolveRef(ref);
      if (!node) return [];
      return (project.columnsOfNode(node) ?? []).map((c) => ({ ...c, origin: `${node.kind} ${node.name}`, relation: label || node.name, location: { file: node.file, start: node.nameStart, end: node.nameEnd } }));
    }
    const src = a.sources.find((x) => x.callStart >= r.start && x.callEnd <= r.end);
    if (src) {
      const table = project.resolveSource(src);
      if (!table) return [];
      return (project.columnsOfSource(table) ?? []).map((c) => ({ ...c, origin: `source ${src.source}.${src.table} (${table.icebergTable})`, relation: label || src.table, location: { file: table.file, start: table.nameStart, end: table.nameEnd } }));
    }
    return [];
  }
  if (r.kind === 'cte' && depth < 5) {
    const cte = scopeAt(a.text, r.start).ctes.find((c) => c.name === r.name[r.name.length - 1]?.toLowerCase());
    if (!cte) return [];
    const inner = scopeAt(a.text, Math.max(cte.bodyOpen + 1, cte.end - 1));
    return inner.relations.filter((x) => x.level === 0).flatMap((x) => columnsOfRelation(project, a, x, depth + 1)).map((c) => ({ ...c, relation: label, origin: `cte ${cte.displayName} ← ${c.origin}` }));
  }
  return [];
}

/**
 * Above this size, SQL scope analysis is skipped so requests stay fast (Jinja features still work). At 1 MB a
 * request's first outline takes ~35 ms and later ones reuse it (sql/outline.ts).
 */
export const MAX_SQL_ANALYSIS = 1024 * 1024;

/** Every column visible at offset (relations of the innermost query block). */
export function columnsInScope(project: DbtProject, a: ModelFileAnalysis, offset: number): { columns: ScopedColumn[]; relations: RelationInScope[] } {
  if (a.text.length > MAX_SQL_ANALYSIS) return { columns: [], relations: [] };
  const scope = scopeAt(a.text, offset);
  const relations = scope.relations.filter((r) => r.level === 0);
  return { columns: relations.flatMap((r) => columnsOfRelation(project, a, r)), relations };
}
