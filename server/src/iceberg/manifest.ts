// Manifest files (spec "Manifests"): Avro records to and from ManifestEntry/DataFile, with sequence number inheritance.
import type { DataFile, ManifestContent, ManifestEntry, ManifestFile, PartitionSpec, PrimitiveType, Schema } from './spec.js';
import { readAvroFile, writeAvroFile, type AvroSchema } from './avro-file.js';
import { avroName, decimalFixedSize, manifestEntryAvroSchema, partitionAvroSchema } from './avro-schemas.js';
import { partitionSpecToJson, schemaToJson } from './metadata-json.js';
import { transformResultType } from './transforms.js';
import { fieldById } from './schema.js';
import { primitiveInfo } from './types.js';
import { encodeValue } from './single-value.js';
import { bytesToUuid, compareValues, uuidToBytes, type IcebergValue } from './values.js';
import { IcebergError } from './errors.js';
import { stringifyJson, parseJson } from '../util/json.js';

/** Key-value metadata of a manifest file. */
export interface ManifestMeta {
  formatVersion: number;
  partitionSpecId: number;
  content: ManifestContent;
  /** Partition field names by partition field id, from the stored spec. */
  partitionFieldNames: Map<number, string>;
  /** The raw table schema JSON the writer stored, if any. */
  schemaJson?: string;
}

export interface ReadManifestOptions {
  file?: string;
  /** The manifest-list entry, whose snapshot id and sequence number null entries inherit. */
  manifest?: ManifestFile;
  /** The table's spec for this manifest: partition tuples are keyed by its field names (matched by field id). */
  spec?: PartitionSpec;
  /** Leave out column metrics: 'sizes' drops column sizes and split offsets, 'all' every metric (faster planning). */
  omitMetrics?: 'sizes' | 'all';
  /** Keep split offsets even when omitting metrics (a LIMIT read fetches a file's first row group by them). */
  keepSplitOffsets?: boolean;
}

const SIZE_FIELDS = ['column_sizes', 'split_offsets', 'key_metadata'];
const ALL_METRIC_FIELDS = [...SIZE_FIELDS, 'value_counts', 'null_value_counts', 'nan_value_counts', 'lower_bounds', 'upper_bounds'];

type Rec = Record<string, unknown>;
type PartitionReader = (partition: Rec) => Record<string, unknown>;

function twosComplement(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return BigInt.asIntN(b.length * 8, v);
}

function unwrapNullable(t: AvroSchema): AvroSchema {
  return Array.isArray(t) ? t.find((x) => x !== 'null') ?? 'null' : t;
}

/** Builds a converter from the writer's partition record (avro names) to a tuple keyed by partition field name. */
function partitionReader(schema: AvroSchema, names: Map<number, string>, file: string | undefined): PartitionReader {
  const entry = schema as { fields?: { name: string; type: AvroSchema }[] };
  const dataFile = unwrapNullable(entry.fields?.find((f) => f.name === 'data_file')?.type ?? 'null') as { fields?: { name: string; type: AvroSchema }[] };
  const part = dataFile.fields?.find((f) => f.name === 'partition')?.type as { fields?: { name: string; type: AvroSchema; 'field-id'?: number }[] } | undefined;
  if (!part || !Array.isArray(part.fields)) throw new IcebergError('corrupt-file', 'manifest has no data_file.partition record', { file });
  const convs = part.fields.map((f) => {
    const t = unwrapNullable(f.type);
    const logical = typeof t === 'object' && !Array.isArray(t) ? t.logicalType : undefined;
    const name = (f['field-id'] !== undefined ? names.get(f['field-id']) : undefined) ?? f.name;
    let conv: ((v: unknown) => unknown) | undefined;
    if (logical === 'decimal') conv = (v) => twosComplement(v as Uint8Array);
    else if (logical === 'uuid' && typeof t === 'object' && !Array.isArray(t) && t.type === 'fixed') conv = (v) => bytesToUuid(v as Uint8Array);
    return { avro: f.name, name, conv };
  });
  return (p) => {
    const out: Record<string, unknown> = {};
    for (const c of convs) {
      const v = p[c.avro];
      out[c.name] = v === null || v === undefined ? null : c.conv ? c.conv(v) : v;
    }
    return out;
  };
}

function toMap<V>(v: unknown): Map<number, V> | undefined {
  if (!v) return undefined;
  const arr = v as { key: number; value: V }[];
  const m = new Map<number, V>();
  for (let i = 0; i < arr.length; i++) m.set(arr[i]!.key, arr[i]!.value);
  return m;
}

function toDataFile(d: Rec, readPartition: PartitionReader): DataFile {
  const f: DataFile = {
    content: ((d.content as number | undefined) ?? 0) as DataFile['content'],
    'file-path': d.file_path as string,
    'file-format': (d.file_format as string).toUpperCase() as DataFile['file-format'],
    partition: readPartition(d.partition as Rec),
    'record-count': d.record_count as bigint,
    'file-size-in-bytes': d.file_size_in_bytes as bigint,
  };
  const cs = toMap<bigint>(d.column_sizes); if (cs) f['column-sizes'] = cs;
  const vc = toMap<bigint>(d.value_counts); if (vc) f['value-counts'] = vc;
  const nc = toMap<bigint>(d.null_value_counts); if (nc) f['null-value-counts'] = nc;
  const nan = toMap<bigint>(d.nan_value_counts); if (nan) f['nan-value-counts'] = nan;
  const lb = toMap<Uint8Array>(d.lower_bounds); if (lb) f['lower-bounds'] = lb;
  const ub = toMap<Uint8Array>(d.upper_bounds); if (ub) f['upper-bounds'] = ub;
  if (d.split_offsets) f['split-offsets'] = d.split_offsets as bigint[];
  if (d.equality_ids) f['equality-ids'] = d.equality_ids as number[];
  if (d.sort_order_id !== null && d.sort_order_id !== undefined) f['sort-order-id'] = d.sort_order_id as number;
  if (d.referenced_data_file) f['referenced-data-file'] = d.referenced_data_file as string;
  if (d.content_offset !== null && d.content_offset !== undefined) f['content-offset'] = d.content_offset as bigint;
  if (d.first_row_id !== null && d.first_row_id !== undefined) f['first-row-id'] = d.first_row_id as bigint;
  if (d.content_size_in_bytes !== null && d.content_size_in_bytes !== undefined) f['content-size-in-bytes'] = d.content_size_in_bytes as bigint;
  return f;
}

function metaFrom(meta: Record<string, string>, file: string | undefined, manifest: ManifestFile | undefined): ManifestMeta {
  const names = new Map<number, string>();
  if (meta['partition-spec']) {
    try {
      const fields = parseJson(meta['partition-spec']) as { 'field-id'?: number; name?: string }[];
      if (Array.isArray(fields)) for (const f of fields) if (typeof f['field-id'] === 'number' && typeof f.name === 'string') names.set(f['field-id'], f.name);
    } catch (e) {
      throw new IcebergError('corrupt-file', `manifest partition-spec metadata is not JSON: ${(e as Error).message}`, { file }, { cause: e });
    }
  }
  const content = meta.content === 'deletes' ? 1 : meta.content === 'data' || meta.content === undefined ? (manifest?.content ?? 0) : 0;
  const m: ManifestMeta = {
    formatVersion: meta['format-version'] ? Number(meta['format-version']) : 1,
    partitionSpecId: meta['partition-spec-id'] ? Number(meta['partition-spec-id']) : manifest?.['partition-spec-id'] ?? 0,
    content,
    partitionFieldNames: names,
  };
  if (meta.schema) m.schemaJson = meta.schema;
  return m;
}

/** Reads a manifest; entries with null snapshot id or sequence numbers inherit them from `opts.manifest`. */
export function readManifest(bytes: Uint8Array, opts: ReadManifestOptions = {}): { meta: ManifestMeta; entries: ManifestEntry[] } {
  const { file, manifest } = opts;
  const skipped = opts.omitMetrics === 'all' ? ALL_METRIC_FIELDS : opts.omitMetrics === 'sizes' ? SIZE_FIELDS : undefined;
  const skipFields = opts.keepSplitOffsets ? skipped?.filter((f) => f !== 'split_offsets') : skipped;
  const avro = readAvroFile(bytes, file, skipFields ? { skipFields } : {});
  const meta = metaFrom(avro.meta, file, manifest);
  if (opts.spec) for (const f of opts.spec.fields) meta.partitionFieldNames.set(f['field-id'], f.name);
  const readPartition = partitionReader(avro.schema, meta.partitionFieldNames, file);
  const inheritedSnapshot = manifest?.['added-snapshot-id'];
  const inheritedSeq = manifest?.['sequence-number'];
  // Spec "First Row ID Inheritance": live data files without a first_row_id take the manifest's, plus the record
  // counts of the files before them that had none.
  let nextRowId = manifest?.['first-row-id'];
  const entries: ManifestEntry[] = new Array(avro.records.length);
  for (let i = 0; i < avro.records.length; i++) {
    const r = avro.records[i]!;
    const status = r.status as ManifestEntry['status'];
    const e: ManifestEntry = { status, 'data-file': toDataFile(r.data_file as Rec, readPartition) };
    const file = e['data-file'];
    if (nextRowId !== undefined && status !== 2 && file.content === 0 && file['first-row-id'] === undefined) {
      file['first-row-id'] = nextRowId;
      nextRowId += file['record-count'];
    }
    const snap = (r.snapshot_id as bigint | null | undefined) ?? inheritedSnapshot;
    if (snap !== undefined) e['snapshot-id'] = snap;
    // Spec "Sequence Number Inheritance": null means inherit the manifest's; v1 manifests have none (0 via the list).
    const seq = (r.sequence_number as bigint | null | undefined) ?? inheritedSeq;
    if (seq !== undefined) e['sequence-number'] = seq;
    const fileSeq = (r.file_sequence_number as bigint | null | undefined) ?? inheritedSeq;
    if (fileSeq !== undefined) e['file-sequence-number'] = fileSeq;
    entries[i] = e;
  }
  return { meta, entries };
}

/**
 * The manifest-list entry for a manifest a v1 snapshot lists inline (spec: `manifests`, no manifest list): its spec
 * id from the manifest's own metadata, data content, sequence number 0 as for every v1 manifest, and no partition
 * summaries (so it is never skipped by them).
 */
export function inlineManifestFile(path: string, bytes: Uint8Array, snapshotId: bigint): ManifestFile {
  const meta = metaFrom(readAvroFile(bytes, path, { skipFields: ALL_METRIC_FIELDS }).meta, path, undefined);
  return {
    'manifest-path': path, 'manifest-length': BigInt(bytes.length), 'partition-spec-id': meta.partitionSpecId, content: 0,
    'sequence-number': 0n, 'min-sequence-number': 0n, 'added-snapshot-id': snapshotId,
    'added-files-count': 0, 'existing-files-count': 0, 'deleted-files-count': 0, 'added-rows-count': 0n, 'existing-rows-count': 0n, 'deleted-rows-count': 0n,
  };
}

// --- writing ---

export interface WriteManifestInput {
  formatVersion: 1 | 2 | 3;
  schema: Schema;
  spec: PartitionSpec;
  content?: ManifestContent;
  /** The snapshot that writes this manifest (the manifest list's added-snapshot-id). */
  snapshotId: bigint;
  /** Its sequence number if known; otherwise -1, assigned when the manifest list is written. */
  sequenceNumber?: bigint;
  entries: ManifestEntry[];
  path: string;
}

function toBuffer(u: Uint8Array): Buffer { return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength); }

function fixedDecimal(unscaled: bigint, size: number): Buffer {
  const out = Buffer.alloc(size);
  let u = BigInt.asUintN(8 * size, unscaled);
  for (let i = size - 1; i >= 0; i--) { out[i] = Number(u & 0xffn); u >>= 8n; }
  return out;
}

function partitionTypes(spec: PartitionSpec, schema: Schema): PrimitiveType[] {
  return spec.fields.map((f) => {
    const src = fieldById(schema, f['source-id']);
    if (!src || typeof src.type !== 'string') throw new IcebergError('invalid-argument', `partition field ${f.name} has no primitive source column ${f['source-id']}`);
    return transformResultType(f.transform, src.type);
  });
}

function avroPartitionValue(type: PrimitiveType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  const info = primitiveInfo(type);
  switch (info.kind) {
    case 'decimal': return fixedDecimal(BigInt(v as bigint), decimalFixedSize(info.precision));
    case 'uuid': return toBuffer(uuidToBytes(v as string));
    case 'fixed': case 'binary': return toBuffer(v as Uint8Array);
    case 'long': case 'time': case 'timestamp': case 'timestamptz': case 'timestamp_ns': case 'timestamptz_ns': return BigInt(v as bigint);
    default: return v;
  }
}

const fromMap = <V>(m: Map<number, V> | undefined, conv: (v: V) => unknown = (v) => v) =>
  m ? [...m].map(([key, value]) => ({ key, value: conv(value) })) : null;

/** Writes a manifest; returns its bytes and the manifest-list entry describing it (counts, partition summaries). */
export function writeManifest(input: WriteManifestInput): { bytes: Uint8Array; manifest: ManifestFile } {
  const { formatVersion, schema, spec, snapshotId, entries } = input;
  const content = input.content ?? 0;
  const types = partitionTypes(spec, schema);
  const partSchema = partitionAvroSchema(spec, schema);
  const avroNames = spec.fields.map((f) => avroName(f.name));
  const v1 = formatVersion === 1;
  if (v1 && content !== 0) throw new IcebergError('invalid-argument', 'format v1 tables cannot have delete manifests', { file: input.path });

  const summaries = spec.fields.map(() => ({ nulls: false, nans: false, lower: undefined as IcebergValue | undefined, upper: undefined as IcebergValue | undefined }));
  const counts = { added: 0, existing: 0, deleted: 0, addedRows: 0n, existingRows: 0n, deletedRows: 0n };
  let minSeq: bigint | undefined;

  const records = entries.map((e) => {
    const d = e['data-file'];
    const partition: Rec = {};
    spec.fields.forEach((f, i) => {
      const v = d.partition[f.name] as IcebergValue | null | undefined;
      const s = summaries[i]!;
      if (v === null || v === undefined) s.nulls = true;
      else if (typeof v === 'number' && Number.isNaN(v)) s.nans = true;
      else {
        if (s.lower === undefined || compareValues(v, s.lower) < 0) s.lower = v;
        if (s.upper === undefined || compareValues(v, s.upper) > 0) s.upper = v;
      }
      partition[avroNames[i]!] = avroPartitionValue(types[i]!, v);
    });
    if (e.status === 1) { counts.added++; counts.addedRows += d['record-count']; }
    else if (e.status === 0) { counts.existing++; counts.existingRows += d['record-count']; }
    else { counts.deleted++; counts.deletedRows += d['record-count']; }
    if (e.status !== 2) {
      const seq = e['sequence-number'] ?? input.sequenceNumber;
      if (seq !== undefined && (minSeq === undefined || seq < minSeq)) minSeq = seq;
    }
    const dataFile: Rec = {
      file_path: d['file-path'],
      file_format: d['file-format'],
      partition,
      record_count: d['record-count'],
      file_size_in_bytes: d['file-size-in-bytes'],
      column_sizes: fromMap(d['column-sizes']),
      value_counts: fromMap(d['value-counts']),
      null_value_counts: fromMap(d['null-value-counts']),
      nan_value_counts: fromMap(d['nan-value-counts']),
      lower_bounds: fromMap(d['lower-bounds'], toBuffer),
      upper_bounds: fromMap(d['upper-bounds'], toBuffer),
      key_metadata: null,
      split_offsets: d['split-offsets'] ?? null,
      sort_order_id: d['sort-order-id'] ?? null,
    };
    if (v1) dataFile.block_size_in_bytes = 67_108_864n; // required in v1, unused by readers
    else {
      dataFile.content = d.content;
      dataFile.equality_ids = d['equality-ids'] ?? null;
      dataFile.referenced_data_file = d['referenced-data-file'] ?? null;
    }
    if (formatVersion >= 3) {
      // Spec "Deletion Vectors": v3 takes new position deletes only as deletion vectors (Puffin blobs).
      if (e.status === 1 && d.content === 1 && d['file-format'] !== 'PUFFIN') {
        throw new IcebergError('invalid-argument', `position delete file ${d['file-path']} cannot be added to a format v3 table: v3 takes deletion vectors instead`, { file: input.path });
      }
      // Spec "First Row ID Inheritance": delete files never have one.
      dataFile.first_row_id = d.content === 0 ? d['first-row-id'] ?? null : null;
      dataFile.content_offset = d['content-offset'] ?? null;
      dataFile.content_size_in_bytes = d['content-size-in-bytes'] ?? null;
    }
    const rec: Rec = { status: e.status, snapshot_id: e['snapshot-id'] ?? snapshotId, data_file: dataFile };
    if (!v1) {
      rec.sequence_number = e['sequence-number'] ?? null;
      rec.file_sequence_number = e['file-sequence-number'] ?? null;
    }
    return rec;
  });

  const meta: Record<string, string> = {
    schema: stringifyJson(schemaToJson(schema)),
    'schema-id': String(schema['schema-id']),
    'partition-spec': stringifyJson(partitionSpecToJson(spec).fields),
    'partition-spec-id': String(spec['spec-id']),
    'format-version': String(formatVersion),
  };
  if (!v1) meta.content = content === 1 ? 'deletes' : 'data';
  const bytes = writeAvroFile(manifestEntryAvroSchema(formatVersion, partSchema), records, { meta });

  const seq = input.sequenceNumber ?? -1n;
  const manifest: ManifestFile = {
    'manifest-path': input.path,
    'manifest-length': BigInt(bytes.length),
    'partition-spec-id': spec['spec-id'],
    content,
    'sequence-number': seq,
    'min-sequence-number': minSeq ?? seq,
    'added-snapshot-id': snapshotId,
    'added-files-count': counts.added,
    'existing-files-count': counts.existing,
    'deleted-files-count': counts.deleted,
    'added-rows-count': counts.addedRows,
    'existing-rows-count': counts.existingRows,
    'deleted-rows-count': counts.deletedRows,
    partitions: summaries.map((s, i) => {
      const out: NonNullable<ManifestFile['partitions']>[number] = { 'contains-null': s.nulls };
      const k = primitiveInfo(types[i]!).kind;
      if (k === 'float' || k === 'double') out['contains-nan'] = s.nans;
      if (s.lower !== undefined) out['lower-bound'] = encodeValue(types[i]!, s.lower);
      if (s.upper !== undefined) out['upper-bound'] = encodeValue(types[i]!, s.upper);
      return out;
    }),
  };
  return { bytes, manifest };
}
