// Writes deletion vectors and Puffin files byte by byte from the layouts in Iceberg's puffin-spec.md and the
// RoaringFormatSpec (portable 32-bit bitmaps, and the 64-bit extension), so tests can choose every container kind,
// key and flag, and damage any byte. Only tests write these: Floe's writer does not produce deletion vectors.
import zlib from 'node:zlib';

export type ContainerKind = 'array' | 'bitmap' | 'run';

const le32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };
const le16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
const be32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };

/** One 32-bit portable bitmap of uint32 values; `kindOf` picks each container's kind (default: array up to 4096, else bitmap). */
export function roaring32(values: number[], kindOf: (high: number, lows: number[]) => ContainerKind = (_h, l) => (l.length <= 4096 ? 'array' : 'bitmap')): Buffer {
  const groups = new Map<number, number[]>();
  for (const v of [...new Set(values)].sort((a, b) => a - b)) {
    const high = Math.floor(v / 65536);
    (groups.get(high) ?? groups.set(high, []).get(high)!).push(v % 65536);
  }
  const containers = [...groups].map(([high, lows]) => ({ high, lows, kind: kindOf(high, lows) }));
  // the format tells array from bitmap containers by cardinality alone
  for (const c of containers) if ((c.kind === 'array') !== (c.lows.length <= 4096) && c.kind !== 'run') throw new Error(`a ${c.kind} container cannot hold ${c.lows.length} values`);
  const bodies = containers.map((c) => {
    if (c.kind === 'array') return Buffer.concat(c.lows.map(le16));
    if (c.kind === 'bitmap') {
      const words = Buffer.alloc(8192);
      for (const v of c.lows) words[v >> 3] |= 1 << (v & 7);
      return words;
    }
    const runs: [number, number][] = [];
    for (const v of c.lows) {
      const last = runs[runs.length - 1];
      if (last && last[0] + last[1] + 1 === v) last[1]++;
      else runs.push([v, 0]);
    }
    return Buffer.concat([le16(runs.length), ...runs.flatMap(([s, l]) => [le16(s), le16(l)])]);
  });
  const size = containers.length;
  const hasRun = containers.some((c) => c.kind === 'run');
  const parts: Buffer[] = [];
  if (hasRun) {
    parts.push(le32(12347 | ((size - 1) << 16)));
    const flags = Buffer.alloc(Math.ceil(size / 8));
    containers.forEach((c, i) => { if (c.kind === 'run') flags[i >> 3] |= 1 << (i & 7); });
    parts.push(flags);
  } else {
    parts.push(le32(12346), le32(size));
  }
  for (const c of containers) parts.push(le16(c.high), le16(c.lows.length - 1));
  if (!hasRun || size >= 4) {
    let offset = parts.reduce((n, p) => n + p.length, 0) + 4 * size;
    for (const b of bodies) { parts.push(le32(offset)); offset += b.length; }
  }
  return Buffer.concat([...parts, ...bodies]);
}

/** A portable 64-bit bitmap of the positions (bigint), keys ascending. */
export function roaring64(positions: bigint[], kindOf?: (key: number, high: number, lows: number[]) => ContainerKind): Buffer {
  const byKey = new Map<number, number[]>();
  for (const p of positions) {
    const key = Number(p >> 32n);
    (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(Number(p & 0xffffffffn));
  }
  const keys = [...byKey.keys()].sort((a, b) => a - b);
  const count = Buffer.alloc(8);
  count.writeBigUInt64LE(BigInt(keys.length));
  return Buffer.concat([count, ...keys.flatMap((k) => [le32(k), roaring32(byKey.get(k)!, kindOf && ((h, l) => kindOf(k, h, l)))])]);
}

/** A deletion-vector-v1 blob around a serialized vector: length, magic, vector, CRC-32 (big-endian). */
export function deletionVectorBlob(vector: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from([0xd1, 0xd3, 0x39, 0x64]), vector]);
  return Buffer.concat([be32(body.length), body, be32(zlib.crc32(body))]);
}

export interface PuffinBlob {
  bytes: Buffer;
  type?: string;
  properties?: Record<string, string>;
  /** Overrides of the footer's blob metadata (to write inconsistent files). */
  meta?: Record<string, unknown>;
}

/** A Puffin file holding the blobs; returns its bytes and each blob's offset and length. */
export function puffinFile(blobs: PuffinBlob[], opts: { flags?: number; properties?: Record<string, string> } = {}): { bytes: Buffer; blobs: { offset: number; length: number }[] } {
  const magic = Buffer.from('PFA1');
  const placed: { offset: number; length: number }[] = [];
  let offset = 4;
  for (const b of blobs) { placed.push({ offset, length: b.bytes.length }); offset += b.bytes.length; }
  const payload = Buffer.from(JSON.stringify({
    blobs: blobs.map((b, i) => ({
      type: b.type ?? 'deletion-vector-v1', fields: [2147483645], 'snapshot-id': -1, 'sequence-number': -1,
      offset: placed[i]!.offset, length: placed[i]!.length, properties: b.properties ?? {}, ...b.meta,
    })),
    properties: opts.properties ?? { 'created-by': 'floe tests' },
  }));
  const flags = Buffer.alloc(4);
  flags[0] = opts.flags ?? 0;
  return { bytes: Buffer.concat([magic, ...blobs.map((b) => b.bytes), magic, payload, le32(payload.length), flags, magic]), blobs: placed };
}

/** A Puffin file with one deletion vector per data file: the blobs and their manifest fields. */
export function deletionVectorPuffin(vectors: { dataFile: string; positions: bigint[]; kindOf?: (key: number, high: number, lows: number[]) => ContainerKind }[]) {
  const blobs = vectors.map((v) => ({
    bytes: deletionVectorBlob(roaring64(v.positions, v.kindOf)),
    properties: { 'referenced-data-file': v.dataFile, cardinality: String(new Set(v.positions).size) },
  }));
  const file = puffinFile(blobs);
  return { bytes: file.bytes, entries: vectors.map((v, i) => ({ referenced: v.dataFile, offset: BigInt(file.blobs[i]!.offset), size: BigInt(file.blobs[i]!.length), cardinality: BigInt(new Set(v.positions).size) })) };
}
