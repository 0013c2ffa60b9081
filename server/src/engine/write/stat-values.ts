// DuckDB's RETURN_STATS gives min/max as text; this turns that text into Iceberg values and into the spec's
// single-value binary form (Appendix D, via iceberg/single-value). Any text we cannot read exactly yields no bound: a missing bound is
// always safe, a wrong one loses rows.
import type { PrimitiveType } from '../../iceberg/spec.js';
import { primitiveInfo } from '../../iceberg/types.js';

/** Iceberg's default metrics mode truncate(16): string and binary bounds keep at most 16 characters or bytes. */
export const BOUND_TRUNCATE_LENGTH = 16;

/** An Iceberg value in memory, as the stats text denotes it. */
export type StatValue = boolean | number | bigint | string | Uint8Array;

const DATE = /^(\d{4,})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const TIMESTAMP = /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses a stats or partition-key text into the Iceberg in-memory value of a type; undefined when not exact. */
export function parseStatText(type: PrimitiveType, text: string): StatValue | undefined {
  const info = primitiveInfo(type);
  switch (info.kind) {
    case 'boolean':
      if (text === '1' || text === 'true') return true;
      if (text === '0' || text === 'false') return false;
      return undefined;
    case 'int': {
      if (!/^-?\d+$/.test(text)) return undefined;
      const n = Number(text);
      return n >= -2147483648 && n <= 2147483647 ? n : undefined;
    }
    case 'long': {
      if (!/^-?\d+$/.test(text)) return undefined;
      const v = BigInt(text);
      return BigInt.asIntN(64, v) === v ? v : undefined;
    }
    case 'float': case 'double': {
      const n = Number(text);
      return text.trim() !== '' && !Number.isNaN(n) ? n : undefined;
    }
    case 'decimal': return parseDecimal(text, info.scale);
    case 'date': return parseDate(text);
    case 'time': {
      const m = TIME.exec(text);
      if (!m) return undefined;
      return (BigInt(m[1]) * 3600n + BigInt(m[2]) * 60n + BigInt(m[3])) * 1_000_000n + fractionMicros(m[4]);
    }
    case 'timestamp': case 'timestamptz': return parseTimestampMicros(text);
    case 'string': return text;
    case 'uuid': return UUID.test(text) ? text.toLowerCase() : undefined;
    case 'binary': case 'fixed': return /^([0-9a-f]{2})*$/i.test(text) ? Uint8Array.from(Buffer.from(text, 'hex')) : undefined;
    default: return undefined;
  }
}

function parseDecimal(text: string, scale: number): bigint | undefined {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && !m[3])) return undefined;
  const frac = m[3] ?? '';
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale))) return undefined;
  const digits = `${m[2] || '0'}${frac.slice(0, scale).padEnd(scale, '0')}`;
  const v = BigInt(digits);
  return m[1] === '-' ? -v : v;
}

function parseDate(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  return daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Microseconds since 1970-01-01 UTC; an explicit offset (timestamptz text) is applied. */
export function parseTimestampMicros(text: string): bigint | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const days = BigInt(daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])));
  let seconds = days * 86400n + BigInt(m[4]) * 3600n + BigInt(m[5]) * 60n + BigInt(m[6]);
  if (m[8]) {
    const offset = BigInt(m[9]) * 3600n + BigInt(m[10] ?? '0') * 60n + BigInt(m[11] ?? '0');
    seconds += m[8] === '+' ? -offset : offset;
  }
  if (m[7] && m[7].length > 6 && /[1-9]/.test(m[7].slice(6))) return undefined;
  return seconds * 1_000_000n + fractionMicros(m[7]);
}

function fractionMicros(frac: string | undefined): bigint {
  return frac ? BigInt(frac.slice(0, 6).padEnd(6, '0')) : 0n;
}

/** Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm, exact for any year). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** A lower bound no longer than the truncate length: a prefix is always ≤ the value. */
export function truncateLower(type: PrimitiveType, value: StatValue): StatValue {
  if (typeof value === 'string' && type === 'string') return [...value].slice(0, BOUND_TRUNCATE_LENGTH).join('');
  if (value instanceof Uint8Array && type === 'binary') return value.slice(0, BOUND_TRUNCATE_LENGTH);
  return value;
}

/** An upper bound no longer than the truncate length: the prefix with its last character incremented; undefined if none exists. */
export function truncateUpper(type: PrimitiveType, value: StatValue): StatValue | undefined {
  if (typeof value === 'string' && type === 'string') {
    const chars = [...value];
    if (chars.length <= BOUND_TRUNCATE_LENGTH) return value;
    const kept = chars.slice(0, BOUND_TRUNCATE_LENGTH);
    for (let i = kept.length - 1; i >= 0; i--) {
      let cp = kept[i].codePointAt(0)! + 1;
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xe000; // skip surrogates: not valid code points on their own
      if (cp <= 0x10ffff) return kept.slice(0, i).join('') + String.fromCodePoint(cp);
    }
    return undefined;
  }
  if (value instanceof Uint8Array && type === 'binary') {
    if (value.length <= BOUND_TRUNCATE_LENGTH) return value;
    const kept = value.slice(0, BOUND_TRUNCATE_LENGTH);
    for (let i = kept.length - 1; i >= 0; i--) {
      if (kept[i] < 0xff) { const out = kept.slice(0, i + 1); out[i]++; return out; }
    }
    return undefined;
  }
  return value;
}
