// Nested columns resolved by Iceberg field id. read_parquet's `schema =` maps only top-level field ids; inside a
// struct, a list element or a map value DuckDB matches children by NAME. A file whose nested names (or presence)
// differ from the current schema's at some field id is read by its physical names and each nested value is
// rebuilt by id: struct_pack for structs, list_transform for lists, map_from_entries for maps. Pure: no I/O.
import type { IcebergType, NestedField } from '../../iceberg/spec';
import type { MappedField } from '../../iceberg/schema';
import { duckLiteral, duckTypeOf } from '../types';
import { fromJsonSingleValue } from '../../iceberg/values';
import { IcebergError } from '../../iceberg/errors';
import { namesCollide } from './column-names';
import { quoteIdent, quoteLiteral } from '../../sql/quote';

/** One node of a Parquet file's schema tree, as parquet_schema() lists it (groups have children, leaves a type). */
export interface ParquetNode {
  name: string;
  id: number | null;
  /** DuckDB's type for a leaf column; null for groups. */
  type: string | null;
  children: ParquetNode[];
}

type Match = 'same' | 'differs' | 'unknown';

/**
 * Whether reading this file by name would give other values than reading it by field id, in some nested column
 * (a nested field renamed, dropped and re-added, or added later). False when the layout is one we cannot
 * rebuild safely (a top-level column without id, an unexpected list or map shape): such files keep today's read.
 */
export function needsNestedRebuild(fields: NestedField[], tree: ParquetNode[]): boolean {
  if (tree.some((n) => n.id === null)) return false;
  let differs = false;
  for (const f of fields) {
    if (typeof f.type === 'string') continue;
    const node = tree.find((n) => n.id === f.id);
    if (!node) continue;
    const m = matchType(f.type, node);
    if (m === 'unknown') return false;
    if (m === 'differs') differs = true;
  }
  return differs;
}

/** A key equal for files whose Parquet layouts (names, ids, leaf types) are identical: they can share one read. */
export function layoutKey(tree: ParquetNode[]): string {
  return JSON.stringify(tree);
}

/**
 * The select list (current names, in order) that reads `fields` from a file of this layout by its physical
 * top-level names, rebuilding nested values by field id. `fallback` gives the literal for a top-level field
 * the file lacks (an identity-partition value or the initial default).
 */
export function nestedProjection(fields: NestedField[], tree: ParquetNode[], fallback: (f: NestedField) => string): string[] {
  return fields.map((f) => {
    const node = tree.find((n) => n.id === f.id);
    const value = node === undefined ? fallback(f) : typeof f.type === 'string' ? quoteIdent(node.name) : rebuild(f.type, node, quoteIdent(node.name), 0);
    return `CAST(${value} AS ${duckTypeOf(f.type)}) AS ${quoteIdent(f.name)}`;
  });
}

function matchType(type: IcebergType, node: ParquetNode): Match {
  if (typeof type === 'string') return node.children.length === 0 ? 'same' : 'unknown';
  switch (type.type) {
    case 'struct': {
      if (node.children.length === 0) return 'unknown';
      let result: Match = 'same';
      for (const child of type.fields) {
        const p = node.children.find((c) => c.id === child.id);
        if (!p) { result = 'differs'; continue; }
        const m = matchType(child.type, p);
        if (m === 'unknown') return 'unknown';
        if (m === 'differs' || p.name !== child.name) result = 'differs';
      }
      return result;
    }
    case 'list': {
      const element = listElement(node);
      return element ? matchType(type.element, element) : 'unknown';
    }
    case 'map': {
      const entry = mapEntry(node);
      if (!entry) return 'unknown';
      const k = matchType(type.key, entry.key);
      const v = matchType(type.value, entry.value);
      if (k === 'unknown' || v === 'unknown') return 'unknown';
      return k === 'differs' || v === 'differs' ? 'differs' : 'same';
    }
  }
}

/** The value of `type` from a physical value `source` laid out as `node`; NULL structs and maps stay NULL. */
function rebuild(type: IcebergType, node: ParquetNode, source: string, depth: number): string {
  if (typeof type === 'string') return `CAST(${source} AS ${duckTypeOf(type)})`;
  switch (type.type) {
    case 'struct': {
      // struct_extract matches names ignoring case: children whose names collide so are taken by position.
      const byPosition = namesCollide(node.children.map((c) => c.name));
      const children = type.fields.map((child) => {
        const p = node.children.find((c) => c.id === child.id);
        const extract = p && (byPosition ? `struct_extract_at(${source}, ${node.children.indexOf(p) + 1})` : `struct_extract(${source}, ${quoteLiteral(p.name)})`);
        const value = p ? rebuild(child.type, p, extract!, depth) : initialDefault(child);
        return `${quoteIdent(child.name)} := ${value}`;
      });
      return `CASE WHEN ${source} IS NULL THEN NULL ELSE struct_pack(${children.join(', ')}) END`;
    }
    case 'list': {
      // Nested lambdas need distinct parameter names.
      const x = `__floe_x${depth}`;
      return `list_transform(${source}, lambda ${x}: ${rebuild(type.element, listElement(node)!, x, depth + 1)})`;
    }
    case 'map': {
      const entry = mapEntry(node)!;
      const e = `__floe_e${depth}`;
      const key = rebuild(type.key, entry.key, `struct_extract(${e}, 'key')`, depth + 1);
      const value = rebuild(type.value, entry.value, `struct_extract(${e}, 'value')`, depth + 1);
      return `CASE WHEN ${source} IS NULL THEN NULL ELSE map_from_entries(list_transform(map_entries(${source}), lambda ${e}: {'key': ${key}, 'value': ${value}})) END`;
    }
  }
}

/** The value of a field a file lacks: its initial default (only primitives have a literal one), else a typed NULL. */
export function initialDefault(f: NestedField): string {
  return defaultLiteral(f, 'initial-default');
}

/** A field's default (spec "Default values") as a DuckDB literal of its type; a typed NULL when it has none. */
export function defaultLiteral(f: NestedField, which: 'initial-default' | 'write-default'): string {
  const value = f[which];
  if (value === undefined || value === null || typeof f.type !== 'string') return duckLiteral(f.type, null);
  try {
    return duckLiteral(f.type, fromJsonSingleValue(f.type, value));
  } catch (e) {
    throw new IcebergError('invalid-metadata', `column "${f.name}" (field id ${f.id}): ${which} ${(e as Error).message}`, {}, { cause: e });
  }
}

/** A LIST group's element: the child of its repeated group (3-level lists), or the repeated node itself (2-level). */
function listElement(node: ParquetNode): ParquetNode | undefined {
  if (node.children.length !== 1) return undefined;
  const repeated = node.children[0];
  return repeated.children.length === 1 && repeated.id === null ? repeated.children[0] : repeated;
}

/** A MAP group's key and value: the two children of its repeated key_value group. */
function mapEntry(node: ParquetNode): { key: ParquetNode; value: ParquetNode } | undefined {
  if (node.children.length !== 1 || node.children[0].children.length !== 2) return undefined;
  const [key, value] = node.children[0].children;
  return { key, value };
}

/**
 * The tree of a file written without field ids, with ids assigned through the table's name mapping, so its nested
 * values are rebuilt by id like any other file's. Parquet's repeated wrapper of a list or map (`list`, `key_value`)
 * is not in a mapping and keeps no id, as in files written with ids. Undefined unless every other node is mapped:
 * a partial mapping keeps the plain read by names.
 */
export function treeWithMappedIds(tree: ParquetNode[], mapping: MappedField[]): ParquetNode[] | undefined {
  const assign = (node: ParquetNode, level: MappedField[], onlyChild: boolean): ParquetNode | undefined => {
    const mapped = level.find((m) => m.names.includes(node.name));
    if (mapped && mapped['field-id'] !== undefined) {
      const children = node.children.map((c) => assign(c, mapped.fields ?? [], node.children.length === 1));
      return children.every((c) => c !== undefined) ? { ...node, id: mapped['field-id'], children: children as ParquetNode[] } : undefined;
    }
    if (!mapped && onlyChild && node.children.length > 0) {
      const children = node.children.map((c) => assign(c, level, false));
      return children.every((c) => c !== undefined) ? { ...node, id: null, children: children as ParquetNode[] } : undefined;
    }
    return undefined;
  };
  const out = tree.map((n) => assign(n, mapping, false));
  return out.every((n) => n !== undefined) ? (out as ParquetNode[]) : undefined;
}
