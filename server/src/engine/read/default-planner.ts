// The scan planner tableRelation uses when none is passed: Iceberg's planScan (manifests read
// concurrently, live files only, deletes paired by sequence number and partition, moved paths re-rooted).
import { planScan } from '../../iceberg/scan';
import { IcebergError } from '../../iceberg/errors';
import type { ScanPlanner } from './register-table';

export const icebergScanPlanner: ScanPlanner = async ({ metadata, snapshot, storage, table, root, filter }) => {
  const plan = await planScan(metadata, { snapshotId: snapshot['snapshot-id'], tableLocation: root, filter }, {
    read: (path) => storage.read(path),
    // A recorded path in another scheme (or relative) is not where this table lives: never probe it.
    exists: async (path) => schemeOf(path) === schemeOf(root) && storage.exists(path),
  });
  for (const task of plan.tasks) {
    if (task.file['file-format'] !== 'PARQUET') {
      throw new IcebergError('unsupported', `${task.file['file-format']} data files are not supported (only Parquet): ${task.file['file-path']}`, { table });
    }
  }
  return plan.tasks;
};

/** 's3', 'file' (absolute paths and file: URIs), or 'relative'. */
function schemeOf(path: string): string {
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(path);
  if (m && m[1].length > 1) return m[1].toLowerCase().replace(/^s3[an]$/, 's3');
  return path.startsWith('/') ? 'file' : 'relative';
}

