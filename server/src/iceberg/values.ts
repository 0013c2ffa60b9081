// Iceberg values in memory, one form per primitive type, with ordering, human strings (partition paths) and literal coercion.
//   boolean: boolean | int, date (days): number | long, time (µs), timestamp[tz] (µs), timestamp[tz]_ns (ns): bigint
//   float, double: number | decimal: bigint unscaled (scale from the type) | string: string
//   uuid: string (lowercase, hyphenated) | fixed, binary: Uint8Array
import type { PrimitiveType } from './spec.js';
import { primitiveInfo } from './types.js';
import { IcebergError } from './errors.js';

export type IcebergValue = boolean | number | bigint | string | Uint8Array;

const MICROS_PER_DAY = 86_400_000_000n;

/** Orders two non-null values of the same type (NaN sorts last, as in Iceberg's comparators). */
export function compareValues(a: IcebergValue, b: IcebergValue): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
    if (Number.isNaN(b)) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  // bigint/number mixes happen when a literal is written as a plain number
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Unsigned lexicographic byte order (binary, fixed, and UTF-8 strings). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

// Iceberg orders strings by UTF-8 bytes, i.e. by code point; JS's < orders by UTF-16 units, which differs above the BMP.
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!, y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}

// --- dates and times ---

export function daysToIsoDate(days: number): string {
  const d = new Date(days * 86_400_000);
  const y = d.getUTCFullYear();
  const year = y < 0 ? `-${String(-y).padStart(4, '0')}` : String(y).padStart(4, '0');
  return `${year}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

export function isoDateToDays(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) throw new IcebergError('invalid-argument', `"${text}" is not a date (YYYY-MM-DD)`);
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3])); // Date.UTC maps years 0-99 to 1900-1999
  return Math.round(d.getTime() / 86_400_000);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** Java LocalTime.toString: HH:mm, then :ss and a 3/6/9-digit fraction only when non-zero. */
function formatTimeOfDay(nanosOfDay: bigint): string {
  const h = nanosOfDay / 3_600_000_000_000n, min = (nanosOfDay / 60_000_000_000n) % 60n;
  const s = (nanosOfDay / 1_000_000_000n) % 60n, nano = nanosOfDay % 1_000_000_000n;
  let out = `${pad(h, 2)}:${pad(min, 2)}`;
  if (s > 0n || nano > 0n) {
    out += `:${pad(s, 2)}`;
    if (nano > 0n) {
      if (nano % 1_000_000n === 0n) out += `.${pad(nano / 1_000_000n, 3)}`;
      else if (nano % 1000n === 0n) out += `.${pad(nano / 1000n, 6)}`;
      else out += `.${pad(nano, 9)}`;
    }
  }
  return out;
}
function pad(v: bigint | number, n: number): string { return v.toString().padStart(n, '0'); }

function formatTimestamp(value: bigint, unitsPerDay: bigint, nanosPerUnit: bigint, zone: boolean): string {
  const days = floorDiv(value, unitsPerDay);
  const rest = value - days * unitsPerDay;
  return `${daysToIsoDate(Number(days))}T${formatTimeOfDay(rest * nanosPerUnit)}${zone ? 'Z' : ''}`;
}

/** Parses an ISO timestamp ("2024-01-02 03:04:05.123456", optional T, optional Z/±hh:mm) into µs or ns since the epoch. */
export function parseTimestamp(text: string, nanos = false): bigint {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) throw new IcebergError('invalid-argument', `"${text}" is not a timestamp`);
  const days = BigInt(isoDateToDays(m[1]!));
  const secs = BigInt(Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0));
  const frac = BigInt((m[5] ?? '').padEnd(9, '0'));
  let offsetSecs = 0n;
  if (m[6] && m[6].toUpperCase() !== 'Z') {
    const o = m[6].replace(':', '');
    offsetSecs = BigInt((o[0] === '-' ? -1 : 1) * (Number(o.slice(1, 3)) * 3600 + Number(o.slice(3, 5)) * 60));
  }
  const totalNanos = (days * 86_400n + secs - offsetSecs) * 1_000_000_000n + frac;
  return nanos ? totalNanos : floorDiv(totalNanos, 1000n);
}

// --- human strings (Iceberg's Transform.toHumanString, used in partition paths) ---

/** Java Float.toString-like shortest form for a float32 value. */
function floatString(v: number, single: boolean): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  let s = String(v);
  if (single) {
    for (let p = 1; p <= 9; p++) {
      const t = v.toPrecision(p);
      if (Math.fround(Number(t)) === v) { s = String(Number(t)); break; }
    }
  }
  return /[.eE]/.test(s) || s.includes('Infinity') ? s : `${s}.0`;
}

export function decimalToString(unscaled: bigint, scale: number): string {
  if (scale === 0) return unscaled.toString();
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

export function parseDecimal(text: string, scale: number): bigint {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || (m[2] === '' && !m[3])) throw new IcebergError('invalid-argument', `"${text}" is not a decimal`);
  const frac = m[3] ?? '';
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale))) {
    throw new IcebergError('invalid-argument', `"${text}" has more than ${scale} decimal places`);
  }
  const v = BigInt((m[2] || '0') + frac.slice(0, scale).padEnd(scale, '0'));
  return m[1] === '-' ? -v : v;
}

export function bytesToUuid(b: Uint8Array): string {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
export function uuidToBytes(u: string): Uint8Array {
  const h = u.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(h)) throw new IcebergError('invalid-argument', `"${u}" is not a UUID`);
  return new Uint8Array(Buffer.from(h, 'hex'));
}

/** The human-readable form of a value of the given source type (null prints as "null"). */
export function humanString(type: PrimitiveType, v: IcebergValue | null | undefined): string {
  if (v === null || v === undefined) return 'null';
  const info = primitiveInfo(type);
  switch (info.kind) {
    case 'date': return daysToIsoDate(Number(v));
    case 'time': return formatTimeOfDay(BigInt(v as bigint) * 1000n);
    case 'timestamp': return formatTimestamp(BigInt(v as bigint), MICROS_PER_DAY, 1000n, false);
    case 'timestamptz': return formatTimestamp(BigInt(v as bigint), MICROS_PER_DAY, 1000n, true);
    case 'timestamp_ns': return formatTimestamp(BigInt(v as bigint), MICROS_PER_DAY * 1000n, 1n, false);
    case 'timestamptz_ns': return formatTimestamp(BigInt(v as bigint), MICROS_PER_DAY * 1000n, 1n, true);
    case 'float': return floatString(v as number, true);
    case 'double': return floatString(v as number, false);
    case 'decimal': return decimalToString(BigInt(v as bigint), info.scale);
    case 'binary': case 'fixed': return Buffer.from(v as Uint8Array).toString('base64');
    default: return String(v);
  }
}

/** Coerces a literal (from SQL, JSON or a user) to the in-memory form for `type`. */
export function toValue(type: PrimitiveType, v: unknown): IcebergValue {
  const info = primitiveInfo(type);
  const fail = (): never => { throw new IcebergError('invalid-argument', `${JSON.stringify(typeof v === 'bigint' ? v.toString() : v)} is not a valid ${type} value`); };
  switch (info.kind) {
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      return fail();
    case 'int':
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (typeof v === 'bigint') return Number(v);
      if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
      return fail();
    case 'long': case 'time':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return BigInt(v.trim());
      if (info.kind === 'time' && typeof v === 'string') return parseTimestamp(`1970-01-01T${v}`);
      return fail();
    case 'float': case 'double': {
      const n = typeof v === 'string' ? Number(v) : typeof v === 'bigint' ? Number(v) : v;
      if (typeof n !== 'number' || (Number.isNaN(n) && v !== 'NaN')) return fail();
      return info.kind === 'float' ? Math.fround(n) : n;
    }
    case 'date':
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (typeof v === 'string') return /^-?\d+$/.test(v) ? Number(v) : isoDateToDays(v.slice(0, 10));
      return fail();
    case 'timestamp': case 'timestamptz': case 'timestamp_ns': case 'timestamptz_ns':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      if (typeof v === 'string') return parseTimestamp(v, info.kind.endsWith('_ns'));
      if (v instanceof Date) return BigInt(v.getTime()) * (info.kind.endsWith('_ns') ? 1_000_000n : 1000n);
      return fail();
    case 'decimal':
      if (typeof v === 'bigint') return v * 10n ** BigInt(info.scale);
      if (typeof v === 'number' || typeof v === 'string') return parseDecimal(String(v), info.scale);
      return fail();
    case 'string': return typeof v === 'string' ? v : fail();
    case 'uuid':
      if (typeof v === 'string') return bytesToUuid(uuidToBytes(v));
      if (v instanceof Uint8Array && v.length === 16) return bytesToUuid(v);
      return fail();
    case 'fixed': case 'binary':
      if (v instanceof Uint8Array) return v;
      if (typeof v === 'string') return new Uint8Array(Buffer.from(v, 'utf8'));
      return fail();
  }
  return fail();
}

/**
 * Parses a JSON single value (spec Appendix C: initial-default, write-default) to the in-memory form for `type`:
 * numbers as JSON numbers, decimals as strings with exactly `scale` digits ("14.20"), dates/times/timestamps as ISO
 * strings, binary and fixed as hex strings. NaN and ±Infinity are accepted as strings, as Java writers emit them.
 * A value already in memory form (bigint unscaled decimal or epoch units, bytes) is taken as it is.
 */
export function fromJsonSingleValue(type: PrimitiveType, v: unknown): IcebergValue {
  const info = primitiveInfo(type);
  const fail = (): never => { throw new IcebergError('invalid-metadata', `${JSON.stringify(typeof v === 'bigint' ? v.toString() : v)} is not a valid JSON ${type} value`); };
  switch (info.kind) {
    case 'fixed': case 'binary': {
      if (v instanceof Uint8Array) return toValue(type, v);
      if (typeof v !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(v)) return fail();
      const bytes = new Uint8Array(Buffer.from(v, 'hex'));
      return info.kind === 'fixed' && bytes.length !== info.length ? fail() : bytes;
    }
    case 'float': case 'double':
      if (typeof v === 'string' && !['NaN', 'Infinity', '-Infinity'].includes(v)) return fail();
      return toValue(type, v);
    case 'decimal':
      if (typeof v === 'bigint') return v;
      return typeof v === 'string' || typeof v === 'number' ? parseDecimal(String(v), info.scale) : fail();
    default:
      return toValue(type, v);
  }
}
