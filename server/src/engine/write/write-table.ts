// writeTable: a query's result becomes a commit on an Iceberg table (create, overwrite, append or merge).
// Order: plan schema and spec → one COPY writes the data files → manifests → commit with retry/rebase.
// Merge writes an equality-delete file of the new rows' keys in the same snapshot: older rows with those keys
// are deleted (their sequence number is lower), the new rows are not (same sequence number).
import { performance } from 'node:perf_hooks';
import type { Catalog } from '../../catalog/catalog.js';
import { CatalogError } from '../../catalog/catalog.js';
import type { DataFile, PartitionSpec, Schema, StructType, TableIdentifier, TableMetadata } from '../../iceberg/spec.js';
import type { Storage } from '../../storage/storage.js';
import { storageFor } from '../../storage/factory.js';
import { s3OptionsForTable, s3OptionsFromEnv, type TableConfigRefresher } from '../../storage/s3.js';
import type { DuckSession } from '../session.js';
import { quoteIdent, subquery } from './duckdb-to-iceberg.js';
import { writeDataFiles } from './data-writer.js';
import { commitWithRetry, tableName } from './commit-loop.js';
import type { ManifestIO } from './manifest-io.js';
import { defaultManifestIO } from './manifest-io-default.js';
import { parsePartitionBy, partitionColumns, planPartitionSpec } from './partition-by.js';
import { queryColumns } from './query-columns.js';
import { newSnapshotId, produceSnapshot, writeNewManifests, type PendingSnapshot } from './snapshot-producer.js';
import { planWriteSchema, sameFields, type QueryColumn, type WriteSchema } from './write-schema.js';
import { commitOnTable, createUpdates, newTableMetadata } from './table-commit.js';
import { WriteError } from './write-error.js';
import { withWriteDefaults } from './write-defaults.js';

export type WriteMode = 'create' | 'overwrite' | 'append' | 'merge';

/** Makes the Storage for a table location, given the table config the catalog returned (e.g. vended S3 credentials). */
/** Storage for a table's files from its catalog config; `refresher` renews vended keys before they expire. */
export type StorageFactory = (location: string, tableConfig: Record<string, string>, refresher?: TableConfigRefresher) => Storage;

export interface WriteProgress { phase: 'planning' | 'writing' | 'committing' | 'done'; files: number; rows: bigint; attempt?: number }

export interface WriteTableOptions {
  session: DuckSession;
  catalog: Catalog;
  storageFactory?: StorageFactory;
  table: TableIdentifier;
  sql: string;
  mode: WriteMode;
  /** Merge: the columns that identify a row. */
  uniqueKey?: string | string[];
  /** e.g. "day(ts), bucket(16, id)"; for a new table or to change an existing table's spec. */
  partitionBy?: string | string[];
  /** Location of a new table (default: the catalog's choice). */
  location?: string;
  /** Properties of a new table. */
  properties?: Record<string, string>;
  onProgress?: (p: WriteProgress) => void;
  /** Aborting before the commit leaves the table unchanged and removes the files written. */
  signal?: AbortSignal;
  manifestIO?: ManifestIO;
  maxCommitAttempts?: number;
  /**
   * Append and merge when the query's columns differ from the table's (dbt's on_schema_change):
   * append_new_columns (default) adds new columns and widens types; ignore writes only the table's columns, in its
   * types; fail refuses any change; sync_all_columns also drops the table's columns the query lacks.
   */
  onSchemaChange?: OnSchemaChange;
  /**
   * The main branch snapshot the rows were computed from (null: the table had none). A commit that finds the table
   * moved on fails with a 'conflict' instead of rebasing, for writes whose rows depend on the table's own state (dbt
   * snapshots), which must be computed again.
   */
  computedFrom?: bigint | null;
  /** Per column (by name): a required field and its doc, from a model contract. */
  fieldSpecs?: Record<string, { required?: boolean; doc?: string }>;
}

export type OnSchemaChange = 'append_new_columns' | 'ignore' | 'fail' | 'sync_all_columns';

export interface WriteTableResult {
  table: TableIdentifier;
  snapshotId: bigint;
  operation: 'append' | 'overwrite';
  rows: bigint;
  files: number;
  bytes: bigint;
  schemaChanged: boolean;
  attempts: number;
  ms: number;
}

/** Storage from the catalog's table config (vended credentials) over the AWS environment variables. */
export const defaultStorageFactory: StorageFactory = (location, config, refresher) => storageFor(location, { s3: s3OptionsForTable(config, s3OptionsFromEnv(), refresher) });

/** Writes the query's result to the table and commits one snapshot. */
export async function writeTable(opts: WriteTableOptions): Promise<WriteTableResult> {
  const started = performance.now();
  const name = tableName(opts.table);
  const io = opts.manifestIO ?? defaultManifestIO;
  const progress = (p: WriteProgress) => opts.onProgress?.(p);
  progress({ phase: 'planning', files: 0, rows: 0n });

  const existing = await loadIfExists(opts.catalog, opts.table);
  if (existing && opts.mode === 'create') throw new WriteError('table-exists', `${name} already exists; use mode overwrite, append or merge`, { table: name });
  const columns = (await queryColumns(opts.session, opts.sql)).map((c) => ({ ...c, ...opts.fieldSpecs?.[c.name] }));
  const keys = opts.mode === 'merge' ? uniqueKeyOf(opts.uniqueKey, columns.map((c) => c.name), name) : [];

  // A new table is staged first: the catalog picks its location and vends credentials; nothing is visible yet.
  let base: TableMetadata;
  let config: Record<string, string>;
  let refresher: TableConfigRefresher | undefined;
  if (existing) {
    base = existing.metadata;
    config = existing.config;
    refresher = existing.credentialRefresher;
  } else {
    const provisional = planWriteSchema(columns, { replace: true }).tableSchema;
    const staged = await opts.catalog.createTable(opts.table.namespace, {
      name: opts.table.name, schema: provisional, location: opts.location, stageCreate: true,
      properties: { 'format-version': '2', ...opts.properties },
    });
    base = staged.metadata;
    config = staged.config;
    refresher = staged.credentialRefresher;
  }
  const creating = !existing;
  const formatVersion = base['format-version'];
  if (formatVersion !== 2 && formatVersion !== 3) {
    const how = formatVersion === 1 ? ' (upgrade it with the property format-version=2)' : '';
    throw new WriteError('unsupported-format', `${name} is an Iceberg format v${formatVersion} table; Floe writes v2 and v3 tables only${how}`, { table: name });
  }
  const asked = opts.properties?.['format-version'];
  if (existing && asked !== undefined && asked !== String(formatVersion)) {
    throw new WriteError('bad-argument', `${name} is an Iceberg format v${formatVersion} table; format version ${asked} applies only to a table the write creates`, { table: name });
  }
  const current = creating ? undefined : currentSchemaOf(base);
  const policy = opts.mode === 'overwrite' || creating ? 'append_new_columns' : opts.onSchemaChange ?? 'append_new_columns';
  const ws = planWriteSchema(policy === 'ignore' && current ? onlyTableColumns(columns, current) : columns, {
    current: current && { schema: current, lastColumnId: base['last-column-id'], formatVersion },
    replace: opts.mode === 'overwrite' || policy === 'sync_all_columns',
  });
  if (policy === 'fail' && ws.changed) {
    throw new WriteError('incompatible-schema', `the query's columns differ from ${name}'s (on_schema_change is fail): table has ${current!.fields.map((f) => f.name).join(', ')}; query has ${columns.map((c) => c.name).join(', ')}`, { table: name });
  }
  const { schema, reused: reusedSchema } = withResolvedSchemaId(ws, creating ? [] : base.schemas);
  const specs = creating ? [] : base['partition-specs'];
  const lastPartitionId = creating ? 999 : base['last-partition-id'];
  const specPlan = opts.partitionBy !== undefined && String(opts.partitionBy).trim() !== ''
    ? planPartitionSpec(parsePartitionBy(opts.partitionBy), schema, { specs, lastPartitionId })
    : creating
      ? { spec: { 'spec-id': 0, fields: [] } as PartitionSpec, isNew: true, lastPartitionId: 999 }
      : keptSpec(base, schema);
  const spec = specPlan.spec;
  // Equality deletes of a merge are global: they live in an unpartitioned spec.
  const addedSpecs: PartitionSpec[] = specPlan.isNew ? [spec] : [];
  let deleteSpec = [...specs, ...addedSpecs].find((s) => s.fields.length === 0);
  if (opts.mode === 'merge' && !creating && !deleteSpec) {
    // Added after the new default spec, so the catalog numbers them in the same order we did.
    deleteSpec = { 'spec-id': Math.max(...specs.map((s) => s['spec-id']), ...addedSpecs.map((s) => s['spec-id'])) + 1, fields: [] };
    addedSpecs.push(deleteSpec);
  }
  const makeDefault = creating || spec['spec-id'] !== base['default-spec-id'];

  const location = base.location.replace(/\/+$/, '');
  const storage = (opts.storageFactory ?? defaultStorageFactory)(location, config, refresher);
  const dataLocation = base.properties['write.data.path'] ?? `${location}/data`;
  const writeProperties = { ...base.properties, ...opts.properties };
  const compression = writeProperties['write.parquet.compression-codec'];
  const targetFileSize = Number(writeProperties['write.target-file-size-bytes'] ?? 0) || undefined;

  // v3 data files hold every column of the table: the ones the query lacks take their write-default.
  const filled = formatVersion >= 3 ? withWriteDefaults(opts.sql, ws.fileSchema, schema.fields, name) : { sql: opts.sql, fileSchema: ws.fileSchema };

  progress({ phase: 'writing', files: 0, rows: 0n });
  let files = 0, rows = 0n;
  const written = await writeDataFiles({
    session: opts.session, sql: filled.sql, fileSchema: filled.fileSchema, partitionColumns: partitionColumns(spec, filled.fileSchema),
    dataLocation, storage, compression, targetFileSizeBytes: targetFileSize, signal: opts.signal,
    onFile: (f) => { files++; rows += f['record-count']; progress({ phase: 'writing', files, rows }); },
  });
  const ownFiles = [...written.uris];
  let deleteFiles: DataFile[] = [];
  const snapshotId = newSnapshotId();
  let pending: PendingSnapshot;
  try {
    if (keys.length && !creating) {
      const keyFields = keys.map((k) => ws.fileSchema.fields.find((f) => f.name === k)!);
      const keySchema: StructType = { type: 'struct', fields: keyFields };
      const deletes = await writeDataFiles({
        session: opts.session, sql: `SELECT ${keys.map(quoteIdent).join(', ')} FROM ${subquery(opts.sql)} AS "__floe_merge"`,
        fileSchema: keySchema, partitionColumns: [], dataLocation, storage, compression, signal: opts.signal,
      });
      ownFiles.push(...deletes.uris);
      deleteFiles = deletes.files.map((f) => ({ ...f, content: 2, 'equality-ids': keyFields.map((k) => k.id) }));
    }
    const manifests = await writeNewManifests(io, storage, {
      location, formatVersion, schema, spec, deleteSpec: deleteSpec ?? spec, snapshotId, dataFiles: written.files, deleteFiles,
    });
    ownFiles.push(...manifests.map((m) => m['manifest-path']));
    const replaces = (opts.mode === 'overwrite' && !creating) || deleteFiles.length > 0;
    pending = {
      snapshotId, operation: replaces ? 'overwrite' : 'append', replaceAll: opts.mode === 'overwrite' && !creating,
      dataFiles: written.files, deleteFiles, manifests, schemaId: schema['schema-id'],
    };
  } catch (e) {
    await Promise.all(ownFiles.map((u) => storage.delete(u).catch(() => undefined)));
    throw e;
  }

  progress({ phase: 'committing', files, rows });
  const planned = { schemaId: current?.['schema-id'], lastColumnId: base['last-column-id'], uuid: base['table-uuid'], specIds: specs.map((s) => s['spec-id']) };
  const result = await commitWithRetry({
    catalog: opts.catalog, table: opts.table, storage, snapshotId, ownFiles, signal: opts.signal,
    maxAttempts: opts.maxCommitAttempts,
    initial: creating ? undefined : base,
    build: async (latest, attempt) => {
      if (attempt > 1) progress({ phase: 'committing', files, rows, attempt });
      if (!latest) {
        const table = newTableMetadata(base, schema, ws.lastColumnId, spec);
        const produced = await produceSnapshot(io, storage, pending, table);
        return {
          requirements: [{ type: 'assert-create' }],
          updates: createUpdates(base, schema, ws.lastColumnId, spec, opts.properties, produced.snapshot),
          attemptFiles: produced.attemptFiles,
        };
      }
      if (opts.computedFrom !== undefined && (latest.refs.main?.['snapshot-id'] ?? null) !== opts.computedFrom) {
        throw new WriteError('conflict', `${name} changed while this write was computed from its snapshot ${opts.computedFrom ?? '(none)'}; compute it again`, { table: name });
      }
      rebaseCheck(latest, planned, ws, filled.fileSchema, addedSpecs, name);
      const produced = await produceSnapshot(io, storage, pending, latest);
      const { requirements, updates } = commitOnTable(latest, {
        schema: ws.changed ? { schema, reused: reusedSchema, lastColumnId: ws.lastColumnId } : undefined,
        addedSpecs, defaultSpecId: makeDefault ? spec['spec-id'] : undefined, snapshot: produced.snapshot,
        // v3: a column added meanwhile would be missing from our files; the commit then fails and rebaseCheck refuses.
        pinSchema: latest['format-version'] >= 3,
      });
      return { requirements, updates, attemptFiles: produced.attemptFiles };
    },
  });
  progress({ phase: 'done', files, rows });
  return {
    table: opts.table, snapshotId, operation: pending.operation, rows, files,
    bytes: written.files.reduce((n, f) => n + f['file-size-in-bytes'], 0n),
    schemaChanged: ws.changed && !creating, attempts: result.attempts, ms: Math.round(performance.now() - started),
  };
}

async function loadIfExists(catalog: Catalog, table: TableIdentifier) {
  try {
    return await catalog.loadTable(table);
  } catch (e) {
    if (e instanceof CatalogError && e.kind === 'not-found') return undefined;
    throw e;
  }
}

/** The table's default spec, unless the new schema dropped one of its source columns: then an unpartitioned spec. */
function keptSpec(base: TableMetadata, schema: Schema): { spec: PartitionSpec; isNew: boolean; lastPartitionId: number } {
  const specs = base['partition-specs'];
  const current = specs.find((s) => s['spec-id'] === base['default-spec-id'])!;
  const lastPartitionId = base['last-partition-id'];
  if (current.fields.every((f) => schema.fields.some((c) => c.id === f['source-id']))) return { spec: current, isNew: false, lastPartitionId };
  const unpartitioned = specs.find((s) => s.fields.length === 0);
  if (unpartitioned) return { spec: unpartitioned, isNew: false, lastPartitionId };
  return { spec: { 'spec-id': specs.reduce((m, s) => Math.max(m, s['spec-id'] + 1), 0), fields: [] }, isNew: true, lastPartitionId };
}

/** on_schema_change ignore: the query's columns the table has, typed as the table types them (values are cast). */
function onlyTableColumns(columns: QueryColumn[], schema: Schema): QueryColumn[] {
  return columns.flatMap((c) => {
    const field = schema.fields.find((f) => f.name === c.name);
    if (!field) return [];
    return [{ name: c.name, type: typeof field.type === 'string' && typeof c.type === 'string' ? field.type : c.type }];
  });
}

function currentSchemaOf(m: TableMetadata): Schema {
  const s = m.schemas.find((x) => x['schema-id'] === m['current-schema-id']);
  if (!s) throw new WriteError('io', `table metadata has no current schema ${m['current-schema-id']}`);
  return s;
}

function uniqueKeyOf(key: string | string[] | undefined, columns: string[], name: string): string[] {
  const keys = (Array.isArray(key) ? key : (key ?? '').split(',')).map((k) => k.trim()).filter(Boolean);
  if (!keys.length) throw new WriteError('bad-argument', `merge into ${name} needs a unique key (unique_key)`, { table: name });
  for (const k of keys) {
    if (!columns.includes(k)) throw new WriteError('bad-argument', `merge key "${k}" is not a column of the query for ${name}`, { table: name });
  }
  return keys;
}

/** An identical earlier schema is made current again (no add-schema); otherwise the new one gets the next free id, as the catalog assigns. */
function withResolvedSchemaId(ws: WriteSchema, schemas: Schema[]): { schema: Schema; reused: boolean } {
  if (!ws.changed) return { schema: ws.tableSchema, reused: false };
  const same = schemas.find((s) => sameFields(s.fields, ws.tableSchema.fields));
  if (same) return { schema: same, reused: true };
  return { schema: { ...ws.tableSchema, 'schema-id': schemas.reduce((m, s) => Math.max(m, s['schema-id'] + 1), 0) }, reused: false };
}

/** After a conflict: our data files carry field ids and a spec planned on the old metadata; they must still hold. */
function rebaseCheck(latest: TableMetadata, planned: { schemaId?: number; lastColumnId: number; uuid: string; specIds: number[] }, ws: WriteSchema, fileSchema: StructType, addedSpecs: PartitionSpec[], name: string): void {
  const fail = (why: string) => { throw new WriteError('conflict', `${name} changed while writing: ${why}; write again`, { table: name }); };
  if (latest['table-uuid'] !== planned.uuid) fail('the table was dropped and re-created');
  if (latest['current-schema-id'] !== planned.schemaId || latest['last-column-id'] !== planned.lastColumnId) {
    if (ws.changed) fail('its schema changed too');
    const current = latest.schemas.find((s) => s['schema-id'] === latest['current-schema-id']);
    const stillThere = (fields: StructType['fields']): boolean => fields.every((f) => JSON.stringify(current?.fields.find((c) => c.id === f.id)?.type) === JSON.stringify(ws.tableSchema.fields.find((t) => t.id === f.id)?.type));
    if (!current || !stillThere(ws.fileSchema.fields)) fail('its schema changed');
    // v3 files hold every column: one added meanwhile would be missing from ours (readers would give it its initial-default).
    if (latest['format-version'] >= 3 && current?.fields.some((f) => !fileSchema.fields.some((w) => w.id === f.id))) fail('a column was added to it');
  }
  const ids = latest['partition-specs'].map((s) => s['spec-id']);
  if (addedSpecs.some((s) => ids.includes(s['spec-id'])) || ids.length !== planned.specIds.length) fail('its partition spec changed');
}
