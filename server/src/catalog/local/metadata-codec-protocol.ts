// Messages between the catalog and its metadata worker thread (structured-cloned: bigint and typed arrays survive),
// and how metadata travels between them. Structured clone is synchronous on both ends, and a long history (32,000
// snapshots) took the catalog's event loop over a second to receive at once under load; so the long arrays
// (snapshots, their log) travel in parts, each a few milliseconds, and the catalog's side takes one part per turn
// of its event loop: the receiver acknowledges each part before the next is sent.
import type { TableMetadata } from '../../iceberg/spec';
import type { IcebergErrorKind } from '../../iceberg/errors';

export type CodecJob =
  /** Parse a metadata file's bytes; answers the metadata and its compact JSON (UTF-8). */
  | { id: number; op: 'parse'; bytes: Uint8Array; file: string }
  /** Serialize metadata about to be written and check that it reads back; answers the JSON (UTF-8). */
  | { id: number; op: 'write'; metadata: TableMetadata; parts: PartKey[]; file: string };

export type CodecReply =
  | { id: number; ok: true; metadata?: TableMetadata; parts?: PartKey[]; json: Uint8Array }
  | { id: number; ok: false; error: { kind?: IcebergErrorKind; message: string; details?: { file?: string; table?: string } } };

/** A slice of one long top-level array of the metadata of job `id`; the job or reply that follows names the keys. */
export interface Part { id: number; key: string; items: unknown[] }
/** An array sent in parts, and its whole length (checked on arrival: a lost part must not shorten a history). */
export interface PartKey { key: string; length: number }
/** The receiver of a part is ready for the next. */
export interface PartTaken { taken: number }

export type ToWorker = CodecJob | Part | PartTaken;
export type FromWorker = CodecReply | Part | PartTaken;

export const PART_ITEMS = 2000;

/** The metadata without its long arrays (left empty), and those arrays in slices of PART_ITEMS. */
export function splitMetadata(m: TableMetadata): { head: TableMetadata; keys: PartKey[]; slices: { key: string; items: unknown[] }[] } {
  const head: Record<string, unknown> = { ...m };
  const keys: PartKey[] = [];
  const slices: { key: string; items: unknown[] }[] = [];
  for (const [key, value] of Object.entries(m)) {
    if (!Array.isArray(value) || value.length <= PART_ITEMS) continue;
    head[key] = [];
    keys.push({ key, length: value.length });
    for (let i = 0; i < value.length; i += PART_ITEMS) slices.push({ key, items: value.slice(i, i + PART_ITEMS) });
  }
  return { head: head as unknown as TableMetadata, keys, slices };
}

/** Collects the parts of each job and puts them back into its metadata. */
export class PartCollector {
  private readonly byId = new Map<number, Map<string, unknown[][]>>();

  add(part: Part): void {
    const byKey = this.byId.get(part.id) ?? new Map<string, unknown[][]>();
    this.byId.set(part.id, byKey);
    byKey.set(part.key, [...(byKey.get(part.key) ?? []), part.items]);
  }

  /** The whole metadata of job `id`, its parts forgotten; throws when a part is missing. */
  join(id: number, head: TableMetadata, keys: PartKey[] = []): TableMetadata {
    const byKey = this.byId.get(id);
    this.byId.delete(id);
    if (keys.length === 0) return head;
    const m: Record<string, unknown> = { ...head };
    for (const { key, length } of keys) {
      const items = (byKey?.get(key) ?? []).flat();
      if (items.length !== length) throw new Error(`metadata ${key} arrived with ${items.length} of ${length} entries`);
      m[key] = items;
    }
    return m as unknown as TableMetadata;
  }

  forget(id: number): void {
    this.byId.delete(id);
  }
}
