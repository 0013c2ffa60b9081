// The scan planner `floe query` and previews use when none is passed: reads the snapshot's manifest list and
// manifests, keeps live files, and pairs each data file with the delete files that apply to it (spec "Scan Planning").
// A stopgap until iceberg/scan.ts (with pruning) is wired in here; it follows the same pairing rules.
import { readManifestList } from '../../iceberg/manifest-list';
import { readManifest } from '../../iceberg/manifest';
import { IcebergError } from '../../iceberg/errors';
import type { DataFile } from '../../iceberg/spec';
import { stringifyJson } from '../../util/json';
import { setDefaultScanPlanner, type ScanPlanner } from './register-table';
import type { ReadTask } from './relation-sql';

interface Live { file: DataFile; seq: bigint; specId: number; partitionKey: string }

export const manifestScanPlanner: ScanPlanner = async ({ metadata, snapshot, storage, table, resolvePath }) => {
  const listPath = resolvePath(snapshot['manifest-list']);
  const { manifests } = readManifestList(await storage.read(listPath), listPath);
  const data: Live[] = [];
  const positionDeletes: Live[] = [];
  const equalityDeletes: Live[] = [];
  await Promise.all(manifests.map(async (manifest) => {
    const path = resolvePath(manifest['manifest-path']);
    const { entries } = readManifest(await storage.read(path), { file: path, manifest });
    for (const entry of entries) {
      if (entry.status === 2) continue;
      const file = entry['data-file'];
      if (file['file-format'] !== 'PARQUET') {
        throw new IcebergError('unsupported', `${file['file-format']} data files are not supported (only Parquet): ${file['file-path']}`, { table });
      }
      const live: Live = { file, seq: entry['sequence-number'] ?? 0n, specId: manifest['partition-spec-id'], partitionKey: stringifyJson(file.partition) };
      if (file.content === 0) data.push(live);
      else if (file.content === 1) positionDeletes.push(live);
      else equalityDeletes.push(live);
    }
  }));
  const unpartitioned = new Set(metadata['partition-specs'].filter((s) => s.fields.length === 0).map((s) => s['spec-id']));
  const samePartition = (a: Live, b: Live) => a.specId === b.specId && a.partitionKey === b.partitionKey;
  return data.map((d): ReadTask => ({
    file: d.file,
    positionDeletes: positionDeletes
      .filter((p) => p.seq >= d.seq && (p.file['referenced-data-file'] === undefined || p.file['referenced-data-file'] === d.file['file-path']) && samePartition(p, d))
      .map((p) => p.file),
    equalityDeletes: equalityDeletes
      .filter((e) => e.seq > d.seq && (unpartitioned.has(e.specId) || samePartition(e, d)))
      .map((e) => e.file),
  }));
};

setDefaultScanPlanner(manifestScanPlanner);
