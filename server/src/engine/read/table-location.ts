// Finds and loads a table's metadata from a location: a table folder (version-hint.text, else the newest
// *.metadata.json) or a metadata.json path, local or s3://. Also resolves paths of tables that were moved.
import path from 'node:path';
import { parseTableMetadata } from '../../iceberg/metadata-json';
import { IcebergError } from '../../iceberg/errors';
import type { TableMetadata } from '../../iceberg/spec';
import { StorageError, type Storage } from '../../storage/storage';

export interface LocatedTable {
  metadataLocation: string;
  metadata: TableMetadata;
  /** Where the table actually lives now: the folder holding metadata/ (may differ from metadata.location). */
  root: string;
}

const METADATA_FILE = /\.metadata\.json(\.gz)?$|\.gz\.metadata\.json$/;

/** Loads the table at a folder or metadata.json location. Errors name the location. */
export async function loadTableAt(location: string, storage: Storage): Promise<LocatedTable> {
  // Relative local paths are made absolute, so listed files and recorded paths compare as equals.
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(location) ? location : path.resolve(location);
  const trimmed = absolute.replace(/\/+$/, '');
  const found = METADATA_FILE.test(trimmed) ? { metadataLocation: trimmed } : await findMetadataFile(trimmed, storage);
  const { metadataLocation } = found;
  let bytes = found.bytes;
  try {
    bytes ??= await storage.read(metadataLocation);
  } catch (e) {
    if (e instanceof StorageError && e.kind === 'not-found') {
      throw new StorageError('not-found', metadataLocation, 'no Iceberg table metadata at this location', { cause: e });
    }
    throw e;
  }
  const metadata = parseTableMetadata(bytes, metadataLocation);
  return { metadataLocation, metadata, root: tableRootOf(metadataLocation) };
}

/** The table folder of a metadata file: the parent of its metadata/ folder (or its own folder otherwise). */
export function tableRootOf(metadataLocation: string): string {
  const folder = metadataLocation.slice(0, metadataLocation.lastIndexOf('/'));
  return folder.endsWith('/metadata') ? folder.slice(0, -'/metadata'.length) : folder;
}

async function findMetadataFile(folder: string, storage: Storage): Promise<{ metadataLocation: string; bytes?: Uint8Array }> {
  const metadataDir = `${folder}/metadata`;
  let hint: string | undefined;
  try {
    hint = new TextDecoder().decode(await storage.read(`${metadataDir}/version-hint.text`)).trim();
  } catch (e) {
    if (!(e instanceof StorageError && e.kind === 'not-found')) throw e;
  }
  // The folder also holds every manifest and manifest list (thousands on a big table, each stat'ed or paged by a
  // listing): the file a hint names in its usual spelling is read directly, and the folder listed only when it is not there.
  for (const candidate of hint ? hintedFiles(hint, metadataDir) : []) {
    const bytes = await readIfPresent(storage, candidate);
    if (bytes) return { metadataLocation: candidate, bytes };
  }
  const listed = (await storage.list(`${metadataDir}/`)).map((o) => o.uri).filter((u) => METADATA_FILE.test(u) && !u.slice(metadataDir.length + 1).includes('/'));
  if (hint) {
    const byHint = pickByHint(hint, listed, metadataDir);
    if (byHint) return { metadataLocation: byHint };
  }
  const newest = newestMetadataFile(listed);
  if (!newest) {
    throw new StorageError('not-found', folder, 'no Iceberg table here: no metadata/version-hint.text and no metadata/*.metadata.json');
  }
  return { metadataLocation: newest };
}

/** Where writers put the file a hint names: `v3.metadata.json` (or gzipped) for hint 3, else the named file. */
function hintedFiles(hint: string, metadataDir: string): string[] {
  if (/^\d+$/.test(hint)) {
    const n = Number(hint);
    return [`v${n}.metadata.json`, `v${n}.gz.metadata.json`, `v${n}.metadata.json.gz`].map((f) => `${metadataDir}/${f}`);
  }
  const wanted = hint.includes('/') ? hint.slice(hint.lastIndexOf('/') + 1) : hint;
  return [`${metadataDir}/${METADATA_FILE.test(wanted) ? wanted : `${wanted}.metadata.json`}`];
}

/** The file's bytes; undefined when it is absent (or, on S3 without list rights, refused), so the listing decides. */
async function readIfPresent(storage: Storage, uri: string): Promise<Uint8Array | undefined> {
  try {
    return await storage.read(uri);
  } catch (e) {
    if (e instanceof StorageError && (e.kind === 'not-found' || e.kind === 'denied')) return undefined;
    throw e;
  }
}

function pickByHint(hint: string, listed: string[], metadataDir: string): string | undefined {
  const name = (u: string) => u.slice(u.lastIndexOf('/') + 1);
  if (/^\d+$/.test(hint)) {
    const n = Number(hint);
    return listed.find((u) => versionOf(name(u)) === n);
  }
  const wanted = hint.includes('/') ? hint.slice(hint.lastIndexOf('/') + 1) : hint;
  return listed.find((u) => name(u) === wanted || name(u) === `${wanted}.metadata.json`) ?? (METADATA_FILE.test(wanted) ? `${metadataDir}/${wanted}` : undefined);
}

/** The version a metadata file name carries: v12.metadata.json or 00012-<uuid>.metadata.json. */
export function versionOf(fileName: string): number | undefined {
  const m = /^v(\d+)[.-]/.exec(fileName) ?? /^(\d+)-/.exec(fileName);
  return m ? Number(m[1]) : undefined;
}

/** The metadata file with the highest version number (file name order breaks ties). */
export function newestMetadataFile(uris: string[]): string | undefined {
  let best: { uri: string; version: number } | undefined;
  for (const uri of uris) {
    const version = versionOf(uri.slice(uri.lastIndexOf('/') + 1)) ?? -1;
    if (!best || version > best.version || (version === best.version && uri > best.uri)) best = { uri, version };
  }
  return best?.uri;
}

/**
 * Resolves a path recorded in metadata or a manifest against where the table lives now, as DuckDB's
 * allow_moved_paths does: a path under the recorded table location is re-rooted at the actual folder.
 */
export function resolveMovedPath(recorded: string, recordedLocation: string, root: string): string {
  const from = recordedLocation.replace(/\/+$/, '');
  if (from === root) return recorded;
  for (const prefix of spellings(from)) {
    if (recorded === prefix) return root;
    if (recorded.startsWith(`${prefix}/`)) return `${root}${recorded.slice(prefix.length)}`;
  }
  return recorded;
}

/** True when a table is read from another folder than the location its metadata records (copied or moved). */
export function isMovedTable(recordedLocation: string, root: string): boolean {
  return !spellings(recordedLocation.replace(/\/+$/, '')).includes(root);
}

/** The inverse of resolveMovedPath: how metadata (and position-delete files) recorded a path now under `root`. */
export function recordedPathOf(resolved: string, recordedLocation: string, root: string): string {
  const from = recordedLocation.replace(/\/+$/, '');
  if (from === root || !resolved.startsWith(`${root}/`)) return resolved;
  return `${from}${resolved.slice(root.length)}`;
}

/** The recorded spellings of a location: file:/x, file:///x and /x name the same folder. */
function spellings(location: string): string[] {
  const out = [location];
  const bare = location.replace(/^file:(\/\/)?/, '');
  if (bare !== location) out.push(bare, `file://${bare}`, `file:${bare}`);
  else if (location.startsWith('/')) out.push(`file://${location}`, `file:${location}`);
  return [...new Set(out)];
}

/** Picks the snapshot to read: an id, the latest at or before a time, or the current one (undefined: empty table). */
export function selectSnapshot(metadata: TableMetadata, table: string, options: { snapshotId?: bigint; asOfTimestampMs?: bigint } = {}) {
  if (options.snapshotId !== undefined) {
    const snapshot = metadata.snapshots.find((s) => s['snapshot-id'] === options.snapshotId);
    if (!snapshot) throw new IcebergError('not-found', `snapshot ${options.snapshotId} does not exist`, { table });
    return snapshot;
  }
  if (options.asOfTimestampMs !== undefined) {
    const log = metadata['snapshot-log'].length > 0
      ? metadata['snapshot-log']
      : metadata.snapshots.map((s) => ({ 'snapshot-id': s['snapshot-id'], 'timestamp-ms': s['timestamp-ms'] }));
    let chosen: bigint | undefined;
    let chosenAt = -1n;
    for (const entry of log) {
      if (entry['timestamp-ms'] <= options.asOfTimestampMs && entry['timestamp-ms'] >= chosenAt) {
        chosen = entry['snapshot-id'];
        chosenAt = entry['timestamp-ms'];
      }
    }
    const snapshot = metadata.snapshots.find((s) => s['snapshot-id'] === chosen);
    if (!snapshot) throw new IcebergError('not-found', `no snapshot at or before ${new Date(Number(options.asOfTimestampMs)).toISOString()}`, { table });
    return snapshot;
  }
  const current = metadata['current-snapshot-id'];
  if (current === undefined || current === -1n) return undefined;
  const snapshot = metadata.snapshots.find((s) => s['snapshot-id'] === current);
  if (!snapshot) throw new IcebergError('invalid-metadata', `current snapshot ${current} is not in the snapshot list`, { table });
  return snapshot;
}
