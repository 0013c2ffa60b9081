// The checks Java Iceberg makes before it accepts table metadata, run on what a commit produced and before it is
// written: a table must never be stored in a state that no engine (or our own loader) can read back. Pure, no I/O.
import type { IcebergType, NestedField, Schema, TableMetadata } from './spec';
import { TableUpdateError } from './apply-updates';

/** Deeper nesting than any real schema (Spark's deepest in practice is tens); each level costs every reader. */
export const MAX_NESTING_DEPTH = 100;
/** All table properties together, keys and values; real tables use kilobytes. */
export const MAX_PROPERTIES_BYTES = 1024 * 1024;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Throws TableUpdateError('invalid-update') naming the first problem found. */
export function validateTableMetadata(m: TableMetadata): void {
  const fieldIdsBySchema = new Map<number, Set<number>>();
  let maxFieldId = 0;
  for (const schema of m.schemas) {
    const ids = checkSchema(schema);
    fieldIdsBySchema.set(schema['schema-id'], ids);
    for (const id of ids) maxFieldId = Math.max(maxFieldId, id);
  }
  if (m['last-column-id'] < maxFieldId) invalid(`last-column-id ${m['last-column-id']} is below the highest field id ${maxFieldId}`);
  const current = fieldIdsBySchema.get(m['current-schema-id']);
  if (!current) invalid(`current schema ${m['current-schema-id']} does not exist`);
  const anySchema = (id: number) => [...fieldIdsBySchema.values()].some((ids) => ids.has(id));

  for (const spec of m['partition-specs']) {
    const ids = new Set<number>();
    for (const f of spec.fields) {
      if (ids.has(f['field-id'])) invalid(`partition spec ${spec['spec-id']} has field id ${f['field-id']} twice`);
      ids.add(f['field-id']);
      const isDefault = spec['spec-id'] === m['default-spec-id'];
      for (const source of sourceIds(f)) {
        if (isDefault ? !current.has(source) : !anySchema(source)) {
          invalid(`partition field ${JSON.stringify(f.name)} of spec ${spec['spec-id']} has source-id ${source}, which is not a field of the ${isDefault ? 'current ' : ''}schema`);
        }
      }
    }
  }
  for (const order of m['sort-orders']) {
    const isDefault = order['order-id'] === m['default-sort-order-id'];
    for (const f of order.fields) {
      for (const source of sourceIds(f)) {
        if (isDefault ? !current.has(source) : !anySchema(source)) invalid(`sort order ${order['order-id']} sorts by source-id ${source}, which is not a field of the schema`);
      }
    }
  }

  const snapshotIds = new Set<bigint>();
  const nextRowId = m['next-row-id'];
  if (nextRowId !== undefined) long(nextRowId, 'next-row-id');
  for (const s of m.snapshots) {
    long(s['snapshot-id'], 'snapshot-id');
    if (s['parent-snapshot-id'] !== undefined) long(s['parent-snapshot-id'], 'parent-snapshot-id');
    snapshotIds.add(s['snapshot-id']);
    // v3 row lineage: no snapshot's row ids may lie at or past next-row-id, or the next commit would hand them out again.
    if (nextRowId !== undefined && s['first-row-id'] !== undefined && s['first-row-id'] + (s['added-rows'] ?? 0n) > nextRowId) {
      invalid(`snapshot ${s['snapshot-id']} assigned row ids up to ${s['first-row-id'] + (s['added-rows'] ?? 0n)}, past next-row-id ${nextRowId}`);
    }
  }
  for (const [name, ref] of Object.entries(m.refs)) {
    if (name.length === 0 || name.includes('\u0000')) invalid(`invalid ref name ${JSON.stringify(name)}`);
    if (ref.type !== 'branch' && ref.type !== 'tag') invalid(`ref ${name} has invalid type ${JSON.stringify(ref.type)}`);
    if (!snapshotIds.has(long(ref['snapshot-id'], `ref ${name} snapshot-id`))) invalid(`ref ${name} points at unknown snapshot ${ref['snapshot-id']}`);
    const keep = ref['min-snapshots-to-keep'];
    if (keep !== undefined && (!Number.isInteger(keep) || keep < 1)) invalid(`ref ${name}: min-snapshots-to-keep must be a positive int`);
    for (const k of ['max-ref-age-ms', 'max-snapshot-age-ms'] as const) if (ref[k] !== undefined) long(ref[k], `ref ${name} ${k}`);
  }
  if (m['current-snapshot-id'] !== undefined && m['current-snapshot-id'] !== -1n) long(m['current-snapshot-id'], 'current-snapshot-id');
  let propertyBytes = 0;
  for (const [k, v] of Object.entries(m.properties)) {
    if (typeof v !== 'string') invalid(`property ${k} must be a string`);
    propertyBytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (propertyBytes > MAX_PROPERTIES_BYTES) invalid(`properties take ${propertyBytes} bytes, over the limit of ${MAX_PROPERTIES_BYTES}`);
}

/** Field ids of a schema (all nesting levels); refuses duplicate or negative ids, NUL or duplicate names, bad identifier fields. */
function checkSchema(schema: Schema): Set<number> {
  const ids = new Set<number>();
  const structFields = new Map<number, NestedField>();
  const what = `schema ${schema['schema-id']}`;
  const addId = (id: number, where: string) => {
    if (!Number.isInteger(id) || id < 0) invalid(`${what}: ${where} has invalid field id ${id}`);
    if (ids.has(id)) invalid(`${what}: field id ${id} is used twice (at ${where})`);
    ids.add(id);
  };
  const visitStruct = (fields: NestedField[], path: string, inStruct: boolean, depth: number) => {
    if (depth > MAX_NESTING_DEPTH) invalid(`${what}: ${JSON.stringify(path)} is nested more than ${MAX_NESTING_DEPTH} levels deep`);
    const names = new Set<string>();
    for (const f of fields) {
      const at = path ? `${path}.${f.name}` : f.name;
      if (f.name.length === 0) invalid(`${what}: a field under ${path || 'the root'} has an empty name`);
      if (f.name.includes('\u0000')) invalid(`${what}: field name ${JSON.stringify(at)} contains NUL`);
      if (names.has(f.name)) invalid(`${what}: field ${JSON.stringify(at)} appears twice`);
      names.add(f.name);
      addId(f.id, JSON.stringify(at));
      if (inStruct) structFields.set(f.id, f);
      visitType(f.type, at, inStruct, depth + 1);
    }
  };
  const visitType = (t: IcebergType, path: string, inStruct: boolean, depth: number) => {
    if (typeof t === 'string') return;
    if (depth > MAX_NESTING_DEPTH) invalid(`${what}: ${JSON.stringify(path)} is nested more than ${MAX_NESTING_DEPTH} levels deep`);
    if (t.type === 'struct') visitStruct(t.fields, path, inStruct, depth);
    else if (t.type === 'list') {
      addId(t['element-id'], `${path}.element`);
      visitType(t.element, `${path}.element`, false, depth + 1);
    } else if (t.type === 'map') {
      addId(t['key-id'], `${path}.key`);
      addId(t['value-id'], `${path}.value`);
      visitType(t.key, `${path}.key`, false, depth + 1);
      visitType(t.value, `${path}.value`, false, depth + 1);
    }
  };
  visitStruct(schema.fields, '', true, 0);
  for (const id of schema['identifier-field-ids'] ?? []) {
    const f = structFields.get(id);
    if (!f) invalid(`${what}: identifier-field-ids names field id ${id}, which is not a field of the schema (or lies in a list or map)`);
    if (typeof f.type !== 'string') invalid(`${what}: identifier field ${JSON.stringify(f.name)} must be a primitive type`);
    if (f.type === 'float' || f.type === 'double') invalid(`${what}: identifier field ${JSON.stringify(f.name)} must not be a float or double`);
    if (!f.required) invalid(`${what}: identifier field ${JSON.stringify(f.name)} must be required`);
  }
  return ids;
}

function sourceIds(f: { 'source-id'?: number; 'source-ids'?: number[] }): number[] {
  return f['source-ids'] ?? (f['source-id'] !== undefined ? [f['source-id']] : []);
}

function long(v: unknown, what: string): bigint {
  if (typeof v !== 'bigint' || v < INT64_MIN || v > INT64_MAX) invalid(`${what} ${String(v)} is not a long`);
  return v;
}

function invalid(message: string): never {
  throw new TableUpdateError('invalid-update', `Invalid table metadata: ${message}`);
}
