// Enforced model contracts while the user types: how the model's bound output columns differ from its contract, at
// the contract's YAML line (column name, data_type, constraint) and at the model's SQL select item; and warnings on
// downstream models where they read a column a contract drops or retypes.
import path from 'node:path';
import { parseDocument, isMap, isSeq, isScalar, type Node as YamlNode } from 'yaml';
import type { DbtProject, FileEntry, ModelNode } from '../project/project';
import type { SchemaFile } from '../project/schemaYaml';
import type { Column, ProjectDiagnostic } from '../project/types';
import { contractMismatches, enforcedContract, hasEnforcedContract, knownModelsWithEnforcedContracts, modelsWithEnforcedContracts, unknownConstraintColumns, type ModelContract } from '../project/contract';
import { parseTypeName, sameType } from '../iceberg/type-names';
import { outline } from '../sql/outline';
import { isWord } from '../sql/lexer';
import { selectItemsAt } from '../sql/selectList';
import { provablyNullOutputs } from './provablyNull';
import { columnUses, lineOf } from './columnUses';

/** A model file's freshly bound output columns (same text as now), or undefined when it did not bind. */
export type BoundColumnsOf = (modelFile: string) => Column[] | undefined;

/** Contract diagnostics of one file: a schema YAML file's contracts, or a model's own contract and its upstreams'. */
export function contractDiagnostics(project: DbtProject, file: string, bound: BoundColumnsOf): ProjectDiagnostic[] {
  const entry = project.entry(file);
  if (!entry || knownModelsWithEnforcedContracts(project)?.size === 0) return [];
  if (entry.schema) return mayHaveContracts(project, entry.schema.models.map((doc) => project.resolveRef({ name: doc.name }))) ? yamlContractDiagnostics(project, entry, bound) : [];
  const node = entry.kind === 'model' && entry.analysis ? project.nodeOfFile(file) : undefined;
  if (!node || project.isDisabled(file)) return [];
  const parents = [...project.dag.parents.get(node.name) ?? []].map((name) => project.resolveRef({ name }));
  if (!mayHaveContracts(project, [node, ...parents])) return [];
  return [...sqlContractDiagnostics(project, entry, node, bound), ...downstreamWarnings(project, entry, node, bound)];
}

/**
 * Whether a file's contract diagnostics may be any: one of the models they look at (`nodes`, the same ones) has an
 * enforced contract, and the project has one at all. These few models first: the project-wide set is a pass over every
 * model's config (~30 ms at 10k models), which the first diagnostics pull after ready, for one file, would wait on
 * (issue #18). A whole-project pass computes the set once before its files (modelsWithEnforcedContracts).
 */
function mayHaveContracts(project: DbtProject, nodes: Array<ModelNode | undefined>): boolean {
  if (!knownModelsWithEnforcedContracts(project) && !nodes.some((n) => n && hasEnforcedContract(project, n))) return false;
  return modelsWithEnforcedContracts(project).size > 0;
}

const CODE = 'contract';

function yamlContractDiagnostics(project: DbtProject, entry: FileEntry, bound: BoundColumnsOf): ProjectDiagnostic[] {
  const out: ProjectDiagnostic[] = [];
  for (const doc of entry.schema!.models) {
    const node = project.resolveRef({ name: doc.name });
    if (!node || project.doc(node.name) !== doc) continue;
    const contract = enforcedContract(project, node);
    if (!contract) continue;
    const spans = contractSpans(entry.schema!, entry.text).get(doc.name) ?? { columns: new Map<string, ColumnSpans>(), constraintColumns: [] };
    const inConstraint = (column: string, type?: string) => spans.constraintColumns.find((k) => k.column.toLowerCase() === column.toLowerCase() && (!type || k.type.toLowerCase() === type))?.range;
    const at = (column: string | undefined, part: 'name' | 'dataType' | 'notNull') => {
      const s = column === undefined ? undefined : spans.columns.get(column.toLowerCase());
      const notNull = () => s?.notNull ?? (column === undefined ? undefined : inConstraint(column, 'not_null')) ?? s?.name;
      return (part === 'dataType' ? s?.dataType ?? s?.name : part === 'notNull' ? notNull() : s?.name) ?? [doc.nameStart, doc.nameEnd];
    };
    const push = (range: [number, number], message: string) => out.push({ file: entry.file, start: range[0], end: range[1], severity: 'error', code: CODE, message });
    for (const c of contract.columns) if (c.typeProblem) push(at(c.name, 'dataType'), `Contract of ${doc.name}: column ${c.name} ${c.typeProblem}.`);
    for (const k of unknownConstraintColumns(contract)) {
      push(inConstraint(k.column, k.type.toLowerCase()) ?? [doc.nameStart, doc.nameEnd], `Contract of ${doc.name}: the model's ${k.type} constraint names column ${k.column}, which the contract does not have.`);
    }
    const columns = bound(node.file);
    if (!columns?.length) continue;
    for (const m of contractMismatches(contract, columns)) {
      if (m.kind === 'bad-type') continue;
      push(at(m.kind === 'missing-in-contract' ? undefined : m.column, m.kind === 'type' ? 'dataType' : 'name'), `Contract of ${doc.name}: ${m.message}.`);
    }
    const model = project.entry(node.file)?.analysis;
    for (const n of model ? provablyNullOutputs(project, model) : []) {
      const c = contract.columns.find((x) => x.notNull && x.name.toLowerCase() === n.column);
      if (c) push(at(c.name, 'notNull'), `Contract of ${doc.name}: column ${c.name} is not_null, but the model's SQL can make it NULL: ${n.why} (line ${lineOf(model!.text, n.start)}).`);
    }
  }
  return out;
}

function sqlContractDiagnostics(project: DbtProject, entry: FileEntry, node: ModelNode, bound: BoundColumnsOf): ProjectDiagnostic[] {
  const contract = enforcedContract(project, node);
  const columns = contract ? bound(node.file) : undefined;
  if (!contract || !columns?.length) return [];
  const a = entry.analysis!;
  const items = finalSelectItems(a.text);
  const where = contractPlace(project, contract);
  const itemOf = (column: string) => items.find((i) => i.name?.replace(/^"|"$/g, '').toLowerCase() === column.toLowerCase()) ?? items.find((i) => i.star);
  const out: ProjectDiagnostic[] = [];
  const push = (column: string, message: string) => {
    const item = itemOf(column);
    out.push({ file: entry.file, start: item?.start ?? 0, end: item?.end ?? 0, severity: 'error', code: CODE, message });
  };
  for (const m of contractMismatches(contract, columns)) {
    if (m.kind === 'missing-in-contract') push(m.column, `Enforced contract${where}: ${m.message}; add it to the contract or leave it out of the select.`);
    else if (m.kind === 'type') push(m.column, `Enforced contract${where}: ${m.message}; cast it in the select or change data_type.`);
  }
  for (const n of provablyNullOutputs(project, a)) {
    const c = contract.columns.find((x) => x.notNull && x.name.toLowerCase() === n.column);
    if (c) out.push({ file: entry.file, start: n.start, end: n.end, severity: 'error', code: CODE, message: `Enforced contract${where}: column ${c.name} is not_null, but ${n.why}; coalesce it or drop the constraint.` });
  }
  return out;
}

/** Where on a downstream model's uses a contract drops a column (not in it) or retypes it (another type than the SQL's). */
function downstreamWarnings(project: DbtProject, entry: FileEntry, node: ModelNode, bound: BoundColumnsOf): ProjectDiagnostic[] {
  const out: ProjectDiagnostic[] = [];
  for (const parentName of project.dag.parents.get(node.name) ?? []) {
    const parent = project.resolveRef({ name: parentName });
    const contract = parent ? enforcedContract(project, parent) : undefined;
    const columns = contract ? bound(parent!.file) : undefined;
    if (!contract || !columns?.length) continue;
    const where = contractPlace(project, contract);
    for (const c of columns) {
      const declared = contract.columns.find((x) => x.name.toLowerCase() === c.name.toLowerCase());
      let change: string | undefined;
      if (!declared) change = `drops column ${c.name}`;
      else if (declared.type && c.type) {
        const actual = parseTypeName(c.type);
        if (actual.ok && !sameType(actual.type, declared.type)) change = `retypes column ${c.name} to ${declared.dataType!.toLowerCase()} (its SQL gives ${c.type})`;
      }
      if (!change) continue;
      for (const u of columnUses(project, entry.analysis!, parent!, c.name).uses) {
        out.push({ file: entry.file, start: u.start, end: u.end, severity: 'warning', code: 'contract-downstream', message: `The enforced contract of ${parent!.name}${where} ${change}, which this model reads here.` });
      }
    }
  }
  return out;
}

/** " (models/schema.yml line 12)": where a contract is declared, for messages. */
function contractPlace(project: DbtProject, contract: ModelContract): string {
  const doc = contract.doc;
  if (!doc) return '';
  const text = project.entry(doc.file)?.text ?? '';
  return ` (${path.relative(project.root, doc.file)} line ${lineOf(text, doc.nameStart)})`;
}

/** The final select's items (a model's output columns, as far as the text tells). */
function finalSelectItems(text: string) {
  const o = outline(text);
  const select = o.tokens.findIndex((x, k) => o.parent[k] === -1 && isWord(x, 'select'));
  return select < 0 ? [] : selectItemsAt(o, o.tokens[select].end);
}

interface ColumnSpans {
  name: [number, number];
  dataType?: [number, number];
  notNull?: [number, number];
}

interface ModelSpans {
  columns: Map<string, ColumnSpans>;
  /** Each column a model-level constraint names, where it names it. */
  constraintColumns: Array<{ type: string; column: string; range: [number, number] }>;
}

/** Exact spans of each model's contract columns in a schema file (parsed again with ranges, once per parse). */
const spansCache = new WeakMap<SchemaFile, Map<string, ModelSpans>>();

function contractSpans(schema: SchemaFile, text: string): Map<string, ModelSpans> {
  const hit = spansCache.get(schema);
  if (hit) return hit;
  const out = new Map<string, ModelSpans>();
  const range = (n: unknown): [number, number] | undefined => (isScalar(n) && n.range ? [n.range[0], n.range[1]] : undefined);
  const doc = parseDocument(text, { uniqueKeys: false });
  const models = isMap(doc.contents) ? doc.contents.get('models', true) : undefined;
  for (const m of isSeq(models) ? models.items : []) {
    if (!isMap(m)) continue;
    const name = m.get('name');
    const columns = m.get('columns', true);
    if (typeof name !== 'string') continue;
    const byColumn = new Map<string, ColumnSpans>();
    const constraintColumns: ModelSpans['constraintColumns'] = [];
    const constraints = m.get('constraints', true);
    for (const k of isSeq(constraints) ? constraints.items : []) {
      if (!isMap(k)) continue;
      const listed = k.get('columns', true);
      for (const c of isSeq(listed) ? listed.items : []) {
        const r = range(c);
        if (r && isScalar(c)) constraintColumns.push({ type: String(k.get('type')), column: String(c.value), range: r });
      }
    }
    for (const c of isSeq(columns) ? columns.items : []) {
      if (!isMap(c)) continue;
      const nameNode = c.get('name', true) as YamlNode | undefined;
      const at = range(nameNode);
      if (!at || !isScalar(nameNode)) continue;
      const constraints = c.get('constraints', true);
      const notNull = isSeq(constraints) ? constraints.items.find((k) => isMap(k) && String(k.get('type')).toLowerCase() === 'not_null') : undefined;
      const notNullType = isMap(notNull) ? range(notNull.get('type', true)) : undefined;
      byColumn.set(String(nameNode.value).toLowerCase(), { name: at, dataType: range(c.get('data_type', true)), ...(notNullType ? { notNull: notNullType } : {}) });
    }
    out.set(name, { columns: byColumn, constraintColumns });
  }
  spansCache.set(schema, out);
  return out;
}
