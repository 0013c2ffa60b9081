// Writes small Iceberg tables in the layouts other engines produce, for read tests: Parquet data files by DuckDB COPY
// (with or without field ids), manifests and manifest lists by our own iceberg/ writers, metadata JSON by hand
// where a layout needs fields our writers never emit (v1 inline manifests).
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckSession, quoteLiteral } from '../../server/src/engine/session';
import { writeManifest } from '../../server/src/iceberg/manifest';
import { writeManifestList } from '../../server/src/iceberg/manifest-list';
import { serializeTableMetadata } from '../../server/src/iceberg/metadata-json';
import { emptyTableMetadata } from '../../server/src/iceberg/apply-updates';
import { allFields } from '../../server/src/iceberg/schema';
import type { DataFile, PartitionSpec, Schema, TableMetadata } from '../../server/src/iceberg/spec';
import { rowGroupStartsOf } from '../../server/src/engine/write/split-offsets';

export interface TestDataFile {
  /** A SELECT giving the file's rows, with the columns as named in the file. */
  select: string;
  /** Parquet field ids by column name (DuckDB's FIELD_IDS value, e.g. `{id: 1}`); omitted: a file without ids. */
  fieldIds?: string;
  /** More COPY options, e.g. `ROW_GROUP_SIZE 2048`. */
  copyOptions?: string;
  /** The file's partition tuple, keyed by partition field name, in iceberg/values.ts in-memory form. */
  partition?: Record<string, unknown>;
  /** Rewrites the written file's bytes (same length), e.g. to make names only a foreign writer would produce. */
  patch?: (bytes: Buffer) => Buffer;
  /** Column metrics to record in the manifest (lower/upper bounds, counts). */
  metrics?: Pick<DataFile, 'lower-bounds' | 'upper-bounds' | 'value-counts' | 'null-value-counts'>;
  /** A file an earlier snapshot added (status EXISTING) with this data sequence number; otherwise ADDED by this one. */
  sequenceNumber?: bigint;
  /** v3: the file's own first_row_id (otherwise inherited from the manifest's). */
  firstRowId?: bigint;
  /** The manifest's split offsets: 'row-groups' for the written file's row group starts (as Java writers record them), or given. */
  splitOffsets?: 'row-groups' | bigint[];
}

export interface TestTable {
  formatVersion?: 1 | 2 | 3;
  schema: Schema;
  spec?: PartitionSpec;
  files: TestDataFile[];
  properties?: Record<string, string>;
  /** v1 only: list the manifests in the snapshot (`manifests`) instead of writing a manifest list. */
  inlineManifests?: boolean;
  /** The snapshot's sequence number (ADDED files inherit it); 1 by default. */
  sequenceNumber?: bigint;
  /** v3: the manifest's first_row_id in the manifest list (absent: null, as in tables upgraded to v3). */
  manifestFirstRowId?: bigint;
}

/** A DuckDB-written TIMESTAMP_NS column marked UTC-adjusted in the footer: the timestamptz_ns layout other engines write. */
export function markNanosUtc(bytes: Buffer): Buffer {
  // Thrift compact: LogicalType.TIMESTAMP {isAdjustedToUTC: false, unit: NANOS {}}; 0x12 (false) becomes 0x11 (true).
  const from = Buffer.from([0x8c, 0x12, 0x1c, 0x3c, 0, 0, 0, 0]);
  const at = bytes.indexOf(from);
  if (at < 0 || bytes.indexOf(from, at + 1) >= 0) throw new Error('expected exactly one nanosecond TIMESTAMP column');
  const out = Buffer.from(bytes);
  out[at + 1] = 0x11;
  return out;
}

const SNAPSHOT_ID = 4_611_686_018_427_387_905n;

/** Writes the table under `root` (data/, metadata/v1.metadata.json) and returns `root`. */
export async function writeTestTable(root: string, t: TestTable): Promise<string> {
  const formatVersion = t.formatVersion ?? 2;
  const spec = t.spec ?? { 'spec-id': 0, fields: [] };
  mkdirSync(path.join(root, 'data'), { recursive: true });
  mkdirSync(path.join(root, 'metadata'), { recursive: true });
  const session = await DuckSession.open();
  const dataFiles: DataFile[] = [];
  try {
    for (const [i, f] of t.files.entries()) {
      const file = path.join(root, 'data', `part-${i}.parquet`);
      const ids = `${f.fieldIds ? `, FIELD_IDS ${f.fieldIds}` : ''}${f.copyOptions ? `, ${f.copyOptions}` : ''}`;
      await session.run(`COPY (${f.select}) TO ${quoteLiteral(file)} (FORMAT parquet${ids})`);
      if (f.patch) writeFileSync(file, f.patch(readFileSync(file)));
      const rows = await session.query(`SELECT count(*) FROM read_parquet(${quoteLiteral(file)})`);
      dataFiles.push({
        content: 0, 'file-path': file, 'file-format': 'PARQUET', partition: f.partition ?? {},
        'record-count': BigInt(rows.rows[0][0] as string), 'file-size-in-bytes': BigInt(statSync(file).size), ...f.metrics,
        ...(f.firstRowId !== undefined ? { 'first-row-id': f.firstRowId } : {}),
        ...(f.splitOffsets ? { 'split-offsets': f.splitOffsets === 'row-groups' ? await rowGroupStarts(session, file) : f.splitOffsets } : {}),
      });
    }
  } finally {
    session.close();
  }
  const manifestPath = path.join(root, 'metadata', 'manifest-0.avro');
  const manifest = writeManifest({
    formatVersion, schema: t.schema, spec, snapshotId: SNAPSHOT_ID, path: manifestPath,
    entries: dataFiles.map((d, i) => {
      const seq = t.files[i].sequenceNumber;
      return seq === undefined ? { status: 1, 'snapshot-id': SNAPSHOT_ID, 'data-file': d } : { status: 0, 'snapshot-id': SNAPSHOT_ID, 'sequence-number': seq, 'file-sequence-number': seq, 'data-file': d };
    }),
  });
  if (t.manifestFirstRowId !== undefined) manifest.manifest['first-row-id'] = t.manifestFirstRowId;
  writeFileSync(manifestPath, manifest.bytes);
  const listPath = path.join(root, 'metadata', 'snap-1.avro');
  if (!t.inlineManifests) {
    writeFileSync(listPath, writeManifestList({ formatVersion, snapshotId: SNAPSHOT_ID, sequenceNumber: t.sequenceNumber ?? 1n, manifests: [manifest.manifest] }).bytes);
  }
  const lastColumnId = Math.max(0, ...allFields(t.schema).map((f) => f.id));
  const metadata: TableMetadata = {
    ...emptyTableMetadata(), 'format-version': formatVersion, 'table-uuid': '5d1d8c6e-8a3c-4a3e-9f0e-6f3f1b2c3d4e', location: root,
    'last-sequence-number': formatVersion === 1 ? 0n : t.sequenceNumber ?? 1n, 'last-updated-ms': 1_700_000_000_000n, 'last-column-id': lastColumnId,
    schemas: [t.schema], 'current-schema-id': t.schema['schema-id'], 'partition-specs': [spec], 'default-spec-id': spec['spec-id'],
    'last-partition-id': Math.max(999, ...spec.fields.map((f) => f['field-id'])), properties: t.properties ?? {},
    'sort-orders': [{ 'order-id': 0, fields: [] }], 'default-sort-order-id': 0, 'current-snapshot-id': SNAPSHOT_ID,
    snapshots: [{
      'snapshot-id': SNAPSHOT_ID, 'sequence-number': formatVersion === 1 ? 0n : t.sequenceNumber ?? 1n, 'timestamp-ms': 1_700_000_000_000n,
      'manifest-list': t.inlineManifests ? '' : listPath, ...(t.inlineManifests ? { manifests: [manifestPath] } : {}),
      summary: { operation: 'append' }, 'schema-id': t.schema['schema-id'],
    }],
    'snapshot-log': [{ 'snapshot-id': SNAPSHOT_ID, 'timestamp-ms': 1_700_000_000_000n }],
    refs: { main: { 'snapshot-id': SNAPSHOT_ID, type: 'branch' } },
  };
  writeFileSync(path.join(root, 'metadata', 'v1.metadata.json'), serializeTableMetadata(metadata));
  return root;
}

/** Where each row group of a Parquet file starts: its first column chunk's first page (dictionary or data). */
export async function rowGroupStarts(session: DuckSession, file: string): Promise<bigint[]> {
  return (await rowGroupStartsOf(session, [file])).get(file) ?? [];
}
