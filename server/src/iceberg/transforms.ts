// Partition transforms (spec "Partition Transforms"): applying them, their result types, and partition paths.
import type { PartitionSpec, PrimitiveType, Schema, Transform } from './spec.js';
import { primitiveInfo } from './types.js';
import { IcebergError } from './errors.js';
import { murmur3Bytes, murmur3Long } from './murmur3.js';
import { daysToIsoDate, humanString, uuidToBytes, type IcebergValue } from './values.js';
import { fieldById } from './schema.js';

export type TransformKind = 'identity' | 'bucket' | 'truncate' | 'year' | 'month' | 'day' | 'hour' | 'void';
export interface ParsedTransform { kind: TransformKind; width: number }

const parsedCache = new Map<string, ParsedTransform>();

export function parseTransform(t: Transform | string): ParsedTransform {
  let p = parsedCache.get(t);
  if (p) return p;
  const s = t.trim().toLowerCase();
  const m = /^(bucket|truncate)\[\s*(\d+)\s*\]$/.exec(s);
  if (m && Number(m[2]) > 0) p = { kind: m[1] as TransformKind, width: Number(m[2]) };
  else if (/^(identity|year|month|day|hour|void)$/.test(s)) p = { kind: s as TransformKind, width: 0 };
  else throw new IcebergError('invalid-argument', `unknown partition transform "${t}"`);
  parsedCache.set(t, p);
  return p;
}

const TEMPORAL = new Set(['date', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns']);
const BUCKETABLE = new Set(['int', 'long', 'decimal', 'date', 'time', 'timestamp', 'timestamptz', 'timestamp_ns', 'timestamptz_ns', 'string', 'uuid', 'fixed', 'binary']);

/** Whether the transform may be applied to a source column of this type. */
export function canTransform(t: Transform | string, source: PrimitiveType): boolean {
  const { kind } = parseTransform(t), k = primitiveInfo(source).kind;
  switch (kind) {
    case 'identity': case 'void': return true;
    case 'bucket': return BUCKETABLE.has(k);
    case 'truncate': return k === 'int' || k === 'long' || k === 'decimal' || k === 'string' || k === 'binary';
    case 'year': case 'month': case 'day': return TEMPORAL.has(k);
    case 'hour': return TEMPORAL.has(k) && k !== 'date';
  }
}

/** The type of the partition value the transform produces. */
export function transformResultType(t: Transform | string, source: PrimitiveType): PrimitiveType {
  const { kind } = parseTransform(t);
  if (!canTransform(t, source)) throw new IcebergError('invalid-argument', `transform ${t} cannot be applied to type ${source}`);
  switch (kind) {
    case 'identity': case 'truncate': case 'void': return source;
    case 'bucket': case 'year': case 'month': case 'hour': return 'int';
    case 'day': return 'date';
  }
}

/** Whether transform order follows source order (so range predicates can be projected onto it). */
export function preservesOrder(t: Transform | string): boolean {
  const { kind } = parseTransform(t);
  return kind !== 'bucket' && kind !== 'void';
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** Minimal two's-complement big-endian bytes of an unscaled decimal (Java BigInteger.toByteArray). */
export function decimalBytes(unscaled: bigint): Uint8Array {
  let n = 1;
  while (unscaled < -(1n << BigInt(8 * n - 1)) || unscaled >= (1n << BigInt(8 * n - 1))) n++;
  const out = new Uint8Array(n);
  let u = BigInt.asUintN(8 * n, unscaled);
  for (let i = n - 1; i >= 0; i--) { out[i] = Number(u & 0xffn); u >>= 8n; }
  return out;
}

const utf8 = new TextEncoder();

/** Murmur3 hash of a value as the bucket transform defines it (before the modulo). */
export function bucketHash(source: PrimitiveType, v: IcebergValue): number {
  const k = primitiveInfo(source).kind;
  switch (k) {
    case 'int': case 'date': return murmur3Long(BigInt(v as number));
    case 'long': case 'time': case 'timestamp': case 'timestamptz': return murmur3Long(v as bigint);
    case 'timestamp_ns': case 'timestamptz_ns': return murmur3Long(floorDiv(v as bigint, 1000n)); // hashed as µs, per the spec
    case 'decimal': return murmur3Bytes(decimalBytes(v as bigint));
    case 'string': return murmur3Bytes(utf8.encode(v as string));
    case 'uuid': return murmur3Bytes(uuidToBytes(v as string));
    case 'fixed': case 'binary': return murmur3Bytes(v as Uint8Array);
    default: throw new IcebergError('invalid-argument', `bucket cannot hash type ${source}`);
  }
}

function truncateString(s: string, w: number): string {
  let i = 0, count = 0;
  while (i < s.length && count < w) { i += s.codePointAt(i)! > 0xffff ? 2 : 1; count++; }
  return s.slice(0, i);
}

const MICROS_PER_HOUR = 3_600_000_000n, MICROS_PER_DAY = 86_400_000_000n;

function toMicros(k: string, v: IcebergValue): bigint {
  return k.endsWith('_ns') ? floorDiv(v as bigint, 1000n) : (v as bigint);
}
function daysOf(k: string, v: IcebergValue): number {
  return k === 'date' ? (v as number) : Number(floorDiv(toMicros(k, v), MICROS_PER_DAY));
}

export type TransformFn = (v: IcebergValue | null | undefined) => IcebergValue | null;

/** A compiled transform for a source type; null in gives null out. */
export function transformer(t: Transform | string, source: PrimitiveType): TransformFn {
  const { kind, width } = parseTransform(t);
  if (!canTransform(t, source)) throw new IcebergError('invalid-argument', `transform ${t} cannot be applied to type ${source}`);
  const k = primitiveInfo(source).kind;
  const guard = (f: (v: IcebergValue) => IcebergValue | null): TransformFn => (v) => (v === null || v === undefined ? null : f(v));
  switch (kind) {
    case 'identity': return guard((v) => v);
    case 'void': return () => null;
    case 'bucket': return guard((v) => (bucketHash(source, v) & 0x7fffffff) % width);
    case 'truncate': {
      if (k === 'int') return guard((v) => (v as number) - ((((v as number) % width) + width) % width));
      if (k === 'string') return guard((v) => truncateString(v as string, width));
      if (k === 'binary') return guard((v) => (v as Uint8Array).subarray(0, width));
      const w = BigInt(width); // long and decimal (unscaled)
      return guard((v) => (v as bigint) - ((((v as bigint) % w) + w) % w));
    }
    case 'year': return guard((v) => new Date(daysOf(k, v) * 86_400_000).getUTCFullYear() - 1970);
    case 'month': return guard((v) => {
      const d = new Date(daysOf(k, v) * 86_400_000);
      return (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
    });
    case 'day': return guard((v) => daysOf(k, v));
    case 'hour': return guard((v) => Number(floorDiv(toMicros(k, v), MICROS_PER_HOUR)));
  }
}

export function applyTransform(t: Transform | string, source: PrimitiveType, v: IcebergValue | null | undefined): IcebergValue | null {
  return transformer(t, source)(v);
}

/** The human string of a transformed value (Java Transform.toHumanString). */
export function transformHumanString(t: Transform | string, source: PrimitiveType, v: IcebergValue | null | undefined): string {
  if (v === null || v === undefined) return 'null';
  const { kind } = parseTransform(t);
  switch (kind) {
    case 'identity': case 'truncate': return humanString(source, v);
    case 'bucket': return String(v);
    case 'void': return 'null';
    case 'year': return String(1970 + (v as number)).padStart(4, '0');
    case 'month': {
      const m = v as number, y = 1970 + Math.floor(m / 12);
      return `${String(y).padStart(4, '0')}-${String(((m % 12) + 12) % 12 + 1).padStart(2, '0')}`;
    }
    case 'day': return daysToIsoDate(v as number);
    case 'hour': {
      const h = v as number, day = Math.floor(h / 24);
      return `${daysToIsoDate(day)}-${String(h - day * 24).padStart(2, '0')}`;
    }
  }
}

// Java's URLEncoder (form encoding), which Iceberg uses for partition path segments.
function formEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

/** One path segment `name=value` for a partition field and its transformed value. */
export function partitionSegment(name: string, t: Transform | string, source: PrimitiveType, v: IcebergValue | null | undefined): string {
  return `${formEncode(name)}=${formEncode(transformHumanString(t, source, v))}`;
}

/** The partition path of a partition tuple (keyed by partition field name), e.g. `day=2024-01-01/bucket=3`. */
export function partitionPath(spec: PartitionSpec, schema: Schema, partition: Record<string, unknown>): string {
  return spec.fields.map((f) => {
    const src = fieldById(schema, f['source-id']);
    if (!src || typeof src.type !== 'string') throw new IcebergError('invalid-argument', `partition field ${f.name} has no primitive source column ${f['source-id']}`);
    return partitionSegment(f.name, f.transform, src.type, partition[f.name] as IcebergValue | null | undefined);
  }).join('/');
}
