// Field-id assignment and schema evolution for a write: the query's columns matched by name to the table's
// schema. Matching columns keep their ids; new columns get new ids; allowed promotions widen the table type.
import type { IcebergType, NestedField, PrimitiveType, Schema, StructType } from '../../iceberg/spec.js';
import { canPromote, formatType } from '../../iceberg/types.js';
import { WriteError } from './write-error.js';

export interface QueryColumn {
  name: string;
  type: IcebergType;
  /** A model contract's not_null: the table field is required (new fields, or when the schema is replaced). */
  required?: boolean;
  /** A model contract's column description: the table field's doc. */
  doc?: string;
}

export interface WriteSchema {
  /** What the data files contain: the query's columns, with ids, in the types they are written as. */
  fileSchema: StructType;
  /** The table schema after this write (equal to the current one when nothing changed). */
  tableSchema: Schema;
  /** True when tableSchema differs from the current schema, so the commit adds it. */
  changed: boolean;
  lastColumnId: number;
}

export interface WriteSchemaOptions {
  /** The table's current schema and last assigned id; absent for a new table. */
  current?: { schema: Schema; lastColumnId: number; formatVersion?: number };
  /** Overwrite: the table's schema becomes the query's; a column whose type changed incompatibly gets a new id. */
  replace: boolean;
}

/** Assigns field ids to the query's columns, evolving the current schema as the spec allows. */
export function planWriteSchema(columns: QueryColumn[], opts: WriteSchemaOptions): WriteSchema {
  const ctx = { next: (opts.current?.lastColumnId ?? 0) + 1, replace: opts.replace, version: opts.current?.formatVersion ?? 2 };
  const query: StructType = { type: 'struct', fields: columns.map((c) => ({ id: 0, name: c.name, required: c.required ?? false, type: c.type, ...(c.doc ? { doc: c.doc } : {}) })) };
  const merged = mergeStruct(query, opts.current?.schema, ctx, '');
  const schemaId = opts.current ? Math.max(opts.current.schema['schema-id'], 0) + 1 : 0;
  const tableSchema: Schema = { type: 'struct', 'schema-id': schemaId, fields: merged.table.fields };
  const changed = !opts.current || !sameFields(opts.current.schema.fields, tableSchema.fields);
  if (opts.current && !changed) {
    return { fileSchema: merged.file, tableSchema: opts.current.schema, changed, lastColumnId: opts.current.lastColumnId };
  }
  return { fileSchema: merged.file, tableSchema, changed, lastColumnId: ctx.next - 1 };
}

interface Ctx { next: number; replace: boolean; version: number }
interface Merged<T extends IcebergType = IcebergType> { file: T; table: T }

function mergeStruct(query: StructType, existing: StructType | undefined, ctx: Ctx, path: string): Merged<StructType> {
  // Ids are handed out to this level's new fields first, then nested ones, like Iceberg's assignFreshIds.
  const byName = new Map((existing?.fields ?? []).map((f) => [f.name, f]));
  const ids = query.fields.map((q) => {
    const old = byName.get(q.name);
    return old && (compatible(q.type, old.type, ctx) || !ctx.replace) ? old.id : ctx.next++;
  });
  const fileFields: NestedField[] = [];
  const tableNew = new Map<number, NestedField>();
  query.fields.forEach((q, i) => {
    const old = byName.get(q.name);
    const reuse = old !== undefined && old.id === ids[i];
    const name = path ? `${path}.${q.name}` : q.name;
    const m = mergeType(q.type, reuse ? old.type : undefined, ctx, name);
    fileFields.push({ id: ids[i], name: q.name, required: false, type: m.file });
    // a kept field keeps its requiredness unless the schema is replaced (Iceberg forbids making an optional field required)
    const required = reuse && !ctx.replace ? old.required : q.required;
    tableNew.set(ids[i], { ...(reuse ? old : {}), id: ids[i], name: q.name, required, type: m.table, ...(q.doc ? { doc: q.doc } : {}) });
  });
  let tableFields: NestedField[];
  if (ctx.replace || !existing) {
    tableFields = fileFields.map((f) => tableNew.get(f.id)!);
  } else {
    for (const old of existing.fields) {
      // v3: a required top-level column with a write-default is filled from it (write-defaults.ts).
      if (old.required && !tableNew.has(old.id) && !(ctx.version >= 3 && path === '' && old['write-default'] !== undefined)) {
        throw new WriteError('incompatible-schema', `the query has no column "${path ? `${path}.` : ''}${old.name}", which the table requires${ctx.version >= 3 ? ' and which has no write-default' : ''}`);
      }
    }
    tableFields = existing.fields.map((old) => tableNew.get(old.id) ?? old);
    for (const f of fileFields) if (!existing.fields.some((o) => o.id === f.id)) tableFields.push(tableNew.get(f.id)!);
  }
  return { file: { type: 'struct', fields: fileFields }, table: { type: 'struct', fields: tableFields } };
}

function mergeType(query: IcebergType, existing: IcebergType | undefined, ctx: Ctx, path: string): Merged {
  if (typeof query === 'string') {
    if (existing === undefined) return { file: query, table: query };
    if (typeof existing !== 'string') throw incompatible(path, existing, query);
    if (canPromote(existing, query, ctx.version)) return { file: query, table: query };
    if (canPromote(query, existing, ctx.version)) return { file: existing, table: existing };
    throw incompatible(path, existing, query);
  }
  if (existing !== undefined && (typeof existing === 'string' || existing.type !== query.type)) throw incompatible(path, existing, query);
  switch (query.type) {
    case 'struct': return mergeStruct(query, existing as StructType | undefined, ctx, path);
    case 'list': {
      const old = existing as typeof query | undefined;
      const id = old ? old['element-id'] : ctx.next++;
      const m = mergeType(query.element, old?.element, ctx, `${path}.element`);
      const required = old?.['element-required'] ?? false;
      return {
        file: { type: 'list', 'element-id': id, element: m.file, 'element-required': false },
        table: { type: 'list', 'element-id': id, element: m.table, 'element-required': required },
      };
    }
    case 'map': {
      const old = existing as typeof query | undefined;
      const keyId = old ? old['key-id'] : ctx.next++;
      const valueId = old ? old['value-id'] : ctx.next++;
      const k = mergeType(query.key, old?.key, ctx, `${path}.key`);
      const v = mergeType(query.value, old?.value, ctx, `${path}.value`);
      const required = old?.['value-required'] ?? false;
      return {
        file: { type: 'map', 'key-id': keyId, key: k.file, 'value-id': valueId, value: v.file, 'value-required': false },
        table: { type: 'map', 'key-id': keyId, key: k.table, 'value-id': valueId, value: v.table, 'value-required': required },
      };
    }
  }
}

/** Whether a query type can be written into an existing column (same shape, primitives promotable either way). */
function compatible(query: IcebergType, existing: IcebergType, ctx: Ctx): boolean {
  if (typeof query === 'string' || typeof existing === 'string') {
    return typeof query === 'string' && typeof existing === 'string'
      && (canPromote(existing as PrimitiveType, query, ctx.version) || canPromote(query, existing as PrimitiveType, ctx.version));
  }
  if (query.type !== existing.type) return false;
  if (query.type === 'list' && existing.type === 'list') return compatible(query.element, existing.element, ctx);
  if (query.type === 'map' && existing.type === 'map') return compatible(query.key, existing.key, ctx) && compatible(query.value, existing.value, ctx);
  if (query.type === 'struct' && existing.type === 'struct') {
    return query.fields.every((q) => {
      const old = existing.fields.find((f) => f.name === q.name);
      return !old || compatible(q.type, old.type, ctx);
    });
  }
  return false;
}

function incompatible(path: string, from: IcebergType, to: IcebergType): WriteError {
  return new WriteError('incompatible-schema', `column "${path}" is ${formatType(from)} in the table but ${formatType(to)} in the query; only int→long, float→double and wider decimals are allowed (use mode overwrite to replace the column)`);
}

/** Whether two field lists are equal, whatever the key order of their JSON objects. */
export function sameFields(a: NestedField[], b: NestedField[]): boolean {
  return canonical(a) === canonical(b);
}

/** JSON with sorted keys, so parsed and built schemas compare equal regardless of key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
