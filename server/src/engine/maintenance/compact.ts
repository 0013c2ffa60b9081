// floe table optimize: rewrites a table's small files, and files with deletes applying to them, into files of the
// target size, partition by partition, and commits them as one `replace` snapshot. DuckDB reads each partition's
// files through the read path (which applies position and equality deletes) and the write path's COPY writes them.
// The new files keep the data sequence number of the snapshot that was read, so equality deletes committed
// meanwhile still apply to them; a concurrent append is carried into the commit (rebase); a concurrent delete of
// a rewritten file refuses it. Killed or cancelled before the commit, the table stays at its snapshot.
import { performance } from 'node:perf_hooks';
import { currentSchema } from '../../iceberg/schema.js';
import { partitionKey, planScan, type FileScanTask } from '../../iceberg/scan.js';
import type { DataFile, ManifestEntry, ManifestFile, PartitionSpec } from '../../iceberg/spec.js';
import { tableRelation } from '../read/register-table.js';
import { ROW_LINEAGE_FIELDS } from '../read/relation-sql.js';
import { ROW_LINEAGE_VERSION } from '../../iceberg/row-lineage.js';
import type { DuckSession } from '../session.js';
import { writeDataFiles } from '../write/data-writer.js';
import { manifestUri, newSnapshotId, schemaFor } from '../write/snapshot-producer.js';
import { checkNoNewPositionDeletes } from './concurrent-deletes.js';
import { checkCancelled, loadMaintained, sumBig, type MaintenanceOptions } from './maintained-table.js';
import { commitReplace } from './replace-snapshot.js';

/** Iceberg's default write.target-file-size-bytes. */
export const DEFAULT_TARGET_FILE_SIZE = 512 * 1024 * 1024;

export interface CompactOptions extends MaintenanceOptions {
  session: DuckSession;
  /** Size of the files written (default: the table's write.target-file-size-bytes, else 512 MiB). */
  targetFileSizeBytes?: number;
}

/** One partition whose files are (or would be) rewritten. */
export interface CompactionGroup {
  partition: string;
  dataFiles: number;
  /** Delete files applying to those files. */
  deleteFiles: number;
  bytes: bigint;
  /** Rows in the files before deletes. */
  records: bigint;
}

export interface CompactResult {
  table: string;
  dryRun: boolean;
  groups: CompactionGroup[];
  rewrittenDataFiles: number;
  /** Delete files that apply only to rewritten files, removed with them. */
  removedDeleteFiles: number;
  addedDataFiles: number;
  bytesBefore: bigint;
  bytesAfter: bigint;
  snapshotId?: bigint;
  attempts: number;
  ms: number;
}

interface Group { key: string; spec: PartitionSpec; partition: Record<string, unknown>; tasks: FileScanTask[] }

/** Plans the compaction and, unless a dry run, rewrites and commits it. */
export async function compactTable(opts: CompactOptions): Promise<CompactResult> {
  const started = performance.now();
  const progress = opts.onProgress ?? (() => undefined);
  const t = await loadMaintained(opts, 'compact');
  const result: CompactResult = {
    table: t.name, dryRun: opts.dryRun === true, groups: [], rewrittenDataFiles: 0, removedDeleteFiles: 0, addedDataFiles: 0,
    bytesBefore: 0n, bytesAfter: 0n, attempts: 0, ms: 0,
  };
  const done = () => ({ ...result, ms: Math.round(performance.now() - started) });
  if (!t.snapshot) return done();
  const start = t.snapshot;
  progress({ phase: 'planning', message: `planning ${t.name}` });
  const plan = await planScan(t.metadata, { snapshotId: start['snapshot-id'] }, { read: (p) => t.storage.read(p) });
  const target = opts.targetFileSizeBytes ?? (Number(t.metadata.properties['write.target-file-size-bytes']) || DEFAULT_TARGET_FILE_SIZE);
  const groups = pickGroups(plan.tasks, target);
  const removedDeletes = danglingDeletes(plan.tasks, new Set(groups.flatMap((g) => g.tasks)));
  result.groups = groups.map((g) => summarizeGroup(g));
  result.rewrittenDataFiles = sumBy(result.groups, (g) => g.dataFiles);
  result.removedDeleteFiles = removedDeletes.length;
  result.bytesBefore = sumBig(groups.flatMap((g) => g.tasks), (x) => x.file['file-size-in-bytes']) + sumBig(removedDeletes, (f) => f['file-size-in-bytes']);
  if (opts.dryRun || groups.length === 0) return done();

  const schema = currentSchema(t.metadata);
  const lineage = t.metadata['format-version'] >= ROW_LINEAGE_VERSION;
  const location = t.metadata.location.replace(/\/+$/, '');
  const dataLocation = t.metadata.properties['write.data.path'] ?? `${location}/data`;
  const snapshotId = newSnapshotId();
  const ownFiles: string[] = [];
  const added: DataFile[] = [];
  const manifests: ManifestFile[] = [];
  try {
    const bySpec = new Map<number, DataFile[]>();
    for (const [i, g] of groups.entries()) {
      checkCancelled(opts.signal, t.name);
      progress({ phase: 'rewriting', done: i, total: groups.length, message: `rewriting ${result.groups[i].partition} (${g.tasks.length} files)` });
      // v3 (spec "Row lineage assignment"): the rows move unchanged, so each keeps its _row_id and
      // _last_updated_sequence_number, written into the new file as the reserved metadata columns.
      const relation = await tableRelation(t.loaded, { planner: async () => g.tasks, tableName: t.name, rowLineage: lineage });
      const written = await writeDataFiles({
        session: opts.session, sql: relation.sql, fileSchema: { type: 'struct', fields: lineage ? [...schema.fields, ...ROW_LINEAGE_FIELDS] : schema.fields }, partitionColumns: [],
        dataLocation, storage: t.storage, compression: t.metadata.properties['write.parquet.compression-codec'],
        targetFileSizeBytes: target, signal: opts.signal,
      });
      ownFiles.push(...written.uris);
      const files = written.files.map((f) => ({ ...f, partition: g.partition }));
      added.push(...files);
      const list = bySpec.get(g.spec['spec-id']) ?? bySpec.set(g.spec['spec-id'], []).get(g.spec['spec-id'])!;
      list.push(...files);
    }
    checkCancelled(opts.signal, t.name);
    for (const [specId, files] of bySpec) {
      if (!files.length) continue;
      const spec = t.metadata['partition-specs'].find((s) => s['spec-id'] === specId)!;
      // Explicit data sequence number: the snapshot read; the file sequence number is inherited from the commit.
      const entries: ManifestEntry[] = files.map((f) => ({ status: 1, 'snapshot-id': snapshotId, 'sequence-number': start['sequence-number'], 'data-file': f }));
      const m = await t.io.writeManifest(t.storage, {
        uri: manifestUri(location), formatVersion: t.metadata['format-version'], schema: schemaFor(t.metadata, spec) ?? schema, spec, content: 0, snapshotId, entries,
      });
      ownFiles.push(m['manifest-path']);
      manifests.push(m);
    }
  } catch (e) {
    await Promise.all(ownFiles.map((u) => t.storage.delete(u).catch(() => undefined)));
    throw e;
  }

  const rewritten = new Map(groups.flatMap((g) => g.tasks.map((x) => [x.file['file-path'], g.key] as [string, string])));
  const replace = {
    table: t.name, snapshotId, schemaId: schema['schema-id'], addedFiles: added, addedManifests: manifests, replacedManifests: new Set<string>(),
    removedFiles: new Set([...rewritten.keys(), ...removedDeletes.map((f) => f['file-path'])]),
  };
  progress({ phase: 'committing', message: `committing ${added.length} files in place of ${rewritten.size}` });
  result.attempts = await commitReplace(opts, t, replace, ownFiles, async (latest) => {
    if (latest.refs.main?.['snapshot-id'] !== start['snapshot-id']) {
      await checkNoNewPositionDeletes(t.io, t.storage, latest, start['snapshot-id'], rewritten, t.name);
    }
  });
  result.addedDataFiles = added.length;
  result.bytesAfter = sumBig(added, (f) => f['file-size-in-bytes']);
  result.snapshotId = snapshotId;
  progress({ phase: 'done', message: `${t.name}: ${rewritten.size} files rewritten as ${added.length}` });
  return done();
}

/**
 * Per partition, the files worth rewriting: those with deletes applying to them and those under 75% of the
 * target size (Iceberg's bin-pack defaults); a partition is rewritten when that is two files or more, or any
 * has deletes. A second run over a compacted table finds nothing.
 */
function pickGroups(tasks: FileScanTask[], target: number): Group[] {
  const small = BigInt(Math.floor(target * 0.75));
  const byKey = new Map<string, Group>();
  for (const task of tasks) {
    const key = partitionKey(task.spec['spec-id'], task.spec, task.file.partition);
    const g = byKey.get(key) ?? byKey.set(key, { key, spec: task.spec, partition: task.file.partition, tasks: [] }).get(key)!;
    if (hasDeletes(task) || task.file['file-size-in-bytes'] < small) g.tasks.push(task);
  }
  return [...byKey.values()].filter((g) => g.tasks.length >= 2 || g.tasks.some(hasDeletes));
}

function hasDeletes(t: FileScanTask): boolean {
  return deletesOf(t).length > 0;
}

/** Every delete file that applies to the task's data file, its deletion vector included. */
function deletesOf(t: FileScanTask): DataFile[] {
  return [...t.positionDeletes, ...t.equalityDeletes, ...(t.deletionVector ? [t.deletionVector] : [])];
}

/** Delete files that apply to rewritten files only: once those are gone they delete nothing, so they go too. */
function danglingDeletes(tasks: FileScanTask[], rewritten: Set<FileScanTask>): DataFile[] {
  const uses = new Map<string, { file: DataFile; kept: boolean }>();
  for (const t of tasks) {
    // A Puffin file goes only when every vector in it was for a rewritten file (entries are removed by path).
    for (const d of deletesOf(t)) {
      const u = uses.get(d['file-path']) ?? uses.set(d['file-path'], { file: d, kept: false }).get(d['file-path'])!;
      if (!rewritten.has(t)) u.kept = true;
    }
  }
  return [...uses.values()].filter((u) => !u.kept).map((u) => u.file);
}

function summarizeGroup(g: Group): CompactionGroup {
  const deletes = new Set(g.tasks.flatMap((t) => deletesOf(t).map((d) => d['file-path'])));
  return {
    partition: partitionText(g.spec, g.partition), dataFiles: g.tasks.length, deleteFiles: deletes.size,
    bytes: sumBig(g.tasks, (t) => t.file['file-size-in-bytes']), records: sumBig(g.tasks, (t) => t.file['record-count']),
  };
}

/** `day=19800, bucket=3`, or `(unpartitioned)`. */
export function partitionText(spec: PartitionSpec, partition: Record<string, unknown>): string {
  if (!spec.fields.length) return '(unpartitioned)';
  return spec.fields.map((f) => {
    const v = partition[f.name];
    return `${f.name}=${v === null || v === undefined ? 'null' : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v)}`;
  }).join(', ');
}

function sumBy<T>(items: T[], f: (x: T) => number): number {
  return items.reduce((n, x) => n + f(x), 0);
}
