// Column-level lineage across the DAG: each model's columns and where they come from (its binds' LocalLineage, kept in
// project.boundLineage), joined into one index per lineage version so the panel, `floe lineage --columns`, hover and
// references walk it without re-reading SQL. Pure over the project model.
import type { DbtProject } from '../project/project';
import type { CompiledModel } from '../project/compile';
import type { Location } from '../project/types';
import type { BoundColumnOrigin, BoundLineage, ColumnEdgeKind, NodeId } from '../project/boundLineage';
import { edgeKind, type LocalLineage } from '../sql/columnLineage';
import { blockAt } from '../jinja/scanner';
import { wordAt } from './cursor';
import type { ColumnEdge, ColumnLineageResponse, ColumnRef, ColumnSummary } from '../protocol/columnLineage';

/** A bind's lineage in node ids and template offsets, for project.boundLineage. */
export function boundLineageOf(compiled: CompiledModel, local: LocalLineage, text: string): BoundLineage {
  const nodeOf = new Map(compiled.upstream.map((u) => [u.relation, `${u.kind}:${u.name}`]));
  const sql = compiled.sql;
  const columns = local.columns.map((c) => ({
    name: c.name,
    from: c.from.flatMap((o) => {
      const node = nodeOf.get(o.relation);
      return node ? [{ node, column: o.column, ...(o.path?.length ? { path: o.path } : {}), kind: edgeKind(c.name, o) }] : [];
    }),
  }));
  const uses = local.uses.flatMap((u) => {
    const node = nodeOf.get(u.relation);
    if (!node) return [];
    const r = compiled.map.toTemplate(u.at, refLength(sql, u.at));
    // a use made by a macro's expansion maps to the whole call: still where the model reads the column
    return r.end > r.start ? [{ node, column: u.column, start: r.start, end: r.end }] : [];
  });
  return { text, columns, uses, ...(local.problem ? { problem: local.problem } : {}) };
}

/** The length of the (dotted, maybe quoted) reference or star that starts at `at`. */
function refLength(sql: string, at: number): number {
  const m = /^(?:\*|(?:"(?:[^"]|"")*"|[\p{L}\p{N}_$]+)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[\p{L}\p{N}_$]+))*)/u.exec(sql.slice(at, at + 1000));
  return m ? m[0].length : 1;
}

const key = (node: NodeId, column: string) => `${node}\0${column.toLowerCase()}`;

/**
 * Edges downstream and uses, inverted from each model's lineage. Updated model by model (an edit re-indexes only the
 * edited model: a whole rebuild costs ~10 ms on 1,000 models, too much for every keystroke's bind).
 */
class Index {
  private readonly indexed = new Map<string, { lineage: BoundLineage; node: NodeId; file: string }>();
  private readonly down = new Map<string, Map<string, ColumnEdge[]>>();
  private readonly uses = new Map<string, Map<string, Array<Location & { text: string }>>>();
  version = -1;

  constructor(private readonly project: DbtProject) {}

  update(): this {
    const store = this.project.boundLineage;
    if (this.version === store.version) return this;
    const seen = new Set<string>();
    for (const [model, lineage] of store.entries()) {
      seen.add(model);
      if (this.indexed.get(model)?.lineage !== lineage) {
        this.remove(model);
        this.add(model, lineage);
      }
    }
    for (const model of [...this.indexed.keys()]) if (!seen.has(model)) this.remove(model);
    this.version = store.version;
    return this;
  }

  /** The edges into a column, read from its model's lineage. */
  up(node: NodeId, column: string): ColumnEdge[] | undefined {
    const model = this.indexed.get(node.slice(node.indexOf(':') + 1));
    if (!model || model.node !== node) return undefined;
    const c = model.lineage.columns.find((x) => x.name.toLowerCase() === column.toLowerCase());
    return c?.from.map((o) => ({ from: refOf(o), to: { node, column: c.name }, kind: o.kind }));
  }

  downFrom(node: NodeId, column: string): ColumnEdge[] {
    return [...(this.down.get(key(node, column))?.values() ?? [])].flat();
  }

  /** Uses of the column in models whose text is still the text they were bound with. */
  usesOf(node: NodeId, column: string): Location[] {
    const out: Location[] = [];
    for (const list of this.uses.get(key(node, column))?.values() ?? []) {
      for (const u of list) if (this.project.entry(u.file)?.text === u.text) out.push({ file: u.file, start: u.start, end: u.end });
    }
    return out;
  }

  private add(model: string, lineage: BoundLineage): void {
    const n = this.project.nodes(model)[0];
    if (!n) return;
    const node = `${n.kind}:${n.name}`;
    this.indexed.set(model, { lineage, node, file: n.file });
    for (const c of lineage.columns) {
      for (const o of c.from) slot(this.down, key(o.node, o.column), model).push({ from: refOf(o), to: { node, column: c.name }, kind: o.kind });
    }
    for (const u of lineage.uses) slot(this.uses, key(u.node, u.column), model).push({ file: n.file, start: u.start, end: u.end, text: lineage.text });
  }

  private remove(model: string): void {
    const had = this.indexed.get(model);
    if (!had) return;
    this.indexed.delete(model);
    for (const c of had.lineage.columns) for (const o of c.from) this.down.get(key(o.node, o.column))?.delete(model);
    for (const u of had.lineage.uses) this.uses.get(key(u.node, u.column))?.delete(model);
  }
}

/** The list under `model` in the map at `k`, made when missing. */
function slot<T>(map: Map<string, Map<string, T[]>>, k: string, model: string): T[] {
  let byModel = map.get(k);
  if (!byModel) map.set(k, (byModel = new Map()));
  let list = byModel.get(model);
  if (!list) byModel.set(model, (list = []));
  return list;
}

const indexes = new WeakMap<DbtProject, Index>();

function indexOf(project: DbtProject): Index {
  let index = indexes.get(project);
  if (!index) indexes.set(project, (index = new Index(project)));
  return index.update();
}

function refOf(o: BoundColumnOrigin): ColumnRef {
  return o.path?.length ? { node: o.node, column: o.column, path: o.path } : { node: o.node, column: o.column };
}

/** A node's columns as the project knows them (bound, declared or from the catalog), with Iceberg field ids for sources. */
export function columnsOfNodeId(project: DbtProject, id: NodeId): ColumnSummary[] | undefined {
  const colon = id.indexOf(':');
  const kind = id.slice(0, colon);
  const name = id.slice(colon + 1);
  if (kind === 'source') {
    const dot = name.indexOf('.');
    const table = dot > 0 ? project.resolveSource({ source: name.slice(0, dot), table: name.slice(dot + 1) }) : undefined;
    if (!table) return undefined;
    return (project.columnsOfSource(table) ?? []).map((c) => ({ name: c.name, ...(c.type ? { type: c.type } : {}), ...(c.fieldId !== undefined ? { fieldId: c.fieldId } : {}) }));
  }
  const node = project.nodes(name).find((n) => n.kind === kind);
  if (!node) return undefined;
  const lineage = project.boundLineage.get(node.name);
  const known = project.columnsOfNode(node) ?? [];
  const names: Array<{ name: string; type?: string }> = known.length ? known : (lineage?.columns ?? []).map((c) => ({ name: c.name }));
  return names.map((c) => ({ name: c.name, ...(c.type ? { type: c.type } : {}) }));
}

/** The source column's Iceberg field id, when the catalog gave one. */
function withFieldId(project: DbtProject, ref: ColumnRef, known = new Map<NodeId, ColumnSummary[] | undefined>()): ColumnRef {
  if (!ref.node.startsWith('source:')) return ref;
  if (!known.has(ref.node)) known.set(ref.node, columnsOfNodeId(project, ref.node));
  const id = known.get(ref.node)?.find((c) => c.name.toLowerCase() === ref.column.toLowerCase())?.fieldId;
  return id === undefined ? ref : { ...ref, fieldId: id };
}

/** Every edge upstream of the column (to the sources), or downstream of it (to the last model reading it). */
export function columnEdges(project: DbtProject, node: NodeId, column: string, direction: 'upstream' | 'downstream', limit = 10_000): ColumnEdge[] {
  const index = indexOf(project);
  const out: ColumnEdge[] = [];
  const seen = new Set([key(node, column)]);
  const queue: ColumnRef[] = [{ node, column }];
  const sources = new Map<NodeId, ColumnSummary[] | undefined>();
  while (queue.length && out.length < limit) {
    const at = queue.shift()!;
    const edges = (direction === 'upstream' ? index.up(at.node, at.column) : index.downFrom(at.node, at.column)) ?? [];
    for (const e of edges) {
      out.push({ ...e, from: withFieldId(project, e.from, sources), to: withFieldId(project, e.to, sources) });
      const next = direction === 'upstream' ? e.from : e.to;
      const k = key(next.node, next.column);
      if (!seen.has(k)) {
        seen.add(k);
        queue.push(next);
      }
    }
  }
  return out;
}

/** The columns this one is computed from, one step up. */
export function columnInputs(project: DbtProject, node: NodeId, column: string): ColumnEdge[] {
  return (indexOf(project).up(node, column) ?? []).map((e) => ({ ...e, from: withFieldId(project, e.from) }));
}

/** Whether the model's lineage is known (bound) and, if not, why. */
export function lineageState(project: DbtProject, id: NodeId): { known: boolean; problem?: string } {
  if (!id.startsWith('model:') && !id.startsWith('snapshot:')) return { known: true };
  const l = project.boundLineage.get(id.slice(id.indexOf(':') + 1));
  return l ? { known: !l.problem, problem: l.problem } : { known: false, problem: 'not bound yet' };
}

/** The column view of one node, and with a column the paths up and down from it with every touched node's columns. */
export function columnLineage(project: DbtProject, node: NodeId, column?: string): ColumnLineageResponse {
  const columns = columnsOfNodeId(project, node);
  if (!columns) return { error: `${node} is not in ${project.name}` };
  const state = lineageState(project, node);
  const base = { node, columns: columns.map((c) => ({ ...c, ...upstreamSummary(project, node, c.name) })), ...(state.problem ? { problem: state.problem } : {}) };
  if (column === undefined) return base;
  const own = columns.find((c) => c.name.toLowerCase() === column.toLowerCase());
  if (!own) return { error: `${node.replace(/^\w+:/, '')} has no column ${column}${columns.length ? ` (it has ${columns.slice(0, 8).map((c) => c.name).join(', ')}${columns.length > 8 ? ', …' : ''})` : ''}` };
  const edges = [...columnEdges(project, node, own.name, 'upstream'), ...columnEdges(project, node, own.name, 'downstream')];
  const nodeColumns: Record<NodeId, ColumnSummary[]> = {};
  for (const e of edges) for (const n of [e.from.node, e.to.node]) if (!(n in nodeColumns)) nodeColumns[n] = columnsOfNodeId(project, n) ?? [];
  return { ...base, edges, nodeColumns };
}

/** How many upstream columns a column reads and whether it is a pure pass-through (the panel's row hint). */
function upstreamSummary(project: DbtProject, node: NodeId, column: string): Pick<ColumnSummary, 'kind' | 'upstream'> {
  const edges = indexOf(project).up(node, column);
  if (!edges) return {};
  return { upstream: edges.length, ...(edges.length ? { kind: strongest(edges.map((e) => e.kind)) } : {}) };
}

function strongest(kinds: ColumnEdgeKind[]): ColumnEdgeKind {
  return kinds.includes('transformation') ? 'transformation' : kinds.includes('rename') ? 'rename' : 'pass-through';
}

/** Where downstream models read the column, and the columns computed from it, transitively (its impact). */
export function columnUses(project: DbtProject, node: NodeId, column: string): Location[] {
  const index = indexOf(project);
  const out: Location[] = index.usesOf(node, column);
  for (const e of columnEdges(project, node, column, 'downstream')) out.push(...index.usesOf(e.to.node, e.to.column));
  const seen = new Set<string>();
  return out.filter((l) => {
    const k = `${l.file}:${l.start}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Whether a hover or references request at `offset` may read column lineage: only in a model-like file's SQL text, outside
 * Jinja. Elsewhere (a ref, a macro call, schema YAML) the request need not wait for the lineage to be made.
 */
export function readsColumnLineage(project: DbtProject, file: string, offset: number): boolean {
  const a = project.entry(file)?.analysis;
  return !!a && !blockAt(a.scan, offset);
}

/**
 * The column a word of a model's SQL names: the model's own output column of that name first (its lineage includes
 * where it reads it), else the upstream column a reference there reads.
 */
export function columnAt(project: DbtProject, file: string, offset: number): ColumnRef | undefined {
  const node = project.nodeOfFile(file);
  const a = project.entry(file)?.analysis;
  if (!node || !a || blockAt(a.scan, offset)) return undefined;
  const l = project.boundLineage.get(node.name);
  const w = wordAt(a.text, offset);
  if (!l || !w || l.text !== a.text) return undefined;
  const word = w.word.toLowerCase();
  const own = l.columns.find((c) => c.name.toLowerCase() === word);
  if (own) return { node: `${node.kind}:${node.name}`, column: own.name };
  const use = l.uses.find((u) => u.start <= offset && offset <= u.end && u.column.toLowerCase() === word);
  return use && { node: use.node, column: use.column };
}

/** Hover: where the column under the cursor comes from, when the model's lineage is bound. */
export function columnLineageHover(project: DbtProject, file: string, offset: number): string | undefined {
  const ref = columnAt(project, file, offset);
  return ref && columnLineageMarkdown(project, ref);
}

/** References of the model's own column: its uses downstream (with the declaration's word when asked). */
export function downstreamColumnReferences(project: DbtProject, file: string, offset: number, includeDeclaration = false): Location[] {
  const ref = columnAt(project, file, offset);
  const node = project.nodeOfFile(file);
  if (!ref || !node || ref.node !== `${node.kind}:${node.name}`) return [];
  const uses = columnUses(project, ref.node, ref.column);
  const w = wordAt(project.entry(file)!.text, offset)!;
  return uses.length && includeDeclaration ? [{ file, start: w.start, end: w.end }, ...uses] : uses;
}

const KIND_WORDS: Record<ColumnEdgeKind, string> = { 'pass-through': 'as is', rename: 'renamed', transformation: 'computed' };

/** Hover text: the column's upstream path down to the sources (field ids shown), one line per edge. */
export function columnLineageMarkdown(project: DbtProject, ref: ColumnRef): string | undefined {
  const edges = columnEdges(project, ref.node, ref.column, 'upstream', 40);
  if (edges.length === 0) return undefined;
  const label = (r: ColumnRef) => `\`${r.node.replace(/^\w+:/, '')}.${[r.column, ...(r.path ?? [])].join('.')}\`${r.fieldId !== undefined ? ` (field ${r.fieldId})` : ''}`;
  const lines = [`**Column lineage of ${label(ref)}**`, ''];
  for (const e of edges) lines.push(`- ${label(e.to)} ← ${label(e.from)} · ${KIND_WORDS[e.kind]}`);
  const sources = [...new Set(edges.filter((e) => e.from.node.startsWith('source:')).map((e) => label(e.from)))];
  if (sources.length) lines.push('', `Sources: ${sources.join(', ')}`);
  return lines.join('\n');
}
