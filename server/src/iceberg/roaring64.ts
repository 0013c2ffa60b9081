// A 64-bit Roaring bitmap in the portable serialization (RoaringFormatSpec, "Extension for 64-bit implementations"):
// the vector inside a deletion-vector-v1 blob, decoded into ascending ranges of set positions.
//
// Hand-written rather than a library: the npm `roaring` package is a native CRoaring binding (one binary per platform
// in the VSIX), and `roaring-wasm` has 32-bit bitmaps only, an async start-up and manual memory release. A deletion
// vector is read once, front to back, into ranges of deleted rows, which is all this reader does; it checks every
// length, order and count the format fixes, so a damaged vector is an error and never a wrong set of rows.

/** Deleted positions as ascending, disjoint, non-adjacent ranges, start and end inclusive. */
export interface PositionRange { start: bigint; end: bigint }

/** One 32-bit bitmap: its key (the positions' high 32 bits) and its low 32-bit values as inclusive ranges. */
export interface KeyedRanges {
  key: number;
  /** Range starts and ends (inclusive), ascending, as uint32 numbers. */
  starts: number[];
  ends: number[];
}

export interface Roaring64 {
  bitmaps: KeyedRanges[];
  /** How many positions are set. */
  cardinality: bigint;
}

/** A malformed vector: `message` says what and where (byte offset inside the vector). */
export class RoaringFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RoaringFormatError';
  }
}

const SERIAL_COOKIE_NO_RUNCONTAINER = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;
const MAX_ARRAY_CARDINALITY = 4096;
const BITMAP_CONTAINER_BYTES = 8192;

class Reader {
  private readonly view: DataView;
  at = 0;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number, what: string): void {
    if (this.at + n > this.bytes.length) throw new RoaringFormatError(`truncated: ${what} at byte ${this.at} needs ${n} bytes, ${this.bytes.length - this.at} left`);
  }
  u16(what: string): number { this.need(2, what); const v = this.view.getUint16(this.at, true); this.at += 2; return v; }
  u32(what: string): number { this.need(4, what); const v = this.view.getUint32(this.at, true); this.at += 4; return v; }
  u64(what: string): bigint { this.need(8, what); const v = this.view.getBigUint64(this.at, true); this.at += 8; return v; }
  u16At(offset: number): number { return this.view.getUint16(offset, true); }
  u32At(offset: number): number { return this.view.getUint32(offset, true); }
}

/** Decodes a whole portable 64-bit bitmap; throws RoaringFormatError unless `bytes` is exactly one valid bitmap. */
export function readRoaring64(bytes: Uint8Array): Roaring64 {
  const r = new Reader(bytes);
  const count = r.u64('bitmap count');
  // each 32-bit bitmap takes at least a 4-byte key and an 8-byte cookie header
  if (count > BigInt(Math.floor((bytes.length - 8) / 12))) throw new RoaringFormatError(`bitmap count ${count} does not fit in ${bytes.length} bytes`);
  const bitmaps: KeyedRanges[] = [];
  let cardinality = 0n;
  let previous = -1;
  for (let i = 0; i < Number(count); i++) {
    const keyAt = r.at;
    const key = r.u32('bitmap key');
    // positions are positive 64-bit longs: the key's most significant bit must be 0
    if (key > 0x7fffffff) throw new RoaringFormatError(`bitmap key ${key} at byte ${keyAt} makes positions negative (most significant bit set)`);
    if (key <= previous) throw new RoaringFormatError(`bitmap key ${key} at byte ${keyAt} is not greater than the previous key ${previous}`);
    previous = key;
    const ranges = readRoaring32(r, key);
    for (let j = 0; j < ranges.starts.length; j++) cardinality += BigInt(ranges.ends[j]! - ranges.starts[j]! + 1);
    bitmaps.push(ranges);
  }
  if (r.at !== bytes.length) throw new RoaringFormatError(`${bytes.length - r.at} bytes follow the last bitmap (at byte ${r.at})`);
  return { bitmaps, cardinality };
}

/** One 32-bit Roaring bitmap (the standard portable layout) read at the reader's position. */
function readRoaring32(r: Reader, key: number): KeyedRanges {
  const start = r.at;
  const cookie = r.u32('cookie');
  let size: number;
  let runFlags: Uint8Array | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    const flagBytes = Math.ceil(size / 8);
    r.need(flagBytes, 'run container flags');
    runFlags = r.bytes.subarray(r.at, r.at + flagBytes);
    r.at += flagBytes;
  } else if (cookie === SERIAL_COOKIE_NO_RUNCONTAINER) {
    size = r.u32('container count');
    if (size > 65536) throw new RoaringFormatError(`container count ${size} at byte ${r.at - 4} is over 65536`);
  } else {
    throw new RoaringFormatError(`bitmap for key ${key} at byte ${start} starts with cookie ${cookie}, not a Roaring cookie (${SERIAL_COOKIE} or ${SERIAL_COOKIE_NO_RUNCONTAINER})`);
  }
  r.need(4 * size, 'descriptive header');
  const header = r.at;
  r.at += 4 * size;
  // The offset header only speeds up random access; containers follow one another, so they are read in order.
  if (!runFlags || size >= NO_OFFSET_THRESHOLD) {
    r.need(4 * size, 'offset header');
    r.at += 4 * size;
  }
  const starts: number[] = [];
  const ends: number[] = [];
  const add = (lo: number, hi: number) => {
    const last = ends.length - 1;
    if (last >= 0 && ends[last]! + 1 === lo) ends[last] = hi;
    else { starts.push(lo); ends.push(hi); }
  };
  let previousHigh = -1;
  for (let c = 0; c < size; c++) {
    const high = r.u16At(header + 4 * c);
    const cardinality = r.u16At(header + 4 * c + 2) + 1;
    if (high <= previousHigh) throw new RoaringFormatError(`container key ${high} of bitmap ${key} is not greater than the previous one (${previousHigh})`);
    previousHigh = high;
    const base = high * 65536;
    const at = r.at;
    let found = 0;
    if (runFlags && (runFlags[c >> 3]! >> (c & 7)) & 1) {
      const runs = r.u16('run count');
      r.need(4 * runs, 'runs');
      let next = 0;
      for (let k = 0; k < runs; k++) {
        const lo = r.u16At(r.at + 4 * k);
        const hi = lo + r.u16At(r.at + 4 * k + 2);
        if (lo < next || hi > 0xffff) throw new RoaringFormatError(`run ${k} of the run container at byte ${at} overlaps the previous run or passes 65535`);
        next = hi + 1; // adjacent runs are allowed (add() merges them), overlapping or unordered ones are not
        add(base + lo, base + hi);
        found += hi - lo + 1;
      }
      r.at += 4 * runs;
    } else if (cardinality <= MAX_ARRAY_CARDINALITY) {
      r.need(2 * cardinality, 'array container');
      let prev = -1;
      for (let k = 0; k < cardinality; k++) {
        const v = r.u16At(r.at + 2 * k);
        if (v <= prev) throw new RoaringFormatError(`array container at byte ${at} is not strictly ascending (${v} after ${prev})`);
        prev = v;
        add(base + v, base + v);
      }
      found = cardinality;
      r.at += 2 * cardinality;
    } else {
      r.need(BITMAP_CONTAINER_BYTES, 'bitmap container');
      found = bitmapRanges(r, base, add);
      r.at += BITMAP_CONTAINER_BYTES;
    }
    if (found !== cardinality) throw new RoaringFormatError(`container at byte ${at} holds ${found} values but its header says ${cardinality}`);
  }
  return { key, starts, ends };
}

/** Adds the set bits of an 8 KiB bitmap container (1024 little-endian 64-bit words, read as 32-bit halves) as ranges. */
function bitmapRanges(r: Reader, base: number, add: (lo: number, hi: number) => void): number {
  let count = 0;
  let runStart = -1; // the value a run of set bits began at, while in one
  for (let w = 0; w < 2048; w++) {
    const word = r.u32At(r.at + 4 * w);
    const at = w * 32;
    if (word === 0xffffffff) {
      if (runStart < 0) runStart = at;
      count += 32;
      continue;
    }
    count += popcount(word);
    // walk the word's transitions between set and clear bits
    let bit = 0;
    while (bit < 32) {
      if (runStart >= 0) {
        const clear = (~word >>> bit) << bit;
        if (clear === 0) break;
        const z = lowestBit(clear);
        add(base + runStart, base + at + z - 1);
        runStart = -1;
        bit = z;
      } else {
        const set = (word >>> bit) << bit;
        if (set === 0) break;
        bit = lowestBit(set);
        runStart = at + bit;
      }
    }
  }
  if (runStart >= 0) add(base + runStart, base + 65535);
  return count;
}

function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** The set positions as 64-bit ranges (bigint, so positions past 2^53 stay exact). */
export function* positionRanges(bitmap: Roaring64): Generator<PositionRange> {
  for (const b of bitmap.bitmaps) {
    const high = BigInt(b.key) << 32n;
    for (let i = 0; i < b.starts.length; i++) yield { start: high + BigInt(b.starts[i]!), end: high + BigInt(b.ends[i]!) };
  }
}

/** Whether `position` is set. */
export function contains(bitmap: Roaring64, position: bigint): boolean {
  if (position < 0n || position > 0x7fffffffffffffffn) return false;
  const key = Number(position >> 32n);
  const low = Number(position & 0xffffffffn);
  const b = bitmap.bitmaps.find((x) => x.key === key);
  if (!b) return false;
  let lo = 0, hi = b.starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (b.ends[mid]! < low) lo = mid + 1;
    else if (b.starts[mid]! > low) hi = mid - 1;
    else return true;
  }
  return false;
}
