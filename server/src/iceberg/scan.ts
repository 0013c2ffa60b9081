// Scan planning (spec "Scan Planning"): pick a snapshot, read its manifests concurrently, keep live data files that
// may match the filter, and attach the delete files that apply to each by sequence number and partition.
import type { DataFile, ManifestFile, PartitionSpec, Schema, Snapshot, TableMetadata } from './spec.js';
import { IcebergError } from './errors.js';
import { readManifestList } from './manifest-list.js';
import { inlineManifestFile, readManifest } from './manifest.js';
import { currentSchema, schemaById } from './schema.js';
import { tablePathResolver } from './paths.js';
import { bindPredicate, manifestMayMatch, matchesPartition, metricsMayMatch, projectToPartition, repeatedFieldIds, type Bound, type Predicate } from './predicate.js';
import { compareBytes } from './values.js';
import { isDeletionVector } from './deletion-vector.js';

export interface ScanIO {
  read(path: string): Promise<Uint8Array>;
  exists?(path: string): Promise<boolean>;
}

export interface ScanOptions {
  snapshotId?: bigint;
  asOfTimestampMs?: bigint;
  ref?: string;
  filter?: Predicate;
  /** Where the table actually is, when its metadata records paths under another root. */
  tableLocation?: string;
  /** Manifests read at once. */
  concurrency?: number;
  /** Keep every column metric on planned data files (by default only those a filter needs are read). */
  keepMetrics?: boolean;
  /**
   * Rows the reader will take at most. Without a filter and without live delete files, planning stops once the
   * planned files' record counts reach it (manifests read one by one); otherwise it is ignored.
   */
  rowLimit?: bigint;
}

export interface FileScanTask {
  /** The data file; its column metrics are left out unless ScanOptions.keepMetrics (or a filter needed them). */
  file: DataFile;
  /** The partition spec the file was written with. */
  spec: PartitionSpec;
  /** The file's data sequence number. */
  sequenceNumber: bigint;
  positionDeletes: DataFile[];
  equalityDeletes: DataFile[];
  /** The file's deletion vector (a blob in a Puffin file), if one applies; position delete files are then left out. */
  deletionVector?: DataFile;
}

export interface ScanPlan {
  schema: Schema;
  snapshot?: Snapshot;
  tasks: FileScanTask[];
  /**
   * What planning skipped, for diagnostics and benchmarks (`manifestsRead`: manifest files opened;
   * `deleteManifests`: delete manifests that may hold a live delete file of any kind).
   */
  metrics: { manifests: number; manifestsSkipped: number; manifestsRead: number; dataFiles: number; dataFilesSkipped: number; deleteFiles: number; deleteManifests: number };
  /** False when a row limit stopped planning early: the tasks then hold at least that many rows, not the whole table. */
  complete: boolean;
  /** With a row limit: the snapshot's live rows as its v2+ manifest list records them (required counts there). */
  listedRows?: bigint;
}

/** The snapshot a scan reads: by id, by ref, as of a time, or the current one (undefined for an empty table). */
export function selectSnapshot(m: TableMetadata, o: Pick<ScanOptions, 'snapshotId' | 'asOfTimestampMs' | 'ref'>): Snapshot | undefined {
  const table = m.location;
  const byId = (id: bigint, what: string) => {
    const s = m.snapshots.find((x) => x['snapshot-id'] === id);
    if (!s) throw new IcebergError('not-found', `${what} ${id} does not exist`, { table });
    return s;
  };
  if (o.snapshotId !== undefined) return byId(o.snapshotId, 'snapshot');
  if (o.ref !== undefined) {
    const r = m.refs[o.ref];
    if (!r) throw new IcebergError('not-found', `branch or tag "${o.ref}" does not exist`, { table });
    return byId(r['snapshot-id'], `snapshot of ref "${o.ref}"`);
  }
  if (o.asOfTimestampMs !== undefined) {
    const ts = o.asOfTimestampMs;
    const log = m['snapshot-log'].length > 0
      ? m['snapshot-log']
      : m.snapshots.map((s) => ({ 'timestamp-ms': s['timestamp-ms'], 'snapshot-id': s['snapshot-id'] }));
    let best: { 'timestamp-ms': bigint; 'snapshot-id': bigint } | undefined;
    for (const e of log) if (e['timestamp-ms'] <= ts && (!best || e['timestamp-ms'] >= best['timestamp-ms'])) best = e;
    if (!best) throw new IcebergError('not-found', `no snapshot at or before ${new Date(Number(ts)).toISOString()}`, { table });
    return byId(best['snapshot-id'], 'snapshot');
  }
  const current = m.refs.main?.['snapshot-id'] ?? m['current-snapshot-id'];
  return current === undefined ? undefined : byId(current, 'current snapshot');
}

/** Runs `fn` over items with at most `limit` in flight, keeping order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => { while (next < items.length) { const i = next++; out[i] = await fn(items[i]!); } };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** One string per (spec, partition tuple), to group files by partition. */
export function partitionKey(specId: number, spec: PartitionSpec, partition: Record<string, unknown>): string {
  let key = String(specId);
  for (const f of spec.fields) {
    const v = partition[f.name];
    key += '\u0001' + (v === null || v === undefined ? '\u0000' : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : typeof v === 'bigint' ? `${v}n` : String(v));
  }
  return key;
}

const FILE_PATH_FIELD_ID = 2147483546; // position delete files' file_path column

interface DeleteRef { file: DataFile; seq: bigint; /** referenced data file as recorded */ target: string | undefined }

/** Plans a scan: live data files that may match, each with the delete files that apply to it. */
export async function planScan(metadata: TableMetadata, options: ScanOptions, io: ScanIO): Promise<ScanPlan> {
  const table = metadata.location;
  const snapshot = selectSnapshot(metadata, options);
  const useSnapshotSchema = options.snapshotId !== undefined || options.asOfTimestampMs !== undefined || (options.ref !== undefined && metadata.refs[options.ref]?.type === 'tag');
  const schema = snapshot && useSnapshotSchema && snapshot['schema-id'] !== undefined ? schemaById(metadata, snapshot['schema-id']) : currentSchema(metadata);
  const metrics = { manifests: 0, manifestsSkipped: 0, manifestsRead: 0, dataFiles: 0, dataFilesSkipped: 0, deleteFiles: 0, deleteManifests: 0 };
  if (!snapshot) return { schema, tasks: [], metrics, complete: true };

  let resolve = tablePathResolver(metadata.location, options.tableLocation);
  const firstMetadataFile = snapshot.manifests ? snapshot.manifests[0] : snapshot['manifest-list'];
  // A table read where its metadata says it lives needs no probe (a round trip on S3): its paths resolve as recorded.
  const moved = options.tableLocation !== undefined && options.tableLocation.replace(/\/+$/, '') !== metadata.location.replace(/\/+$/, '');
  if (moved && io.exists && firstMetadataFile !== undefined && await io.exists(firstMetadataFile)) resolve = (p) => p;

  // A v1 snapshot may list its manifests inline: each is read once here for its header, and its bytes kept for below.
  const inlineBytes = new Map<string, Uint8Array>();
  let manifests: ManifestFile[];
  if (snapshot.manifests) {
    manifests = await mapLimit(snapshot.manifests, options.concurrency ?? 16, async (recorded) => {
      const bytes = await io.read(resolve(recorded));
      inlineBytes.set(recorded, bytes);
      return inlineManifestFile(recorded, bytes, snapshot['snapshot-id']);
    });
  } else {
    const listPath = resolve(snapshot['manifest-list']);
    manifests = readManifestList(await io.read(listPath), listPath).manifests;
  }
  metrics.manifests = manifests.length;

  const specs = new Map(metadata['partition-specs'].map((s) => [s['spec-id'], s]));
  const specOf = (id: number, file: string): PartitionSpec => {
    const s = specs.get(id);
    if (!s) throw new IcebergError('invalid-metadata', `manifest uses partition spec ${id}, which the table does not have`, { file, table });
    return s;
  };
  const bound: Bound = options.filter ? bindPredicate(options.filter, schema) : { op: 'true' };
  const projected = new Map<number, Bound>();
  const projectionFor = (spec: PartitionSpec) => {
    let p = projected.get(spec['spec-id']);
    if (!p) { p = projectToPartition(bound, spec); projected.set(spec['spec-id'], p); }
    return p;
  };
  const repeated = repeatedFieldIds(schema);
  const filtering = bound.op !== 'true';

  const toRead = manifests.filter((m) => {
    if (m.content !== 0 || !filtering) return true;
    const keep = manifestMayMatch(projectionFor(specOf(m['partition-spec-id'], m['manifest-path'])), specOf(m['partition-spec-id'], m['manifest-path']), m);
    if (!keep) metrics.manifestsSkipped++;
    return keep;
  });

  const readEntries = async (m: ManifestFile) => {
    const path = resolve(m['manifest-path']);
    const spec = specOf(m['partition-spec-id'], path);
    // data manifests: skip decoding metrics the plan does not use (they dominate allocation); deletes keep theirs
    const omitMetrics = options.keepMetrics || m.content !== 0 ? undefined : filtering ? 'sizes' as const : 'all' as const;
    const bytes = inlineBytes.get(m['manifest-path']) ?? await io.read(path);
    metrics.manifestsRead++;
    const keepSplitOffsets = options.rowLimit !== undefined; // a LIMIT read fetches first row groups by them
    return { m, path, spec, entries: readManifest(bytes, { file: path, manifest: m, spec, ...(omitMetrics ? { omitMetrics, keepSplitOffsets } : {}) }).entries };
  };

  metrics.deleteManifests = liveDeleteManifests(manifests, metadata['format-version']);
  if (options.rowLimit !== undefined && !filtering && metrics.deleteManifests === 0) {
    return { schema, snapshot, metrics, ...await planUpTo(options.rowLimit, manifests, metadata['format-version'], readEntries, resolve, metrics) };
  }

  const dataTasks: FileScanTask[] = [];
  const recordedPaths: string[] = []; // as in the manifests: what delete files' paths and bounds refer to
  const deletes: { ref: DeleteRef; spec: PartitionSpec }[] = [];
  const read = await mapLimit(toRead, options.concurrency ?? 16, readEntries);
  for (const { spec, entries } of read) {
    const partitionFilter = filtering ? projectionFor(spec) : undefined;
    for (const e of entries) {
      if (e.status === 2) continue;
      const file = e['data-file'];
      const recorded = file['file-path'];
      file['file-path'] = resolve(recorded);
      const seq = e['sequence-number'] ?? 0n;
      if (file.content === 0) {
        metrics.dataFiles++;
        if (partitionFilter && (!matchesPartition(partitionFilter, file.partition) || !metricsMayMatch(bound, file, repeated))) {
          metrics.dataFilesSkipped++;
          continue;
        }
        dataTasks.push({ file, spec, sequenceNumber: seq, positionDeletes: [], equalityDeletes: [] });
        recordedPaths.push(recorded);
      } else {
        if (isDeletionVector(file) && !file['referenced-data-file']) {
          throw new IcebergError('invalid-metadata', 'deletion vector has no referenced_data_file in its manifest entry', { file: file['file-path'], table });
        }
        metrics.deleteFiles++;
        deletes.push({ ref: { file, seq, target: file['referenced-data-file'] }, spec });
        if (file['referenced-data-file']) file['referenced-data-file'] = resolve(file['referenced-data-file']);
      }
    }
  }
  if (deletes.length > 0) attachDeletes(dataTasks, recordedPaths, deletes, table);
  return { schema, snapshot, tasks: dataTasks, metrics, complete: true };
}

/**
 * How many delete manifests may hold a live delete file. v2+ manifest lists must record file counts, so a delete
 * manifest that adds and keeps none holds only removed entries; v1 tables have no deletes.
 */
function liveDeleteManifests(manifests: ManifestFile[], formatVersion: number): number {
  return manifests.filter((m) => m.content !== 0 && (formatVersion < 2 || m['added-files-count'] + m['existing-files-count'] > 0)).length;
}

/**
 * Plans data files in manifest-list order until their record counts reach `limit` rows: exact when no delete file
 * can remove rows and no filter applies (the caller checks both; record counts are checked against each file's
 * footer when it is read). Manifests are read one at a time, and v2+ manifests recording no live files are skipped.
 */
/** At most this many manifests of a LIMIT plan are fetched ahead of being reached. */
const EARLY_MANIFESTS = 8;

async function planUpTo(
  limit: bigint,
  manifests: ManifestFile[],
  formatVersion: number,
  readEntries: (m: ManifestFile) => Promise<{ spec: PartitionSpec; entries: { status: number; 'sequence-number'?: bigint; 'data-file': DataFile }[] }>,
  resolve: (p: string) => string,
  metrics: ScanPlan['metrics'],
): Promise<{ tasks: FileScanTask[]; complete: boolean; listedRows?: bigint }> {
  const tasks: FileScanTask[] = [];
  const data = manifests.filter((m) => m.content === 0);
  const listedRows = formatVersion >= 2 ? data.reduce((n, m) => n + m['added-rows-count'] + m['existing-rows-count'], 0n) : undefined;
  // The manifest list's row counts (v2+) say which manifests the limit needs: they are fetched at once (up to
  // EARLY_MANIFESTS, should the counts be wrong), not one round trip after another. Planning still goes by the
  // entries read; a manifest beyond them is read when reached.
  const early = new Map<ManifestFile, ReturnType<typeof readEntries>>();
  if (formatVersion >= 2) {
    let listed = 0n;
    for (const m of data) {
      if (listed >= limit || early.size >= EARLY_MANIFESTS) break;
      if (m['added-files-count'] + m['existing-files-count'] === 0) continue;
      const reading = readEntries(m);
      reading.catch(() => undefined); // awaited in order below; one never reached must not be an unhandled rejection
      early.set(m, reading);
      listed += m['added-rows-count'] + m['existing-rows-count'];
    }
  }
  let rows = 0n, cut = false;
  for (const m of data) {
    if (formatVersion >= 2 && m['added-files-count'] + m['existing-files-count'] === 0) { metrics.manifestsSkipped++; continue; }
    if (rows >= limit) return { tasks, complete: false, listedRows };
    const { spec, entries } = await (early.get(m) ?? readEntries(m));
    for (const e of entries) {
      if (e.status === 2) continue;
      const file = e['data-file'];
      metrics.dataFiles++;
      if (rows >= limit) { metrics.dataFilesSkipped++; cut = true; continue; }
      file['file-path'] = resolve(file['file-path']);
      tasks.push({ file, spec, sequenceNumber: e['sequence-number'] ?? 0n, positionDeletes: [], equalityDeletes: [] });
      rows += file['record-count'];
    }
  }
  return { tasks, complete: !cut, listedRows };
}

/**
 * Spec rules: position deletes and deletion vectors apply at seq >= the data file's, equality deletes at seq > it; same
 * partition unless global. A deletion vector names its one data file; where one applies, position delete files do not.
 */
function attachDeletes(tasks: FileScanTask[], recordedPaths: string[], deletes: { ref: DeleteRef; spec: PartitionSpec }[], table: string): void {
  const byPartition = new Map<string, DeleteRef[]>();
  const global: DeleteRef[] = [];
  const byPath = new Map<string, DeleteRef[]>();
  const vectors = new Map<string, { ref: DeleteRef; spec: PartitionSpec }[]>();
  for (const { ref, spec } of deletes) {
    const target = ref.target;
    if (isDeletionVector(ref.file)) {
      (vectors.get(target!) ?? vectors.set(target!, []).get(target!)!).push({ ref, spec });
    } else if (ref.file.content === 1 && target) {
      (byPath.get(target) ?? byPath.set(target, []).get(target)!).push(ref);
    } else if (spec.fields.length === 0) {
      global.push(ref);
    } else {
      const key = partitionKey(spec['spec-id'], spec, ref.file.partition);
      (byPartition.get(key) ?? byPartition.set(key, []).get(key)!).push(ref);
    }
  }
  const enc = new TextEncoder();
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!, path = recordedPaths[i]!;
    const vector = vectors.size > 0 ? deletionVectorOf(t, path, vectors.get(path), table) : undefined;
    if (vector) t.deletionVector = vector;
    const candidates = [
      ...global,
      ...(byPartition.size > 0 ? byPartition.get(partitionKey(t.spec['spec-id'], t.spec, t.file.partition)) ?? [] : []),
      ...(byPath.get(path) ?? []),
    ];
    let pathBytes: Uint8Array | undefined;
    for (const d of candidates) {
      if (d.file.content === 2) {
        if (d.seq > t.sequenceNumber) t.equalityDeletes.push(d.file);
        continue;
      }
      if (d.seq < t.sequenceNumber || vector) continue;
      const lb = d.file['lower-bounds']?.get(FILE_PATH_FIELD_ID), ub = d.file['upper-bounds']?.get(FILE_PATH_FIELD_ID);
      if (!d.target && (lb || ub)) {
        pathBytes ??= enc.encode(path);
        if ((lb && compareBytes(pathBytes, lb) < 0) || (ub && compareBytes(pathBytes, ub) > 0)) continue;
      }
      t.positionDeletes.push(d.file);
    }
  }
}


/** The one deletion vector that applies to a data file (same path and partition, seq >= the file's); two is an invalid table. */
function deletionVectorOf(t: FileScanTask, path: string, candidates: { ref: DeleteRef; spec: PartitionSpec }[] | undefined, table: string): DataFile | undefined {
  if (!candidates) return undefined;
  const partition = partitionKey(t.spec['spec-id'], t.spec, t.file.partition);
  const applying = candidates.filter(({ ref, spec }) => ref.seq >= t.sequenceNumber && partitionKey(spec['spec-id'], spec, ref.file.partition) === partition);
  if (applying.length > 1) {
    const where = applying.map(({ ref }) => `${ref.file['file-path']} at offset ${ref.file['content-offset']}`).join(', ');
    throw new IcebergError('invalid-metadata', `data file ${path} has ${applying.length} deletion vectors (${where}); a snapshot may hold at most one per data file`, { table });
  }
  return applying[0]?.ref.file;
}
