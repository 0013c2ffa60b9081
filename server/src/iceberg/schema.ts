// Schema queries: fields by id or name, flattened leaf columns with their paths, and name mapping (files without field ids).
import type { IcebergType, NestedField, PrimitiveType, Schema, TableMetadata } from './spec.js';
import { IcebergError } from './errors.js';
import { parseJson, stringifyJson } from '../util/json.js';

/** A field anywhere in a schema, with its path of names from the root (list elements are "element", map parts "key"/"value"). */
export interface FieldWithPath { id: number; path: string[]; name: string; type: IcebergType; required: boolean; field?: NestedField }

/** Every field of the schema (nested ones too), in pre-order. */
export function allFields(schema: Schema): FieldWithPath[] {
  const out: FieldWithPath[] = [];
  const visit = (type: IcebergType, path: string[]) => {
    if (typeof type === 'string') return;
    if (type.type === 'struct') {
      for (const f of type.fields) {
        const p = [...path, f.name];
        out.push({ id: f.id, path: p, name: p.join('.'), type: f.type, required: f.required, field: f });
        visit(f.type, p);
      }
    } else if (type.type === 'list') {
      const p = [...path, 'element'];
      out.push({ id: type['element-id'], path: p, name: p.join('.'), type: type.element, required: type['element-required'] });
      visit(type.element, p);
    } else {
      const k = [...path, 'key'], v = [...path, 'value'];
      out.push({ id: type['key-id'], path: k, name: k.join('.'), type: type.key, required: true });
      visit(type.key, k);
      out.push({ id: type['value-id'], path: v, name: v.join('.'), type: type.value, required: type['value-required'] });
      visit(type.value, v);
    }
  };
  visit(schema, []);
  return out;
}

/** Primitive (leaf) columns only, each with its dotted path. */
export function leafFields(schema: Schema): (FieldWithPath & { type: PrimitiveType })[] {
  return allFields(schema).filter((f): f is FieldWithPath & { type: PrimitiveType } => typeof f.type === 'string');
}

const byIdCache = new WeakMap<Schema, Map<number, FieldWithPath>>();

/** Field lookup by id (cached per schema object). */
export function fieldById(schema: Schema, id: number): FieldWithPath | undefined {
  let index = byIdCache.get(schema);
  if (!index) {
    index = new Map(allFields(schema).map((f) => [f.id, f]));
    byIdCache.set(schema, index);
  }
  return index.get(id);
}

/** Finds a top-level or dotted nested field by name; case-insensitive unless asked. */
export function fieldByName(schema: Schema, name: string, caseSensitive = false): FieldWithPath | undefined {
  const all = allFields(schema);
  return caseSensitive ? all.find((f) => f.name === name) : all.find((f) => f.name.toLowerCase() === name.toLowerCase());
}

export function currentSchema(m: TableMetadata): Schema {
  const s = m.schemas.find((x) => x['schema-id'] === m['current-schema-id']);
  if (!s) throw new IcebergError('invalid-metadata', `current schema ${m['current-schema-id']} is not among the table's schemas`, { table: m.location });
  return s;
}

export function schemaById(m: TableMetadata, id: number): Schema {
  const s = m.schemas.find((x) => x['schema-id'] === id);
  if (!s) throw new IcebergError('not-found', `schema ${id} does not exist`, { table: m.location });
  return s;
}

// --- name mapping (spec "Column Projection": schema.name-mapping.default) ---

/** One mapped field: the names a data file may use for it, and nested mappings. */
export interface MappedField { 'field-id'?: number; names: string[]; fields?: MappedField[] }
export type NameMapping = MappedField[];

export const NAME_MAPPING_PROPERTY = 'schema.name-mapping.default';

function mappedFieldFrom(v: unknown, where: string): MappedField {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new IcebergError('invalid-metadata', `${NAME_MAPPING_PROPERTY} ${where}: expected an object`);
  const o = v as Record<string, unknown>;
  if (!Array.isArray(o.names) || !o.names.every((n) => typeof n === 'string')) {
    throw new IcebergError('invalid-metadata', `${NAME_MAPPING_PROPERTY} ${where}: "names" must be an array of strings`);
  }
  const f: MappedField = { names: o.names as string[] };
  if (typeof o['field-id'] === 'number') f['field-id'] = o['field-id'];
  if (Array.isArray(o.fields)) f.fields = o.fields.map((x, i) => mappedFieldFrom(x, `${where}.fields[${i}]`));
  return f;
}

/** Parses a name mapping from its JSON text (the table property value). */
export function parseNameMapping(text: string): NameMapping {
  let v: unknown;
  try { v = parseJson(text); } catch (e) {
    throw new IcebergError('invalid-metadata', `${NAME_MAPPING_PROPERTY} is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(v)) throw new IcebergError('invalid-metadata', `${NAME_MAPPING_PROPERTY} must be a JSON array`);
  return v.map((x, i) => mappedFieldFrom(x, `[${i}]`));
}

export function nameMappingToJson(m: NameMapping): string { return stringifyJson(m); }

/** The table's name mapping, if it has one. */
export function tableNameMapping(m: TableMetadata): NameMapping | undefined {
  const text = m.properties[NAME_MAPPING_PROPERTY];
  return text === undefined ? undefined : parseNameMapping(text);
}

/** A name mapping that maps each field's current name to its id (what writers set when importing files). */
export function nameMappingFromSchema(schema: Schema): NameMapping {
  const fromType = (t: IcebergType): MappedField[] | undefined => {
    if (typeof t === 'string') return undefined;
    if (t.type === 'struct') return t.fields.map((f) => withFields({ 'field-id': f.id, names: [f.name] }, fromType(f.type)));
    if (t.type === 'list') return [withFields({ 'field-id': t['element-id'], names: ['element'] }, fromType(t.element))];
    return [
      withFields({ 'field-id': t['key-id'], names: ['key'] }, fromType(t.key)),
      withFields({ 'field-id': t['value-id'], names: ['value'] }, fromType(t.value)),
    ];
  };
  return fromType(schema) ?? [];
}
function withFields(f: MappedField, fields: MappedField[] | undefined): MappedField { return fields ? { ...f, fields } : f; }

/** The field id for a column path as named in a data file (e.g. ["address", "city"]), or undefined when unmapped. */
export function mapColumnPath(mapping: NameMapping, path: string[]): number | undefined {
  let level: MappedField[] | undefined = mapping;
  let found: MappedField | undefined;
  for (const name of path) {
    found = level?.find((f) => f.names.includes(name));
    if (!found) return undefined;
    level = found.fields;
  }
  return found?.['field-id'];
}
