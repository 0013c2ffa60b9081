// Python's number and string formatting where JavaScript's differs: `'%5.2f' % x` (printf-style, its flags, widths and
// every conversion), str.format's mini-language (`{:>8,.2f}`, `{0[k]}`, `{!r}`) and round(). Decimal rounding is
// Python's: the float's exact binary value, a tie to the even digit (`'%.1f' % 2.25` is 2.2 where toFixed gave 2.3, and
// `1e21` is written out where toFixed wrote `1e+21`).
import { asFloat, floatRepr, isFloat, plain } from './pyFloat';
import { isTuple } from './pyTuple';

/** The Python values formatting reads: how to print one (str and repr), and a dict's item. */
export interface Printer {
  str(v: unknown): string;
  repr(v: unknown): string;
  isDict(v: unknown): v is Record<string, unknown>;
}

const view = new DataView(new ArrayBuffer(8));

/** A finite float's exact value: sign, and `mantissa * 2^exponent`. */
function exact(x: number): { negative: boolean; mantissa: bigint; exponent: number } {
  view.setFloat64(0, x);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const bits = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (bits !== 0) mantissa |= 1n << 52n;
  return { negative: hi >>> 31 === 1, mantissa, exponent: bits === 0 ? -1074 : bits - 1075 };
}

/** |x| * 10^digits rounded to an integer, a tie to the even one, from x's exact value (digits may be negative). */
function scaledRound(x: number, digits: number): { negative: boolean; q: bigint } {
  const { negative, mantissa, exponent } = exact(x);
  let num = mantissa * 10n ** BigInt(Math.max(digits, 0));
  let den = 10n ** BigInt(Math.max(-digits, 0));
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  let q = num / den;
  const twice = (num % den) * 2n;
  if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  return { negative, q };
}

/** `x` with `digits` decimals as Python's `'%.Nf'` writes it (no sign). */
function fixedDigits(x: number, digits: number): string {
  const text = scaledRound(x, digits).q.toString().padStart(digits + 1, '0');
  return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** Python's round(x, n) of a float: its exact value rounded half to even. */
export function pyRound(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const { negative, q } = scaledRound(x, digits);
  const magnitude = digits >= 0 ? Number(`${q}e-${digits}`) : Number(q * 10n ** BigInt(-digits));
  return negative ? -magnitude : magnitude;
}

/** `x` in exponent form with `digits` decimals, the exponent two digits at least (`1.50e+03`), no sign. */
function exponentDigits(x: number, digits: number): string {
  if (x === 0) return `${digits ? `0.${'0'.repeat(digits)}` : '0'}e+00`;
  // the exponent from JavaScript's rounding, then the digits rounded exactly at that exponent
  let power = Number(Math.abs(x).toExponential(digits).split('e')[1]);
  let text = scaledRound(x, digits - power).q.toString();
  if (text.length > digits + 1) { power += 1; text = scaledRound(x, digits - power).q.toString(); }
  const mantissa = digits ? `${text[0]}.${text.slice(1)}` : text;
  return `${mantissa}e${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
}

/** `%g`'s choice: fixed or exponent form by the exponent, trailing zeros dropped unless `alternate`. */
function generalDigits(x: number, precision: number, alternate: boolean): string {
  const p = precision === 0 ? 1 : precision;
  if (x === 0) return alternate ? `0.${'0'.repeat(p - 1)}` : '0';
  const power = Number(exponentDigits(x, p - 1).split('e')[1]);
  const strip = (s: string) => (alternate || !s.includes('.') ? s : s.replace(/\.?0+$/, ''));
  if (power >= -4 && power < p) return strip(fixedDigits(x, p - 1 - power));
  const [mantissa, exponent] = exponentDigits(x, p - 1).split('e');
  return `${strip(mantissa)}e${exponent}`;
}

/** A float's digits for a conversion (e, f, g, their capitals, %), without its sign; inf and nan as Python writes them. */
function floatDigits(x: number, type: string, precision: number | undefined, alternate: boolean): string {
  const upper = type === type.toUpperCase() && type !== '%';
  let text: string;
  if (Number.isNaN(x)) text = 'nan';
  else if (!Number.isFinite(x)) text = 'inf';
  else if (type === 'f' || type === 'F') text = fixedDigits(x, precision ?? 6);
  else if (type === '%') text = `${fixedDigits(x * 100, precision ?? 6)}%`;
  else if (type === 'e' || type === 'E') text = exponentDigits(Math.abs(x), precision ?? 6);
  else text = generalDigits(Math.abs(x), precision ?? 6, alternate);
  if (alternate && /^\d+$/.test(text) && type !== 'g' && type !== 'G') text += '.';
  return upper ? text.toUpperCase() : text;
}

/** An int's digits in a base (no sign), with `0x`/`0o`/`0b` when `alternate`. */
function intDigits(n: number | bigint, type: string, alternate: boolean): string {
  const magnitude = typeof n === 'bigint' ? (n < 0n ? -n : n) : Math.abs(n);
  const base = type === 'x' || type === 'X' ? 16 : type === 'o' ? 8 : type === 'b' ? 2 : 10;
  const digits = magnitude.toString(base);
  const prefix = alternate && base !== 10 ? `0${type === 'X' ? 'X' : type.toLowerCase()}` : '';
  return type === 'X' ? (prefix + digits).toUpperCase() : prefix + digits;
}

// (a bigint is an int past 2**53, pyInt.ts)
const isInt = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && !isFloat(v)) || typeof v === 'boolean' || typeof v === 'bigint';
const isNumber = (v: unknown) => typeof plain(v) === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
const negative = (x: number) => x < 0 || Object.is(x, -0);

/** `text` in `width` with `fill`, aligned (`=` pads after the sign). */
function pad(sign: string, body: string, width: number, align: string, fill: string): string {
  const missing = width - [...sign, ...body].length;
  if (missing <= 0) return sign + body;
  const padding = fill.repeat(missing);
  if (align === '<') return sign + body + padding;
  if (align === '^') return fill.repeat(Math.floor(missing / 2)) + sign + body + fill.repeat(missing - Math.floor(missing / 2));
  if (align === '=') return sign + padding + body;
  return padding + sign + body;
}

const PRINTF = /%(?:\(([^)]*)\))?([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)?/g;

/** Python's `format % values` for a str `format`. */
export function printf(format: string, values: unknown, p: Printer): string {
  const mapping = !isTuple(values) && p.isDict(values);
  const args = isTuple(values) ? (values as unknown[]) : [values];
  let next = 0;
  let usedMapping = false;
  const take = () => {
    if (next >= args.length) throw new Error('TypeError: not enough arguments for format string');
    return args[next++];
  };
  const out = format.replace(PRINTF, (_m, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, type: string | undefined) => {
    if (type === undefined) throw new Error('ValueError: incomplete format');
    if (type === '%' && key === undefined && !flags && !width && precision === undefined) return '%';
    const w = width === '*' ? Number(plain(take())) : width === undefined ? 0 : Number(width);
    const prec = precision === '*' ? Number(plain(take())) : precision === undefined ? undefined : Number(precision);
    let value: unknown;
    if (key !== undefined) {
      if (!p.isDict(values)) throw new Error('TypeError: format requires a mapping');
      usedMapping = true;
      if (!(key in values)) throw new Error(`KeyError: '${key}'`);
      value = values[key];
    } else if (type !== '%') value = take();
    const left = flags.includes('-');
    const zero = flags.includes('0') && !left;
    const alternate = flags.includes('#');
    const numeric = (digits: string, x: number) => {
      const sign = negative(x) && !Number.isNaN(x) ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
      return pad(sign, digits, w, left ? '<' : zero && Number.isFinite(x) ? '=' : '>', zero && Number.isFinite(x) ? '0' : ' ');
    };
    switch (type) {
      case 's': case 'r': case 'a': {
        let text = type === 's' ? p.str(value) : p.repr(value);
        if (prec !== undefined) text = text.slice(0, prec);
        return pad('', text, w, left ? '<' : '>', ' ');
      }
      case 'c': {
        const ch = typeof value === 'string' && [...value].length === 1 ? value : isInt(value) ? String.fromCodePoint(Number(value)) : undefined;
        if (ch === undefined) throw new Error('TypeError: %c requires an int or a unicode character');
        return pad('', ch, w, left ? '<' : '>', ' ');
      }
      case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': {
        if (!isNumber(value)) throw new Error(`TypeError: %${type} format: a real number is required, not ${typeof value === 'string' ? 'str' : 'another type'}`);
        if (!isInt(value) && type !== 'd' && type !== 'i' && type !== 'u') throw new Error(`TypeError: %${type} format: an integer is required, not float`);
        const n = typeof value === 'bigint' ? value : Math.trunc(Number(plain(value)));
        const digits = intDigits(n, type === 'o' || type === 'x' || type === 'X' ? type : 'd', alternate);
        return numeric(prec !== undefined ? digits.padStart(prec, '0') : digits, Number(n));
      }
      case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': {
        if (!isNumber(value)) throw new Error(`TypeError: must be real number, not ${typeof value === 'string' ? 'str' : 'another type'}`);
        const x = Number(plain(value));
        return numeric(floatDigits(x, type, prec, alternate), x);
      }
      case '%':
        return pad('', '%', w, left ? '<' : '>', ' ');
      default:
        throw new Error(`ValueError: unsupported format character '${type}'`);
    }
  });
  if (!mapping && !usedMapping && next < args.length && (isTuple(values) || !(Array.isArray(values) || p.isDict(values)))) {
    throw new Error('TypeError: not all arguments converted during string formatting');
  }
  return out;
}

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;

/** `value.__format__(spec)` for Python's values: numbers, strings, and str() of the rest when the spec is empty. */
function formatValue(value: unknown, spec: string, p: Printer): string {
  if (spec === '') return p.str(value);
  const m = SPEC.exec(spec);
  if (!m) throw new Error(`ValueError: Invalid format specifier '${spec}'`);
  const [, fillGiven, alignGiven, signGiven, , alternate, zero, widthText, grouping, precisionText, typeGiven] = m;
  const width = widthText === undefined ? 0 : Number(widthText);
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  const fill = fillGiven ?? (zero && !alignGiven ? '0' : ' ');
  if (typeof value === 'string' || (!isNumber(value))) {
    if (typeof value !== 'string') throw new Error(`TypeError: unsupported format string passed to ${value === null ? 'NoneType' : Array.isArray(value) ? 'list' : 'object'}.__format__`);
    if (typeGiven && typeGiven !== 's') throw new Error(`ValueError: Unknown format code '${typeGiven}' for object of type 'str'`);
    const text = precision === undefined ? value : [...value].slice(0, precision).join('');
    return pad('', text, width, alignGiven ?? '<', fill);
  }
  const align = alignGiven ?? (zero ? '=' : '>');
  const x = Number(plain(value));
  const int = isInt(value);
  let type = typeGiven;
  if (typeof value === 'boolean' && !type) return pad('', value ? 'True' : 'False', width, alignGiven ?? '<', fill);
  let digits: string;
  if (int && (type === undefined || 'bcdnoxX'.includes(type))) {
    if (type === 'c') digits = String.fromCodePoint(x);
    else digits = intDigits(typeof value === 'bigint' ? value : x, type === undefined || type === 'n' ? 'd' : type, !!alternate);
  } else {
    if (type && 'bcdoxX'.includes(type)) throw new Error(`ValueError: Unknown format code '${type}' for object of type 'float'`);
    if (type === 'n') type = 'g';
    if (type === undefined) {
      // no type: repr without a precision, else like g with a digit after the point kept
      digits = precision === undefined ? floatRepr(Math.abs(x)) : generalDigits(Math.abs(x), precision, false);
      if (precision !== undefined && /^\d+$/.test(digits) && Number.isFinite(x)) digits += '.0';
      if (precision !== undefined && /^\d+e/.test(digits)) digits = digits.replace('e', '.0e').replace(/\.0e/, 'e');
    } else digits = floatDigits(x, type, precision, !!alternate);
  }
  if (grouping) {
    const [whole, rest] = /^[0-9]+/.test(digits) ? [digits.match(/^[0-9]+/)![0], digits.replace(/^[0-9]+/, '')] : ['', digits];
    digits = whole.replace(/\B(?=(\d{3})+(?!\d))/g, grouping) + rest;
  }
  const sign = negative(x) && !Number.isNaN(x) ? '-' : signGiven === '+' ? '+' : signGiven === ' ' ? ' ' : '';
  return pad(sign, digits, width, align, fill);
}

/** Python's str.format: `{}`, `{0}`, `{name}`, `{0[1]}`, `{a.b}`, `!r`/`!s`, and a format spec after `:`. */
export function strFormat(format: string, positional: unknown[], named: Record<string, unknown>, p: Printer): string {
  let auto = 0;
  return format.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::((?:[^{}]|\{[^{}]*\})*))?\}/g, (m, field: string | undefined, conversion: string | undefined, spec: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const [, head, tail] = /^([^.[]*)(.*)$/s.exec(field ?? '')!;
    let value: unknown = head === '' ? positional[auto++] : /^\d+$/.test(head) ? positional[Number(head)] : named[head];
    if (value === undefined && !(head in named) && !(head === '' || /^\d+$/.test(head))) throw new Error(`KeyError: '${head}'`);
    for (const [, attribute, key] of tail.matchAll(/\.(\w+)|\[([^\]]*)\]/g)) {
      const k = attribute ?? (/^\d+$/.test(key) ? Number(key) : key);
      value = (value as Record<string, unknown> | undefined)?.[k as string];
    }
    if (conversion) value = conversion === 's' ? p.str(value) : p.repr(value);
    const nested = (spec ?? '').replace(/\{([^{}]*)\}/g, (_n, inner: string) => p.str(inner === '' ? positional[auto++] : /^\d+$/.test(inner) ? positional[Number(inner)] : named[inner]));
    return formatValue(value, nested, p);
  });
}

/** Jinja2's round filter: Python's round() for 'common' (an int stays an int), floor and ceil giving floats. */
export function jinjaRound(v: unknown, precision: number, method: string): unknown {
  const x = Number(plain(v));
  if (method === 'common') {
    if (isInt(v) && precision >= 0) return typeof v === 'boolean' ? Number(v) : v;
    const rounded = pyRound(x, precision);
    return isInt(v) ? rounded : asFloat(rounded);
  }
  const factor = 10 ** precision;
  return asFloat((method === 'ceil' ? Math.ceil(x * factor) : Math.floor(x * factor)) / factor);
}
