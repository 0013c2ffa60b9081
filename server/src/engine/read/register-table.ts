// Makes an Iceberg table a DuckDB relation: loads its metadata, plans the scan, brings remote files
// into the local cache with bounded concurrency, and creates a view over the relation SQL.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { LoadTableResult } from '../../catalog/catalog';
import { allFields, nameMappingFromSchema, schemaById, tableNameMapping, type NameMapping } from '../../iceberg/schema';
import type { DataFile, Schema, Snapshot, TableMetadata } from '../../iceberg/spec';
import type { Predicate } from '../../iceberg/predicate';
import { StorageError, type S3Options, type Storage } from '../../storage/storage';
import { storageFor, type StorageOptions } from '../../storage/factory';
import { S3Storage, s3OptionsForTable, s3OptionsFromProperties } from '../../storage/s3';
import type { HeadCopy } from '../../storage/parquet-head';
import { defaultCacheDir, type ProgressListener } from '../../storage/cache';
import { DuckSession, quoteLiteral } from '../session';
import { relationSql, ROW_LINEAGE_FIELDS, type LocalFile, type ReadTask } from './relation-sql';
import { treeWithMappedIds, type ParquetNode } from './nested-projection';
import { icebergScanPlanner } from './default-planner';
import { prunableFilter } from './query-shape';
import { checkFilesAgainstManifest } from './file-integrity';
import { duckFacingSchema, renameWarning } from './column-names';
import { deletionVectorFiles } from './deletion-vectors';
import { isMovedTable, loadTableAt, recordedPathOf, resolveMovedPath, selectSnapshot, tableRootOf } from './table-location';

/** Plans the live files of one snapshot, each with its applicable deletes; paths are re-rooted with `resolvePath`. */
export type ScanPlanner = (args: {
  metadata: TableMetadata;
  snapshot: Snapshot;
  storage: Storage;
  table: string;
  /** Where the table actually lives (the folder holding metadata/). */
  root: string;
  resolvePath(recorded: string): string;
  /** Rows outside it may be left out (files pruned by partition values and column bounds). */
  filter?: Predicate;
  /** The reader takes at most this many rows: a planner may stop once its files hold them (see TableReadOptions.rowLimit). */
  rowLimit?: bigint;
}) => Promise<PlannedTasks>;

/** A planner's answer: every live file, or (under a row limit) only the first files holding enough rows. */
export type PlannedTasks = ReadTask[] | { tasks: ReadTask[]; complete: false; listedRows?: bigint };

export interface TableReadOptions {
  snapshotId?: bigint;
  asOfTimestampMs?: bigint;
  /** Base S3 options (profiles.yml); a catalog's vended credentials override them. */
  s3?: S3Options;
  storage?: StorageOptions;
  /** How many remote files download at once. */
  concurrency?: number;
  onProgress?: ProgressListener;
  /** The scan planner; defaults to the Iceberg manifest planner. */
  planner?: ScanPlanner;
  /** A display name for errors; defaults to the location. */
  tableName?: string;
  /**
   * Lets planning skip files that cannot hold matching rows. The relation then holds only rows that
   * may match, so the caller must apply the same condition in its SQL.
   */
  filter?: Predicate;
  /**
   * The same, read from a query's SQL text: only its terms whose constants DuckDB and Iceberg read alike prune
   * (see prunableFilter); the others keep every file.
   */
  sqlFilter?: Predicate;
  /** Add the v3 row-lineage columns `_row_id` and `_last_updated_sequence_number` (inherited where files lack them). */
  rowLineage?: boolean;
  /**
   * The caller reads at most this many rows, unfiltered and in no order (a preview's LIMIT): planning may stop at
   * files holding that many (only where no filter and no delete file can remove rows). See TableRelation.partial.
   */
  rowLimit?: number;
}

export interface TableRelation {
  /** A SELECT yielding the table's rows. */
  sql: string;
  /** The schema as the SELECT's columns name it: names equal ignoring case made distinct (column-names.ts). */
  schema: Schema;
  /** Things the reader should be told (columns renamed for DuckDB), each naming the table. */
  warnings: string[];
  snapshotId?: bigint;
  metadataLocation?: string;
  dataFiles: number;
  deleteFiles: number;
  /** Local copies and the table files they stand for (cache path -> URI), to name files in DuckDB errors. */
  localFiles: Map<string, string>;
  /**
   * Set when a row limit left files out: the relation holds at least that many rows but not the whole table.
   * `listedRows` is the table's row count from its manifest list, when the format version makes it exact.
   */
  partial?: { listedRows?: bigint };
}

let defaultPlanner: ScanPlanner = icebergScanPlanner;
/** Replaces the planner used when none is passed (tests, alternative planners). */
export function setDefaultScanPlanner(planner: ScanPlanner): void {
  defaultPlanner = planner;
}

/** A table's metadata and chosen snapshot, with where it lives and the storage to read it through. */
export interface OpenedTable {
  metadata: TableMetadata;
  metadataLocation?: string;
  /** Where the table actually lives (the folder holding metadata/). */
  root: string;
  /** The name errors use. */
  table: string;
  snapshot?: Snapshot;
  /** The snapshot's schema with the names DuckDB sees (see column-names.ts). */
  schema: Schema;
  /** The snapshot's schema as written (names files may be mapped by). */
  written: Schema;
  /** Columns renamed for DuckDB, for the warning that says so. */
  renamed: Parameters<typeof renameWarning>[1];
  storageOptions: StorageOptions;
}

/** Loads a table at a location (folder or metadata.json) or from a catalog's LoadTableResult, and picks its snapshot. */
export async function openTable(source: string | LoadTableResult, options: TableReadOptions = {}): Promise<OpenedTable> {
  const loaded = typeof source === 'string' ? undefined : source;
  const s3 = loaded ? s3OptionsForTable(loaded.config ?? {}, s3OptionsFromProperties(loaded.metadata.properties, options.s3), loaded.credentialRefresher) : options.s3;
  const storageOptions: StorageOptions = { ...options.storage, s3: { ...options.storage?.s3, ...s3 } };
  let metadata: TableMetadata;
  let metadataLocation: string | undefined;
  let root: string;
  if (typeof source === 'string') {
    const located = await loadTableAt(source, storageFor(source, storageOptions));
    ({ metadata, metadataLocation, root } = located);
  } else {
    metadata = source.metadata;
    metadataLocation = source.metadataLocation;
    root = metadataLocation ? tableRootOf(metadataLocation) : metadata.location.replace(/\/+$/, '');
  }
  const table = options.tableName ?? (typeof source === 'string' ? source : metadataLocation ?? metadata.location);
  const snapshot = selectSnapshot(metadata, table, options);
  const timeTravel = options.snapshotId !== undefined || options.asOfTimestampMs !== undefined;
  const written = timeTravel && snapshot?.['schema-id'] !== undefined ? schemaById(metadata, snapshot['schema-id']) : schemaById(metadata, metadata['current-schema-id']);
  // names as DuckDB sees them (columns equal ignoring case made distinct), so every reader of the table agrees
  const { schema, renamed } = duckFacingSchema(written);
  return { metadata, metadataLocation, root, table, snapshot, schema, written, renamed, storageOptions };
}

/** Builds the relation SQL for a table at a location (folder or metadata.json) or from a catalog's LoadTableResult. */
export async function tableRelation(source: string | LoadTableResult, options: TableReadOptions = {}): Promise<TableRelation> {
  const { metadata, metadataLocation, root, table, snapshot, schema: facing, written, renamed, storageOptions } = await openTable(source, options);
  const schema = options.rowLineage ? { ...facing, fields: [...facing.fields, ...ROW_LINEAGE_FIELDS] } : facing;
  const warnings = renamed.length > 0 ? [renameWarning(table, renamed)] : [];
  const base = { schema, snapshotId: snapshot?.['snapshot-id'], metadataLocation, warnings };
  if (!snapshot) {
    return { ...base, sql: relationSql({ schema: facing, partitionSpecs: metadata['partition-specs'], tasks: [], fileFor: () => ({ localPath: '' }), rowLineage: options.rowLineage }), dataFiles: 0, deleteFiles: 0, localFiles: new Map() };
  }
  const planner = options.planner ?? defaultPlanner;
  const resolvePath = (p: string) => resolveMovedPath(p, metadata.location, root);
  const io = storageFor(root, storageOptions);
  let tasks: ReadTask[];
  let partial: TableRelation['partial'];
  const rowLimit = options.rowLimit === undefined || options.filter || options.sqlFilter ? undefined : BigInt(options.rowLimit);
  try {
    const filter = options.filter ?? (options.sqlFilter && prunableFilter(options.sqlFilter, schema));
    const planned = await planner({ metadata, snapshot, storage: io, table, root, resolvePath, filter, rowLimit });
    tasks = Array.isArray(planned) ? planned : planned.tasks;
    if (!Array.isArray(planned)) partial = { listedRows: planned.listedRows };
  } catch (e) {
    // A missing or unreadable manifest: say which table it belongs to.
    if (e instanceof StorageError) throw new StorageError(e.kind, e.uri, `${e.message.replace(` (${e.uri})`, '')}: a metadata file of table ${table}`, { cause: e });
    throw e;
  }

  const files = new Map<string, LocalFile>();
  // Files whose footer the fetch already read (a partial copy's): their field names need no DuckDB probe.
  const namedByCopy = new Set<string>();
  // Each data and delete file once, with its manifest entry (recorded size and row count).
  const entries = new Map<string, DataFile>();
  for (const t of tasks) for (const f of deleteAndDataFiles(t)) entries.set(f['file-path'], f);
  // Under a row limit, a remote data file no delete applies to is fetched only as far as its first rows go.
  const firstRowsOnly = new Set(rowLimit === undefined ? [] : tasks.filter(readsEveryRowAsWritten).map((t) => t.file['file-path']));
  const heads = new Map<string, { size: number; rows: bigint }>();
  await forEachLimited([...entries.keys()], options.concurrency ?? 8, async (path) => {
    const uri = resolvePath(path);
    const rows = firstRowsOnly.has(path) ? Number(rowLimit) : undefined;
    const entry = entries.get(path)!;
    const head = rows === undefined ? undefined : { rows, splitOffsets: entry['split-offsets']?.map(Number) };
    const copy = await localCopy(uri, Number(entry['file-size-in-bytes']), table, storageOptions, options.onProgress, head);
    files.set(path, { localPath: copy.localPath, ...(copy.columns ? { fieldNames: topLevelFieldNames(copy.columns) } : {}) });
    if (copy.columns) namedByCopy.add(path);
    if (!copy.complete && copy.object) heads.set(path, copy.object);
  });
  const moved = isMovedTable(metadata.location, root);
  await checkFilesAgainstManifest([...entries].map(([p, entry]) => ({ entry, uri: resolvePath(p), localPath: files.get(p)!.localPath, atRecordedPath: !moved, partOf: heads.get(p) })), table);
  if (heads.size > 0 && !partial) {
    // Every file was planned but some were read only in part: the table's row count is still known when no
    // delete file applies to any of them.
    partial = tasks.every(readsEveryRowAsWritten) ? { listedRows: tasks.reduce((n, t) => n + t.file['record-count'], 0n) } : {};
  }

  const vectors = tasks.some((t) => t.deletionVector) ? await deletionVectorFiles(tasks, {
    table,
    localPathOf: (p) => files.get(p)!.localPath,
    uriOf: resolvePath,
    sameDataFile: (a, b) => resolvePath(a) === resolvePath(b),
    dir: path.join(storageOptions.cache?.dir ?? defaultCacheDir(), 'deletion-vectors'),
  }) : undefined;

  const dataFiles = tasks.map((t) => files.get(t.file['file-path'])!);
  let mapping = tableNameMapping(metadata);
  if (mapping) {
    await markFilesWithoutFieldIds(dataFiles);
  } else if (dataFiles.length > 0 && !hasColumnMetrics(tasks[0].file)) {
    // Without a name mapping, files lacking field ids would read as all NULLs. Writers that know field ids record
    // per-id metrics, so only a file without them is probed; if its footer has no ids, every file's columns map
    // by the schema's current names (as engines do for migrated tables).
    await markFilesWithoutFieldIds(dataFiles.slice(0, 1));
    if (dataFiles[0].columnNames !== undefined) {
      await markFilesWithoutFieldIds(dataFiles.slice(1));
      mapping = nameMappingFromSchema(written);
    }
  }
  const mappedNames = mapping ? topLevelNames(mapping) : undefined;
  // A table of a few files reads faster by the names its field ids were written under (see relation-sql.ts).
  if (dataFiles.length > 0 && dataFiles.length <= FEW_FILES && dataFiles.every((f) => f.columnNames === undefined)) {
    await probeFieldNames(tasks.filter((t) => !namedByCopy.has(t.file['file-path'])).map((t) => files.get(t.file['file-path'])!));
  }
  // DuckDB matches nested fields by name: every file's nested names are checked against the schema's field ids.
  // A table that never changed its schema holds only files written with its names, so only the few-file fast read
  // needs their trees then (footers cost ~0.1 ms per file, once).
  if (schema.fields.some((f) => typeof f.type !== 'string')) {
    const evolved = metadata.schemas.length > 1;
    // A struct field renamed for DuckDB no longer matches its file's name, and one with an initial default reads as
    // NULL by name where a file lacks it: both are rebuilt by field id.
    const nestedRenamed = renamed.some((r) => r.path.length > 0);
    const nestedDefaults = allFields(schema).some((f) => f.path.length > 1 && f.field?.['initial-default'] !== undefined);
    if (evolved || nestedRenamed || nestedDefaults || dataFiles.length <= FEW_FILES) await probeFieldTrees(dataFiles.filter((f) => f.columnNames === undefined));
    if (mapping) await probeMappedFieldTrees(dataFiles.filter((f) => f.columnNames !== undefined), mapping);
    // Equality deletes keyed on a field inside a struct are read by the path their footer gives its id.
    const topLevel = new Set(schema.fields.map((f) => f.id));
    const nestedKeyed = new Set(tasks.flatMap((t) => t.equalityDeletes).filter((d) => (d['equality-ids'] ?? []).some((id) => !topLevel.has(id))).map((d) => d['file-path']));
    await probeFieldTrees([...nestedKeyed].map((p) => files.get(p)!));
  }

  const sql = relationSql({
    schema: facing,
    rowLineage: options.rowLineage,
    partitionSpecs: metadata['partition-specs'],
    tasks,
    fileFor: (p) => {
      const f = files.get(p);
      if (!f) throw new StorageError('not-found', p, `file of table ${table} was not fetched`);
      return f;
    },
    mappedNames,
    // Position-delete files name data files as recorded; planners may hand us recorded or re-rooted paths.
    pathAliases: (p) => [resolvePath(p), recordedPathOf(p, metadata.location, root)],
    deletionVectorRanges: vectors?.rangesFileOf,
  });
  const deleteFiles = new Set(tasks.flatMap((t) => deleteAndDataFiles(t).slice(1).map((d) => d['file-path']))).size;
  const localFiles = new Map([...files].map(([recorded, f]) => [f.localPath, resolvePath(recorded)]));
  return { ...base, sql, dataFiles: tasks.length, deleteFiles, localFiles, ...(partial ? { partial } : {}) };
}

/** Rewrites local cache paths in a DuckDB error message to the table files they stand for. */
export function nameTableFiles(message: string, relations: TableRelation[]): string {
  let out = message;
  for (const r of relations) for (const [local, uri] of r.localFiles) if (local !== uri) out = out.split(local).join(uri);
  return out;
}

/** Registers a table as a DuckDB view named by `alias` (or [schema, name]); returns what was read. */
export async function registerIcebergTable(
  session: DuckSession,
  alias: string | [string, string] | [string, string, string],
  source: string | LoadTableResult,
  options: TableReadOptions = {},
): Promise<TableRelation> {
  const relation = await tableRelation(source, { tableName: Array.isArray(alias) ? alias.join('.') : alias, ...options });
  await session.registerView(alias, relation.sql);
  return relation;
}

/**
 * A local copy of a table file: the file itself when local, else a cached download. With `head`, a remote Parquet
 * file may be fetched only as far as its first row groups holding that many rows (see parquet-head.ts).
 */
async function localCopy(uri: string, size: number | undefined, table: string, storageOptions: StorageOptions, onProgress?: ProgressListener, head?: { rows: number; splitOffsets?: number[] }): Promise<HeadCopy> {
  const storage = storageFor(uri, storageOptions);
  const knownSize = Number.isFinite(size) && size! > 0 ? size : undefined;
  try {
    if (storage instanceof S3Storage) {
      if (head !== undefined && knownSize !== undefined) return await storage.localHead(uri, { size: knownSize, ...head, onProgress });
      return { localPath: await storage.localPath(uri, { size: knownSize, onProgress }), complete: true };
    }
    return { localPath: await storage.localPath(uri), complete: true };
  } catch (e) {
    if (e instanceof StorageError && e.kind === 'not-found') {
      throw new StorageError('not-found', uri, `data file of table ${table} is missing`, { cause: e });
    }
    if (e instanceof StorageError) throw new StorageError(e.kind, uri, `${e.message.replace(` (${e.uri})`, '')} (table ${table})`, { cause: e });
    throw e;
  }
}

/** A task's data file first, then every delete file it reads (a deletion vector's Puffin file included). */
function deleteAndDataFiles(t: ReadTask): DataFile[] {
  return [t.file, ...t.positionDeletes, ...t.equalityDeletes, ...(t.deletionVector ? [t.deletionVector] : [])];
}

/** A Parquet data file read as written: no delete file applies, so its first rows are rows of the table. */
function readsEveryRowAsWritten(t: ReadTask): boolean {
  return t.file['file-format'] === 'PARQUET' && t.positionDeletes.length === 0 && t.equalityDeletes.length === 0 && !t.deletionVector;
}

function hasColumnMetrics(file: DataFile): boolean {
  return (file['value-counts']?.size ?? 0) > 0 || (file['column-sizes']?.size ?? 0) > 0;
}

function topLevelNames(mapping: NameMapping): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const f of mapping) if (f['field-id'] !== undefined) out.set(f['field-id'], f.names);
  return out;
}

/** What a data file's Parquet footer says about its columns. */
interface Footer {
  hasIds: boolean;
  /** Every column name in the file's schema. */
  names: string[];
  /** Top-level field id → column name, when every top-level column has an id. */
  fieldNames?: Map<number, string>;
  /** The schema tree below the root: every column with its field id, nested ones included. */
  tree: ParquetNode[];
}

/** Footers by local path, size and mtime: data files are immutable, so a footer read once stays true. */
const footers = new Map<string, Footer>();
const FOOTERS_KEPT = 4096;

function footerKey(localPath: string): string | undefined {
  try {
    const st = statSync(localPath);
    return `${localPath}\u0000${st.size}\u0000${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/** Reads the footers (metadata only, one query) of files not read before. */
async function readFooters(files: LocalFile[]): Promise<Map<string, Footer>> {
  const out = new Map<string, Footer>();
  const pending = new Set<string>();
  for (const f of files) {
    const key = footerKey(f.localPath);
    const known = key === undefined ? undefined : footers.get(key);
    if (known) out.set(f.localPath, known);
    else pending.add(f.localPath);
  }
  if (pending.size === 0) return out;
  const session = await DuckSession.open();
  try {
    const list = `[${[...pending].map(quoteLiteral).join(', ')}]`;
    // parquet_schema lists each file's schema tree depth-first: a node, then its num_children subtrees.
    const r = await session.query(`SELECT file_name, name, field_id, num_children, duckdb_type FROM parquet_schema(${list})`);
    const rowsByFile = new Map<string, SchemaRow[]>();
    for (const [file, name, id, children, type] of r.rows) {
      let rows = rowsByFile.get(file as string);
      if (!rows) rowsByFile.set(file as string, (rows = []));
      rows.push({ name: name as string, id: id === null ? null : Number(id), children: Number(children ?? 0), type: (type as string | null) ?? null });
    }
    for (const [file, rows] of rowsByFile) {
      const footer: Footer = {
        hasIds: rows.some((row) => row.id !== null),
        names: rows.map((row) => row.name),
        fieldNames: topLevelFieldNames(rows),
        tree: schemaTree(rows),
      };
      out.set(file, footer);
      const key = footerKey(file);
      if (key === undefined) continue;
      if (footers.size >= FOOTERS_KEPT) footers.delete(footers.keys().next().value!);
      footers.set(key, footer);
    }
  } finally {
    session.close();
  }
  return out;
}

/** One row of parquet_schema(): the file's schema tree listed depth-first. */
interface SchemaRow { name: string; id: number | null; children: number; type: string | null }

/** The tree below the root node from parquet_schema's depth-first rows. */
function schemaTree(rows: SchemaRow[]): ParquetNode[] {
  let at = 0;
  const node = (): ParquetNode => {
    const row = rows[at++];
    const children: ParquetNode[] = [];
    for (let c = 0; c < row.children && at < rows.length; c++) children.push(node());
    return { name: row.name, id: row.id, type: row.type, children };
  };
  return rows.length === 0 ? [] : node().children;
}

function topLevelFieldNames(rows: Array<Pick<SchemaRow, 'name' | 'id' | 'children'>>): Map<number, string> | undefined {
  const names = new Map<number, string>();
  const skip = (i: number): number => {
    let next = i + 1;
    for (let c = 0; c < rows[i].children; c++) next = skip(next);
    return next;
  };
  let at = 1;
  for (let c = 0; c < (rows[0]?.children ?? 0) && at < rows.length; c++) {
    const node = rows[at];
    if (node.id === null || names.has(node.id)) return undefined;
    names.set(node.id, node.name);
    at = skip(at);
  }
  return names;
}

/** Finds files written without field ids (read through the name mapping instead). */
async function markFilesWithoutFieldIds(files: LocalFile[]): Promise<void> {
  if (files.length === 0) return;
  const found = await readFooters(files);
  for (const f of files) {
    const footer = found.get(f.localPath);
    if (footer && !footer.hasIds) f.columnNames = footer.names;
  }
}

/** Up to this many data files, footers are read for their top-level field ids (see relation-sql.ts). */
const FEW_FILES = 4;

/** Sets each file's top-level field id → column name map; an unreadable footer leaves the read to report it. */
async function probeFieldNames(files: LocalFile[]): Promise<void> {
  const found = await readFooters(files).catch(() => new Map<string, Footer>());
  for (const f of files) f.fieldNames = found.get(f.localPath)?.fieldNames;
}

/** Sets each file's Parquet schema tree, so nested fields renamed since it was written are read by id. */
async function probeFieldTrees(files: LocalFile[]): Promise<void> {
  if (files.length === 0) return;
  const found = await readFooters(files).catch(() => new Map<string, Footer>());
  for (const f of files) f.fieldTree = found.get(f.localPath)?.tree;
}

/** Sets the trees of files without field ids, ids taken from the name mapping (see treeWithMappedIds). */
async function probeMappedFieldTrees(files: LocalFile[], mapping: NameMapping): Promise<void> {
  if (files.length === 0) return;
  const found = await readFooters(files).catch(() => new Map<string, Footer>());
  for (const f of files) {
    const tree = found.get(f.localPath)?.tree;
    f.fieldTree = tree && treeWithMappedIds(tree, mapping);
  }
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

