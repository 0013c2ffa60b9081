// Orphan files of a table: files under its location that no live metadata references (left by killed writers,
// lost commits or expired metadata). The listing happens before the metadata is loaded, so a commit that lands in
// between is seen; files younger than the grace period are kept, since a running writer may still commit them.
// Only files an Iceberg writer could have made are candidates: Iceberg-shaped names under the location's data/ and
// metadata/ folders, and only when the table's current metadata file really lies there; a wrong or hostile catalog
// answer (a location on a user's folder) then finds nothing to delete.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TableMetadata } from '../../iceberg/spec.js';
import { readManifestList } from '../../iceberg/manifest-list.js';
import { readManifest } from '../../iceberg/manifest.js';
import type { Storage, StorageObject } from '../../storage/storage.js';
import { isS3Uri } from '../../storage/factory.js';
import { localPathOf } from '../../storage/local.js';
import { MaintenanceError } from './maintenance-error.js';

export interface LiveTable { metadata: TableMetadata; metadataLocation?: string }

export interface FindOrphansInput {
  /** Display name of the table, for messages. */
  table: string;
  storage: Storage;
  /** Loads the table's current metadata; called after the listing. */
  load(): Promise<LiveTable>;
  /** The table location to list (default: the location in the metadata loaded first). */
  location?: string;
  /** Only files last modified more than this many ms ago are orphans; younger ones are reported as kept. */
  olderThanMs: number;
  now?: number;
}

export interface OrphanReport {
  table: string;
  location: string;
  /** Files found under the location. */
  listed: number;
  /** Distinct files live metadata references (metadata files, manifest lists, manifests, data and delete files, statistics). */
  referenced: number;
  /** Unreferenced files older than the grace period: safe to remove. */
  orphans: StorageObject[];
  /** Unreferenced files within the grace period (or of unknown age): kept. */
  recent: StorageObject[];
}

/** Iceberg's default for remove_orphan_files: three days. */
export const DEFAULT_ORPHAN_GRACE_MS = 3 * 24 * 3600 * 1000;

/** Lists the table's files and returns those no live snapshot, metadata file or statistics file references. */
export async function findOrphanFiles(input: FindOrphansInput): Promise<OrphanReport> {
  const first = input.location === undefined ? await input.load() : undefined;
  const location = trimSlash(input.location ?? first!.metadata.location);
  const listed = [...(await input.storage.list(`${location}/`)), ...(await strayTempFiles(location))];
  const live = await input.load();
  const referenced = await referencedFiles(live, input.storage, input.table);
  checkSameTable(live, location, input.table);
  checkMetadataListed(live, listed, input.table);
  const nested = nestedTableRoots(listed, location);
  const now = input.now ?? Date.now();
  const orphans: StorageObject[] = [];
  const recent: StorageObject[] = [];
  for (const obj of listed) {
    const key = fileKey(obj.uri);
    if (referenced.has(key) || isProtected(obj.uri, location) || nested.some((root) => key.startsWith(`${root}/`))) continue;
    if (!isIcebergFile(key, location)) continue;
    if (obj.modifiedMs !== undefined && now - obj.modifiedMs >= input.olderThanMs) orphans.push(obj);
    else if (obj.modifiedMs === undefined && input.olderThanMs <= 0) orphans.push(obj);
    else recent.push(obj);
  }
  return { table: input.table, location, listed: listed.length, referenced: referenced.size, orphans, recent };
}

/** Deletes the given orphans; returns the URIs removed and those that failed, with the reason. */
export async function removeOrphanFiles(storage: Storage, orphans: StorageObject[]): Promise<{ removed: string[]; failed: { uri: string; reason: string }[] }> {
  const removed: string[] = [];
  const failed: { uri: string; reason: string }[] = [];
  for (const obj of orphans) {
    try {
      await storage.delete(obj.uri);
      removed.push(obj.uri);
    } catch (e) {
      failed.push({ uri: obj.uri, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return { removed, failed };
}

/** Every file any live snapshot or metadata file of the table references, as comparable keys. */
export async function referencedFiles(live: LiveTable, storage: Storage, table: string): Promise<Set<string>> {
  const m = live.metadata;
  const refs = new Set<string>();
  const add = (uri: string | undefined) => { if (uri) refs.add(fileKey(uri)); };
  add(live.metadataLocation);
  for (const entry of m['metadata-log'] ?? []) add(entry['metadata-file']);
  for (const stat of [...(m.statistics ?? []), ...(m['partition-statistics'] ?? [])]) add((stat as { 'statistics-path'?: string })['statistics-path']);
  const manifestPaths = new Set<string>();
  for (const snapshot of m.snapshots) {
    add(snapshot['manifest-list']);
    // An unreadable manifest list means we cannot know what is live: refuse rather than guess.
    const bytes = await readOrRefuse(storage, snapshot['manifest-list'], table, `snapshot ${snapshot['snapshot-id']}'s manifest list`);
    for (const mf of readOrCorrupt(() => readManifestList(bytes, snapshot['manifest-list']).manifests, table, snapshot['manifest-list'])) {
      manifestPaths.add(mf['manifest-path']);
    }
  }
  for (const manifest of manifestPaths) {
    add(manifest);
    const bytes = await readOrRefuse(storage, manifest, table, 'a manifest');
    // Entries of every status count: a file deleted in one snapshot is still live in older ones.
    for (const e of readOrCorrupt(() => readManifest(bytes, { file: manifest, omitMetrics: 'all' }).entries, table, manifest)) add(e['data-file']['file-path']);
  }
  return refs;
}

async function readOrRefuse(storage: Storage, uri: string, table: string, what: string): Promise<Uint8Array> {
  try {
    return await storage.read(uri);
  } catch (e) {
    throw new MaintenanceError('unreadable-metadata', `cannot read ${what} of ${table} (${uri}): ${e instanceof Error ? e.message : String(e)}; nothing was removed`, { table, file: uri }, { cause: e });
  }
}

function readOrCorrupt<T>(f: () => T, table: string, uri: string): T {
  try {
    return f();
  } catch (e) {
    throw new MaintenanceError('unreadable-metadata', `${table}'s metadata file ${uri} is unreadable: ${e instanceof Error ? e.message : String(e)}; nothing was removed`, { table, file: uri }, { cause: e });
  }
}

/** A metadata file outside the listed location means the table moved: cleaning the old folder could hit another table. */
function checkSameTable(live: LiveTable, location: string, table: string): void {
  const loc = fileKey(location);
  if (trimSlash(fileKey(live.metadata.location)) !== loc) {
    throw new MaintenanceError('moved-table', `${table} now lives at ${live.metadata.location}, not ${location}; nothing was removed`, { table });
  }
  if (live.metadataLocation && !fileKey(live.metadataLocation).startsWith(`${loc}/`)) {
    throw new MaintenanceError('moved-table', `${table}'s current metadata ${live.metadataLocation} is outside its location ${location}; nothing was removed`, { table });
  }
}

/** The current metadata file must be among the listed files: a catalog that names a file elsewhere is not trusted. */
function checkMetadataListed(live: LiveTable, listed: StorageObject[], table: string): void {
  const file = live.metadataLocation && fileKey(live.metadataLocation);
  if (file && listed.some((o) => fileKey(o.uri) === file)) return;
  throw new MaintenanceError('moved-table', `${table}'s current metadata file ${live.metadataLocation ?? '(none reported)'} is not under its location ${live.metadata.location}; nothing was removed`, { table });
}

// Names Iceberg writers give files: data and delete files, manifests and manifest lists, metadata, statistics.
const ICEBERG_NAME = /\.(?:parquet|avro|orc|puffin|stats|metadata\.json(?:\.gz)?)$/;

/** True for an Iceberg-shaped file name (or a half-written temp of one) under `<location>/data/` or `<location>/metadata/`. */
function isIcebergFile(key: string, location: string): boolean {
  const own = fileKey(location);
  if (!key.startsWith(`${own}/data/`) && !key.startsWith(`${own}/metadata/`)) return false;
  const name = key.slice(key.lastIndexOf('/') + 1).replace(/^\.(.*)\.floe-tmp-[0-9a-f]+$/, '$1');
  return ICEBERG_NAME.test(name);
}

/** Folders under the location that hold another table's metadata (e.g. namespace gold.t under table gold.t's folder). */
function nestedTableRoots(listed: StorageObject[], location: string): string[] {
  const own = fileKey(location);
  const roots = new Set<string>();
  for (const obj of listed) {
    const m = /^(.*)\/metadata\/[^/]*\.metadata\.json(\.gz)?$/.exec(fileKey(obj.uri));
    if (m && m[1] !== own) roots.add(m[1]);
  }
  return [...roots];
}

/**
 * Half-written local files (`.<name>.floe-tmp-<hex>`) a killed process left: LocalStorage.list hides them, since
 * in a live process they are writes in progress; past the grace period they are orphans like any other. S3 has none.
 */
async function strayTempFiles(location: string): Promise<StorageObject[]> {
  if (isS3Uri(location)) return [];
  const out: StorageObject[] = [];
  const asUri = location.startsWith('file:') ? (p: string) => pathToFileURL(p).href : (p: string) => p;
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && e.name.includes('.floe-tmp-')) {
        const st = await fs.stat(full).catch(() => undefined);
        if (st) out.push({ uri: asUri(full), size: st.size, modifiedMs: st.mtimeMs });
      }
    }
  };
  await walk(localPathOf(location));
  return out;
}

/** Files no metadata names but readers need: the version hint. */
function isProtected(uri: string, location: string): boolean {
  return fileKey(uri) === `${fileKey(location)}/metadata/version-hint.text`;
}

/** One spelling per file: file: URIs become paths, s3a/s3n become s3. */
export function fileKey(uri: string): string {
  if (uri.startsWith('file:')) return fileURLToPath(uri);
  return uri.replace(/^s3[an]:\/\//, 's3://');
}

function trimSlash(p: string): string {
  return p.replace(/\/+$/, '');
}
