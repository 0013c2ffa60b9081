// dbt's YAML selectors (selectors.yml): named definitions, used with `--selector NAME` or as the `default: true`
// selection. Definitions are CLI strings, `{method: value}`, full `{method, value, parents, children, ...}`
// dicts, `union:`/`intersection:` lists whose `exclude:` member subtracts, and `method: selector` references.
// Pure: text in, selection trees and problems (naming the file, line and selector) out.
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { cliSelectionSpec, INDIRECT_SELECTIONS, parseCriterion, parseSelection, type IndirectSelection, type SelectionProblem, type SelectionSpec } from './syntax';
import { pyYamlBools } from '../project/yamlNodes';

export interface YamlSelector {
  name: string;
  description?: string;
  default: boolean;
  definition: SelectionSpec;
  /** Offsets of the selector's name in the file. */
  range?: [number, number];
}

export interface YamlSelectors {
  selectors: Map<string, YamlSelector>;
  problems: SelectionProblem[];
}

type Raw = Record<string, unknown>;

export function parseYamlSelectors(file: string, text: string): YamlSelectors {
  const selectors = new Map<string, YamlSelector>();
  const problems: SelectionProblem[] = [];
  // As PyYAML reads it (dbt): a duplicate key keeps its last value.
  const doc = pyYamlBools(parseDocument(text, { uniqueKeys: false }));
  if (doc.errors.length) {
    const e = doc.errors[0];
    const at = e.linePos ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
    return { selectors, problems: [{ severity: 'error', criterion: file, message: `${file}${at}: ${e.message.split('\n')[0]}`, range: [e.pos[0], e.pos[1]] }] };
  }
  const root = doc.toJS() as unknown;
  const list = isObject(root) ? root.selectors : undefined;
  if (!Array.isArray(list)) return { selectors, problems: [{ severity: 'error', criterion: file, message: `${file}: expected a 'selectors:' list`, range: [0, 0] }] };
  const seq = isMap(doc.contents) ? doc.contents.get('selectors', true) : undefined;
  const nodes = isSeq(seq) ? seq.items : [];
  const raws = new Map<string, Raw>();
  const ranges = new Map<string, [number, number]>();
  list.forEach((item: unknown, i: number) => {
    const node = nodes[i];
    const nameNode = isMap(node) ? node.get('name', true) : undefined;
    const range = (isScalar(nameNode) ? nameNode.range : (node as { range?: [number, number, number] } | undefined)?.range)?.slice(0, 2) as [number, number] | undefined;
    if (!isObject(item) || typeof item.name !== 'string' || item.definition === undefined) {
      problems.push({ severity: 'error', criterion: file, message: `${file}: every selector needs a name and a definition (${JSON.stringify(item)})`, ...(range ? { range } : {}) });
      return;
    }
    raws.set(item.name, item);
    if (range) ranges.set(item.name, range);
  });
  const building = new Set<string>();
  const attempted = new Set<string>();
  const build = (name: string): SelectionSpec | undefined => {
    const raw = raws.get(name);
    // A selector is built once; one that failed has said why already.
    if (!raw || attempted.has(name)) return selectors.get(name)?.definition;
    attempted.add(name);
    building.add(name);
    const range = ranges.get(name);
    const fail = (message: string, unsupported?: true): undefined => {
      problems.push({ severity: 'error', criterion: name, message: `${file}: selector '${name}': ${message}`, ...(range ? { range } : {}), ...(unsupported ? { unsupported } : {}) });
      return undefined;
    };
    const definition = definitionSpec(raw.definition, fail, (other) => {
      if (building.has(other)) return fail(`refers to itself through '${other}'`);
      if (!raws.has(other)) return fail(`refers to the unknown selector '${other}'`);
      return build(other);
    });
    building.delete(name);
    if (definition) selectors.set(name, { name, description: typeof raw.description === 'string' ? raw.description : undefined, default: raw.default === true, definition, ...(range ? { range } : {}) });
    return definition;
  };
  for (const name of raws.keys()) build(name);
  const defaults = [...selectors.values()].filter((s) => s.default);
  if (defaults.length > 1) problems.push({ severity: 'error', criterion: file, message: `${file}: only one selector can be the default (${defaults.map((s) => s.name).join(', ')})`, ...(defaults[1].range ? { range: defaults[1].range } : {}) });
  return { selectors, problems };
}

/** The selection named by `--selector NAME`, or a problem naming the selectors there are. */
export function yamlSelector(selectors: YamlSelectors, name: string): SelectionSpec | SelectionProblem {
  const s = selectors.selectors.get(name);
  if (s) return s.definition;
  const unsupported = selectors.problems.find((p) => p.unsupported && p.criterion === name);
  if (unsupported) return unsupported;
  const known = [...selectors.selectors.keys()];
  return { severity: 'error', criterion: name, message: `there is no selector '${name}' in selectors.yml${known.length ? ` (there are: ${known.join(', ')})` : ''}` };
}

type Fail = (message: string, unsupported?: true) => undefined;

function definitionSpec(def: unknown, fail: Fail, reference: (name: string) => SelectionSpec | undefined): SelectionSpec | undefined {
  if (typeof def === 'string') {
    const parsed = parseSelection([def]);
    if (parsed.problems.length) return fail(parsed.problems.map((p) => p.message).join('; '), parsed.problems.every((p) => p.unsupported) || undefined);
    return cliSelectionSpec(parsed, { union: [], problems: [] }, false);
  }
  if (!isObject(def)) return fail(`cannot read the definition ${JSON.stringify(def)}`);
  const indirect = def.indirect_selection;
  if (indirect !== undefined && !INDIRECT_SELECTIONS.includes(indirect as IndirectSelection)) {
    return fail(`indirect_selection must be one of ${INDIRECT_SELECTIONS.join(', ')}, not ${JSON.stringify(indirect)}`);
  }
  const mode = indirect as IndirectSelection | undefined;
  for (const op of ['union', 'intersection'] as const) {
    if (!(op in def)) continue;
    const items = def[op];
    if (!Array.isArray(items)) return fail(`'${op}' needs a list`);
    const members: SelectionSpec[] = [];
    const excluded: SelectionSpec[] = [];
    for (const item of items) {
      // as dbt: an item with an 'exclude' key is an exclusion, whatever else it holds
      const isExclude = isObject(item) && 'exclude' in item;
      const spec = isExclude ? excludeSpec(item.exclude, fail, reference) : definitionSpec(item, fail, reference);
      if (!spec) return undefined;
      (isExclude ? excluded : members).push(spec);
    }
    const spec: SelectionSpec = { op, members, ...(mode ? { indirect: mode } : {}) };
    return excluded.length ? { op: 'difference', include: spec, exclude: { op: 'union', members: excluded }, ...(mode ? { indirect: mode } : {}) } : spec;
  }
  let criterion: SelectionSpec | undefined;
  if ('method' in def) {
    if (def.method === 'selector') return typeof def.value === 'string' ? reference(def.value) : fail("'method: selector' needs the selector's name as its value");
    criterion = fullCriterion(def, fail);
  } else {
    const keys = Object.keys(def).filter((k) => k !== 'exclude' && k !== 'indirect_selection');
    if (keys.length !== 1) return fail(`expected one 'method: value' pair, 'method:'/'value:', 'union:' or 'intersection:', not ${keys.map((k) => `'${k}'`).join(', ') || 'nothing'}`);
    criterion = keys[0] === 'selector' ? reference(String(def[keys[0]])) : criterionSpec(`${keys[0]}:${String(def[keys[0]])}`, fail);
  }
  if (criterion?.op === 'criterion' && mode) criterion = { op: 'criterion', criterion: { ...criterion.criterion, indirect: mode } };
  if (!criterion || !('exclude' in def)) return criterion;
  const exclude = excludeSpec(def.exclude, fail, reference);
  return exclude && { op: 'difference', include: criterion, exclude };
}

function excludeSpec(items: unknown, fail: Fail, reference: (name: string) => SelectionSpec | undefined): SelectionSpec | undefined {
  const list = Array.isArray(items) ? items : [items];
  const members: SelectionSpec[] = [];
  for (const item of list) {
    const spec = definitionSpec(item, fail, reference);
    if (!spec) return undefined;
    members.push(spec);
  }
  return { op: 'union', members };
}

/** `{method, value, parents, parents_depth, children, children_depth, childrens_parents}` as the CLI would write it. */
function fullCriterion(def: Raw, fail: Fail): SelectionSpec | undefined {
  if (typeof def.method !== 'string' || def.value === undefined || def.value === null) return fail("a 'method:' needs a 'value:'");
  const depth = (flag: unknown, n: unknown) => flag === true || n !== undefined ? (typeof n === 'number' ? String(n) : '') : undefined;
  const parents = depth(def.parents, def.parents_depth);
  const children = depth(def.children, def.children_depth);
  const text = `${def.childrens_parents === true ? '@' : ''}${parents !== undefined ? `${parents}+` : ''}${def.method}:${String(def.value)}${children !== undefined ? `+${children}` : ''}`;
  return criterionSpec(text, fail);
}

function criterionSpec(text: string, fail: Fail): SelectionSpec | undefined {
  const c = parseCriterion(text);
  return 'message' in c ? fail(c.message, c.unsupported) : { op: 'criterion', criterion: c };
}

function isObject(x: unknown): x is Raw {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}
