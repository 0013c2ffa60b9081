// Python's ints beyond JavaScript's exact range. Python's int has no size; a JavaScript number holds an integer exactly
// only up to 2**53, so `{{ 2 ** 63 - 1 }}` printed 9223372036854775808 into the SQL. An int past ±(2**53 - 1) is held
// as a bigint (a literal, or a result of int arithmetic that leaves the range) and one back inside it as a number
// again, so the common case costs one range check per operation.
import { asFloat } from './pyFloat';

const MAX = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_POWER_BITS = 2 ** 24;

export type IntOp = '+' | '-' | '*' | '//' | '%' | '**';

/** `n` as Floe holds a Python int: a number when JavaScript holds it exactly, else the bigint. */
export function fitInt(n: bigint): number | bigint {
  return n <= MAX && n >= -MAX ? Number(n) : n;
}

/** Whether Python holds `v` as an int (a bool counts, as in Python's arithmetic; a PyFloat is an object). */
function isInt(v: unknown): v is number | bigint | boolean {
  return typeof v === 'bigint' || typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v));
}

/** Whether a number result of int arithmetic may have lost Python's exact value (past 2**53, or overflowed). */
export function pastExact(r: unknown): boolean {
  return typeof r === 'number' && (r > Number.MAX_SAFE_INTEGER || r < -Number.MAX_SAFE_INTEGER);
}

/** Python's exact `a op b` for two ints, undefined when either is not an int. A negative power is a float's, left to the caller. */
export function exactIntArithmetic(op: IntOp, a: unknown, b: unknown): number | bigint | undefined {
  if (!isInt(a) || !isInt(b)) return undefined;
  const x = BigInt(a), y = BigInt(b);
  switch (op) {
    case '+': return fitInt(x + y);
    case '-': return fitInt(x - y);
    case '*': return fitInt(x * y);
    case '**': {
      if (y < 0n) return undefined;
      // JavaScript's bigint ends near a billion bits; Python's int has no end but memory
      if ((x > 1n || x < -1n) && Number(y) * (x < 0n ? -x : x).toString(2).length > MAX_POWER_BITS) {
        throw new Error('OverflowError: this ** gives an int of more than 5 million digits, past what Floe computes');
      }
      return fitInt(x ** y);
    }
    case '//': {
      const q = x / y;
      return fitInt(x % y !== 0n && (x < 0n) !== (y < 0n) ? q - 1n : q);
    }
    case '%': {
      const r = x % y;
      return fitInt(r !== 0n && (r < 0n) !== (y < 0n) ? r + y : r);
    }
  }
}

/** Python's int() of a float: its integral part exactly, as Python prints it (`1e100 | int`), not in JavaScript's exponent form. */
export function truncFloat(n: number): number | bigint {
  const t = Math.trunc(n);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

/**
 * Python's `a op b` where `js` is JavaScript's, made exact for ints: with a bigint operand, the ints' exact result (a
 * TypeError for an operand that is no number); a number result past 2**53 is worked out again from the ints.
 */
export function intArithmetic(op: IntOp, a: unknown, b: unknown, js: (x: any, y: any) => unknown): unknown {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    const exact = exactIntArithmetic(op, a, b);
    if (exact !== undefined) return exact;
    if (op === '**' && isInt(a) && isInt(b)) return asFloat(Number(a) ** Number(b));
    throw new Error(`TypeError: unsupported operand type(s) for ${op}: '${operandName(a)}' and '${operandName(b)}'`);
  }
  const r = js(a, b);
  return pastExact(r) ? exactIntArithmetic(op, a, b) ?? r : r;
}

const operandName = (v: unknown) => (typeof v === 'bigint' ? 'int' : v === null || v === undefined ? 'NoneType' : typeof v === 'string' ? 'str' : typeof v);

/** Python's round(n, ndigits) of an int: itself for ndigits >= 0, else to a multiple of 10**-ndigits, a half to the even one. */
export function roundInt(n: bigint, ndigits: number): number | bigint {
  if (!(ndigits < 0)) return n;
  // past the int's own digits the unit is more than twice it: 0
  if (-ndigits > (n < 0n ? -n : n).toString().length) return 0;
  const unit = 10n ** BigInt(Math.trunc(-ndigits));
  let q = n / unit;
  let r = n % unit;
  if (r < 0n) { q -= 1n; r += unit; }
  if (2n * r > unit || (2n * r === unit && q % 2n !== 0n)) q += 1n;
  return fitInt(q * unit);
}
