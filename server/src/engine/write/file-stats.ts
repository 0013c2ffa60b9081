// One row of DuckDB's COPY ... RETURN_STATS becomes an Iceberg DataFile: counts, sizes and bounds keyed by field id.
import type { DataFile, PrimitiveType, StructType } from '../../iceberg/spec.js';
import { leafColumns } from './field-ids.js';
import { encodeValue } from '../../iceberg/single-value.js';
import { parseStatText, truncateLower, truncateUpper, type StatValue } from './stat-values.js';

/** One RETURN_STATS row, as plain text values (the JSON form of DuckDB's result keeps integers exact). */
export interface CopyStatsRow {
  filename: string;
  count: string;
  file_size_bytes: string;
  /** MAP(column path, MAP(stat name, text)) as key/value lists. */
  column_statistics: { key: string; value: { key: string; value: string | null }[] }[] | null;
  partition_keys: { key: string; value: string | null }[] | null;
}

/** Splits a RETURN_STATS column key such as `"st"."x"` into its names. */
export function parseColumnPath(key: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < key.length) {
    if (key[i] === '.') { i++; continue; }
    if (key[i] !== '"') {
      const end = key.indexOf('.', i);
      out.push(key.slice(i, end < 0 ? key.length : end));
      i = end < 0 ? key.length : end;
      continue;
    }
    let name = '';
    i++;
    while (i < key.length) {
      if (key[i] === '"' && key[i + 1] === '"') { name += '"'; i += 2; continue; }
      if (key[i] === '"') { i++; break; }
      name += key[i++];
    }
    out.push(name);
  }
  return out;
}

/** The DataFile of one written Parquet file; bounds only for columns outside lists and maps, as Iceberg readers expect. */
export function dataFileFromStats(row: CopyStatsRow, fileSchema: StructType, filePath: string, partition: Record<string, unknown>, splitOffsets?: bigint[]): DataFile {
  const leaves = new Map(leafColumns(fileSchema).map((l) => [JSON.stringify(l.path), l]));
  const columnSizes = new Map<number, bigint>();
  const valueCounts = new Map<number, bigint>();
  const nullCounts = new Map<number, bigint>();
  const nanCounts = new Map<number, bigint>();
  const lower = new Map<number, Uint8Array>();
  const upper = new Map<number, Uint8Array>();
  for (const entry of row.column_statistics ?? []) {
    const leaf = leaves.get(JSON.stringify(parseColumnPath(entry.key)));
    if (!leaf) continue;
    const stats = new Map(entry.value.map((kv) => [kv.key, kv.value]));
    const int = (name: string): bigint | undefined => {
      const v = stats.get(name);
      return v != null && /^\d+$/.test(v) ? BigInt(v) : undefined;
    };
    const size = int('column_size_bytes'), values = int('num_values'), nulls = int('null_count');
    if (size !== undefined) columnSizes.set(leaf.id, size);
    if (values !== undefined) valueCounts.set(leaf.id, values);
    if (nulls !== undefined) nullCounts.set(leaf.id, nulls);
    // DuckDB reports only whether NaNs occur; "none" is an exact count of zero.
    if (stats.get('has_nan') === 'false') nanCounts.set(leaf.id, 0n);
    if (leaf.repeated) continue;
    const min = boundOf(leaf.type, stats.get('min'), 'lower');
    const max = boundOf(leaf.type, stats.get('max'), 'upper');
    if (min) lower.set(leaf.id, min);
    if (max) upper.set(leaf.id, max);
  }
  return {
    content: 0,
    'file-path': filePath,
    'file-format': 'PARQUET',
    partition,
    'record-count': BigInt(row.count),
    'file-size-in-bytes': BigInt(row.file_size_bytes),
    'column-sizes': columnSizes,
    'value-counts': valueCounts,
    'null-value-counts': nullCounts,
    ...(nanCounts.size ? { 'nan-value-counts': nanCounts } : {}),
    'lower-bounds': lower,
    'upper-bounds': upper,
    ...(splitOffsets?.length ? { 'split-offsets': splitOffsets } : {}),
  };
}

/** A bound in single-value form, or undefined when the text is absent, unreadable or (strings, binary) cannot be truncated. */
export function boundOf(type: PrimitiveType, text: string | null | undefined, side: 'lower' | 'upper'): Uint8Array | undefined {
  if (text == null) return undefined;
  let value: StatValue | undefined = parseStatText(type, text);
  if (value === undefined) return undefined;
  if (typeof value === 'number' && (type === 'float' || type === 'double')) {
    if (!Number.isFinite(value) && Number.isNaN(value)) return undefined;
    // -0.0 and +0.0 compare equal: widen so either sign stays inside the bounds.
    if (value === 0) value = side === 'lower' ? -0 : 0;
  }
  value = side === 'lower' ? truncateLower(type, value) : truncateUpper(type, value);
  return value === undefined ? undefined : encodeValue(type, value);
}
