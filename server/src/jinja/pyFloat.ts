// Python's float where JavaScript has one number type. A value Python holds as a float with an integral value (YAML's
// `1.0`, a template's `1.0`, `x * 2` of such a value, any `/`) is a PyFloat: a Number object, so JavaScript's
// arithmetic and comparisons read its value, that prints as Python's repr does (`1.0`, `1e+16`, `-0.0`). A float with
// a fraction stays a plain number: being non-integral tells it is a float, and floatRepr prints it.

export class PyFloat extends Number {
  override toString(): string {
    return floatRepr(this.valueOf());
  }
}

/** `n` as Python holds a float: a PyFloat when integral (or -0.0), else the plain number. */
export function asFloat(n: number): number {
  return Number.isInteger(n) ? (new PyFloat(n) as unknown as number) : n;
}

/** Whether Python holds `v` as a float: a PyFloat, or a number with a fraction (NaN and infinities included). */
export function isFloat(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
}

/** A PyFloat as its plain number; anything else as it is. */
export function plain<T>(v: T): T {
  return (v instanceof PyFloat ? v.valueOf() : v) as T;
}

/** Python's repr (and str) of a float: the shortest digits that read back, `.0` on an integral one, an exponent below 1e-4 and from 1e16. */
export function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const size = Math.abs(n);
  if (size >= 1e16 || size < 1e-4) return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  const text = String(n);
  return Number.isInteger(n) ? `${text}.0` : text;
}

/** Python's binary arithmetic on numbers: the result is a float when either operand is (`/` always is). */
export function floatArithmetic(op: '+' | '-' | '*' | '/' | '//' | '%' | '**', a: unknown, b: unknown): number | undefined {
  // a bool is an int in Python arithmetic (`false / 2.5` is 0.0), and so is a bigint (pyInt.ts)
  const x = typeof a === 'boolean' || typeof a === 'bigint' ? Number(a) : plain(a);
  const y = typeof b === 'boolean' || typeof b === 'bigint' ? Number(b) : plain(b);
  if (typeof x !== 'number' || typeof y !== 'number') return undefined;
  const float = op === '/' || isFloat(a) || isFloat(b);
  if (!float) return undefined;
  switch (op) {
    case '+': return asFloat(x + y);
    case '-': return asFloat(x - y);
    case '*': return asFloat(x * y);
    case '/': return asFloat(x / y);
    case '//': return asFloat(Math.floor(x / y));
    case '%': return asFloat(((x % y) + y) % y);
    case '**': return asFloat(x ** y);
  }
}
