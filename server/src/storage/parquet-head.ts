// A local copy of only the first row groups of a remote Parquet file, for reads that need only its first rows (a
// preview's LIMIT). The footer comes first, from one speculative tail read; then one ranged read fetches the bytes of
// the row groups that hold the rows asked for. The copy is a sparse file of the object's layout: the fetched bytes
// at their own offsets, holes elsewhere, and at the end a footer cut to list only the fetched row groups
// (parquet-footer-cut.ts). DuckDB reads a file through its footer, so it can never reach a hole: every byte that
// footer points at (column chunks, page indexes, bloom filters) was fetched. Anything this cannot vouch for (an
// unreadable or encrypted footer, external column chunks, a layout it does not expect) falls back to the whole file.
//
// Copies are kept apart in the cache by what they hold (`head<k>-of-<size>`: the first k row groups of an object of
// that size), so a partial copy is never served as the whole file, and the footer is kept too: a warm read
// needs no request.
import { promises as fs } from 'node:fs';
import type { FileCache, ProgressListener } from './cache';
import { footerWithFirstRowGroups } from './parquet-footer-cut';

/** One speculative read of the file's end holds the footer of most data files (saving a round trip). */
const TAIL_BYTES = 64 * 1024;
const MAGIC = 0x31524150; // "PAR1", little-endian
/**
 * A file this small is fetched whole in one GET rather than by a tail read followed by a range: one round trip to
 * S3 costs about what 1 MB more of transfer does (30–150 ms at 5–50 MB/s from a laptop; less of both in a region),
 * and a file this small is often one row group, which the range path would fetch whole after its tail read anyway.
 */
export const WHOLE_AT_MOST = 1024 * 1024;
/**
 * The first row group's bytes, when the manifest's split offsets give them, are fetched alongside the tail (one
 * round trip for both) up to this size; past it they stream to disk after the footer is read, as without offsets.
 */
const PREFETCH_AT_MOST = 8 * 1024 * 1024;

/** Ranged access to one remote object. */
export interface RangedObject {
  uri: string;
  /** The object's last `n` bytes and its whole size. */
  tail(n: number): Promise<{ bytes: Uint8Array; size: number }>;
  /** Bytes [start, end). */
  range(start: number, end: number): Promise<Uint8Array>;
  /** Writes bytes [start, end) into an existing local file at the same offset, streaming; resolves to the byte count. */
  rangeInto(start: number, end: number, localPath: string, onBytes: (n: number) => void): Promise<number>;
  /** The whole object's cached copy (the fallback). */
  whole(): Promise<string>;
}

export interface HeadCopy {
  localPath: string;
  /** False when the copy holds only the file's first row groups (and so fewer rows than the file). */
  complete: boolean;
  /** For a partial copy, what the whole object is: its size and its footer's row count (checked against the manifest). */
  object?: { size: number; rows: bigint };
  /** For a partial copy, its footer's schema elements depth-first (read here already: no reader need open it again). */
  columns?: FooterColumn[];
}

/** One Parquet schema element: its name, field id and number of children. */
export interface FooterColumn { name: string; id: number | null; children: number }

/**
 * A local copy holding at least the first `rows` rows of a Parquet object of `size` bytes (the size its manifest
 * entry records): only its first row groups when they hold them, else the whole file.
 */
export async function parquetHeadCopy(object: RangedObject, cache: FileCache, opts: HeadOptions): Promise<HeadCopy> {
  const { uri } = object;
  const whole = async (): Promise<HeadCopy> => ({ localPath: await object.whole(), complete: true });
  const cachedWhole = await cache.has({ uri, size: opts.size });
  if (cachedWhole) return { localPath: cachedWhole, complete: true };
  if (!(opts.size > WHOLE_AT_MOST) || !(opts.rows > 0)) return whole();
  // The manifest's split offsets (row group starts) say where the first row group ends: a file of one row group is
  // fetched whole at once, else the first row group comes alongside the footer. Offsets are only a hint: what is
  // kept is planned from the footer, and any byte the hint missed is fetched after it.
  const starts = rowGroupStarts(opts.splitOffsets, opts.size);
  if (starts?.length === 1) return whole();
  const firstEnd = starts && starts[1] <= PREFETCH_AT_MOST ? starts[1] : undefined;
  const prefetched = firstEnd === undefined ? undefined : object.range(0, firstEnd);
  prefetched?.catch(() => undefined); // awaited below when the plan gets that far; never an unhandled rejection

  const end = await footerTail(object, cache, opts.size, opts.onProgress);
  if (!end) return whole(); // the object is not the size its manifest records: the whole file, for the check to report
  const { tail, saved } = end;
  const plan = await headPlan(tail, opts.size, opts.rows);
  if (!plan) return (await Promise.all([whole(), saved]))[0];
  const head = prefetched && await prefetched;
  if (head && head.length !== firstEnd) throw new Error(`short read of ${uri}: ${head.length} of ${firstEnd} bytes at 0`);

  let fetched = 0;
  const localPath = await cache.get({ uri, variant: `head${plan.keep}-of-${opts.size}` }, async (temp, onBytes) => {
    const file = await fs.open(temp, 'w');
    try {
      const tailStart = opts.size - tail.length;
      const headEnd = head?.length ?? 0;
      await Promise.all(plan.ranges.map(async ([start, end]) => {
        // the parts of a range inside the prefetched head or the tail read are already here
        if (start < headEnd) {
          await file.write(head!, start, Math.min(end, headEnd) - start, start);
          onBytes(Math.min(end, headEnd) - start);
          fetched += Math.min(end, headEnd) - start;
        }
        if (end > tailStart) await file.write(tail, Math.max(start, tailStart) - tailStart, end - Math.max(start, tailStart), Math.max(start, tailStart));
        const from = Math.max(start, headEnd), to = Math.min(end, tailStart);
        if (from >= to) return;
        // streamed to disk: a row group may be far larger than is wise to hold in memory
        const n = await object.rangeInto(from, to, temp, onBytes);
        if (n !== to - from) throw new Error(`short read of ${uri}: ${n} of ${to - from} bytes at ${from}`);
        fetched += n;
      }));
      const trailer = new Uint8Array(plan.footer.length + 8);
      trailer.set(plan.footer);
      new DataView(trailer.buffer).setUint32(plan.footer.length, plan.footer.length, true);
      new DataView(trailer.buffer).setUint32(plan.footer.length + 4, MAGIC, true);
      await file.write(trailer, 0, trailer.length, plan.footerStart);
      return fetched;
    } finally {
      await file.close();
    }
  }, opts.onProgress);
  await saved;
  return { localPath, complete: false, object: { size: opts.size, rows: plan.fileRows }, columns: plan.columns };
}

export interface HeadOptions {
  /** The object's size as its manifest entry records it. */
  size: number;
  /** Rows wanted: the copy holds at least this many. */
  rows: number;
  /** The manifest entry's split offsets: where the file's row groups start (a hint, see parquetHeadCopy). */
  splitOffsets?: readonly number[];
  onProgress?: ProgressListener;
}

/** Split offsets as row group starts, when they are usable: ascending, inside the file, starting past its magic. */
function rowGroupStarts(offsets: readonly number[] | undefined, size: number): number[] | undefined {
  if (!offsets || offsets.length === 0) return undefined;
  const ok = offsets.every((o, i) => Number.isSafeInteger(o) && o >= 4 && o < size && (i === 0 || o > offsets[i - 1]));
  return ok ? [...offsets] : undefined;
}

/**
 * The object's end, from its footer's start; undefined when the object's size is not `size`. A tail fetched now is
 * written to the cache while the caller goes on (`saved`, to await before the copy is handed out).
 */
async function footerTail(object: RangedObject, cache: FileCache, size: number, onProgress?: ProgressListener): Promise<{ tail: Uint8Array; saved?: Promise<unknown> } | undefined> {
  const key = { uri: object.uri, variant: `tail-of-${size}` };
  const kept = await cache.has(key);
  if (kept) return { tail: new Uint8Array(await fs.readFile(kept)) };
  const first = await object.tail(Math.min(TAIL_BYTES, size));
  if (first.size !== size) return undefined;
  let bytes = first.bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint32(bytes.length - 4, true) !== MAGIC) return { tail: bytes }; // headPlan declines it
  const needed = view.getUint32(bytes.length - 8, true) + 8;
  if (needed > bytes.length && needed <= size) {
    const front = await object.range(size - needed, size - bytes.length);
    const joined = new Uint8Array(front.length + bytes.length);
    joined.set(front);
    joined.set(bytes, front.length);
    bytes = joined;
  }
  const tail = bytes;
  const saved = cache.get(key, async (temp, onBytes) => {
    await fs.writeFile(temp, tail);
    onBytes(tail.length);
    return tail.length;
  }, onProgress);
  saved.catch(() => undefined); // awaited by the caller; never an unhandled rejection meanwhile
  return { tail, saved };
}

interface HeadPlan {
  /** Row groups kept: the first `keep`. */
  keep: number;
  /** Byte ranges [start, end) to fetch, sorted, not overlapping. */
  ranges: Array<[number, number]>;
  /** The cut footer and where it goes (where the object's own footer starts). */
  footer: Uint8Array;
  footerStart: number;
  /** The whole file's row count, from its footer. */
  fileRows: bigint;
  columns: FooterColumn[];
}

/** What to fetch for the first `rows` rows; undefined when only the whole file will do. */
async function headPlan(tail: Uint8Array, size: number, rows: number): Promise<HeadPlan | undefined> {
  try {
    const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    if (tail.length < 8 || view.getUint32(tail.length - 4, true) !== MAGIC) return undefined;
    const footerLength = view.getUint32(tail.length - 8, true);
    if (footerLength + 8 > tail.length) return undefined;
    const footerStart = size - 8 - footerLength;
    const { parquetMetadata } = await import('hyparquet');
    const meta = parquetMetadata(tail.slice(tail.length - 8 - footerLength).buffer);
    const groups = meta.row_groups;
    let keep = 0, held = 0n;
    while (keep < groups.length && held < BigInt(rows)) held += BigInt(groups[keep++].num_rows);
    if (held < BigInt(rows) || keep >= groups.length) return undefined; // every row group: the whole file

    // Every byte range a reader may follow from a kept row group's column chunks.
    const chunkRanges: Array<[number, number]> = [];
    const extras: Array<[number, number]> = [];
    for (const group of groups.slice(0, keep)) {
      for (const c of group.columns) {
        const m = c.meta_data;
        if (!m || c.file_path || c.crypto_metadata || c.encrypted_column_metadata) return undefined;
        const data = Number(m.data_page_offset);
        const dict = m.dictionary_page_offset === undefined ? undefined : Number(m.dictionary_page_offset);
        const start = dict !== undefined && dict > 0 && dict < data ? dict : data;
        chunkRanges.push([start, start + Number(m.total_compressed_size)]);
        for (const [offset, length] of [[c.offset_index_offset, c.offset_index_length], [c.column_index_offset, c.column_index_length], [m.bloom_filter_offset, m.bloom_filter_length]]) {
          if (offset === undefined) continue;
          if (length === undefined) return undefined; // unbounded: cannot promise to have fetched it
          extras.push([Number(offset), Number(offset) + Number(length)]);
        }
      }
    }
    // The kept row groups are fetched as one run from the file's start up to the first byte of a row group left
    // out, so a chunk whose recorded size is short (as some writers' are) still has its bytes present.
    const keptEnd = Math.max(...chunkRanges.map(([, end]) => end));
    let nextStart = footerStart;
    for (const group of groups.slice(keep)) {
      for (const c of group.columns) {
        const m = c.meta_data;
        if (!m) return undefined;
        const dict = m.dictionary_page_offset === undefined ? Infinity : Number(m.dictionary_page_offset);
        const start = Math.min(Number(m.data_page_offset), dict > 0 ? dict : Infinity);
        if (start < keptEnd) return undefined; // row groups not laid out in order
        nextStart = Math.min(nextStart, start);
      }
    }
    const ranges = merged([[0, nextStart], ...extras]);
    if (ranges.some(([start, end]) => start < 0 || end > footerStart || end < start)) return undefined;
    return { keep, ranges, footer: footerWithFirstRowGroups(tail.subarray(tail.length - 8 - footerLength, tail.length - 8), keep, held), footerStart, fileRows: BigInt(meta.num_rows),
      columns: meta.schema.map((e) => ({ name: e.name, id: e.field_id ?? null, children: e.num_children ?? 0 })) };
  } catch {
    return undefined; // a footer we cannot read or cut: the whole file, whose read reports it
  }
}

/** Sorted ranges with overlapping or touching ones joined. */
function merged(ranges: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}
