// floe table expire-snapshots: removes old snapshots with the REST `remove-snapshots` update, then deletes the
// files only they referenced. Every ref is kept with its snapshot; a branch keeps its ancestors by its own
// retention (min-snapshots-to-keep, max-snapshot-age-ms) or, where it sets none, by --retain-last/--older-than.
// A file is deleted only when no snapshot left after the commit references it, only under the table's location,
// and only after the commit succeeded; a kill in between leaves orphans for `floe table cleanup`.
import { performance } from 'node:perf_hooks';
import { CatalogError } from '../../catalog/catalog.js';
import type { ManifestFile, Snapshot, TableMetadata } from '../../iceberg/spec.js';
import type { Storage } from '../../storage/storage.js';
import type { ManifestIO } from '../write/manifest-io.js';
import { checkCancelled, loadMaintained, type MaintenanceOptions } from './maintained-table.js';
import { MaintenanceError } from './maintenance-error.js';
import { fileKey, removeOrphanFiles } from './orphan-files.js';

/** Iceberg's default history.expire.max-snapshot-age-ms: five days. */
export const DEFAULT_SNAPSHOT_AGE_MS = 5 * 24 * 3600 * 1000;

export interface ExpireOptions extends MaintenanceOptions {
  /** Snapshots older than this may expire (default: the table's history.expire.max-snapshot-age-ms, else 5 days). */
  olderThanMs?: number;
  /** Each branch keeps at least this many of its latest snapshots (default: history.expire.min-snapshots-to-keep, else 1). */
  retainLast?: number;
  now?: number;
}

export type ExpiredFileKind = 'data' | 'delete' | 'manifest' | 'manifest-list' | 'statistics';

export interface ExpireResult {
  table: string;
  dryRun: boolean;
  expiredSnapshots: bigint[];
  keptSnapshots: number;
  /** Files only expired snapshots referenced: deleted (or, in a dry run, to delete). */
  files: { uri: string; kind: ExpiredFileKind }[];
  /** Deletions that failed; the files are orphans `floe table cleanup` can remove later. */
  failed: { uri: string; reason: string }[];
  ms: number;
}

/** Expires the table's old snapshots and deletes the files no kept snapshot references. */
export async function expireSnapshots(opts: ExpireOptions): Promise<ExpireResult> {
  const started = performance.now();
  const progress = opts.onProgress ?? (() => undefined);
  const maxAttempts = opts.maxCommitAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const t = await loadMaintained(opts, 'expire snapshots of');
    const props = t.metadata.properties;
    const olderThanMs = opts.olderThanMs ?? (Number(props['history.expire.max-snapshot-age-ms']) || DEFAULT_SNAPSHOT_AGE_MS);
    const retainLast = opts.retainLast ?? (Number(props['history.expire.min-snapshots-to-keep']) || 1);
    const keep = snapshotsToKeep(t.metadata, olderThanMs, retainLast, opts.now ?? Date.now());
    const expired = t.metadata.snapshots.filter((s) => !keep.has(s['snapshot-id']));
    const result: ExpireResult = { table: t.name, dryRun: opts.dryRun === true, expiredSnapshots: expired.map((s) => s['snapshot-id']), keptSnapshots: keep.size, files: [], failed: [], ms: 0 };
    const finish = () => ({ ...result, ms: Math.round(performance.now() - started) });
    if (!expired.length) return finish();
    progress({ phase: 'planning', message: `finding the files of ${expired.length} expiring snapshot(s) of ${t.name}` });
    const kept = t.metadata.snapshots.filter((s) => keep.has(s['snapshot-id']));
    const candidates = await filesOnlyIn(t.io, t.storage, expired, kept, t.metadata, t.name);
    if (opts.dryRun) { result.files = candidates; return finish(); }
    checkCancelled(opts.signal, t.name);
    progress({ phase: 'committing', message: `removing ${expired.length} snapshot(s) from ${t.name}` });
    let committed: TableMetadata;
    try {
      committed = (await opts.catalog.commitTable(opts.table, [
        { type: 'assert-table-uuid', uuid: t.metadata['table-uuid'] },
        { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': t.metadata.refs.main?.['snapshot-id'] ?? null },
      ], [{ action: 'remove-snapshots', 'snapshot-ids': result.expiredSnapshots }])).metadata;
    } catch (e) {
      // The table moved on meanwhile: plan again on what it is now.
      if (e instanceof CatalogError && e.kind === 'commit-conflict' && attempt < maxAttempts) continue;
      throw e;
    }
    // Snapshots committed by others since the load may reference what was planned for deletion: spare their files.
    const arrived = committed.snapshots.filter((s) => !keep.has(s['snapshot-id']));
    const spared = arrived.length ? await referencedBy(t.io, t.storage, arrived, t.name) : new Set<string>();
    const own = `${fileKey(t.metadata.location).replace(/\/+$/, '')}/`;
    const toDelete = candidates.filter((f) => !spared.has(fileKey(f.uri)) && fileKey(f.uri).startsWith(own));
    progress({ phase: 'deleting', done: 0, total: toDelete.length, message: `deleting ${toDelete.length} file(s) only expired snapshots referenced` });
    const { removed, failed } = await removeOrphanFiles(t.storage, toDelete.map((f) => ({ uri: f.uri, size: 0 })));
    const gone = new Set(removed);
    result.files = toDelete.filter((f) => gone.has(f.uri));
    result.failed = failed;
    progress({ phase: 'done', message: `${t.name}: ${expired.length} snapshot(s) expired, ${removed.length} file(s) deleted` });
    return finish();
  }
}

/** The snapshots every ref keeps: its own, and for branches their ancestors within the retention. */
export function snapshotsToKeep(m: TableMetadata, olderThanMs: number, retainLast: number, now: number): Set<bigint> {
  const byId = new Map(m.snapshots.map((s) => [s['snapshot-id'], s]));
  const keep = new Set<bigint>();
  const inBranch = new Set<bigint>();
  const refs = Object.values(m.refs);
  if (m['current-snapshot-id'] !== undefined && !m.refs.main) refs.push({ 'snapshot-id': m['current-snapshot-id'], type: 'branch' });
  for (const ref of refs) {
    keep.add(ref['snapshot-id']);
    if (ref.type !== 'branch') continue;
    const minKeep = ref['min-snapshots-to-keep'] ?? retainLast;
    const maxAge = ref['max-snapshot-age-ms'] !== undefined ? Number(ref['max-snapshot-age-ms']) : olderThanMs;
    let s: Snapshot | undefined = byId.get(ref['snapshot-id']);
    for (let n = 0; s; n++) {
      inBranch.add(s['snapshot-id']);
      if (n < minKeep || now - Number(s['timestamp-ms']) < maxAge) keep.add(s['snapshot-id']);
      s = s['parent-snapshot-id'] === undefined ? undefined : byId.get(s['parent-snapshot-id']);
    }
  }
  // Snapshots no ref reaches (rolled back, staged) expire by age alone.
  for (const s of m.snapshots) {
    if (!inBranch.has(s['snapshot-id']) && now - Number(s['timestamp-ms']) < olderThanMs) keep.add(s['snapshot-id']);
  }
  return keep;
}

/** Files the expired snapshots reference that no kept snapshot does: manifest lists, manifests, data and delete files, statistics. */
async function filesOnlyIn(io: ManifestIO, storage: Storage, expired: Snapshot[], kept: Snapshot[], m: TableMetadata, table: string): Promise<{ uri: string; kind: ExpiredFileKind }[]> {
  const keptFiles = await referencedBy(io, storage, kept, table);
  const out = new Map<string, { uri: string; kind: ExpiredFileKind }>();
  const add = (uri: string, kind: ExpiredFileKind) => { const k = fileKey(uri); if (!keptFiles.has(k) && !out.has(k)) out.set(k, { uri, kind }); };
  for (const s of expired) {
    add(s['manifest-list'], 'manifest-list');
    for (const mf of await manifestsOf(io, storage, s, table)) {
      if (keptFiles.has(fileKey(mf['manifest-path']))) continue;
      add(mf['manifest-path'], 'manifest');
      // Every entry counts here: a file added and deleted among expired snapshots goes too.
      for (const e of await entriesOf(io, storage, mf, table)) add(e['data-file']['file-path'], e['data-file'].content === 0 ? 'data' : 'delete');
    }
  }
  const expiredIds = new Set(expired.map((s) => s['snapshot-id']));
  for (const stat of [...(m.statistics ?? []), ...(m['partition-statistics'] ?? [])]) {
    const st = stat as { 'snapshot-id'?: bigint; 'statistics-path'?: string };
    if (st['snapshot-id'] !== undefined && expiredIds.has(BigInt(st['snapshot-id'])) && st['statistics-path']) add(st['statistics-path'], 'statistics');
  }
  return [...out.values()];
}

/** What the given snapshots need: their manifest lists and manifests, the files live in them, their statistics files. */
async function referencedBy(io: ManifestIO, storage: Storage, snapshots: Snapshot[], table: string): Promise<Set<string>> {
  const refs = new Set<string>();
  const manifests = new Map<string, ManifestFile>();
  for (const s of snapshots) {
    refs.add(fileKey(s['manifest-list']));
    for (const mf of await manifestsOf(io, storage, s, table)) manifests.set(mf['manifest-path'], mf);
  }
  for (const mf of manifests.values()) {
    refs.add(fileKey(mf['manifest-path']));
    // A file deleted in a kept snapshot is live in no kept one unless an older kept manifest lists it live.
    for (const e of await entriesOf(io, storage, mf, table)) if (e.status !== 2) refs.add(fileKey(e['data-file']['file-path']));
  }
  return refs;
}

async function manifestsOf(io: ManifestIO, storage: Storage, s: Snapshot, table: string): Promise<ManifestFile[]> {
  try {
    return await io.readManifestList(storage, s['manifest-list']);
  } catch (e) {
    throw unreadable(table, s['manifest-list'], e);
  }
}

async function entriesOf(io: ManifestIO, storage: Storage, mf: ManifestFile, table: string) {
  try {
    return await io.readManifest(storage, mf);
  } catch (e) {
    throw unreadable(table, mf['manifest-path'], e);
  }
}

/** A metadata file that cannot be read means what is live is unknown: refuse before committing anything. */
function unreadable(table: string, uri: string, e: unknown): MaintenanceError {
  return new MaintenanceError('unreadable-metadata', `cannot read ${uri} of ${table}: ${e instanceof Error ? e.message : String(e)}; no snapshot was expired`, { table, file: uri }, { cause: e });
}
