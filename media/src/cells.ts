// Exact text for Arrow cells: int64, decimals and timestamps are formatted from their raw integers,
// never through a JS number, so no digit is lost.

/** Decimal128 cell (four little-endian 32-bit words) as a signed bigint. */
export function decimal128ToBigInt(words: Uint32Array, offset: number): bigint {
  const v = (BigInt(words[offset + 3]) << 96n) | (BigInt(words[offset + 2]) << 64n) | (BigInt(words[offset + 1]) << 32n) | BigInt(words[offset]);
  return BigInt.asIntN(128, v);
}

/** An unscaled integer and a scale as decimal text: (-1234, 2) → "-12.34". */
export function formatScaled(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(scale + 1, '0');
  const cut = padded.length - scale;
  return (negative ? '-' : '') + padded.slice(0, cut) + '.' + padded.slice(cut);
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

/** Days since 1970-01-01 as YYYY-MM-DD (proleptic Gregorian; BC years as DuckDB shows them). */
export function formatDate(days: number): string {
  if (days === 2147483647) return 'infinity';
  if (days === -2147483647) return '-infinity';
  // Integer civil-from-days (H. Hinnant's algorithm): no Date object per cell, exact for any int32 day.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const year = String(y <= 0 ? 1 - y : y).padStart(4, '0');
  return `${year}-${pad2(m)}-${pad2(d)}${y <= 0 ? ' (BC)' : ''}`;
}

/** Units per second for each Arrow time unit, as digits of the fraction. */
export const FRACTION_DIGITS = { s: 0, ms: 3, us: 6, ns: 9 } as const;
export type TimeUnitName = keyof typeof FRACTION_DIGITS;

const PER_SECOND = { s: 1, ms: 1e3, us: 1e6, ns: 1e9 } as const;

function splitSeconds(value: bigint, unit: TimeUnitName): { seconds: number; fraction: string } {
  const digits = FRACTION_DIGITS[unit];
  const per = PER_SECOND[unit];
  let seconds: number;
  let rest: number;
  if (value >= -9007199254740991n && value <= 9007199254740991n) {
    // Exact in doubles below 2^53: the common case (µs timestamps for ±285 years), without bigint math.
    const n = Number(value);
    seconds = Math.floor(n / per);
    rest = n - seconds * per;
  } else {
    const big = BigInt(per);
    let s = value / big;
    let r = value % big;
    if (r < 0n) {
      r += big;
      s -= 1n;
    }
    seconds = Number(s);
    rest = Number(r);
  }
  const fraction = rest === 0 ? '' : '.' + String(rest).padStart(digits, '0');
  return { seconds, fraction };
}

const INT64_MAX = 9223372036854775807n;

/** A timestamp in the given unit since the epoch, with every digit of its precision kept. */
export function formatTimestamp(value: bigint, unit: TimeUnitName, utc: boolean): string {
  if (value === INT64_MAX) return 'infinity';
  if (value === -INT64_MAX) return '-infinity';
  const { seconds, fraction } = splitSeconds(value, unit);
  const days = Math.floor(seconds / 86400);
  return `${formatDate(days)} ${formatTimeOfDay(seconds - days * 86400)}${fraction}${utc ? '+00' : ''}`;
}

function formatTimeOfDay(seconds: number): string {
  return `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
}

/** A time of day in the given unit as HH:MM:SS with its fraction. */
export function formatTime(value: bigint, unit: TimeUnitName): string {
  const { seconds, fraction } = splitSeconds(value, unit);
  return formatTimeOfDay(seconds) + fraction;
}

/** Bytes as DuckDB shows a BLOB: printable ASCII as is, everything else as \xNN. */
export function formatBlob(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    out += b >= 32 && b < 127 && b !== 92 ? String.fromCharCode(b) : '\\x' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** A float the way people expect to read it: shortest round-trip text, Float32 without float64 noise. */
export function formatFloat(v: number, single: boolean): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (!single) return String(v);
  for (let p = 6; p < 10; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return String(s);
  }
  return String(v);
}
