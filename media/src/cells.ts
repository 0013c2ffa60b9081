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

/** Days since 1970-01-01 as YYYY-MM-DD (proleptic Gregorian, years beyond 9999 or BC as DuckDB would). */
export function formatDate(days: number): string {
  if (days === 2147483647) return 'infinity';
  if (days === -2147483647) return '-infinity';
  const d = new Date(days * 86400000);
  const y = d.getUTCFullYear();
  const year = y <= 0 ? String(1 - y).padStart(4, '0') : String(y).padStart(4, '0');
  return `${year}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}${y <= 0 ? ' (BC)' : ''}`;
}

/** Units per second for each Arrow time unit, as digits of the fraction. */
export const FRACTION_DIGITS = { s: 0, ms: 3, us: 6, ns: 9 } as const;
export type TimeUnitName = keyof typeof FRACTION_DIGITS;

function splitSeconds(value: bigint, unit: TimeUnitName): { seconds: bigint; fraction: string } {
  const digits = FRACTION_DIGITS[unit];
  const per = 10n ** BigInt(digits);
  let seconds = value / per;
  let rest = value % per;
  if (rest < 0n) {
    rest += per;
    seconds -= 1n;
  }
  const fraction = rest === 0n ? '' : '.' + rest.toString().padStart(digits, '0');
  return { seconds, fraction };
}

const INT64_MAX = 9223372036854775807n;

/** A timestamp in the given unit since the epoch, with every digit of its precision kept. */
export function formatTimestamp(value: bigint, unit: TimeUnitName, utc: boolean): string {
  if (value === INT64_MAX) return 'infinity';
  if (value === -INT64_MAX) return '-infinity';
  const { seconds, fraction } = splitSeconds(value, unit);
  const daySeconds = ((seconds % 86400n) + 86400n) % 86400n;
  const days = Number((seconds - daySeconds) / 86400n);
  return `${formatDate(days)} ${formatTimeOfDay(Number(daySeconds))}${fraction}${utc ? '+00' : ''}`;
}

function formatTimeOfDay(seconds: number): string {
  return `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
}

/** A time of day in the given unit as HH:MM:SS with its fraction. */
export function formatTime(value: bigint, unit: TimeUnitName): string {
  const { seconds, fraction } = splitSeconds(value, unit);
  return formatTimeOfDay(Number(seconds)) + fraction;
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
