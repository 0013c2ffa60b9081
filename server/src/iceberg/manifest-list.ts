// Manifest lists (spec "Manifest Lists"): one record per manifest of a snapshot.
import type { ManifestFile } from './spec.js';
import { readAvroFile, writeAvroFile } from './avro-file.js';
import { manifestListAvroSchema } from './avro-schemas.js';
import { IcebergError } from './errors.js';

type Rec = Record<string, unknown>;

const big = (v: unknown, dflt: bigint): bigint => (v === null || v === undefined ? dflt : (v as bigint));
const num = (v: unknown, dflt: number): number => (v === null || v === undefined ? dflt : (v as number));

/** Reads a manifest list; v1 lists get sequence numbers 0 and data content, as the spec says. */
export function readManifestList(bytes: Uint8Array, file?: string): { meta: Record<string, string>; manifests: ManifestFile[] } {
  const avro = readAvroFile(bytes, file);
  const manifests = avro.records.map((r): ManifestFile => {
    if (typeof r.manifest_path !== 'string') throw new IcebergError('corrupt-file', 'manifest list entry has no manifest_path', { file });
    const m: ManifestFile = {
      'manifest-path': r.manifest_path,
      'manifest-length': big(r.manifest_length, 0n),
      'partition-spec-id': num(r.partition_spec_id, 0),
      content: num(r.content, 0) as ManifestFile['content'],
      'sequence-number': big(r.sequence_number, 0n),
      'min-sequence-number': big(r.min_sequence_number, 0n),
      'added-snapshot-id': big(r.added_snapshot_id, 0n),
      'added-files-count': num(r.added_files_count ?? r.added_data_files_count, 0),
      'existing-files-count': num(r.existing_files_count ?? r.existing_data_files_count, 0),
      'deleted-files-count': num(r.deleted_files_count ?? r.deleted_data_files_count, 0),
      'added-rows-count': big(r.added_rows_count, 0n),
      'existing-rows-count': big(r.existing_rows_count, 0n),
      'deleted-rows-count': big(r.deleted_rows_count, 0n),
    };
    if (r.first_row_id !== null && r.first_row_id !== undefined) m['first-row-id'] = r.first_row_id as bigint;
    if (Array.isArray(r.partitions)) {
      m.partitions = (r.partitions as Rec[]).map((p) => {
        const s: NonNullable<ManifestFile['partitions']>[number] = { 'contains-null': p.contains_null as boolean };
        if (p.contains_nan !== null && p.contains_nan !== undefined) s['contains-nan'] = p.contains_nan as boolean;
        if (p.lower_bound) s['lower-bound'] = p.lower_bound as Uint8Array;
        if (p.upper_bound) s['upper-bound'] = p.upper_bound as Uint8Array;
        return s;
      });
    }
    return m;
  });
  return { meta: avro.meta, manifests };
}

export interface WriteManifestListInput {
  formatVersion: 1 | 2 | 3;
  snapshotId: bigint;
  parentSnapshotId?: bigint;
  /** The snapshot's sequence number; manifests written with -1 (new in this snapshot) get it. */
  sequenceNumber: bigint;
  manifests: ManifestFile[];
}

const toBuffer = (u: Uint8Array): Buffer => (Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength));

/** Writes a manifest list and returns its bytes with the manifests as recorded (sequence numbers assigned). */
export function writeManifestList(input: WriteManifestListInput): { bytes: Uint8Array; manifests: ManifestFile[] } {
  const v1 = input.formatVersion === 1;
  const manifests = input.manifests.map((m) => ({
    ...m,
    'sequence-number': m['sequence-number'] === -1n ? input.sequenceNumber : m['sequence-number'],
    'min-sequence-number': m['min-sequence-number'] === -1n ? input.sequenceNumber : m['min-sequence-number'],
  }));
  const records = manifests.map((m) => {
    const r: Rec = {
      manifest_path: m['manifest-path'],
      manifest_length: m['manifest-length'],
      partition_spec_id: m['partition-spec-id'],
      added_snapshot_id: m['added-snapshot-id'],
      [v1 ? 'added_data_files_count' : 'added_files_count']: m['added-files-count'],
      [v1 ? 'existing_data_files_count' : 'existing_files_count']: m['existing-files-count'],
      [v1 ? 'deleted_data_files_count' : 'deleted_files_count']: m['deleted-files-count'],
      added_rows_count: m['added-rows-count'],
      existing_rows_count: m['existing-rows-count'],
      deleted_rows_count: m['deleted-rows-count'],
      partitions: m.partitions?.map((p) => ({
        contains_null: p['contains-null'],
        contains_nan: p['contains-nan'] ?? null,
        lower_bound: p['lower-bound'] ? toBuffer(p['lower-bound']) : null,
        upper_bound: p['upper-bound'] ? toBuffer(p['upper-bound']) : null,
      })) ?? null,
      key_metadata: null,
    };
    if (!v1) {
      r.content = m.content;
      r.sequence_number = m['sequence-number'];
      r.min_sequence_number = m['min-sequence-number'];
    }
    if (input.formatVersion >= 3) r.first_row_id = m['first-row-id'] ?? null;
    return r;
  });
  const meta: Record<string, string> = {
    'snapshot-id': input.snapshotId.toString(),
    'parent-snapshot-id': input.parentSnapshotId === undefined ? 'null' : input.parentSnapshotId.toString(),
    'format-version': String(input.formatVersion),
  };
  if (!v1) meta['sequence-number'] = input.sequenceNumber.toString();
  return { bytes: writeAvroFile(manifestListAvroSchema(input.formatVersion), records, { meta }), manifests };
}
