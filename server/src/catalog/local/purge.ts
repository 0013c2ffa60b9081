// Purge of a dropped table, as Polaris's table cleanup does it: delete the files the table's metadata history
// references (metadata files, manifest lists, manifests, data and delete files, statistics), never a whole folder,
// and of those only the ones inside the table's own location, so a crafted manifest cannot reach another table.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { TableMetadata } from '../../iceberg/spec';
import type { Storage } from '../../storage/storage';
import { isS3Uri } from '../../storage/factory';
import { referencedFiles } from '../../engine/maintenance/orphan-files';
import { isInside, locationKey } from './location-guard';

export interface PurgedTable { metadata: TableMetadata; metadataLocation: string }

/** Deletes the table's referenced files under its location; returns how many were deleted. */
export async function purgeTableFiles(table: PurgedTable, storage: Storage): Promise<number> {
  const location = locationKey(table.metadata.location);
  const files = await referencedOrKnown(table, storage);
  let deleted = 0;
  for (const file of files) {
    if (!isInside(locationKey(file), location)) continue;
    await storage.delete(file).then(() => deleted++, () => undefined);
  }
  if (!isS3Uri(location)) {
    for (const sub of ['data', 'metadata']) await removeEmptyFolders(path.join(location, sub));
    await fs.rmdir(location).catch(() => undefined);
  }
  return deleted;
}

/** Everything the metadata references; when a manifest is unreadable, at least the metadata files and manifest lists. */
async function referencedOrKnown(table: PurgedTable, storage: Storage): Promise<Set<string>> {
  try {
    return await referencedFiles(table, storage, table.metadata.location);
  } catch {
    const m = table.metadata;
    return new Set([table.metadataLocation, ...m['metadata-log'].map((e) => e['metadata-file']), ...m.snapshots.map((s) => s['manifest-list'])]);
  }
}

/** Removes folders left empty under dir (and dir itself), bottom-up; folders holding anything are kept. */
async function removeEmptyFolders(dir: string): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return;
  for (const e of entries) if (e.isDirectory()) await removeEmptyFolders(path.join(dir, e.name));
  await fs.rmdir(dir).catch(() => undefined);
}
