// Column names as DuckDB shows them. Iceberg names are case-sensitive (`user_id` and `USER_ID` may both exist);
// DuckDB's are not: a view with both silently renames one and `"USER_ID"` then reads `user_id`'s values. So names
// that collide ignoring case are made distinct here, before any SQL is built, and the reader is told. Pure: no I/O.
import type { IcebergType, NestedField, Schema } from '../../iceberg/spec';

/** A field given another name in DuckDB; `path` holds the names of the structs above it (empty at the top). */
export interface RenamedColumn { id: number; path: string[]; from: string; to: string }

/**
 * The schema with every struct level's names distinct ignoring case (field ids and types unchanged). At each level
 * the field with the lowest id (the oldest column) keeps its name; each other one becomes `<name>__<field id>`
 * (underscores added until no name at that level matches it): stable across snapshots, since ids never change.
 * Names that differ in more than case (`user_id`, `uSeR_Id_1`) stay as written.
 */
export function duckFacingSchema(schema: Schema): { schema: Schema; renamed: RenamedColumn[] } {
  const renamed: RenamedColumn[] = [];
  const fields = distinctFields(schema.fields, [], renamed);
  return { schema: renamed.length === 0 ? schema : { ...schema, fields }, renamed };
}

/** A warning naming the table and each renamed column, for the user to see once per read. */
export function renameWarning(table: string, renamed: RenamedColumn[]): string {
  const list = renamed.map((r) => `"${[...r.path, r.from].join('.')}" (field id ${r.id}) as "${[...r.path, r.to].join('.')}"`).join(', ');
  return `table ${table} has columns whose names differ only by case, which DuckDB cannot tell apart: reading ${list}`;
}

function distinctFields(fields: NestedField[], path: string[], renamed: RenamedColumn[]): NestedField[] {
  const keeper = new Map<string, number>();
  for (const f of fields) {
    const key = f.name.toLowerCase();
    keeper.set(key, Math.min(keeper.get(key) ?? f.id, f.id));
  }
  const taken = new Set(fields.map((f) => f.name.toLowerCase()));
  return fields.map((f) => {
    let name = f.name;
    if (keeper.get(f.name.toLowerCase()) !== f.id) {
      name = `${f.name}__${f.id}`;
      while (taken.has(name.toLowerCase())) name += '_';
      taken.add(name.toLowerCase());
      renamed.push({ id: f.id, path, from: f.name, to: name });
    }
    const type = distinctType(f.type, [...path, name], renamed);
    return name === f.name && type === f.type ? f : { ...f, name, type };
  });
}

function distinctType(type: IcebergType, path: string[], renamed: RenamedColumn[]): IcebergType {
  if (typeof type === 'string') return type;
  switch (type.type) {
    case 'struct': {
      const before = renamed.length;
      const fields = distinctFields(type.fields, path, renamed);
      return renamed.length === before ? type : { ...type, fields };
    }
    case 'list': {
      const element = distinctType(type.element, [...path, 'element'], renamed);
      return element === type.element ? type : { ...type, element };
    }
    case 'map': {
      const value = distinctType(type.value, [...path, 'value'], renamed);
      const key = distinctType(type.key, [...path, 'key'], renamed);
      return value === type.value && key === type.key ? type : { ...type, key, value };
    }
  }
}

/** Whether some names are equal ignoring case (DuckDB would read one in place of the other). */
export function namesCollide(names: Iterable<string>): boolean {
  const seen = new Set<string>();
  for (const n of names) {
    const key = n.toLowerCase();
    if (seen.has(key)) return true;
    seen.add(key);
  }
  return false;
}
