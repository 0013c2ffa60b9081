// Murmur3 x86 32-bit, seed 0, as Iceberg's bucket transform requires (spec Appendix B); hand-written because
// the result must match Java/Guava bit for bit and no npm package hashes bigint longs in this exact way.

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Hash of bytes, as a signed 32-bit int. */
export function murmur3Bytes(data: Uint8Array): number {
  let h = 0;
  const blocks = data.length >>> 2;
  for (let i = 0; i < blocks; i++) {
    const o = i * 4;
    h = mix(h, data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24));
  }
  const tail = blocks * 4;
  const rest = data.length & 3;
  if (rest > 0) {
    let k = 0;
    if (rest === 3) k ^= data[tail + 2]! << 16;
    if (rest >= 2) k ^= data[tail + 1]! << 8;
    k ^= data[tail]!;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  return finish(h, data.length);
}

/** Hash of a long as 8 little-endian bytes (ints and dates are widened to long first, per the spec). */
export function murmur3Long(v: bigint): number {
  const u = BigInt.asUintN(64, v);
  const lo = Number(u & 0xffffffffn) | 0, hi = Number(u >> 32n) | 0;
  return finish(mix(mix(0, lo), hi), 8);
}
