// Writes a query's rows as Parquet data files with one DuckDB COPY: at the table's data folder for local
// tables, or into a local staging folder whose files are uploaded byte for byte for S3. One encode, no rewrite.
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DuckSession } from '../session.js';
import type { DataFile, StructType } from '../../iceberg/spec.js';
import type { Storage } from '../../storage/storage.js';
import { isS3Uri } from '../../storage/factory.js';
import { localPathOf } from '../../storage/local.js';
import { duckTypeSql, quoteIdent, subquery } from './duckdb-to-iceberg.js';
import { quoteLiteral } from '../../sql/quote.js';
import { fieldIdsOption } from './field-ids.js';
import { dataFileFromStats, type CopyStatsRow } from './file-stats.js';
import type { PartitionColumn } from './partition-by.js';
import { registerBucketFunctions } from './bucket-udf.js';
import { parseStatText } from './stat-values.js';
import { WriteError } from './write-error.js';
import { rowGroupStartsOf } from './split-offsets.js';

export interface WriteDataFilesInput {
  session: DuckSession;
  /** The query whose rows are written. */
  sql: string;
  /** Columns with ids and the types they are written as (query columns are cast to these). */
  fileSchema: StructType;
  partitionColumns: PartitionColumn[];
  /** The folder data files go to, e.g. `<table location>/data`. */
  dataLocation: string;
  storage: Storage;
  /** Rows per file are bounded by this size for unpartitioned writes (DuckDB cannot combine it with PARTITION_BY). */
  targetFileSizeBytes?: number;
  /** Parquet codec: snappy, zstd, gzip or uncompressed. */
  compression?: string;
  signal?: AbortSignal;
  onFile?: (file: DataFile) => void;
}

export interface WrittenDataFiles {
  files: DataFile[];
  /** Every object written, for cleanup if the commit certainly fails. */
  uris: string[];
}

/** Runs the COPY and returns one DataFile per non-empty Parquet file, at its final URI. */
export async function writeDataFiles(input: WriteDataFilesInput): Promise<WrittenDataFiles> {
  const remote = isS3Uri(input.dataLocation);
  const localRoot = remote ? await mkdtemp(path.join(tmpdir(), 'floe-write-')) : localPathOf(input.dataLocation);
  const prefix = randomUUID();
  const uris: string[] = [];
  try {
    await mkdir(localRoot, { recursive: true });
    if (input.partitionColumns.some((p) => p.sql.includes('floe_iceberg_bucket'))) registerBucketFunctions(input.session.connection);
    const rows = await runCopy(input, localRoot, prefix);
    const kept: { row: CopyStatsRow; uri: string }[] = [];
    for (const row of rows) {
      if (BigInt(row.count) === 0n) { await rm(row.filename, { force: true }); continue; }
      const rel = path.relative(localRoot, row.filename).split(path.sep).join('/');
      kept.push({ row, uri: `${input.dataLocation.replace(/\/+$/, '')}/${rel}` });
    }
    const files: DataFile[] = [];
    const starts = await rowGroupStartsOf(input.session, kept.map((k) => k.row.filename));
    // Uploads run a few at a time; every URI is recorded before its upload starts, so a failure cleans it up.
    await forEachLimited(kept, UPLOAD_CONCURRENCY, async ({ row, uri }) => {
      uris.push(uri);
      if (remote) await input.storage.upload(row.filename, uri);
      if (input.signal?.aborted) return;
      const file = dataFileFromStats(row, input.fileSchema, uri, partitionOf(row, input.partitionColumns, uri), starts.get(row.filename));
      files.push(file);
      input.onFile?.(file);
    });
    if (input.signal?.aborted) throw new WriteError('cancelled', 'the write was cancelled before its commit');
    return { files, uris };
  } catch (e) {
    await removeQuietly(input.storage, uris);
    if (!remote) await removeOwnLocalFiles(localRoot, prefix);
    throw e;
  } finally {
    if (remote) await rm(localRoot, { recursive: true, force: true });
  }
}

async function runCopy(input: WriteDataFilesInput, target: string, prefix: string): Promise<CopyStatsRow[]> {
  const select = input.fileSchema.fields
    .map((f) => `CAST(${quoteIdent(f.name)} AS ${duckTypeSql(f.type)}) AS ${quoteIdent(f.name)}`);
  const casted = `SELECT ${select.join(', ')} FROM ${subquery(input.sql)} AS "__floe_query"`;
  const parts = input.partitionColumns;
  const direct = parts.length > 0 && parts.every((p) => p.direct);
  const query = parts.length && !direct
    ? `SELECT *, ${parts.map((p) => `${p.sql} AS ${quoteIdent(p.alias)}`).join(', ')} FROM (${casted}) AS "__floe_rows"`
    : casted;
  const options = [
    'FORMAT parquet',
    `COMPRESSION ${quoteLiteral(input.compression ?? 'snappy')}`,
    `FIELD_IDS ${fieldIdsOption(input.fileSchema)}`,
    'RETURN_STATS true',
    'OVERWRITE_OR_IGNORE true',
    `FILENAME_PATTERN ${quoteLiteral(`${prefix}-{i}`)}`,
    parts.length ? `PARTITION_BY (${parts.map((p) => quoteIdent(p.alias)).join(', ')})` : `FILE_SIZE_BYTES ${input.targetFileSizeBytes ?? 512 * 1024 * 1024}`,
    ...(direct ? ['WRITE_PARTITION_COLUMNS true'] : []),
  ];
  const sql = `COPY (${query}) TO ${quoteLiteral(target)} (${options.join(', ')})`;
  const signal = input.signal;
  if (signal?.aborted) throw new WriteError('cancelled', 'the write was cancelled before it started');
  const onAbort = () => input.session.interrupt();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const reader = await input.session.connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as unknown as CopyStatsRow[];
  } catch (e) {
    if (signal?.aborted) throw new WriteError('cancelled', 'the write was cancelled while writing data files', {}, { cause: e });
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function partitionOf(row: CopyStatsRow, columns: PartitionColumn[], uri: string): Record<string, unknown> {
  const keys = new Map((row.partition_keys ?? []).map((kv) => [kv.key, kv.value]));
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const text = keys.get(c.alias);
    if (text === null || text === undefined) { out[c.field.name] = null; continue; }
    const value = parseStatText(c.keyType, text);
    if (value === undefined) throw new WriteError('io', `cannot read partition value "${text}" of ${c.field.name} for ${uri}`, { uri });
    out[c.field.name] = value;
  }
  return out;
}

const UPLOAD_CONCURRENCY = 4;

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => { while (next < items.length) await fn(items[next++]); };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function removeQuietly(storage: Storage, uris: string[]): Promise<void> {
  await Promise.all(uris.map((u) => storage.delete(u).catch(() => undefined)));
}

/** Removes files of this write (named by its prefix) from a local data folder, and folders left empty. */
async function removeOwnLocalFiles(root: string, prefix: string): Promise<void> {
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try { entries = await readdir(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { await walk(p); await rmdir(p).catch(() => undefined); }
      else if (e.name.startsWith(prefix)) await rm(p, { force: true });
    }
  };
  await walk(root);
}
