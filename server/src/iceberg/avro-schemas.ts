// Avro schemas of manifests and manifest lists (spec "Manifests", "Manifest Lists"), with field ids on every field.
import type { PartitionSpec, PrimitiveType, Schema } from './spec.js';
import type { AvroSchema } from './avro-file.js';
import { primitiveInfo } from './types.js';
import { transformResultType } from './transforms.js';
import { fieldById } from './schema.js';
import { IcebergError } from './errors.js';

type Field = { name: string; type: AvroSchema; 'field-id': number; default?: null; doc?: string };

const optional = (name: string, id: number, type: AvroSchema, doc?: string): Field =>
  ({ name, type: ['null', type], default: null, 'field-id': id, ...(doc ? { doc } : {}) });
const required = (name: string, id: number, type: AvroSchema, doc?: string): Field => ({ name, type, 'field-id': id, ...(doc ? { doc } : {}) });

/** Bytes needed for a decimal of this precision (spec: minimum bytes to hold 10^p - 1). */
export function decimalFixedSize(precision: number): number {
  let n = 1;
  while (2n ** BigInt(8 * n - 1) - 1n < 10n ** BigInt(precision) - 1n) n++;
  return n;
}

/** The Avro schema of an Iceberg primitive; `unique` names the fixed types so they do not collide. */
export function avroPrimitive(type: PrimitiveType, unique: string): AvroSchema {
  const info = primitiveInfo(type);
  switch (info.kind) {
    case 'boolean': case 'int': case 'long': case 'float': case 'double': case 'string': return info.kind;
    case 'binary': return 'bytes';
    case 'date': return { type: 'int', logicalType: 'date' };
    case 'time': return { type: 'long', logicalType: 'time-micros' };
    case 'timestamp': return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': false };
    case 'timestamptz': return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': true };
    case 'timestamp_ns': return { type: 'long', logicalType: 'timestamp-nanos', 'adjust-to-utc': false };
    case 'timestamptz_ns': return { type: 'long', logicalType: 'timestamp-nanos', 'adjust-to-utc': true };
    case 'uuid': return { type: 'fixed', name: `uuid_fixed_${unique}`, size: 16, logicalType: 'uuid' };
    case 'fixed': return { type: 'fixed', name: `fixed_${unique}`, size: info.length };
    case 'decimal': return {
      type: 'fixed', name: `decimal_${unique}`, size: decimalFixedSize(info.precision), logicalType: 'decimal', precision: info.precision, scale: info.scale,
    };
  }
}

/** Java's AvroSchemaUtil.makeCompatibleName: invalid characters become _x<HEX>. */
export function avroName(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    const ok = /[A-Za-z_]/.test(c) || (i > 0 && /[0-9]/.test(c));
    out += ok ? c : /[0-9]/.test(c) ? `_${c}` : `_x${c.charCodeAt(0).toString(16).toUpperCase()}`;
  }
  return out;
}

/** The partition tuple's struct type: one optional field per partition field, typed by its transform's result. */
export function partitionAvroSchema(spec: PartitionSpec, schema: Schema): AvroSchema {
  return {
    type: 'record', name: 'r102',
    fields: spec.fields.map((f) => {
      const src = fieldById(schema, f['source-id']);
      if (!src || typeof src.type !== 'string') {
        throw new IcebergError('invalid-argument', `partition field ${f.name} refers to column id ${f['source-id']}, which is not a primitive column of schema ${schema['schema-id']}`);
      }
      return optional(avroName(f.name), f['field-id'], avroPrimitive(transformResultType(f.transform, src.type), String(f['field-id'])));
    }),
  };
}

const map = (keyId: number, valueId: number, value: AvroSchema): AvroSchema => ({
  type: 'array', logicalType: 'map',
  items: { type: 'record', name: `k${keyId}_v${valueId}`, fields: [required('key', keyId, 'int'), required('value', valueId, value)] },
});
const list = (elementId: number, element: AvroSchema): AvroSchema => ({ type: 'array', items: element, 'element-id': elementId });

/** The manifest_entry schema for a format version and partition type. */
export function manifestEntryAvroSchema(formatVersion: number, partition: AvroSchema): AvroSchema {
  const v1 = formatVersion === 1;
  const dataFile: Field[] = [
    ...(v1 ? [] : [required('content', 134, 'int', 'Contents of the file: 0=data, 1=position deletes, 2=equality deletes')]),
    required('file_path', 100, 'string', 'Location URI with FS scheme'),
    required('file_format', 101, 'string', 'File format name: avro, orc, or parquet'),
    required('partition', 102, partition, 'Partition data tuple, schema based on the partition spec'),
    required('record_count', 103, 'long', 'Number of records in the file'),
    required('file_size_in_bytes', 104, 'long', 'Total file size in bytes'),
    ...(v1 ? [required('block_size_in_bytes', 105, 'long')] : []),
    optional('column_sizes', 108, map(117, 118, 'long'), 'Map of column id to total size on disk'),
    optional('value_counts', 109, map(119, 120, 'long'), 'Map of column id to total count, including null and NaN'),
    optional('null_value_counts', 110, map(121, 122, 'long'), 'Map of column id to null value count'),
    optional('nan_value_counts', 137, map(138, 139, 'long'), 'Map of column id to number of NaN values in the column'),
    optional('lower_bounds', 125, map(126, 127, 'bytes'), 'Map of column id to lower bound'),
    optional('upper_bounds', 128, map(129, 130, 'bytes'), 'Map of column id to upper bound'),
    optional('key_metadata', 131, 'bytes', 'Encryption key metadata blob'),
    optional('split_offsets', 132, list(133, 'long'), 'Splittable offsets'),
    ...(v1 ? [] : [optional('equality_ids', 135, list(136, 'int'), 'Equality comparison field IDs')]),
    optional('sort_order_id', 140, 'int', 'Sort order ID'),
    ...(v1 ? [] : [optional('referenced_data_file', 143, 'string', 'Fully qualified location (URI with FS scheme) of a data file that all deletes reference')]),
    ...(formatVersion >= 3 ? [
      optional('first_row_id', 142, 'long'),
      optional('content_offset', 144, 'long'),
      optional('content_size_in_bytes', 145, 'long'),
    ] : []),
  ];
  return {
    type: 'record', name: 'manifest_entry',
    fields: [
      required('status', 0, 'int'),
      v1 ? required('snapshot_id', 1, 'long') : optional('snapshot_id', 1, 'long'),
      ...(v1 ? [] : [optional('sequence_number', 3, 'long'), optional('file_sequence_number', 4, 'long')]),
      required('data_file', 2, { type: 'record', name: 'r2', fields: dataFile }),
    ],
  };
}

const FIELD_SUMMARY: AvroSchema = {
  type: 'record', name: 'r508',
  fields: [
    required('contains_null', 509, 'boolean', 'True if any file has a null partition value'),
    optional('contains_nan', 518, 'boolean', 'True if any file has a nan partition value'),
    optional('lower_bound', 510, 'bytes', 'Partition lower bound for all files'),
    optional('upper_bound', 511, 'bytes', 'Partition upper bound for all files'),
  ],
};

/** The manifest_file schema of manifest lists. */
export function manifestListAvroSchema(formatVersion: number): AvroSchema {
  const v1 = formatVersion === 1;
  const count = (name: string, id: number, type: AvroSchema, doc: string) => (v1 ? optional(name, id, type, doc) : required(name, id, type, doc));
  return {
    type: 'record', name: 'manifest_file',
    fields: [
      required('manifest_path', 500, 'string', 'Location URI with FS scheme'),
      required('manifest_length', 501, 'long', 'Total file size in bytes'),
      required('partition_spec_id', 502, 'int', 'Spec ID used to write'),
      ...(v1 ? [] : [
        required('content', 517, 'int', 'Contents of the manifest: 0=data, 1=deletes'),
        required('sequence_number', 515, 'long', 'Sequence number when the manifest was added'),
        required('min_sequence_number', 516, 'long', 'Lowest sequence number in the manifest'),
      ]),
      count('added_snapshot_id', 503, 'long', 'Snapshot ID that added the manifest'),
      count(v1 ? 'added_data_files_count' : 'added_files_count', 504, 'int', 'Added entry count'),
      count(v1 ? 'existing_data_files_count' : 'existing_files_count', 505, 'int', 'Existing entry count'),
      count(v1 ? 'deleted_data_files_count' : 'deleted_files_count', 506, 'int', 'Deleted entry count'),
      count('added_rows_count', 512, 'long', 'Added rows count'),
      count('existing_rows_count', 513, 'long', 'Existing rows count'),
      count('deleted_rows_count', 514, 'long', 'Deleted rows count'),
      optional('partitions', 507, list(508, FIELD_SUMMARY), 'Summary for each partition'),
      optional('key_metadata', 519, 'bytes', 'Encryption key metadata blob'),
      ...(formatVersion >= 3 ? [optional('first_row_id', 520, 'long', 'Starting row ID to assign to new rows in ADDED data files')] : []),
    ],
  };
}
