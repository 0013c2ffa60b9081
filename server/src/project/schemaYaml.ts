// Schema and source YAML files: sources (mapped to Iceberg tables), model docs/columns/config, seeds.
import { parseYaml, field, items, text, rangeOf, toJs, entries } from './yamlNodes';
import type { Column, ProjectDiagnostic } from './types';
import type { Literal } from '../jinja/calls';

export interface SourceTable {
  sourceName: string;
  name: string;
  /** The Iceberg table identifier: `meta.iceberg_table`, else the source's schema + the table's identifier. */
  icebergTable: string;
  description?: string;
  /** Columns declared in YAML (fallback when the catalog and the cache know nothing). */
  columns: Column[];
  file: string;
  nameStart: number;
  nameEnd: number;
}

export interface SourceDefinition {
  name: string;
  schema: string;
  description?: string;
  file: string;
  nameStart: number;
  nameEnd: number;
  tables: SourceTable[];
}

export interface ConfigEntry {
  key: string;
  value: Literal;
  keyStart: number;
  keyEnd: number;
}

export interface ModelDoc {
  name: string;
  description?: string;
  columns: Column[];
  config: Record<string, Literal>;
  configEntries: ConfigEntry[];
  file: string;
  nameStart: number;
  nameEnd: number;
}

export interface SchemaFile {
  sources: SourceDefinition[];
  models: ModelDoc[];
  problems: ProjectDiagnostic[];
}

function columnsOf(node: unknown): Column[] {
  return items(field(node, 'columns')).flatMap((c) => {
    const name = text(field(c, 'name'));
    if (!name) return [];
    const type = text(field(c, 'data_type')) ?? text(field(c, 'type'));
    return [{ name, type: type?.toUpperCase(), description: text(field(c, 'description')) }];
  });
}

export function parseSchemaFile(file: string, source: string): SchemaFile {
  const { doc, problems } = parseYaml(source);
  const out: SchemaFile = { sources: [], models: [], problems: problems.map((p) => ({ file, ...p, severity: 'error', code: 'yaml-syntax' })) };
  const root = doc.contents;
  for (const src of items(field(root, 'sources'))) {
    const name = text(field(src, 'name'));
    if (!name) continue;
    const r = rangeOf(field(src, 'name'))!;
    const schema = text(field(src, 'schema')) ?? name;
    const def: SourceDefinition = { name, schema, description: text(field(src, 'description')), file, nameStart: r.start, nameEnd: r.end, tables: [] };
    for (const t of items(field(src, 'tables'))) {
      const tname = text(field(t, 'name'));
      if (!tname) continue;
      const tr = rangeOf(field(t, 'name'))!;
      const identifier = text(field(t, 'identifier')) ?? tname;
      const meta = field(t, 'meta');
      const iceberg = text(field(meta, 'iceberg_table'));
      def.tables.push({
        sourceName: name, name: tname, icebergTable: iceberg ?? `${schema}.${identifier}`,
        description: text(field(t, 'description')), columns: columnsOf(t), file, nameStart: tr.start, nameEnd: tr.end,
      });
    }
    out.sources.push(def);
  }
  for (const kind of ['models', 'seeds', 'snapshots']) {
    for (const m of items(field(root, kind))) {
      const name = text(field(m, 'name'));
      if (!name) continue;
      const r = rangeOf(field(m, 'name'))!;
      const configNode = field(m, 'config');
      const configEntries = entries(configNode).map((e) => ({ key: e.key, value: toJs(e.value) as Literal, keyStart: e.keyStart, keyEnd: e.keyEnd }));
      out.models.push({
        name, description: text(field(m, 'description')), columns: columnsOf(m),
        config: Object.fromEntries(configEntries.map((e) => [e.key, e.value])), configEntries, file, nameStart: r.start, nameEnd: r.end,
      });
    }
  }
  return out;
}
