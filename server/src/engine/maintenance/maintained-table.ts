// What every maintenance operation starts from: the table loaded from its catalog, its storage, its current
// snapshot; and the progress, cancellation and commit options they share.
import type { Catalog, LoadTableResult } from '../../catalog/catalog.js';
import type { Snapshot, TableIdentifier, TableMetadata } from '../../iceberg/spec.js';
import type { Storage } from '../../storage/storage.js';
import type { ManifestIO } from '../write/manifest-io.js';
import { defaultManifestIO } from '../write/manifest-io-default.js';
import { defaultStorageFactory, type StorageFactory } from '../write/write-table.js';
import { tableName } from '../write/commit-loop.js';
import { MaintenanceError } from './maintenance-error.js';

export interface MaintenanceProgress {
  phase: 'planning' | 'rewriting' | 'committing' | 'deleting' | 'done';
  /** Units done and to do in this phase (partitions, files), when known. */
  done?: number;
  total?: number;
  message: string;
}

export interface MaintenanceOptions {
  catalog: Catalog;
  table: TableIdentifier;
  /** Only plan and report; nothing is written or deleted. */
  dryRun?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: MaintenanceProgress) => void;
  storageFactory?: StorageFactory;
  manifestIO?: ManifestIO;
  maxCommitAttempts?: number;
}

export interface MaintainedTable {
  name: string;
  loaded: LoadTableResult;
  metadata: TableMetadata;
  storage: Storage;
  io: ManifestIO;
  /** The main branch's snapshot (undefined: the table has no data). */
  snapshot: Snapshot | undefined;
}

/**
 * Loads the table; refuses formats Floe does not rewrite (v1 has no sequence numbers to keep deletes exact). On v3
 * every operation keeps row lineage valid: rewritten rows keep their _row_id and last updated sequence number.
 */
export async function loadMaintained(opts: MaintenanceOptions, what: string): Promise<MaintainedTable> {
  const name = tableName(opts.table);
  const loaded = await opts.catalog.loadTable(opts.table);
  const metadata = loaded.metadata;
  const version = metadata['format-version'];
  if (version !== 2 && version !== 3) {
    throw new MaintenanceError('unsupported', `${name} is an Iceberg format v${version} table; Floe can ${what} v2 and v3 tables only; nothing was changed`, { table: name });
  }
  const storage = (opts.storageFactory ?? defaultStorageFactory)(metadata.location.replace(/\/+$/, ''), loaded.config);
  const id = metadata.refs.main?.['snapshot-id'] ?? metadata['current-snapshot-id'];
  const snapshot = id === undefined ? undefined : metadata.snapshots.find((s) => s['snapshot-id'] === id);
  return { name, loaded, metadata, storage, io: opts.manifestIO ?? defaultManifestIO, snapshot };
}

/** Throws 'cancelled' once the signal fired; `what` says what was left unchanged. */
export function checkCancelled(signal: AbortSignal | undefined, name: string): void {
  if (signal?.aborted) throw new MaintenanceError('cancelled', `cancelled: ${name} was left unchanged`, { table: name });
}

export function sumBig<T>(items: T[], f: (x: T) => bigint): bigint {
  return items.reduce((n, x) => n + f(x), 0n);
}
