// Small helpers over `yaml` document nodes: values with their offsets, and parse errors as data.
import { parseDocument, isMap, isSeq, isScalar, visit, type Document, type Node, type ToJSOptions, type YAMLMap } from 'yaml';
import { indentFlowContinuations, mapRangesBack } from './yamlFlowIndent';
import { markIntegralFloat, pyYamlBool, pyYamlFloat, pyYamlInt } from './yamlFloats';
import { dictKeyName, rememberDictKey, rememberDictOrder } from '../jinja/pyDictKeys';
import { PyFloat } from '../jinja/pyFloat';

export interface YamlProblem {
  start: number;
  end: number;
  message: string;
}

export function parseYaml(text: string): { doc: Document; problems: YamlProblem[] } {
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length) {
    // flow-collection lines PyYAML reads at any indentation: parsed again indented, nodes moved back to `text`
    const reindented = indentFlowContinuations(text);
    const again = reindented && parseDocument(reindented.text, { uniqueKeys: false, prettyErrors: false });
    if (again && !again.errors.length) {
      mapRangesBack(again, reindented);
      return { doc: pyYamlBools(again), problems: [] };
    }
  }
  pyYamlBools(doc);
  const problems = doc.errors.map((e) => ({ start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1), message: e.message.split('\n')[0] }));
  return { doc, problems };
}

/**
 * A parsed document's plain scalars typed as PyYAML (dbt) types them where `yaml` does not: `no`, `On` and `OFF` are
 * bools (YAML 1.1), `y` and `n` strings (which `yaml`'s 1.1 schema makes bools). Quoted and tagged scalars keep their
 * value; only values change, so every node keeps its range.
 */
export function pyYamlBools<T extends Document | Node>(doc: T): T {
  visit(doc, {
    Scalar(_key, node) {
      if (node.type !== 'PLAIN' || node.tag || node.source === undefined) return;
      const bool = pyYamlBool(node.source);
      if (bool !== undefined) node.value = bool;
      else if (typeof node.value === 'boolean') node.value = node.source;
    },
  });
  return doc;
}

export function field(node: unknown, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  for (const pair of node.items) {
    if (isScalar(pair.key) && pair.key.value === key) return (pair.value ?? undefined) as Node | undefined;
  }
  return undefined;
}

export function entries(node: unknown): Array<{ key: string; keyStart: number; keyEnd: number; value: Node | undefined }> {
  if (!isMap(node)) return [];
  return node.items.flatMap((pair) => {
    if (!isScalar(pair.key)) return [];
    const r = pair.key.range ?? [0, 0, 0];
    return [{ key: String(pair.key.value), keyStart: r[0], keyEnd: r[1], value: (pair.value ?? undefined) as Node | undefined }];
  });
}

export function items(node: unknown): Node[] {
  return isSeq(node) ? (node.items as Node[]) : [];
}

export function text(node: unknown): string | undefined {
  return isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : undefined;
}

export function rangeOf(node: unknown): { start: number; end: number } | undefined {
  const r = (node as Node | undefined)?.range;
  return r ? { start: r[0], end: r[1] } : undefined;
}

/**
 * A node as plain JS, its integral floats (`1.0`, `!!float 1`) marked as yamlFloats.ts marks schema YAML's, and its
 * mappings' keys that PyYAML reads as numbers, floats, bools or None remembered for Jinja (pyDictKeys.ts).
 */
export function toJs(node: unknown, options: { failsafe?: boolean } = {}): unknown {
  if (!node) return undefined;
  const value = (node as Node).toJSON();
  // a document parsed with the failsafe schema holds every scalar as the text written: there is nothing to type
  if (options.failsafe) return value;
  markFloats(node, value);
  return bigInt(node) ?? value;
}

/**
 * A whole document as plain JS (doc.toJS, which applies merge keys and aliases) typed as toJs types a node: integral
 * floats marked, PyYAML's ints (`017`, `1_000`, ints past 2**53 exact).
 */
export function docToJs(doc: Document, options?: ToJSOptions): unknown {
  const value = doc.toJS(options);
  markFloats(doc.contents, value);
  return bigInt(doc.contents) ?? value;
}

const INT_TAG = 'tag:yaml.org,2002:int';

/**
 * A scalar's int when it is past ±(2**53 - 1), which `yaml` reads as a rounded number: Python's exact int, a bigint
 * (pyInt.ts). Plain scalars PyYAML reads as ints and `!!int` ones.
 */
function bigInt(node: unknown): bigint | undefined {
  if (!isScalar(node) || !node.source || !(node.tag ? node.tag === INT_TAG : node.type === 'PLAIN')) return undefined;
  const int = pyYamlInt(node.source);
  return typeof int === 'bigint' ? int : undefined;
}

const FLOAT_TAG = 'tag:yaml.org,2002:float';

/** A scalar's number when PyYAML reads it as a float with an integral value: `1.0`, or any number tagged `!!float`. */
function integralFloat(node: unknown): number | undefined {
  if (!isScalar(node)) return undefined;
  // `yaml` leaves `!!float 1` the string '1' (its core schema's floats have a dot); PyYAML reads it as 1.0
  const n = node.tag === FLOAT_TAG && typeof node.value === 'string' ? Number(node.value.replace(/_/g, '')) : node.value;
  if (typeof n !== 'number' || !Number.isInteger(n)) return undefined;
  // PyYAML's floats have a dot (`1e3` is a string there); `yaml` keeps each scalar's source text.
  return node.tag === FLOAT_TAG || node.source?.includes('.') ? n : undefined;
}

/** toJSON's name of the last key of `map` that Python takes as equal to the key named `name`. */
function lastEqual(map: YAMLMap, name: string): string {
  let last = name;
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key === 'string' ? key === name : dictKeyName(key) === name) last = key === null ? '' : String(key);
  }
  return last;
}

function markFloats(node: unknown, value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const container = value as Record<string, unknown>;
  const mark = (item: unknown, key: string) => {
    // an untagged plain scalar `yaml` (YAML 1.2) reads otherwise than PyYAML: `1e3`, `1.0e3`, `0o17` and `08` are
    // strings there, `017` is octal 15, `1_000` and `0b101` are ints, `1:30` is 90, `1_0.0` is 10.0
    const big = bigInt(item);
    if (big !== undefined && container[key] === (item as { value: unknown }).value) {
      container[key] = big;
      return;
    }
    if (isScalar(item) && !item.tag && item.type === 'PLAIN' && item.source && container[key] === item.value) {
      const int = pyYamlInt(item.source);
      if (int !== undefined && int !== item.value) {
        container[key] = int;
        return;
      }
      const float = int === undefined ? pyYamlFloat(item.source) : undefined;
      if (typeof item.value === 'number' && int === undefined && float === undefined) {
        container[key] = item.source;
        return;
      }
      // `1_0.0`, `1:30.5`: strings to `yaml`
      if (typeof item.value === 'string' && float !== undefined) {
        container[key] = float;
        if (Number.isInteger(float)) markIntegralFloat(container, key);
        return;
      }
    }
    const float = integralFloat(item);
    // (a key written twice holds its last value: a float only if that is the item's)
    if (float !== undefined && (container[key] === float || container[key] === (item as { value: unknown }).value)) {
      container[key] = float;
      markIntegralFloat(container, key);
    } else markFloats(item, container[key]);
  };
  if (isMap(node)) {
    const named = new Set<string>();
    // the keys in the order written (Python's dict keeps it; JavaScript lists integer-like keys first)
    const order = new Set<string>();
    let written: Record<string, unknown> | undefined;
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = pair.key.value;
      if (typeof key === 'string') { order.add(key); mark(pair.value, key); continue; }
      // an int key past 2**53 is named by its exact digits, as Jinja names it (pyDictKeys.ts)
      const big = bigInt(pair.key);
      if (big !== undefined) {
        const jsonName = String(key), name = String(big);
        if (jsonName !== name) {
          written ??= { ...container };
          delete container[jsonName];
          container[name] = written[jsonName];
        }
        if (!named.has(name)) rememberDictKey(container, name, big);
        order.add(name);
        named.add(name);
        mark(pair.value, name);
        continue;
      }
      // toJSON named a null key '' and a bool by its word; Jinja looks them up as pyDictKeys names them (None, True is 1)
      const name = dictKeyName(key);
      const jsonName = key === null ? '' : String(key);
      if (jsonName !== name) {
        written ??= { ...container };
        delete container[jsonName];
      }
      // the value of the last key equal to this one (`{true: a, 1: b}` is {True: 'b'})
      if (written) container[name] = written[lastEqual(node, name)];
      // an equal key written again keeps the first one's form (`{1.0: a, 1: b}` is {1.0: 'b'}), as Python's dict does
      if (!named.has(name)) {
        const float = integralFloat(pair.key);
        rememberDictKey(container, name, float !== undefined ? new PyFloat(float) : key);
      }
      order.add(name);
      named.add(name);
      mark(pair.value, name);
    }
    rememberDictOrder(container, [...order]);
  } else if (isSeq(node)) node.items.forEach((item, i) => mark(item, String(i)));
}
