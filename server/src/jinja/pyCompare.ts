// Python's comparisons where JavaScript's differ: `==` compares lists, tuples and dicts by their items and a str never
// equals a number (JavaScript's `'1' == 1`, `'' == 0` and `none == missing` were true); `<` and friends order lists
// and tuples item by item and refuse to order a number and a str, as Python raises TypeError. Arithmetic on operands
// Python refuses (`'a' + 1`, `'a' - 1`, `[1] + (2,)`, `1 / 0`) raises as Python does, where JavaScript wrote `a1`,
// NaN or inf into the SQL.
import { PyFloat } from './pyFloat';
import { isTuple } from './pyTuple';
import { dictViewKind } from './pyDictView';

/** A value as comparisons read it: a float's number, a bool's int, a macro's output (a String object) its text. */
function scalar(v: unknown): unknown {
  if (v instanceof PyFloat) return v.valueOf();
  if (typeof v === 'boolean') return Number(v);
  if (v instanceof String) return String(v);
  return v;
}

const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && !Object.prototype.hasOwnProperty.call(v, 'toString');
};

/** Python's `a == b`. */
export function pyEq(a: unknown, b: unknown): boolean {
  const x = scalar(a), y = scalar(b);
  if (x === y) return true;
  if (Array.isArray(x) && Array.isArray(y)) {
    if (isTuple(x) !== isTuple(y) || !!dictViewKind(x) !== !!dictViewKind(y) || x.length !== y.length) return false;
    return x.every((item, i) => pyEq(item, y[i]));
  }
  if (isPlain(x) && isPlain(y)) {
    const keys = Object.keys(x).filter((k) => k !== '__keywords');
    return keys.length === Object.keys(y).filter((k) => k !== '__keywords').length && keys.every((k) => k in y && pyEq(x[k], y[k]));
  }
  // Floe's own objects (relations, dates) compare as they did: by their text against a str
  const objectLike = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && !isPlain(v);
  if (objectLike(x) || objectLike(y)) return x == y;
  // an int past 2**53 (a bigint, pyInt.ts) equals a number of its value
  if (typeof x === 'bigint' || typeof y === 'bigint') return isNumeric(x) && isNumeric(y) && x == y;
  return false;
}

/** The order of two values Python can order (-1, 0, 1; NaN makes every comparison false), else a TypeError. */
function order(a: unknown, b: unknown, op: string): number {
  const x = scalar(a), y = scalar(b);
  if (isNumeric(x) && isNumeric(y)) return x < y ? -1 : x > y ? 1 : x == y ? 0 : NaN;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  if (Array.isArray(x) && Array.isArray(y) && isTuple(x) === isTuple(y)) {
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (!pyEq(x[i], y[i])) return order(x[i], y[i], op);
    return Math.sign(x.length - y.length);
  }
  const known = (v: unknown) => isNumeric(v) || typeof v === 'string' || Array.isArray(v) || isPlain(v);
  if (known(x) && known(y)) throw new Error(`TypeError: '${op}' not supported between ${kind(x)} and ${kind(y)}`);
  // None, undefined and Floe's own objects: as JavaScript orders them (None stands for a query's result here)
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : (x as number) == (y as number) ? 0 : NaN;
}

const isNumeric = (v: unknown): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';

const kind = (v: unknown) => `instances of '${isNumeric(v) ? 'int' : typeof v === 'string' ? 'str' : Array.isArray(v) ? (isTuple(v) ? 'tuple' : 'list') : 'dict'}'`;

/** Python's `a op b` for one comparison operator. */
export function pyCompare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==': case '===': return pyEq(a, b);
    case '!=': case '!==': return !pyEq(a, b);
    case '<': return order(a, b, op) < 0;
    case '>': return order(a, b, op) > 0;
    case '<=': return order(a, b, op) <= 0;
    case '>=': return order(a, b, op) >= 0;
    default: throw new Error(`unknown comparison ${op}`);
  }
}

/** The Python type of an operand, as far as arithmetic tells them apart; undefined for None, Undefined and Floe's objects. */
function operandKind(v: unknown): string | undefined {
  if (typeof v === 'number' || v instanceof PyFloat || typeof v === 'boolean' || typeof v === 'bigint') return 'number';
  if (typeof v === 'string' || v instanceof String) return 'str';
  if (Array.isArray(v)) return dictViewKind(v) ?? (isTuple(v) ? 'tuple' : 'list');
  if (isPlain(v)) return 'dict';
  return undefined;
}

/**
 * Raises Python's TypeError for `a op b` on operand types Python refuses, and ZeroDivisionError for a division by
 * zero. `+` joins two strs, lists or tuples; `*` repeats a str or list by an int (checked by the caller first); the
 * rest take numbers. None, Undefined and Floe's own objects are left to the caller, as before.
 */
export function checkOperands(op: string, a: unknown, b: unknown): void {
  const x = operandKind(a), y = operandKind(b);
  if (x === undefined || y === undefined) return;
  if (x === 'number' && y === 'number') {
    if ((op === '/' || op === '//' || op === '%') && Number(b instanceof PyFloat ? b.valueOf() : b) === 0) {
      throw new Error(`ZeroDivisionError: ${op === '/' ? 'division' : op === '//' ? 'integer division or modulo' : 'modulo'} by zero`);
    }
    return;
  }
  if (op === '+' && x === y && (x === 'str' || x === 'list' || x === 'tuple')) return;
  throw new Error(`TypeError: unsupported operand type(s) for ${op}: '${x}' and '${y}'`);
}
