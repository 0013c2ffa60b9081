// Schema YAML read with js-yaml, keeping one thing JavaScript's numbers lose: which values were written as floats with
// an integral value (`tolerance: 1.0`). PyYAML reads those as floats and Python prints them `1.0`, so dbt names such a
// test `..._1_0`; the values stay plain numbers for everyone else, and the keys that held them are remembered.
// Jinja gets such values (vars, configs, test arguments) as PyFloats (withPyFloats, pyFloatAt, argsWithPyFloats), which
// print `1.0`; merges that copy them (vars, configs) keep the marks (mergeMarked, carryMark). Ints, floats and bools are
// read with PyYAML's patterns (YAML 1.1: `017` octal, `1e3` a string, `no` False), and keys that are ints, bools or
// None are remembered as Python's keys (pyDictKeys.ts).
import { boolCoreTag, CORE_SCHEMA, defineMappingTag, floatCoreTag, intCoreTag, load, NOT_RESOLVED } from 'js-yaml';
import { PyFloat } from '../jinja/pyFloat';
import { eachContainer } from '../util/containers';
import { copyDictKeys, dictKeyName, hasPythonKeys, noteNewKey, pythonKey, rememberDictKey } from '../jinja/pyDictKeys';

/**
 * An integral float as the resolver returns it: a string no YAML text holds, so it can be a mapping's key too (an
 * object key is a "complex key" js-yaml refuses); loadYaml turns values back into marked numbers and keys into their
 * number's text, remembered as Python's float key (pyDictKeys.ts).
 */
const FLOAT_TEXT = '\u0000float:';

/** PyYAML's implicit floats (its resolver's pattern): a dot always, an exponent only with its sign; `1e3` and `1.0e3` are strings. */
export const PYYAML_FLOAT = /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** PyYAML's implicit ints (YAML 1.1: binary, octal `017`, hex, sexagesimal `1:30`, underscores). */
export const PYYAML_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;

/**
 * An int as PyYAML constructs one from text matching PYYAML_INT: `017` is octal 15, `1:30` is 90, `1_000` is 1000.
 * Python's int has no size: one past ±(2**53 - 1) is a bigint (pyInt.ts), never a rounded number.
 */
export function pyYamlInt(source: string): number | bigint | undefined {
  if (!PYYAML_INT.test(source)) return undefined;
  let text = source.replace(/_/g, '');
  const sign = text.startsWith('-') ? -1 : 1;
  if (/^[-+]/.test(text)) text = text.slice(1);
  if (text === '0') return 0;
  let n: number;
  if (/^0[bx]/.test(text)) n = Number.parseInt(text.slice(2), text[1] === 'b' ? 2 : 16);
  else if (text.startsWith('0')) n = Number.parseInt(text, 8);
  else if (text.includes(':')) n = text.split(':').reduce((total, part) => total * 60 + Number(part), 0);
  else n = Number(text);
  return Number.isSafeInteger(n) ? sign * n : exactInt(sign, text);
}

/** The exact int of PyYAML's int text (no sign, no underscores) too large for a number. */
function exactInt(sign: number, text: string): bigint {
  let n: bigint;
  if (/^0[bx]/.test(text)) n = BigInt(`0${text[1]}${text.slice(2)}`);
  else if (text.startsWith('0')) n = BigInt(`0o${text.slice(1)}`);
  else if (text.includes(':')) n = text.split(':').reduce((total, part) => total * 60n + BigInt(part), 0n);
  else n = BigInt(text);
  return sign < 0 ? -n : n;
}

/** A float as PyYAML constructs one from text matching PYYAML_FLOAT: `1_0.0` is 10.0, `1:30.5` is 5430.5. */
export function pyYamlFloat(source: string): number | undefined {
  if (!PYYAML_FLOAT.test(source)) return undefined;
  let text = source.replace(/_/g, '').toLowerCase();
  const sign = text.startsWith('-') ? -1 : 1;
  if (/^[-+]/.test(text)) text = text.slice(1);
  if (text === '.inf') return sign * Infinity;
  if (text === '.nan') return NaN;
  if (text.includes(':')) return sign * text.split(':').reduce((total, part) => total * 60 + Number(part), 0);
  return sign * Number(text);
}

/** PyYAML's booleans (YAML 1.1 without `y`/`n`): `yes`, `No`, `ON`, `off`... as well as `true`/`False`. */
const PYYAML_BOOL = /^(?:(yes|Yes|YES|true|True|TRUE|on|On|ON)|no|No|NO|false|False|FALSE|off|Off|OFF)$/;

/** The bool PyYAML reads from a plain scalar's text: `no` is False, `y` and `oFF` are not bools (undefined). */
export function pyYamlBool(source: string): boolean | undefined {
  const match = PYYAML_BOOL.exec(source);
  return match ? match[1] !== undefined : undefined;
}

let seen = false;

/** The property a mapping key is stored under: an int, bool or None key as pyDictKeys.ts names it (True is "1"). */
const keyName = (key: unknown) => (typeof key === 'string' ? key : dictKeyName(key));

/**
 * Mappings whose keys that are ints, bools or None stay Python's keys for Jinja (`{2: y}` prints `{2: 'y'}`, not
 * `{'2': 'y'}`; `{true: a, 1: b}` is `{True: 'b'}`), remembered as pyDictKeys.ts remembers them. A float key comes as
 * its FLOAT_TEXT string, which unwrap() names.
 */
const pythonKeysMapTag = defineMappingTag<Record<string, unknown>>('tag:yaml.org,2002:map', {
  create: () => ({}),
  identify: (data: unknown) => typeof data === 'object' && data !== null && !Array.isArray(data),
  addPair: (dict, key, value) => {
    if (typeof key === 'object' && key !== null) return 'a mapping or list as a key is not supported';
    const name = keyName(key);
    const known = Object.prototype.hasOwnProperty.call(dict, name);
    if (!known && typeof key !== 'string') rememberDictKey(dict, name, key);
    // a key like `2` or '2' keeps its place, as in Python's dict (JavaScript lists it first)
    if (!known) noteNewKey(dict, name);
    if (name === '__proto__') Object.defineProperty(dict, name, { value, enumerable: true, configurable: true, writable: true });
    else dict[name] = value;
    return '';
  },
  has: (dict, key) => (typeof key !== 'object' || key === null) && Object.prototype.hasOwnProperty.call(dict, keyName(key)),
  keys: (dict) => Object.keys(dict),
  get: (dict, key) => (Object.prototype.hasOwnProperty.call(dict, keyName(key)) ? dict[keyName(key)] : null),
});

const SCHEMA = CORE_SCHEMA.withTags(pythonKeysMapTag, {
  ...boolCoreTag,
  // `enabled: no` is False in PyYAML (dbt), not the string 'no'
  implicitFirstChars: ['t', 'T', 'f', 'F', 'y', 'Y', 'n', 'N', 'o', 'O'],
  resolve: (source: string) => pyYamlBool(source) ?? NOT_RESOLVED,
}, {
  ...floatCoreTag,
  resolve(source: string, isExplicit: boolean, tagName: string) {
    // `!!float 1` is the float 1.0 in PyYAML, `!!float 1_000` 1000.0; `1_0.0` is 10.0, `1e3` a string
    const value = isExplicit ? floatCoreTag.resolve(source.replace(/_/g, ''), isExplicit, tagName) : pyYamlFloat(source) ?? NOT_RESOLVED;
    if (value === NOT_RESOLVED) return value;
    if (!Number.isInteger(value)) return value;
    seen = true;
    return `${FLOAT_TEXT}${Object.is(value, -0) ? '-0' : value}` as unknown as number;
  },
}, {
  ...intCoreTag,
  // PyYAML's ints (YAML 1.1): `017` is octal, `1_000` and `0b101` ints, `0o17` and `08` strings
  resolve(source: string, isExplicit: boolean, tagName: string) {
    // (an int past 2**53 is a bigint, pyYamlInt)
    const int = pyYamlInt(source) as number | undefined;
    if (!isExplicit) return int ?? NOT_RESOLVED;
    // `!!int 9007199254740993` exact too; `!!int` text PyYAML reads as its ints, else js-yaml's reading
    return int ?? intCoreTag.resolve(source, isExplicit, tagName);
  },
});

const marks = new WeakMap<object, Set<string>>();
/** Whether any file read so far had an integral float (most projects have none: their tests skip the look). */
let anyMarked = false;

/** js-yaml's load (the core schema), with integral floats as numbers whose keys integralFloatKeys() tells. */
export function loadYaml(source: string, options: { filename?: string; json?: boolean } = {}): unknown {
  seen = false;
  const doc = load(source, { ...options, schema: SCHEMA });
  return seen ? unwrap(doc) : doc;
}

/** The keys (list indexes as strings) of a loaded mapping or list whose values were written as integral floats. */
export function integralFloatKeys(container: unknown): ReadonlySet<string> | undefined {
  return typeof container === 'object' && container !== null ? marks.get(container) : undefined;
}

/** Paths (`key`, `key.0`, `key.sub`) under `value` that were written as integral floats. */
export function integralFloatPaths(container: unknown, key: string, prefix = key): string[] {
  if (!anyMarked) return [];
  const out: string[] = [];
  if (integralFloatKeys(container)?.has(key)) out.push(prefix);
  const value = (container as Record<string, unknown>)[key];
  if (typeof value === 'object' && value !== null) for (const k of Object.keys(value)) out.push(...integralFloatPaths(value, k, `${prefix}.${k}`));
  return out;
}

function unwrap(value: unknown, visited = new Set<object>()): unknown {
  const float = floatOf(value);
  if (float !== undefined) return float;
  if (typeof value !== 'object' || value === null || visited.has(value)) return value;
  visited.add(value);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    let name = key;
    const floatKey = floatOf(key);
    if (floatKey !== undefined) {
      name = String(floatKey);
      if (!Object.prototype.hasOwnProperty.call(record, name)) rememberDictKey(record, name, new PyFloat(floatKey));
      record[name] = record[key];
      delete record[key];
    }
    const item = record[name];
    const itemFloat = floatOf(item);
    if (itemFloat !== undefined) {
      record[name] = itemFloat;
      markIntegralFloat(value, name);
    } else unwrap(item, visited);
  }
  return value;
}

const floatOf = (v: unknown) => (typeof v === 'string' && v.startsWith(FLOAT_TEXT) ? Number(v.slice(FLOAT_TEXT.length)) : undefined);

/**
 * Where a loaded value's integral floats are, as [keys from the root to their container, key]: the marks are kept by
 * object identity, so a copy of the value (sent from another thread) has none until markIntegralFloats puts them back.
 */
export type IntegralFloatPlaces = Array<[path: string[], key: string]>;

export function integralFloatPlaces(root: unknown): IntegralFloatPlaces {
  const out: IntegralFloatPlaces = [];
  if (!anyMarked) return out;
  eachContainer(root, (container, path) => {
    for (const key of marks.get(container) ?? []) out.push([path, key]);
  });
  return out;
}

/** Marks a copy of a loaded value as integralFloatPlaces found its original. */
export function markIntegralFloats(root: unknown, places: IntegralFloatPlaces): void {
  for (const [path, key] of places) {
    let container = root;
    for (const step of path) container = (container as Record<string, unknown>)[step];
    if (typeof container === 'object' && container !== null) markIntegralFloat(container, key);
  }
}

/** Marks `container[key]` as written as an integral float (for values read by another YAML parser, yamlNodes.toJs). */
export function markIntegralFloat(container: object, key: string): void {
  let keys = marks.get(container);
  if (!keys) marks.set(container, (keys = new Set()));
  keys.add(key);
  anyMarked = true;
}

/** `container[key]`, just set, as an integral float (`on`) or not: marked, or a mark an earlier value left removed. */
export function setIntegralFloatMark(container: object, key: string, on: boolean): void {
  if (on) markIntegralFloat(container, key);
  else marks.get(container)?.delete(key);
}

/** Copies of marked containers with their floats as PyFloats, made once per container. */
const jinjaCopies = new WeakMap<object, unknown>();

/**
 * A loaded value as Jinja sees it: its integral floats as PyFloats, which print `1.0` as Python does. Only the
 * containers holding one are copied (once); the rest are the value itself, so Jinja's changes to them stay.
 */
export function withPyFloats(value: unknown): unknown {
  if (!anyMarked || typeof value !== 'object' || value === null || value instanceof PyFloat) return value;
  if (jinjaCopies.has(value)) return jinjaCopies.get(value);
  jinjaCopies.set(value, value);
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const item = pyFloatAt(record, key);
    if (item === record[key]) continue;
    if (!copy) copyDictKeys(value, (copy = (Array.isArray(value) ? [...value] : { ...record }) as Record<string, unknown>));
    copy[key] = item;
  }
  jinjaCopies.set(value, copy ?? value);
  return copy ?? value;
}

/** `container[key]` as Jinja sees it (withPyFloats). */
export function pyFloatAt(container: Record<string, unknown>, key: string): unknown {
  const item = container[key];
  return typeof item === 'number' && marks.get(container)?.has(key) ? new PyFloat(item) : withPyFloats(item);
}

/** After `to[toKey] = from[fromKey]`: `to[toKey]` is marked as `from[fromKey]` was. */
export function carryMark(from: object, fromKey: string, to: object, toKey = fromKey): void {
  if (!anyMarked) return;
  if (marks.get(from)?.has(fromKey)) markIntegralFloat(to, toKey);
  else marks.get(to)?.delete(toKey);
}

/** `Object.assign({}, ...sources)` keeping the marks of the top-level keys each source gives. */
export function mergeMarked(...sources: Array<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = Object.assign({}, ...sources);
  if (anyMarked) for (const source of sources) for (const key of Object.keys(source)) carryMark(source, key, out);
  // a top-level key that is a number (`--vars '{1.0: x}'`) stays one
  for (const source of sources) if (hasPythonKeys(source)) for (const key of Object.keys(source)) if (pythonKey(source, key) !== key) rememberDictKey(out, key, pythonKey(source, key));
  return out;
}

/**
 * A data test's arguments as its macro sees them: the paths its YAML wrote as integral floats (`min_value`,
 * `values.1`, from testYaml.ts) as PyFloats. The arguments themselves are left as they are.
 */
export function argsWithPyFloats(args: Record<string, unknown>, paths: readonly string[] | undefined): Record<string, unknown> {
  if (!paths?.length) return args;
  const copy = (v: unknown): unknown => (Array.isArray(v) ? [...v] : typeof v === 'object' && v !== null ? { ...v } : v);
  const out = { ...args };
  for (const path of paths) {
    const steps = path.split('.');
    let container: Record<string, unknown> | undefined = out;
    for (const step of steps.slice(0, -1)) {
      const next = copy(container[step]);
      if (typeof next !== 'object' || next === null) { container = undefined; break; }
      container[step] = next;
      container = next as Record<string, unknown>;
    }
    const last = steps[steps.length - 1];
    if (container && typeof container[last] === 'number') container[last] = new PyFloat(container[last] as number);
  }
  return out;
}
