// Python dict keys that are not strings (`{1: 'a'}`, `{1.0: 'a'}`, `{True: 'a'}`, YAML's `{1.0: x}`) in JavaScript
// objects, whose keys are strings. A key is stored under its value's text (`1.0`, `1` and True all under "1", so
// `d[1]` finds `{1.0: 'a'}`'s item as Python's `1 == 1.0` does), and the Python key itself is remembered per dict for
// what shows it: repr (`{1.0: 'a'}`), items()/keys(), json.dumps. A str key equal to a number's text shares its name.
import { plain, PyFloat } from './pyFloat';
import { eachContainer } from '../util/containers';

const keysByDict = new WeakMap<object, Map<string, unknown>>();
/** Whether any dict so far had a non-string key (most projects have none: their walks are skipped). */
let anyRemembered = false;

/** The property name Python key `key` is stored under: its value's text (a float's too: 1.0 is "1"; True is "1"). */
export function dictKeyName(key: unknown): string {
  return typeof key === 'boolean' ? (key ? '1' : '0') : String(plain(key));
}

/**
 * `dict[key] = value` as Python stores it: a new non-string key is remembered; an existing equal key keeps its
 * first form (`{1: 'a', 1.0: 'b'}` is `{1: 'b'}`) and its place.
 */
export function setDictItem(dict: Record<string, unknown>, key: unknown, value: unknown): void {
  const name = dictKeyName(key);
  if (!Object.prototype.hasOwnProperty.call(dict, name)) {
    if (isScalarKey(key)) rememberDictKey(dict, name, key);
    noteNewKey(dict, name);
  }
  dict[name] = value;
}

// Python's dicts keep their keys in insertion order; a JavaScript object lists integer-like names ("2", "10") first,
// in ascending order. A dict given such a key is remembered with its names in insertion order; the rest (most
// dicts) are listed by Object.keys, which is their insertion order.
const orderByDict = new WeakMap<object, string[]>();
let anyOrdered = false;

/** A name JavaScript lists before the others: an array index's canonical text. */
function isIndexName(name: string): boolean {
  return /^(?:0|[1-9]\d{0,9})$/.test(name) && Number(name) < 4294967295;
}

/** Records that `name` is about to be added to `dict` (not one of its names yet), for a dict other code builds (YAML's). */
export function noteNewKey(dict: object, name: string): void {
  let order = orderByDict.get(dict);
  if (!order) {
    if (!isIndexName(name)) return;
    orderByDict.set(dict, (order = Object.keys(dict)));
    anyOrdered = true;
  }
  const stale = order.indexOf(name);
  if (stale >= 0) order.splice(stale, 1);
  order.push(name);
}

/**
 * A dict's names in Python's order (insertion order). Names deleted since are left out, and names added by code that
 * did not record them come last.
 */
export function dictNames(dict: object): string[] {
  const names = Object.keys(dict);
  const order = anyOrdered ? orderByDict.get(dict) : undefined;
  if (!order) return names;
  const own = new Set(names);
  const listed = order.filter((n) => own.has(n));
  if (listed.length === names.length) return listed;
  const seen = new Set(listed);
  return [...listed, ...names.filter((n) => !seen.has(n))];
}

/** A dict's [name, value] pairs in Python's order. */
export function dictEntries(dict: Record<string, unknown>): Array<[string, unknown]> {
  const names = dictNames(dict);
  return names.map((n) => [n, dict[n]]);
}

/** Records `dict`'s names in the order given (a YAML mapping's), where JavaScript's order differs from it. */
export function rememberDictOrder(dict: object, names: string[]): void {
  if (!names.some(isIndexName)) return;
  orderByDict.set(dict, names);
  anyOrdered = true;
}

/**
 * Where a value's dicts keep an order JavaScript's differs from, as [keys from the root to the dict, its names in
 * order]: kept by object identity like the keys below, so a parse sent from another thread brings them along.
 */
export type DictOrderPlaces = Array<[path: string[], names: string[]]>;

export function dictOrderPlaces(root: unknown): DictOrderPlaces {
  const out: DictOrderPlaces = [];
  if (!anyOrdered) return out;
  eachContainer(root, (dict, path) => {
    if (orderByDict.has(dict)) out.push([path, dictNames(dict)]);
  });
  return out;
}

/** Remembers a copy's dict orders as dictOrderPlaces found its original's. */
export function restoreDictOrders(root: unknown, places: DictOrderPlaces): void {
  for (const [path, names] of places) {
    let dict = root;
    for (const step of path) dict = (dict as Record<string, unknown>)?.[step];
    if (typeof dict === 'object' && dict !== null) rememberDictOrder(dict, names);
  }
}

/** A copy of a dict keeps its order. */
export function copyDictOrder(from: object, to: object): void {
  const order = anyOrdered ? orderByDict.get(from) : undefined;
  if (order) orderByDict.set(to, dictNames(from));
}

/** A number, float, bool or None: the keys whose text alone would print as a string. */
function isScalarKey(key: unknown): boolean {
  return typeof key === 'number' || typeof key === 'bigint' || key instanceof PyFloat || typeof key === 'boolean' || key === null;
}

/** Records that `dict`'s property `name` holds the Python key `key` (a number, PyFloat, bool or None). */
export function rememberDictKey(dict: object, name: string, key: unknown): void {
  let keys = keysByDict.get(dict);
  if (!keys) keysByDict.set(dict, (keys = new Map()));
  keys.set(name, key);
  anyRemembered = true;
}

/** The Python key of `dict`'s property `name`: the remembered non-string key, else the name itself. */
export function pythonKey(dict: object, name: string): unknown {
  const keys = keysByDict.get(dict);
  return keys && keys.has(name) ? keys.get(name) : name;
}

/** Whether `dict` has any non-string key remembered. */
export function hasPythonKeys(dict: object): boolean {
  return keysByDict.has(dict);
}

/** A copy of a dict keeps its non-string keys and its order. */
export function copyDictKeys(from: object, to: object): void {
  const keys = keysByDict.get(from);
  if (keys) keysByDict.set(to, new Map(keys));
  copyDictOrder(from, to);
}

/**
 * Where a value's non-string keys are, as [keys from the root to their dict, the key's name, its kind]: they are kept
 * by object identity, so a copy (sent from another thread) has none until restorePythonKeys puts them back, and a
 * fingerprint of the value (the render cache's) needs them to tell `{1.0: x}` from `{1: x}` and `{true: x}`.
 */
export type PythonKeyPlaces = Array<[path: string[], name: string, kind: 'float' | 'int' | 'True' | 'False' | 'None']>;

export function pythonKeyPlaces(root: unknown): PythonKeyPlaces {
  const out: PythonKeyPlaces = [];
  if (!anyRemembered) return out;
  eachContainer(root, (dict, path) => {
    for (const [name, key] of keysByDict.get(dict) ?? []) {
      out.push([path, name, key instanceof PyFloat ? 'float' : typeof key === 'number' ? 'int' : key === null ? 'None' : key ? 'True' : 'False']);
    }
  });
  return out;
}

/** Remembers a copy's non-string keys as pythonKeyPlaces found its original's. */
export function restorePythonKeys(root: unknown, places: PythonKeyPlaces): void {
  for (const [path, name, kind] of places) {
    let dict = root;
    for (const step of path) dict = (dict as Record<string, unknown>)?.[step];
    if (typeof dict !== 'object' || dict === null) continue;
    const key = kind === 'float' ? new PyFloat(Number(name)) : kind === 'int' ? Number(name) : kind === 'None' ? null : kind === 'True';
    rememberDictKey(dict, name, key);
  }
}
