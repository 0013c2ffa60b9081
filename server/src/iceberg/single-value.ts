// Single-value binary serialization (spec Appendix D), used for lower/upper bounds in manifests.
import type { PrimitiveType } from './spec.js';
import { primitiveInfo } from './types.js';
import { IcebergError } from './errors.js';
import { decimalBytes } from './transforms.js';
import { bytesToUuid, uuidToBytes, type IcebergValue } from './values.js';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

function view(b: Uint8Array): DataView { return new DataView(b.buffer, b.byteOffset, b.byteLength); }

function fixedSize(n: number, write: (dv: DataView) => void): Uint8Array {
  const out = new Uint8Array(n);
  write(new DataView(out.buffer));
  return out;
}

/** Encodes a value (in values.ts in-memory form) as its single-value bytes. */
export function encodeValue(type: PrimitiveType, v: IcebergValue): Uint8Array {
  const info = primitiveInfo(type);
  switch (info.kind) {
    case 'boolean': return new Uint8Array([v ? 1 : 0]);
    case 'int': case 'date': return fixedSize(4, (dv) => dv.setInt32(0, v as number, true));
    case 'long': case 'time': case 'timestamp': case 'timestamptz': case 'timestamp_ns': case 'timestamptz_ns':
      return fixedSize(8, (dv) => dv.setBigInt64(0, BigInt(v as bigint), true));
    case 'float': return fixedSize(4, (dv) => dv.setFloat32(0, v as number, true));
    case 'double': return fixedSize(8, (dv) => dv.setFloat64(0, v as number, true));
    case 'string': return utf8Encoder.encode(v as string);
    case 'uuid': return uuidToBytes(v as string);
    case 'decimal': return decimalBytes(BigInt(v as bigint));
    case 'fixed': case 'binary': return v as Uint8Array;
  }
}

/** Decodes single-value bytes; ints stored for a column later promoted to long (or float to double) are widened. */
export function decodeValue(type: PrimitiveType, b: Uint8Array): IcebergValue {
  const info = primitiveInfo(type);
  const bad = (): never => { throw new IcebergError('corrupt-file', `${b.length}-byte bound is not a valid ${type} value`); };
  switch (info.kind) {
    case 'boolean': return b.length === 1 ? b[0] !== 0 : bad();
    case 'int': case 'date': return b.length === 4 ? view(b).getInt32(0, true) : bad();
    case 'long': case 'time': case 'timestamp': case 'timestamptz': case 'timestamp_ns': case 'timestamptz_ns':
      if (b.length === 8) return view(b).getBigInt64(0, true);
      return b.length === 4 ? BigInt(view(b).getInt32(0, true)) : bad();
    case 'float': return b.length === 4 ? view(b).getFloat32(0, true) : bad();
    case 'double':
      if (b.length === 8) return view(b).getFloat64(0, true);
      return b.length === 4 ? view(b).getFloat32(0, true) : bad();
    case 'string': return utf8Decoder.decode(b);
    case 'uuid': return b.length === 16 ? bytesToUuid(b) : bad();
    case 'decimal': {
      if (b.length === 0) return bad();
      let v = 0n;
      for (const x of b) v = (v << 8n) | BigInt(x);
      return BigInt.asIntN(b.length * 8, v);
    }
    case 'fixed': return info.length === b.length ? b : bad();
    case 'binary': return b;
  }
}
