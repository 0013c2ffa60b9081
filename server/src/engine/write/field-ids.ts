// The FIELD_IDS option of DuckDB's COPY: every column, nested field, list element and map key/value gets its
// Iceberg field id, so readers resolve columns by id (a Parquet file without ids reads as all NULLs).
import type { IcebergType, PrimitiveType, StructType } from '../../iceberg/spec.js';
import { quoteLiteral } from '../../sql/quote.js';

/** The FIELD_IDS struct literal for a file schema. */
export function fieldIdsOption(schema: StructType): string {
  return `{${schema.fields.map((f) => `${quoteLiteral(f.name)}: ${idsOf(f.id, f.type)}`).join(', ')}}`;
}

function idsOf(id: number, type: IcebergType): string {
  if (typeof type === 'string') return String(id);
  const inner = nested(type);
  return `{__duckdb_field_id: ${id}${inner ? `, ${inner}` : ''}}`;
}

function nested(type: Exclude<IcebergType, string>): string {
  switch (type.type) {
    case 'struct': return type.fields.map((f) => `${quoteLiteral(f.name)}: ${idsOf(f.id, f.type)}`).join(', ');
    case 'list': return `element: ${idsOf(type['element-id'], type.element)}`;
    case 'map': return `key: ${idsOf(type['key-id'], type.key)}, value: ${idsOf(type['value-id'], type.value)}`;
  }
}

/** Leaf columns by their Parquet path (names joined as DuckDB's RETURN_STATS keys them), with id, type and whether bounds apply. */
export interface LeafColumn { id: number; type: PrimitiveType; path: string[]; repeated: boolean }

export function leafColumns(schema: StructType): LeafColumn[] {
  const out: LeafColumn[] = [];
  const walk = (id: number, type: IcebergType, path: string[], repeated: boolean): void => {
    if (typeof type === 'string') { out.push({ id, type, path, repeated }); return; }
    switch (type.type) {
      case 'struct': for (const f of type.fields) walk(f.id, f.type, [...path, f.name], repeated); break;
      case 'list': walk(type['element-id'], type.element, [...path, 'element'], true); break;
      case 'map':
        walk(type['key-id'], type.key, [...path, 'key'], true);
        walk(type['value-id'], type.value, [...path, 'value'], true);
        break;
    }
  };
  for (const f of schema.fields) walk(f.id, f.type, [f.name], false);
  return out;
}
