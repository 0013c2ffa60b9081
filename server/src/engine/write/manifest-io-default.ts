// ManifestIO over iceberg/manifest.ts and iceberg/manifest-list.ts, reading and writing through a Storage.
import { readManifest, writeManifest } from '../../iceberg/manifest.js';
import { readManifestList, writeManifestList } from '../../iceberg/manifest-list.js';
import type { ManifestIO } from './manifest-io.js';

export const defaultManifestIO: ManifestIO = {
  async writeManifest(storage, input) {
    const { bytes, manifest } = writeManifest({
      formatVersion: input.formatVersion as 1 | 2 | 3, schema: input.schema, spec: input.spec, content: input.content,
      snapshotId: input.snapshotId, sequenceNumber: -1n, entries: input.entries, path: input.uri,
    });
    await storage.write(input.uri, bytes, { ifAbsent: true });
    return manifest;
  },
  async writeManifestList(storage, input) {
    const { bytes } = writeManifestList({
      formatVersion: input.formatVersion as 1 | 2 | 3, snapshotId: input.snapshotId, parentSnapshotId: input.parentSnapshotId,
      sequenceNumber: input.sequenceNumber, manifests: input.manifests,
    });
    await storage.write(input.uri, bytes, { ifAbsent: true });
  },
  async readManifestList(storage, uri) {
    return readManifestList(await storage.read(uri), uri).manifests;
  },
  async readManifest(storage, manifest) {
    return readManifest(await storage.read(manifest['manifest-path']), { file: manifest['manifest-path'], manifest }).entries;
  },
};
