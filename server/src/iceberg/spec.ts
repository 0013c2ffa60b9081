// Iceberg spec types (format/spec.md), normalised to one in-memory shape for v1 and v2 tables.
// Pure data: nothing here does I/O. int64 values (snapshot ids, sequence numbers, timestamps) are bigint.

export type PrimitiveType =
  | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'date' | 'time' | 'timestamp' | 'timestamptz'
  | 'timestamp_ns' | 'timestamptz_ns' | 'string' | 'uuid' | 'binary'
  | `decimal(${number}, ${number})` | `fixed[${number}]`;

export interface StructType { type: 'struct'; fields: NestedField[] }
export interface ListType { type: 'list'; 'element-id': number; element: IcebergType; 'element-required': boolean }
export interface MapType {
  type: 'map';
  'key-id': number; key: IcebergType;
  'value-id': number; value: IcebergType; 'value-required': boolean;
}
export type IcebergType = PrimitiveType | StructType | ListType | MapType;

export interface NestedField {
  id: number;
  name: string;
  required: boolean;
  type: IcebergType;
  doc?: string;
  'initial-default'?: unknown;
  'write-default'?: unknown;
}

export interface Schema extends StructType {
  'schema-id': number;
  'identifier-field-ids'?: number[];
}

export type Transform =
  | 'identity' | 'year' | 'month' | 'day' | 'hour' | 'void'
  | `bucket[${number}]` | `truncate[${number}]`;

export interface PartitionField { 'source-id': number; 'field-id': number; name: string; transform: Transform }
export interface PartitionSpec { 'spec-id': number; fields: PartitionField[] }

export interface SortField {
  'source-id': number; transform: Transform;
  direction: 'asc' | 'desc'; 'null-order': 'nulls-first' | 'nulls-last';
}
export interface SortOrder { 'order-id': number; fields: SortField[] }

export interface Snapshot {
  'snapshot-id': bigint;
  'parent-snapshot-id'?: bigint;
  'sequence-number': bigint;
  'timestamp-ms': bigint;
  /** Empty when a v1 snapshot lists its manifests inline (`manifests`) instead. */
  'manifest-list': string;
  /** v1 only: the manifest files' locations, when there is no manifest list. */
  manifests?: string[];
  summary: { operation: 'append' | 'replace' | 'overwrite' | 'delete'; [k: string]: string };
  'schema-id'?: number;
  /** v3 row lineage. */
  'first-row-id'?: bigint;
  'added-rows'?: bigint;
}

export interface SnapshotRef {
  'snapshot-id': bigint;
  type: 'branch' | 'tag';
  'max-ref-age-ms'?: bigint;
  'max-snapshot-age-ms'?: bigint;
  'min-snapshots-to-keep'?: number;
}

export interface SnapshotLogEntry { 'timestamp-ms': bigint; 'snapshot-id': bigint }
export interface MetadataLogEntry { 'timestamp-ms': bigint; 'metadata-file': string }

/** Table metadata in its normalised form; v1 files are upgraded on read (schemas[], partition-specs[]). */
export interface TableMetadata {
  'format-version': 1 | 2 | 3;
  'table-uuid': string;
  location: string;
  'last-sequence-number': bigint;
  'last-updated-ms': bigint;
  'last-column-id': number;
  schemas: Schema[];
  'current-schema-id': number;
  'partition-specs': PartitionSpec[];
  'default-spec-id': number;
  'last-partition-id': number;
  properties: Record<string, string>;
  'current-snapshot-id'?: bigint;
  snapshots: Snapshot[];
  'snapshot-log': SnapshotLogEntry[];
  'metadata-log': MetadataLogEntry[];
  'sort-orders': SortOrder[];
  'default-sort-order-id': number;
  refs: Record<string, SnapshotRef>;
  statistics?: unknown[];
  'partition-statistics'?: unknown[];
  'next-row-id'?: bigint;
}

/** A table name in a catalog: namespace levels plus the table name. */
export interface TableIdentifier { namespace: string[]; name: string }

// --- Commit requirements and updates (REST spec: TableRequirement, TableUpdate) ---

export type TableRequirement =
  | { type: 'assert-create' }
  | { type: 'assert-table-uuid'; uuid: string }
  | { type: 'assert-ref-snapshot-id'; ref: string; 'snapshot-id': bigint | null }
  | { type: 'assert-last-assigned-field-id'; 'last-assigned-field-id': number }
  | { type: 'assert-current-schema-id'; 'current-schema-id': number }
  | { type: 'assert-last-assigned-partition-id'; 'last-assigned-partition-id': number }
  | { type: 'assert-default-spec-id'; 'default-spec-id': number }
  | { type: 'assert-default-sort-order-id'; 'default-sort-order-id': number };

export type TableUpdate =
  | { action: 'assign-uuid'; uuid: string }
  | { action: 'upgrade-format-version'; 'format-version': number }
  | { action: 'add-schema'; schema: Schema; 'last-column-id'?: number }
  | { action: 'set-current-schema'; 'schema-id': number }
  | { action: 'add-spec'; spec: PartitionSpec }
  | { action: 'set-default-spec'; 'spec-id': number }
  | { action: 'add-sort-order'; 'sort-order': SortOrder }
  | { action: 'set-default-sort-order'; 'sort-order-id': number }
  | { action: 'add-snapshot'; snapshot: Snapshot }
  | { action: 'set-snapshot-ref'; 'ref-name': string } & SnapshotRef
  | { action: 'remove-snapshots'; 'snapshot-ids': bigint[] }
  | { action: 'remove-snapshot-ref'; 'ref-name': string }
  | { action: 'set-location'; location: string }
  | { action: 'set-properties'; updates: Record<string, string> }
  | { action: 'remove-properties'; removals: string[] }
  | { action: 'set-statistics'; 'snapshot-id'?: bigint; statistics: unknown }
  | { action: 'remove-statistics'; 'snapshot-id': bigint }
  | { action: 'remove-partition-specs'; 'spec-ids': number[] }
  | { action: 'remove-schemas'; 'schema-ids': number[] };

// --- Manifests (Avro) ---

export type ManifestContent = 0 | 1; // data | deletes
export type DataFileContent = 0 | 1 | 2; // data | position deletes | equality deletes
export type ManifestEntryStatus = 0 | 1 | 2; // existing | added | deleted

export interface ManifestFile {
  'manifest-path': string;
  'manifest-length': bigint;
  'partition-spec-id': number;
  content: ManifestContent;
  'sequence-number': bigint;
  'min-sequence-number': bigint;
  'added-snapshot-id': bigint;
  'added-files-count': number;
  'existing-files-count': number;
  'deleted-files-count': number;
  'added-rows-count': bigint;
  'existing-rows-count': bigint;
  'deleted-rows-count': bigint;
  partitions?: { 'contains-null': boolean; 'contains-nan'?: boolean; 'lower-bound'?: Uint8Array; 'upper-bound'?: Uint8Array }[];
  /** v3 row lineage: the first row id of the manifest's data files without their own (absent: no row ids). */
  'first-row-id'?: bigint;
}

export interface DataFile {
  content: DataFileContent;
  'file-path': string;
  'file-format': 'PARQUET' | 'AVRO' | 'ORC' | 'PUFFIN';
  /** Partition tuple keyed by partition field name, values in Iceberg's in-memory form. */
  partition: Record<string, unknown>;
  /** v3 row lineage: the row id of the file's first row (inherited from the manifest when null in it). */
  'first-row-id'?: bigint;
  'record-count': bigint;
  'file-size-in-bytes': bigint;
  'column-sizes'?: Map<number, bigint>;
  'value-counts'?: Map<number, bigint>;
  'null-value-counts'?: Map<number, bigint>;
  'nan-value-counts'?: Map<number, bigint>;
  'lower-bounds'?: Map<number, Uint8Array>;
  'upper-bounds'?: Map<number, Uint8Array>;
  'split-offsets'?: bigint[];
  'equality-ids'?: number[];
  'sort-order-id'?: number;
  'referenced-data-file'?: string;
  'content-offset'?: bigint;
  'content-size-in-bytes'?: bigint;
}

export interface ManifestEntry {
  status: ManifestEntryStatus;
  'snapshot-id'?: bigint;
  'sequence-number'?: bigint;
  'file-sequence-number'?: bigint;
  'data-file': DataFile;
}
