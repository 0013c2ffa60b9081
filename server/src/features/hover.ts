// Hover: a model (materialization, columns, description), a source (Iceberg table, schema, snapshot),
// a macro, a config key, or a SQL column (type and origin). Markdown text.
import type { DbtProject, ModelNode } from '../project/project';
import { CONFIG_KEYS } from '../project/config';
import type { Column } from '../project/types';
import { scopeAt } from '../sql/scope';
import { callAt, nestedTemplateAt, templateAnalysis, wordAt } from './cursor';
import type { ModelFileAnalysis } from '../project/modelFile';
import { columnsInScope, columnsOfRelation, knownColumnsOfRelation, MAX_SQL_ANALYSIS } from './columns';
import { blockAt } from '../jinja/scanner';
import { yamlHover } from './yamlHover';
import { columnLineageHover } from './columnLineage';
import { dispatchedMacro } from './macroDispatch';
import { varAt, varMarkdown } from './vars';
import { docHoverMarkdown, docNameAt } from './docBlocks';
import { BUILTIN_MACRO_PARAMS } from '../jinja/dbtBuiltins';

export interface HoverInfo {
  markdown: string;
  start: number;
  end: number;
}

function columnTable(columns: Column[] | undefined): string {
  if (!columns?.length) return '_Columns unknown until the model binds (or the catalog is reachable)._';
  // Descriptions from schema YAML, when any column has one (one line each, pipes escaped for the table).
  if (!columns.some((c) => c.description)) return ['| column | type |', '|---|---|', ...columns.map((c) => `| ${c.name} | ${c.type ?? '?'} |`)].join('\n');
  const cell = (text: string | undefined) => (text ?? '').replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|').trim();
  return ['| column | type | description |', '|---|---|---|', ...columns.map((c) => `| ${c.name} | ${c.type ?? '?'} | ${cell(c.description)} |`)].join('\n');
}

export function describeModel(project: DbtProject, node: ModelNode): string {
  const config = project.configOf(node);
  const doc = project.doc(node.name);
  const lines = [`**${node.kind} ${node.name}**${node.kind === 'model' ? ` · materialized: \`${String(config.materialized ?? 'view')}\`` : ''}`];
  if (config.polaris_namespace || config.polaris_table) {
    const table = `${String(config.polaris_namespace ?? '')}.${String(config.polaris_table ?? node.name)}`;
    const snapshot = project.schemaCache.get(table)?.snapshotId;
    lines.push(`Iceberg: \`${table}\`${snapshot ? ` · snapshot \`${snapshot}\`` : ''}`);
  }
  if (doc?.description) lines.push(doc.description);
  lines.push(columnTable(project.columnsOfNode(node)));
  return lines.join('\n\n');
}

export function hover(project: DbtProject, file: string, offset: number): HoverInfo | undefined {
  const entry = project.entry(file);
  // `doc('name')` in schema YAML or Markdown, or a block's own name: the block's text
  const doc = docNameAt(project, file, offset);
  if (doc) return { markdown: docHoverMarkdown(project, doc.name), start: doc.start, end: doc.end };
  if (entry?.kind === 'yaml') return yamlHover(project, file, offset);
  // a macro file's Jinja too (its calls, refs and sources); its SQL has no columns in scope
  const a = templateAnalysis(entry);
  if (!a) return undefined;
  const block = blockAt(a.scan, offset);
  if (block?.kind === 'comment') return undefined;
  if (block) return jinjaHover(project, a, offset, entry!.packageName);
  if (!entry!.analysis) return undefined;
  const w = wordAt(a.text, offset);
  if (!w) return undefined;
  const match = findColumn(project, file, w.word, w.qualifier, offset, true);
  const lineage = columnLineageHover(project, file, offset);
  if (!match) return lineage ? { markdown: lineage, start: w.start, end: w.end } : undefined;
  return { markdown: `**${match.name}** \`${match.type ?? 'unknown type'}\`\n\nfrom ${match.origin}${match.description ? `\n\n${match.description}` : ''}${lineage ? `\n\n${lineage}` : ''}`, start: w.start, end: w.end };
}

/** Hover in a Jinja block: a ref, a source, a config key, a var or a macro call, also in a hook string's template. */
function jinjaHover(project: DbtProject, a: ModelFileAnalysis, offset: number, caller: string): HoverInfo | undefined {
  const call = callAt(a, offset);
  const ref = a.refs.find((r) => r.callStart <= offset && offset <= r.callEnd);
  if (ref) {
    const node = project.resolveRef(ref);
    if (node) return { markdown: describeModel(project, node), start: ref.callStart, end: ref.callEnd };
    return project.isDisabledRef(ref) ? { markdown: `**${ref.name}** · turned off (\`enabled: false\`): dbt leaves it out of the project`, start: ref.callStart, end: ref.callEnd } : undefined;
  }
  const src = a.sources.find((s) => s.callStart <= offset && offset <= s.callEnd);
  if (src) {
    const table = project.resolveSource(src);
    if (!table) return undefined;
    const iceberg = project.sourceIcebergTable(table);
    const cached = project.schemaCache.get(iceberg);
    const lines = [`**source ${src.source}.${src.table}** · Iceberg \`${iceberg}\``];
    if (cached?.snapshotId) lines.push(`Current snapshot: \`${cached.snapshotId}\`${cached.fetchedAt ? ` (as of ${cached.fetchedAt})` : ''}`);
    if (table.description) lines.push(table.description);
    lines.push(columnTable(project.columnsOfSource(table)));
    return { markdown: lines.join('\n\n'), start: src.callStart, end: src.callEnd };
  }
  for (const c of a.configs) {
    const arg = c.args.find((x) => x.keyStart <= offset && offset <= x.keyEnd);
    if (arg) {
      const spec = CONFIG_KEYS[arg.key];
      const md = spec ? `**config ${arg.key}** — ${spec.description}${spec.values ? `\n\nAllowed: ${spec.values.map((v) => `\`${v}\``).join(', ')}` : ''}` : `**config ${arg.key}** (not used by Floe)`;
      return { markdown: md, start: arg.keyStart, end: arg.keyEnd };
    }
  }
  const v = varAt(a, offset);
  if (v) return { markdown: varMarkdown(project, caller, v), start: v.start, end: v.end };
  if (call && offset <= call.nameEnd) {
    const m = a.macroCalls.find((x) => x.start <= offset && offset <= x.end);
    const def = m ? project.macroCalled(m.name, m.namespace, caller) : undefined;
    const impl = def && dispatchedMacro(project, def, caller);
    if (def) return { markdown: `**macro ${def.name}(${def.params.join(', ')})**\n\nfrom package \`${def.packageName}\`${impl ? `\n\ndispatches to \`${impl.name}\` in \`${impl.packageName}\`` : ''}`, start: m!.start, end: m!.end };
    // dbt's own macros (`dbt.type_string()`, `dbt.date_trunc(...)`), which no project file defines
    const builtin = m && (!m.namespace || m.namespace === 'dbt') ? BUILTIN_MACRO_PARAMS.get(m.name) : undefined;
    if (builtin) return { markdown: `**macro dbt.${m!.name}(${builtin.join(', ')})**\n\nbuilt into dbt (its cross-database and helper macros); a project or package can override it through \`dispatch\``, start: m!.start, end: m!.end };
  }
  const nested = nestedTemplateAt(a, offset);
  const h = nested && jinjaHover(project, nested.analysis, offset - nested.base, caller);
  return h && { ...h, start: h.start + nested.base, end: h.end + nested.base };
}

/** The upstream column a SQL word names, if any (qualified by alias or not); `known`: see columnsInScope. */
export function findColumn(project: DbtProject, file: string, word: string, qualifier: string | undefined, offset: number, known = false) {
  const a = project.entry(file)!.analysis!;
  if (a.text.length > MAX_SQL_ANALYSIS) return undefined;
  const key = word.toLowerCase();
  if (qualifier) {
    const scope = scopeAt(a.text, offset);
    const rel = scope.relations.find((r) => (r.alias ?? r.name[r.name.length - 1] ?? '').toLowerCase() === qualifier.toLowerCase());
    return rel ? (known ? knownColumnsOfRelation : columnsOfRelation)(project, a, rel).find((c) => c.name.toLowerCase() === key) : undefined;
  }
  return columnsInScope(project, a, offset, known).columns.find((c) => c.name.toLowerCase() === key);
}
