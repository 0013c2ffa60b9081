// A relation named in a model's SQL by hand (`from analytics.stg_orders`) that DuckDB cannot find, but that is a
// model or a source table of the project: its ref() or source() as the fix (the dependency dbt then knows about).
import type { DbtProject } from '../project/project';
import type { NameFix } from '../project/types';

/**
 * The fix of DuckDB's "Table with name X does not exist" (or of the schema X starts with) where `text`
 * names the relation at `at`: the whole dotted
 * name there (quoted parts too), replaced by `{{ ref('x') }}` for a model, or `{{ source('s', 't') }}` for the one
 * source table whose identifier (or name) it is. Undefined when the name is neither, or the text does not read it.
 */
export function hardCodedRelationFix(project: DbtProject, duckdbMessage: string, text: string, at: number): { start: number; end: number; fix: NameFix } | undefined {
  // DuckDB names the table, or stops at the schema a qualified name starts with (a missing catalog comes with no
  // position, so a three-part name gets no fix)
  const m = /Table with name "?([^"!\s]+)"? does not exist/.exec(duckdbMessage);
  if (!m && !/Schema with name "?[^"!\s]+"? does not exist/.test(duckdbMessage)) return undefined;
  // a template span is Jinja when it starts one: only plain SQL text is replaced
  const span = /^(?:"[^"\n]+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"\n]+"|[A-Za-z_][\w$]*))*/.exec(text.slice(at));
  if (!span) return undefined;
  const parts = span[0].split('.').map((p) => p.trim().replace(/^"(.*)"$/, '$1'));
  if (m && parts[parts.length - 1].toLowerCase() !== m[1].split('.').pop()!.toLowerCase()) return undefined;
  const replacement = refOf(project, parts[parts.length - 1]) ?? sourceOf(project, parts);
  return replacement ? { start: at, end: at + span[0].length, fix: { replaces: span[0], with: replacement } } : undefined;
}

function refOf(project: DbtProject, name: string): string | undefined {
  const node = project.resolveRef({ name }) ?? project.resolveRef({ name: name.toLowerCase() });
  return node ? `{{ ref('${node.name}') }}` : undefined;
}

/**
 * The one source table the name's parts mean: its identifier, qualified (if at all) by the end of its database and
 * schema or by the source's name; or its Iceberg table's full name.
 */
function sourceOf(project: DbtProject, parts: string[]): string | undefined {
  const lower = parts.map((p) => p.toLowerCase());
  const table = lower[lower.length - 1];
  const qualifier = lower.slice(0, -1).join('.');
  const matches = project.allSourceTables().filter((t) => {
    if (t.icebergTable.toLowerCase() === lower.join('.')) return true;
    if ((t.relation.identifier || t.name).toLowerCase() !== table) return false;
    const where = [t.relation.database, t.relation.schema].filter(Boolean).join('.').toLowerCase();
    return !qualifier || qualifier === t.sourceName.toLowerCase() || where === qualifier || where.endsWith(`.${qualifier}`);
  });
  if (matches.length !== 1) return undefined;
  return `{{ source('${matches[0].sourceName}', '${matches[0].name}') }}`;
}
