// Schema and source YAML files: sources (mapped to Iceberg tables), model docs/columns/config, seeds.
// Parsed with js-yaml (several times faster than a CST parser, which matters at 10k models); the offsets
// of names are found by matching each `name:` in document order against the parsed values.
import { load, YAMLException } from 'js-yaml';
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

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (v === undefined || v === null || typeof v === 'object' ? undefined : String(v));

/** Offsets of `name:` values, consumed in document order. */
class NameCursor {
  private readonly re = /(^|[\s{,])name\s*:[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s#,{}[\]][^\n#,{}]*))/g;
  constructor(private readonly text: string) {}

  next(value: string): { start: number; end: number } {
    const from = this.re.lastIndex;
    for (let m = this.re.exec(this.text); m; m = this.re.exec(this.text)) {
      const raw = m[2] ?? m[3] ?? m[4] ?? '';
      const trimmed = raw.trimEnd();
      if (trimmed === value) {
        const quoted = m[2] !== undefined || m[3] !== undefined;
        const start = m.index + m[0].length - raw.length - (quoted ? 1 : 0);
        return { start, end: start + trimmed.length };
      }
    }
    // Not found (unusual YAML): restart after the last match and point at the file start.
    this.re.lastIndex = from;
    return { start: 0, end: 0 };
  }
}

function columnsOf(node: unknown, names: NameCursor): Column[] {
  return list(isObj(node) ? node.columns : undefined).flatMap((c) => {
    const name = isObj(c) ? str(c.name) : undefined;
    if (!name || !isObj(c)) return [];
    names.next(name);
    const type = str(c.data_type) ?? str(c.type);
    return [{ name, type: type?.toUpperCase(), description: str(c.description) }];
  });
}

export function parseSchemaFile(file: string, source: string): SchemaFile {
  const out: SchemaFile = { sources: [], models: [], problems: [] };
  let root: unknown;
  try {
    root = load(source, { filename: file });
  } catch (e) {
    const mark = e instanceof YAMLException ? (e as YAMLException & { mark?: { position: number } }).mark : undefined;
    const at = Math.min(mark?.position ?? 0, source.length);
    const reason = e instanceof YAMLException ? (e as YAMLException & { reason?: string }).reason ?? e.message : String(e);
    out.problems.push({ file, start: Math.max(0, at - 1), end: Math.max(at, 1), severity: 'error', code: 'yaml-syntax', message: `YAML: ${reason}` });
    return out;
  }
  if (!isObj(root)) return out;
  const names = new NameCursor(source);
  // Walk keys in document order so `name:` offsets line up with the values.
  for (const [key, value] of Object.entries(root)) {
    if (key === 'sources') {
      for (const src of list(value)) {
        if (!isObj(src)) continue;
        const name = str(src.name);
        if (!name) continue;
        const r = names.next(name);
        const schema = str(src.schema) ?? name;
        const def: SourceDefinition = { name, schema, description: str(src.description), file, nameStart: r.start, nameEnd: r.end, tables: [] };
        for (const t of list(src.tables)) {
          if (!isObj(t)) continue;
          const tname = str(t.name);
          if (!tname) continue;
          const tr = names.next(tname);
          const identifier = str(t.identifier) ?? tname;
          const iceberg = isObj(t.meta) ? str(t.meta.iceberg_table) : undefined;
          def.tables.push({
            sourceName: name, name: tname, icebergTable: iceberg ?? `${schema}.${identifier}`,
            description: str(t.description), columns: columnsOf(t, names), file, nameStart: tr.start, nameEnd: tr.end,
          });
        }
        out.sources.push(def);
      }
    } else if (key === 'models' || key === 'seeds' || key === 'snapshots') {
      for (const m of list(value)) {
        if (!isObj(m)) continue;
        const name = str(m.name);
        if (!name) continue;
        const r = names.next(name);
        const config = isObj(m.config) ? (m.config as Record<string, Literal>) : {};
        const configEntries = Object.entries(config).map(([k, v]) => {
          const at = findKey(source, k, r.end);
          return { key: k, value: v, keyStart: at, keyEnd: at + k.length };
        });
        out.models.push({ name, description: str(m.description), columns: columnsOf(m, names), config, configEntries, file, nameStart: r.start, nameEnd: r.end });
      }
    }
  }
  return out;
}

function findKey(text: string, key: string, from: number): number {
  const re = new RegExp(`(^|[\\s{,])${key.replace(/[^\w-]/g, '')}\\s*:`, 'g');
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? m.index + m[1].length : from;
}
