// Python's json.dumps as dbt's `tojson()` (json.dumps(value, sort_keys=...)) and Jinja2's `|tojson` filter (sorted
// keys, `<`, `>`, `&`, `'` escaped for HTML) call it: `, ` and `: ` between items, floats as Python prints them (`1.0`,
// `NaN`, `Infinity`), non-ASCII escaped as `\uXXXX` (ensure_ascii), dict keys in their order and as json.dumps turns
// Python keys into strings (`1.0` → "1.0", True → "true", None → "null"). And json.loads, as dbt's `fromjson()`.
import { parse } from 'lossless-json';
import { asFloat, floatRepr, isFloat, plain } from './pyFloat';
import { dictEntries, pythonKey } from './pyDictKeys';
import { fitInt } from './pyInt';

export interface PyJsonOptions {
  sortKeys?: boolean;
  /** json.dumps' indent: items on their own lines, this many spaces a level, `,` ending a line. */
  indent?: number;
}

/** What json.dumps raises ValueError for (a circular reference); dbt's tojson gives its default then. */
export class PyJsonValueError extends Error {}

/** Python's json.dumps(value). Objects other than dicts, lists, strings, numbers, bools and None throw TypeError's words. */
export function pyJsonDumps(value: unknown, options: PyJsonOptions = {}): string {
  const open = new Set<object>();
  const encode = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'string' || v instanceof String) return jsonString(String(v));
    if (typeof v === 'number' || v instanceof Number) return jsonNumber(v);
    if (typeof v === 'bigint') return String(v);
    if (typeof v !== 'object') throw new TypeError(`Object of type ${typeof v} is not JSON serializable`);
    if (open.has(v)) throw new PyJsonValueError('Circular reference detected');
    open.add(v);
    try {
      if (Array.isArray(v)) return container('[', v.map((x) => encode(x, depth + 1)), ']', depth);
      if (!isDict(v)) throw new TypeError(`Object of type ${pythonTypeName(v)} is not JSON serializable`);
      let entries = dictEntries(v).filter(([k]) => k !== '__keywords');
      if (options.sortKeys) entries = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return container('{', entries.map(([k, x]) => `${jsonString(keyText(v, k))}: ${encode(x, depth + 1)}`), '}', depth);
    } finally {
      open.delete(v);
    }
  };
  const container = (start: string, items: string[], end: string, depth: number) => {
    if (items.length === 0) return `${start}${end}`;
    if (options.indent === undefined) return `${start}${items.join(', ')}${end}`;
    const pad = (n: number) => `\n${' '.repeat(options.indent! * n)}`;
    return `${start}${pad(depth + 1)}${items.join(`,${pad(depth + 1)}`)}${pad(depth)}${end}`;
  };
  return encode(value, 0);
}

/** Jinja2's `|tojson`: json.dumps with sorted keys, then `<`, `>`, `&` and `'` as `\u003c`... for HTML. */
export function jinjaToJson(value: unknown, indent?: number): string {
  return pyJsonDumps(value, { sortKeys: true, indent }).replace(/[<>&']/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

/** A plain object, not one standing for a Python object by its own toString (a relation). */
function isDict(v: object): v is Record<string, unknown> {
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && !Object.prototype.hasOwnProperty.call(v, 'toString');
}

/** A dict key as json.dumps writes it: str as is, float by repr, int by str, True/False/None as JSON's words. */
function keyText(dict: object, name: string): string {
  const key = pythonKey(dict, name);
  if (key === null || key === undefined) return 'null';
  if (typeof key === 'boolean') return String(key);
  if (typeof key === 'number' || key instanceof Number) return jsonNumber(key);
  if (typeof key === 'bigint') return String(key);
  return name;
}

/** The name Python's error would give: a relation's adapter class, else the JavaScript one's. */
function pythonTypeName(v: object): string {
  const metadataType = (v as { metadata?: { type?: unknown } }).metadata?.type;
  return typeof metadataType === 'string' ? metadataType : v.constructor?.name ?? 'object';
}

function jsonNumber(n: number | Number): string {
  const value = plain(n) as number;
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return isFloat(n) ? floatRepr(value) : String(value);
}

/** A JSON string with ensure_ascii: `"` and `\` escaped, \n \r \t \b \f by name, every other code unit outside ' '..'~' as \uXXXX. */
function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) out += c === 0x22 ? '\\"' : c === 0x5c ? '\\\\' : s[i];
    else out += NAMED_ESCAPES[c] ?? `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

const NAMED_ESCAPES: Record<number, string> = { 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x08: '\\b', 0x0c: '\\f' };

/** Python's json.loads: a number written with a dot or an exponent is a float (`1.0` stays 1.0). Throws on bad JSON. */
export function pyJsonLoads(text: string): unknown {
  // an int past 2**53 keeps its digits (a bigint, pyInt.ts)
  return parse(text, null, (n: string) => (/[.eE]/.test(n) ? asFloat(Number(n)) : Number.isSafeInteger(Number(n)) ? Number(n) : fitInt(BigInt(n))));
}
