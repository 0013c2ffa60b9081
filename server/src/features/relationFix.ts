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
  // DuckDB names the table, or stops at the schema or catalog a qualified name starts with (a missing catalog comes
  // with no position: catalogNameAt finds it)
  const m = /Table with name "?([^"!\s]+)"? does not exist/.exec(duckdbMessage);
  if (!m && !/(?:Schema with name|Catalog) "?[^"!\s]+"? does not exist/.test(duckdbMessage)) return undefined;
  // a template span is Jinja when it starts one: only plain SQL text is replaced
  const span = /^(?:"[^"\n]+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"\n]+"|[A-Za-z_][\w$]*))*/.exec(text.slice(at));
  if (!span) return undefined;
  const parts = span[0].split('.').map((p) => p.trim().replace(/^"(.*)"$/, '$1'));
  if (m && parts[parts.length - 1].toLowerCase() !== m[1].split('.').pop()!.toLowerCase()) return undefined;
  const replacement = refOf(project, parts[parts.length - 1]) ?? sourceOf(project, parts);
  return replacement ? { start: at, end: at + span[0].length, fix: { replaces: span[0], with: replacement } } : undefined;
}

const PART = '(?:"[^"\\n]+"|[A-Za-z_][\\w$]*)';
/** A three-part name not inside a longer dotted one: its first part (quotes included) in group 1. */
const THREE_PART = new RegExp(`(?<![\\w$."])(${PART})\\s*\\.\\s*${PART}\\s*\\.\\s*${PART}(?![\\w$"]|\\s*\\.)`, 'g');

/** The three-part names in `text` whose catalog (first part) is `catalog`, as [start, text] in order. */
function namesInCatalog(text: string, catalog: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const m of text.matchAll(THREE_PART)) if (m[1].replace(/^"(.*)"$/, '$1').toLowerCase() === catalog) out.push([m.index, m[0]]);
  return out;
}

/**
 * Where in the template a three-part name is whose catalog DuckDB says does not exist (`Catalog "wh" does not
 * exist!`, which gives no position): only where the compiled SQL holds one name in that catalog, the template one
 * outside Jinja (`jinja`: the template's blocks), and the first maps back to the second with the same text.
 */
export function catalogNameAt(duckdbMessage: string, text: string, jinja: ReadonlyArray<{ start: number; end: number }>, sql: string, toTemplate: (offset: number, length: number) => { start: number; end: number }): { start: number; end: number } | undefined {
  const m = /^(?:\w+ Error: )?Catalog "([^"]+)" does not exist!/.exec(duckdbMessage);
  if (!m) return undefined;
  const catalog = m[1].toLowerCase();
  const compiled = namesInCatalog(sql, catalog);
  const written = namesInCatalog(text, catalog).filter(([at]) => !jinja.some((b) => at >= b.start && at < b.end));
  if (compiled.length !== 1 || written.length !== 1) return undefined;
  const [[outAt, name]] = compiled;
  const [[at, writtenName]] = written;
  return toTemplate(outAt, name.length).start === at && writtenName === name ? { start: at, end: at + name.length } : undefined;
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
