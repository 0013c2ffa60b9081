// The scan planner tableRelation uses when none is passed: Iceberg's planScan (manifests read
// concurrently, live files only, deletes paired by sequence number and partition, moved paths re-rooted).
import { statSync } from 'node:fs';
import { planScan } from '../../iceberg/scan';
import { IcebergError } from '../../iceberg/errors';
import { LocalStorage, localPathOf } from '../../storage/local';
import type { ReadTask } from './relation-sql';
import type { PlannedTasks, ScanPlanner } from './register-table';

/**
 * Plans of local tables by snapshot, kept with the size and mtime of every metadata file read: a re-read of an
 * unchanged table skips the Avro parsing, and any change to a manifest list or manifest (even in place) re-plans.
 */
const plans = new Map<string, { result: PlannedTasks; reads: Array<{ path: string; stamp: string }> }>();
const PLANS_KEPT = 64;

function stampOf(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

export const icebergScanPlanner: ScanPlanner = async ({ metadata, snapshot, storage, table, root, filter, rowLimit }) => {
  const cacheable = storage instanceof LocalStorage && !filter;
  const key = `${root}\u0000${snapshot['snapshot-id']}\u0000${snapshot['manifest-list']}\u0000${rowLimit ?? ''}`;
  const cached = cacheable ? plans.get(key) : undefined;
  if (cached && cached.reads.every((r) => stampOf(r.path) === r.stamp)) return cached.result;

  const reads: Array<{ path: string; stamp: string }> = [];
  const plan = await planScan(metadata, { snapshotId: snapshot['snapshot-id'], tableLocation: root, filter, rowLimit }, {
    read: async (path) => {
      const bytes = await storage.read(path);
      if (cacheable) {
        const local = localPathOf(path);
        const stamp = stampOf(local);
        if (stamp) reads.push({ path: local, stamp });
      }
      return bytes;
    },
    // A recorded path in another scheme (or relative) is not where this table lives: never probe it.
    exists: async (path) => schemeOf(path) === schemeOf(root) && storage.exists(path),
  });
  for (const task of plan.tasks) {
    if (task.file['file-format'] !== 'PARQUET') {
      throw new IcebergError('unsupported', `${task.file['file-format']} data files are not supported (only Parquet): ${task.file['file-path']}`, { table });
    }
  }
  const result: PlannedTasks = plan.complete ? plan.tasks : { tasks: plan.tasks, complete: false, listedRows: plan.listedRows };
  if (cacheable && reads.length > 0) {
    plans.delete(key);
    plans.set(key, { result, reads });
    if (plans.size > PLANS_KEPT) plans.delete(plans.keys().next().value!);
  }
  return result;
};

/** 's3', 'file' (absolute paths and file: URIs), or 'relative'. */
function schemeOf(path: string): string {
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(path);
  if (m && m[1].length > 1) return m[1].toLowerCase().replace(/^s3[an]$/, 's3');
  return path.startsWith('/') ? 'file' : 'relative';
}
