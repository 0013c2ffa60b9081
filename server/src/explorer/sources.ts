// From a catalog table to the project: its `{{ source() }}` when a sources YAML maps it, the YAML mapping to add
// when none does, and a staging model scaffold listing every column.
import path from 'node:path';
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import type { DbtProject } from '../project/project';
import type { SourceTable } from '../project/schemaYaml';
import type { TableIdentifier, TableMetadata } from '../iceberg/spec';
import type { FileEdit, SourceRefResult, StagingModelResult } from '../protocol/explorer';
import { currentSchema } from './nodes';
import { quoteIdent } from '../sql/quote';

export type ReadFile = (file: string) => string | undefined;

/** The source table a project maps to this Iceberg table (by `meta.iceberg_table`, else schema + name). */
export function findSourceFor(project: DbtProject, id: TableIdentifier): SourceTable | undefined {
  const full = [...id.namespace, id.name].join('.');
  return project.allSourceTables().find((t) => project.sourceIcebergTable(t) === full)
    ?? project.allSourceTables().find((t) => project.sourceIcebergTable(t).toLowerCase() === full.toLowerCase());
}

export function sourceJinja(source: string, table: string): string {
  return `{{ source('${source}', '${table}') }}`;
}

/** The `{{ source() }}` for the table, or the mapping to add to the project's sources YAML. */
export function sourceRefFor(project: DbtProject, id: TableIdentifier, read: ReadFile): SourceRefResult {
  const mapped = findSourceFor(project, id);
  if (mapped) return { mapped: true, source: mapped.sourceName, table: mapped.name, jinja: sourceJinja(mapped.sourceName, mapped.name) };
  const proposal = proposeSourceMapping(project, id, read);
  return { mapped: false, source: proposal.source, table: id.name, jinja: sourceJinja(proposal.source, id.name), edit: proposal.edit };
}

/**
 * Adds the table to the source whose schema is the table's namespace (in that source's file), or else a new
 * source named after the namespace's last level in `<models>/sources.yml` (created or extended).
 */
export function proposeSourceMapping(project: DbtProject, id: TableIdentifier, read: ReadFile): { source: string; edit: FileEdit } {
  const schema = id.namespace.join('.');
  const entry = { name: id.name, meta: { iceberg_table: [...id.namespace, id.name].join('.') } };
  const existing = project.sourceNames().flatMap((n) => project.sourceDefinitions(n)).find((d) => d.schema === schema);
  if (existing) {
    const text = read(existing.file);
    if (text !== undefined) {
      const updated = addTableToSource(text, existing.name, entry);
      if (updated !== undefined) return { source: existing.name, edit: { file: existing.file, text: updated, mode: 'replace' } };
    }
  }
  const taken = new Set(project.sourceNames());
  const last = id.namespace[id.namespace.length - 1] ?? 'catalog';
  const source = !taken.has(last) ? last : id.namespace.join('_');
  const file = path.join(project.root, project.settings.modelPaths[0] ?? 'models', 'sources.yml');
  const text = read(file);
  const def = { name: source, schema, tables: [entry] };
  if (text === undefined) {
    const doc = parseDocument('version: 2\n');
    doc.set('sources', [def]);
    return { source, edit: { file, text: doc.toString(), mode: 'create' } };
  }
  const doc = parseDocument(text);
  const sources = doc.get('sources');
  if (isSeq(sources)) sources.add(doc.createNode(def));
  else doc.set('sources', [def]);
  return { source, edit: { file, text: doc.toString(), mode: 'replace' } };
}

/** The YAML text with `entry` appended to the tables of source `source`; undefined if the file has no such source. */
function addTableToSource(text: string, source: string, entry: object): string | undefined {
  const doc = parseDocument(text);
  const sources = doc.get('sources');
  if (!isSeq(sources)) return undefined;
  const def = sources.items.find((s): s is YAMLMap => isMap(s) && s.get('name') === source);
  if (!def) return undefined;
  const tables = def.get('tables');
  if (isSeq(tables)) tables.add(doc.createNode(entry));
  else def.set('tables', [entry]);
  return doc.toString();
}

/** `stg_<table>.sql` selecting every column of the source, plus the source mapping when the table has none. */
export function stagingModelFor(project: DbtProject, id: TableIdentifier, metadata: TableMetadata, read: ReadFile): StagingModelResult {
  const modelName = `stg_${id.name.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  const modelsDir = path.join(project.root, project.settings.modelPaths[0] ?? 'models');
  const staging = path.join(modelsDir, 'staging');
  const stagingDir = project.modelFiles().some((f) => f.file.startsWith(staging + path.sep)) ? staging : modelsDir;
  const file = path.join(stagingDir, `${modelName}.sql`);
  if (read(file) !== undefined || project.nodes(modelName).length > 0) return { error: `A model named ${modelName} already exists.` };
  const mapped = findSourceFor(project, id);
  const proposal = mapped ? undefined : proposeSourceMapping(project, id, read);
  const source = mapped ? sourceJinja(mapped.sourceName, mapped.name) : sourceJinja(proposal!.source, id.name);
  const columns = currentSchema(metadata)?.fields.map((f) => f.name) ?? [];
  return { modelName, model: { file, text: stagingSql(source, columns, [...id.namespace, id.name].join('.')), mode: 'create' }, sourceYaml: proposal?.edit };
}

/** The staging model's SQL: every column listed, quoted, one per line. */
export function stagingSql(sourceJinja: string, columns: string[], tableName: string): string {
  const list = columns.length ? columns.map((c) => `    ${quoteIdent(c)}`).join(',\n') : '    *';
  return `-- Staging model for ${tableName}, scaffolded by Floe.\nwith source as (\n    select * from ${sourceJinja}\n)\n\nselect\n${list}\nfrom source\n`;
}

