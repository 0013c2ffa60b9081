// What the write path needs from Iceberg manifests, read and written through a Storage. Bound to
// iceberg/manifest.ts and iceberg/manifest-list.ts in manifest-io-default.ts.
import type { ManifestEntry, ManifestFile, PartitionSpec, Schema } from '../../iceberg/spec.js';
import type { Storage } from '../../storage/storage.js';

export interface WriteManifestInput {
  uri: string;
  formatVersion: number;
  schema: Schema;
  spec: PartitionSpec;
  content: 0 | 1;
  snapshotId: bigint;
  entries: ManifestEntry[];
}

export interface WriteManifestListInput {
  uri: string;
  formatVersion: number;
  snapshotId: bigint;
  parentSnapshotId?: bigint;
  sequenceNumber: bigint;
  manifests: ManifestFile[];
}

export interface ManifestIO {
  /** Writes a manifest; returns its manifest-list entry (counts, partition summaries, length). */
  writeManifest(storage: Storage, input: WriteManifestInput): Promise<ManifestFile>;
  writeManifestList(storage: Storage, input: WriteManifestListInput): Promise<void>;
  readManifestList(storage: Storage, uri: string): Promise<ManifestFile[]>;
  /** Entries with sequence numbers and snapshot ids inherited from the manifest where null. */
  readManifest(storage: Storage, manifest: ManifestFile): Promise<ManifestEntry[]>;
}
