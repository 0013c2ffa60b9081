// Small helpers over `yaml` document nodes: values with their offsets, and parse errors as data.
import { parseDocument, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import { indentFlowContinuations, mapRangesBack } from './yamlFlowIndent';
import { markIntegralFloat } from './yamlFloats';

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
      return { doc: again, problems: [] };
    }
  }
  const problems = doc.errors.map((e) => ({ start: e.pos[0], end: Math.max(e.pos[1], e.pos[0] + 1), message: e.message.split('\n')[0] }));
  return { doc, problems };
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

/** A node as plain JS, its integral floats (`1.0`) marked as yamlFloats.ts marks schema YAML's. */
export function toJs(node: unknown): unknown {
  if (!node) return undefined;
  const value = (node as Node).toJSON();
  markFloats(node, value);
  return value;
}

function markFloats(node: unknown, value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const mark = (item: unknown, key: string) => {
    const child = (value as Record<string, unknown>)[key];
    // PyYAML's floats have a dot (`1e3` is a string there); `yaml` keeps each scalar's source text.
    if (isScalar(item) && typeof item.value === 'number' && child === item.value && Number.isInteger(item.value) && item.source?.includes('.')) markIntegralFloat(value, key);
    else markFloats(item, child);
  };
  if (isMap(node)) for (const pair of node.items) { if (isScalar(pair.key)) mark(pair.value, String(pair.key.value)); }
  else if (isSeq(node)) node.items.forEach((item, i) => mark(item, String(i)));
}
