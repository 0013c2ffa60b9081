// plan_10k_files_ms: planScan over a table whose snapshot has 100 manifests of 100 data files each, every file
// with full column metrics, read from disk through Floe's local Storage.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { planScan } from '../../server/src/iceberg/scan';
import { writeManifest } from '../../server/src/iceberg/manifest';
import { writeManifestList } from '../../server/src/iceberg/manifest-list';
import { parseTableMetadata } from '../../server/src/iceberg/metadata-json';
import { encodeValue } from '../../server/src/iceberg/single-value';
import type { DataFile, ManifestEntry, TableMetadata } from '../../server/src/iceberg/spec';
import { storageFor } from '../../server/src/storage/factory';
import { sample, summarize } from './measure';
import type { Measured } from './figures';

const MANIFESTS = 100;
const FILES_PER_MANIFEST = 100;
const DAY = 19723; // 2024-01-01

function metadataJson(location: string): string {
  return JSON.stringify({
    'format-version': 2, 'table-uuid': '8d0f4a4e-5b7a-4a3e-9a53-0c6f1e0b7a11', location, 'last-sequence-number': 1, 'last-updated-ms': 1700000000000,
    'last-column-id': 5, 'current-schema-id': 0,
    schemas: [{ type: 'struct', 'schema-id': 0, fields: [
      { id: 1, name: 'order_id', required: true, type: 'long' },
      { id: 2, name: 'customer_id', required: false, type: 'long' },
      { id: 3, name: 'ordered_at', required: false, type: 'timestamp' },
      { id: 4, name: 'status', required: false, type: 'string' },
      { id: 5, name: 'amount', required: false, type: 'double' },
    ] }],
    'default-spec-id': 0, 'partition-specs': [{ 'spec-id': 0, fields: [{ name: 'ordered_at_day', transform: 'day', 'source-id': 3, 'field-id': 1000 }] }],
    'last-partition-id': 1000, 'default-sort-order-id': 0, 'sort-orders': [{ 'order-id': 0, fields: [] }],
    properties: {}, 'current-snapshot-id': 1, refs: { main: { 'snapshot-id': 1, type: 'branch' } },
    snapshots: [{ 'snapshot-id': 1, 'sequence-number': 1, 'timestamp-ms': 1700000000000, 'manifest-list': `${location}/metadata/snap-1.avro`, summary: { operation: 'append' }, 'schema-id': 0 }],
    'snapshot-log': [{ 'snapshot-id': 1, 'timestamp-ms': 1700000000000 }], 'metadata-log': [],
  });
}

function dataFile(location: string, m: number, i: number): DataFile {
  const n = BigInt(m * FILES_PER_MANIFEST + i);
  const ids = [1, 2, 3, 4, 5];
  return {
    content: 0, 'file-path': `${location}/data/ordered_at_day=${DAY + m}/f-${m}-${i}.parquet`, 'file-format': 'PARQUET',
    partition: { ordered_at_day: DAY + m }, 'record-count': 10_000n, 'file-size-in-bytes': 400_000n,
    'column-sizes': new Map(ids.map((id) => [id, 80_000n])), 'value-counts': new Map(ids.map((id) => [id, 10_000n])),
    'null-value-counts': new Map(ids.map((id) => [id, 0n])), 'nan-value-counts': new Map([[5, 0n]]),
    'lower-bounds': new Map([[1, encodeValue('long', n * 10_000n)], [2, encodeValue('long', 1n)], [3, encodeValue('timestamp', BigInt(DAY + m) * 86_400_000_000n)], [4, encodeValue('string', 'CANCELLED')], [5, encodeValue('double', 0.5)]]),
    'upper-bounds': new Map([[1, encodeValue('long', n * 10_000n + 9_999n)], [2, encodeValue('long', 100_000n)], [3, encodeValue('timestamp', BigInt(DAY + m + 1) * 86_400_000_000n - 1n)], [4, encodeValue('string', 'SHIPPED')], [5, encodeValue('double', 999.5)]]),
    'split-offsets': [4n],
  };
}

/** Writes the table's metadata, manifest list and manifests under `root`; returns the parsed metadata. */
function writePlanTable(root: string): TableMetadata {
  mkdirSync(path.join(root, 'metadata'), { recursive: true });
  const metadata = parseTableMetadata(metadataJson(root));
  const schema = metadata.schemas[0]!;
  const spec = metadata['partition-specs'][0]!;
  const manifests = Array.from({ length: MANIFESTS }, (_, m) => {
    const entries: ManifestEntry[] = Array.from({ length: FILES_PER_MANIFEST }, (_, i) => ({
      status: 1, 'snapshot-id': 1n, 'sequence-number': 1n, 'file-sequence-number': 1n, 'data-file': dataFile(root, m, i),
    }));
    const manifestPath = `${root}/metadata/manifest-${m}.avro`;
    const { bytes, manifest } = writeManifest({ formatVersion: 2, schema, spec, snapshotId: 1n, sequenceNumber: 1n, entries, path: manifestPath });
    writeFileSync(manifestPath, bytes);
    return manifest;
  });
  writeFileSync(`${root}/metadata/snap-1.avro`, writeManifestList({ formatVersion: 2, snapshotId: 1n, sequenceNumber: 1n, manifests }).bytes);
  return metadata;
}

export async function planFigures(dir: string, runs: number): Promise<Measured[]> {
  const root = path.join(dir, 'plan-table');
  const metadata = writePlanTable(root);
  const storage = storageFor(root);
  const io = { read: (p: string) => storage.read(p) };
  const cpu: number[] = [];
  const times = await sample(runs, async (run) => {
    const c = process.cpuUsage();
    const start = performance.now();
    const plan = await planScan(metadata, {}, io);
    const ms = performance.now() - start;
    const used = process.cpuUsage(c);
    if (run >= 0) cpu.push((used.user + used.system) / 1000);
    if (plan.tasks.length !== MANIFESTS * FILES_PER_MANIFEST) throw new Error(`planned ${plan.tasks.length} files, expected ${MANIFESTS * FILES_PER_MANIFEST}`);
    return ms;
  });
  return [{ name: 'plan_10k_files_ms', summary: summarize(times), cpuMs: summarize(cpu) }];
}
