// v3 row lineage on the write side (spec "Row Lineage", "First Row ID Assignment", "Snapshot Row IDs"): a new
// snapshot's manifest list gives each data manifest without a first_row_id the next range of row ids, starting at
// the table's next-row-id on this commit attempt. Pure; ids are bigint throughout.
import type { ManifestFile, Snapshot, TableMetadata } from './spec.js';

/** The first format version that tracks row lineage. */
export const ROW_LINEAGE_VERSION = 3;

export interface AssignedRowIds {
  manifests: ManifestFile[];
  /** The snapshot's `first-row-id`: the table's next-row-id when the manifest list was written. */
  firstRowId: bigint;
  /** The snapshot's `added-rows`: how far the table's next-row-id moves when it commits. */
  addedRows: bigint;
}

/**
 * Assigns `first_row_id` to the data manifests that lack one, in list order; manifests that have one keep it and
 * delete manifests have none. Each assigned range covers the manifest's added and existing rows, the spec's
 * "simple and valid approach", which also covers files of an upgraded table that never had row ids.
 */
export function assignManifestRowIds(manifests: ManifestFile[], firstRowId: bigint): AssignedRowIds {
  let next = firstRowId;
  const out = manifests.map((m): ManifestFile => {
    if (m.content !== 0) {
      if (m['first-row-id'] === undefined) return m;
      const { 'first-row-id': _dropped, ...rest } = m;
      return rest;
    }
    if (m['first-row-id'] !== undefined) return m;
    const assigned = { ...m, 'first-row-id': next };
    next += m['added-rows-count'] + m['existing-rows-count'];
    return assigned;
  });
  return { manifests: out, firstRowId, addedRows: next - firstRowId };
}

/** The table's next-row-id (0 for a table that never assigned any, as after an upgrade to v3). */
export function nextRowIdOf(m: TableMetadata): bigint {
  return m['next-row-id'] ?? 0n;
}

/**
 * The catalog's side of a v3 add-snapshot: the snapshot must say which row ids it took, and they must start at or
 * after the table's next-row-id (else a concurrent commit took them first and the writer must retry from the new
 * value). Returns the table's next-row-id after the snapshot, or the reason it is refused.
 */
export function nextRowIdAfter(current: bigint, s: Snapshot): { next: bigint } | { invalid: string } | { conflict: string } {
  if (s['first-row-id'] === undefined || s['added-rows'] === undefined) {
    return { invalid: `snapshot ${s['snapshot-id']} has no ${s['first-row-id'] === undefined ? 'first-row-id' : 'added-rows'}, which format v3 requires` };
  }
  if (s['first-row-id'] < 0n || s['added-rows'] < 0n) return { invalid: `snapshot ${s['snapshot-id']} has a negative first-row-id or added-rows` };
  if (s['first-row-id'] < current) {
    return { conflict: `first-row-id is behind table next-row-id: ${s['first-row-id']} < ${current} (another commit assigned those row ids)` };
  }
  // From the snapshot's own range, so a first-row-id past next-row-id can never leave its rows' ids reusable.
  return { next: s['first-row-id'] + s['added-rows'] };
}
