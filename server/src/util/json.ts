// Lossless JSON for catalog and metadata payloads: integers beyond 2^53 become bigint, never a rounded number.
import { parse, stringify, isSafeNumber } from 'lossless-json';

/** Parses JSON; unsafe integers become bigint, everything else is a plain number. */
export function parseJson(text: string): unknown {
  return parse(text, null, (value: string) => {
    if (isSafeNumber(value)) return Number(value);
    if (/^-?\d+$/.test(value)) return BigInt(value);
    return Number(value);
  });
}

/** Serialises JSON with bigint written as a bare integer literal. */
export function stringifyJson(value: unknown, indent?: number): string {
  const out = stringify(value, null, indent, [
    { test: (v: unknown) => typeof v === 'bigint', stringify: (v: unknown) => (v as bigint).toString() },
  ]);
  if (out === undefined) throw new Error('value is not JSON-serialisable');
  return out;
}

/**
 * JSON.stringify's text, an int past 2**53 (a bigint, as YAML and Jinja hold Python's big ints) written as its digits
 * where JSON.stringify throws; values with no bigint cost nothing more.
 */
export function jsonText(value: unknown, indent?: number): string | undefined {
  try {
    return JSON.stringify(value, null, indent);
  } catch (e) {
    if (!(e instanceof TypeError) || !/BigInt/i.test(e.message)) throw e;
    return stringifyJson(value, indent);
  }
}

/** Coerces a parsed JSON integer (number, bigint or numeric string) to bigint. */
export function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  throw new TypeError(`expected an integer, got ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
}
