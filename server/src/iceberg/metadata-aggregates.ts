// count(*), min(col) and max(col) of a whole snapshot from its manifests, without reading data files, where the
// metadata makes the answer exact; otherwise a reason to read the rows instead. The rules follow Iceberg's own
// aggregate push-down: no live delete file in the snapshot, and for min/max every file with rows in the column must
// record both bounds (a file whose column is all null may record none). Bounds are trusted only for types that are
// never truncated and compare in DuckDB as in Iceberg: not strings or binary (bounds may be truncated prefixes), and
// floats only when the file records no NaN (DuckDB sorts NaN above every number; bounds leave it out).
import type { DataFile, PrimitiveType, TableMetadata } from './spec.js';
import { planScan, type ScanIO, type ScanOptions } from './scan.js';
import { decodeValue } from './single-value.js';
import { compareValues, type IcebergValue } from './values.js';
import { primitiveInfo } from './types.js';

export interface AggregateRequest {
  /** Top-level field ids whose min and/or max are wanted. */
  bounds: number[];
}

export type AggregateAnswer =
  | {
    ok: true;
    rows: bigint;
    /** By field id: the smallest and largest non-null value (null when the column holds only nulls). */
    min: Map<number, IcebergValue | null>;
    max: Map<number, IcebergValue | null>;
    dataFiles: number;
    manifestsRead: number;
  }
  | { ok: false; reason: string };

/** Bytes of a bound of each fixed-width type: a bound of another width (a promoted column's older files) is not trusted. */
const WIDTH: Partial<Record<string, number>> = {
  boolean: 1, int: 4, date: 4, float: 4, long: 8, double: 8, time: 8, timestamp: 8, timestamptz: 8, timestamp_ns: 8, timestamptz_ns: 8,
};

/** Answers count(*) and the requested bounds from the snapshot's manifests, or says why the rows must be read. */
export async function aggregateFromMetadata(
  metadata: TableMetadata,
  request: AggregateRequest,
  options: Pick<ScanOptions, 'snapshotId' | 'tableLocation' | 'concurrency'>,
  io: ScanIO,
): Promise<AggregateAnswer> {
  const plan = await planScan(metadata, { ...options, keepMetrics: request.bounds.length > 0 }, io);
  // Delete manifests decide, whatever kind of delete file (position, equality, deletion vector) they hold.
  if (plan.metrics.deleteFiles > 0 || plan.metrics.deleteManifests > 0) {
    return { ok: false, reason: `the snapshot has ${plan.metrics.deleteFiles || 'live'} delete file(s)` };
  }
  const columns: { id: number; name: string; type: PrimitiveType }[] = [];
  for (const id of new Set(request.bounds)) {
    const field = plan.schema.fields.find((f) => f.id === id);
    if (!field) return { ok: false, reason: `field ${id} is not a top-level column` };
    if (typeof field.type !== 'string' || !trustedType(field.type)) return { ok: false, reason: `bounds of ${typeof field.type === 'string' ? field.type : field.type.type} column "${field.name}" may be inexact` };
    columns.push({ id, name: field.name, type: field.type });
  }
  let rows = 0n;
  const min = new Map<number, IcebergValue | null>(columns.map((c) => [c.id, null]));
  const max = new Map<number, IcebergValue | null>(columns.map((c) => [c.id, null]));
  for (const { file } of plan.tasks) {
    rows += file['record-count'];
    if (file['record-count'] === 0n) continue;
    for (const c of columns) {
      const found = fileBounds(file, c.id, c.type);
      if (found === 'all-null') continue;
      if (found === undefined) return { ok: false, reason: `data file ${file['file-path']} records no exact bounds for column "${c.name}"` };
      const [lo, hi] = found;
      const m = min.get(c.id), x = max.get(c.id);
      if (m === null || m === undefined || compareValues(lo, m) < 0) min.set(c.id, lo);
      if (x === null || x === undefined || compareValues(hi, x) > 0) max.set(c.id, hi);
    }
  }
  return { ok: true, rows, min, max, dataFiles: plan.tasks.length, manifestsRead: plan.metrics.manifestsRead };
}

function trustedType(type: PrimitiveType): boolean {
  const kind = primitiveInfo(type).kind;
  return kind === 'decimal' || WIDTH[kind] !== undefined;
}

/** A file's [lower, upper] for the column, 'all-null' when it holds no non-null value, undefined when not known exactly. */
function fileBounds(file: DataFile, id: number, type: PrimitiveType): [IcebergValue, IcebergValue] | 'all-null' | undefined {
  const lo = file['lower-bounds']?.get(id), hi = file['upper-bounds']?.get(id);
  const nulls = file['null-value-counts']?.get(id);
  if (!lo || !hi) return nulls === file['record-count'] ? 'all-null' : undefined;
  const kind = primitiveInfo(type).kind;
  const width = WIDTH[kind];
  if (width !== undefined && (lo.length !== width || hi.length !== width)) return undefined;
  if (kind === 'float' || kind === 'double') {
    if (file['nan-value-counts']?.get(id) !== 0n) return undefined;
  }
  const low = decodeValue(type, lo), high = decodeValue(type, hi);
  // -0.0 and 0.0 compare equal, so a bound of zero does not say which of the two the column holds.
  if ((kind === 'float' || kind === 'double') && (low === 0 || high === 0)) return undefined;
  return [low, high];
}
