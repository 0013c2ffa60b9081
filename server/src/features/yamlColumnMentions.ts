// Where schema YAML names one column of one model, for column rename: the model's `columns: - name:` entry (its
// tests, constraints and contract live under it), `columns:` of its model-level constraints, `column_name:` of its
// model-level tests, `field:` of relationships tests pointing at it (`to: ref('model')`), and unit tests' row keys:
// `expect` rows of the model's own unit tests and `given` rows of inputs that are `ref('model')`. Read with the `yaml`
// library for exact spans.
import { parseDocument, isMap, isSeq, isScalar, isPair, type Node as YamlNode, type YAMLMap } from 'yaml';
import type { DbtProject } from '../project/project';
import type { Location } from '../project/types';
import { parseRelationTarget } from '../project/dataTests';

const same = (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase() === b.toLowerCase();
const refsModel = (v: unknown, model: string) => {
  const t = parseRelationTarget(v);
  return t?.kind === 'model' && t.name === model;
};

/** The exact spans of `column` of `model` in every YAML file of the project. */
export function yamlColumnMentions(project: DbtProject, model: string, column: string): Location[] {
  const out: Location[] = [];
  for (const e of project.files.values()) {
    if (e.kind !== 'yaml' || !e.text.toLowerCase().includes(column.toLowerCase())) continue;
    const doc = parseDocument(e.text, { uniqueKeys: false });
    const at = (n: unknown) => {
      if (isScalar(n) && n.range) out.push({ file: e.file, start: n.range[0] + quoteWidth(e.text, n.range[0]), end: n.range[0] + quoteWidth(e.text, n.range[0]) + column.length });
    };
    if (!isMap(doc.contents)) continue;
    const root = doc.contents;
    for (const m of seqItems(root.get('models', true))) {
      if (!isMap(m) || m.get('name') !== model) continue;
      for (const c of seqItems(m.get('columns', true))) if (isMap(c) && same(c.get('name'), column)) at(c.get('name', true));
      for (const key of ['data_tests', 'tests']) for (const t of seqItems(m.get(key, true))) walk(t, (map) => { if (same(map.get('column_name'), column)) at(map.get('column_name', true)); });
      // model-level constraints: `- type: primary_key` with `columns: [a, b]`
      for (const k of seqItems(m.get('constraints', true))) if (isMap(k)) for (const c of seqItems(k.get('columns', true))) if (isScalar(c) && same(c.value, column)) at(c);
    }
    // relationships tests anywhere: `to: ref('model')` beside `field: column`
    walk(root, (map) => { if (refsModel(map.get('to'), model) && same(map.get('field'), column)) at(map.get('field', true)); });
    for (const u of seqItems(root.get('unit_tests', true))) {
      if (!isMap(u)) continue;
      if (u.get('model') === model) { const expect = u.get('expect', true); if (isMap(expect)) rowKeys(expect, column, at); }
      for (const g of seqItems(u.get('given', true))) if (isMap(g) && refsModel(g.get('input'), model)) rowKeys(g, column, at);
    }
  }
  return out;
}

function seqItems(n: unknown): unknown[] {
  return isSeq(n) ? n.items : [];
}

/** Keys naming the column in `rows:` given as a list of maps (dict format). */
function rowKeys(block: YAMLMap, column: string, at: (n: unknown) => void): void {
  for (const row of seqItems(block.get('rows', true))) {
    if (!isMap(row)) continue;
    for (const pair of row.items) if (isPair(pair) && isScalar(pair.key) && same(pair.key.value, column)) at(pair.key);
  }
}

/** Calls `visit` on every map under `n`. */
function walk(n: unknown, visit: (map: YAMLMap) => void): void {
  if (isMap(n)) {
    visit(n);
    for (const pair of n.items) walk((pair as { value?: YamlNode }).value, visit);
  } else if (isSeq(n)) {
    for (const item of n.items) walk(item, visit);
  }
}

/** 1 when the scalar at `start` is quoted (its span starts at the quote). */
function quoteWidth(text: string, start: number): number {
  return text[start] === '"' || text[start] === "'" ? 1 : 0;
}

/** The model column whose `- name:` value is at `offset` in a schema YAML text. */
export function yamlColumnAt(text: string, offset: number): { model: string; column: string; start: number; end: number } | undefined {
  if (!/\bcolumns\s*:/.test(text)) return undefined;
  const doc = parseDocument(text, { uniqueKeys: false });
  if (!isMap(doc.contents)) return undefined;
  for (const m of seqItems(doc.contents.get('models', true))) {
    if (!isMap(m) || typeof m.get('name') !== 'string') continue;
    for (const c of seqItems(m.get('columns', true))) {
      const n = isMap(c) ? c.get('name', true) : undefined;
      if (!isScalar(n) || !n.range || typeof n.value !== 'string' || offset < n.range[0] || offset > n.range[1]) continue;
      const start = n.range[0] + quoteWidth(text, n.range[0]);
      return { model: m.get('name') as string, column: n.value, start, end: start + n.value.length };
    }
  }
  return undefined;
}
