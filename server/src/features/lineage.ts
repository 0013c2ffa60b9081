// Lineage: the DAG around a model (bronze sources → silver views → gold marts), or of a whole project, as plain
// nodes and edges for the lineage panel and `floe lineage`. Pure over the project model: no DuckDB, no catalog.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DbtProject, ModelNode } from '../project/project';
import type { SourceTable } from '../project/schemaYaml';
import { LineIndex } from '../project/lineIndex';
import { projectDataTests } from '../project/dataTests';
import { goldTargetOf } from '../run/gold-target';
import type { LineageEdge, LineageNode, LineageResponse } from '../protocol/lineage';
import type { SelectableNode } from '../selection/graph';

export interface LineageOptions {
  /** Levels of parents / children to follow from the focus; undefined means all. Ignored for a whole project. */
  upstream?: number;
  downstream?: number;
  /** How a file becomes a uri (the LSP keeps the client's spelling); defaults to a file: URL. */
  uriOf?: (file: string) => string;
  /** A (cached) line index of a file's text; defaults to a fresh one per file per call. */
  lineIndexOf?: (file: string, text: string) => LineIndex;
}

/**
 * floe/lineage for a path: a model, seed or snapshot file centres on its node; the project folder (or a folder
 * inside it) gives the whole project; any other file is an error.
 */
export function lineageOfPath(project: DbtProject, file: string, options: LineageOptions = {}): LineageResponse {
  const abs = path.resolve(file);
  const entry = project.entry(abs);
  if (entry) {
    const focus = nodeIdOfFile(project, abs);
    return focus ? lineage(project, focus, options) : { error: `${path.basename(abs)} is not a model, seed or snapshot` };
  }
  const prefix = abs.endsWith(path.sep) ? abs : abs + path.sep;
  if (abs === project.root || [...project.files.keys()].some((f) => f.startsWith(prefix))) return lineage(project, undefined, options);
  return { error: `${path.basename(abs)} is not a model, seed or snapshot of ${project.name}` };
}

/** The node id (`model:stg_orders`, `seed:x`, `snapshot:x`) a file defines, or undefined. */
export function nodeIdOfFile(project: DbtProject, file: string): string | undefined {
  const node = project.nodeOfFile(file);
  return node && idOfNode(node);
}

/** A node id from what a user types: `stg_orders`, `model:stg_orders`, `source:bronze.orders` or `bronze.orders`. */
export function findNodeId(project: DbtProject, name: string): string | undefined {
  const colon = name.indexOf(':');
  const [kind, rest] = colon >= 0 ? [name.slice(0, colon), name.slice(colon + 1)] : [undefined, name];
  if (kind !== 'source') {
    const node = project.nodes(rest)[0];
    if (node && (kind === undefined || kind === node.kind)) return idOfNode(node);
  }
  if (kind === undefined || kind === 'source') {
    const dot = rest.indexOf('.');
    const table = dot > 0 ? project.resolveSource({ source: rest.slice(0, dot), table: rest.slice(dot + 1) }) : undefined;
    if (table) return sourceId(table);
  }
  return undefined;
}

/**
 * The lineage around `focus` (a node id) within the depth limits, or of the whole project when focus is undefined.
 * Cycles are walked once; refs to missing models are simply absent.
 */
export function lineage(project: DbtProject, focus: string | undefined, options: LineageOptions = {}): LineageResponse {
  const graph = graphOf(project);
  if (focus !== undefined && !graph.has(focus)) return { error: `${focus} is not in ${project.name}` };
  let ids: string[];
  if (focus === undefined) {
    ids = [...graph.sourceIds].sort().concat(project.modelNames().map((n) => idOfNode(project.nodes(n)[0])).sort());
  } else {
    const seen = new Set([focus]);
    reach(focus, (id) => graph.parentsOf(id), options.upstream, seen);
    reach(focus, (id) => graph.childrenOf(id), options.downstream, seen);
    ids = [...seen];
  }
  return subgraph(project, ids, focus, options);
}

/** The lineage of a dbt selection's nodes (`--select`): models, seeds, snapshots and sources, with the edges among them. */
export function lineageOfSelection(project: DbtProject, nodes: readonly SelectableNode[], options: LineageOptions = {}): LineageResponse {
  const graph = graphOf(project);
  const ids = nodes.map((n) => n.resourceType === 'source' ? `source:${n.name}` : `${n.resourceType}:${n.name}`).filter((id) => graph.has(id));
  return subgraph(project, [...new Set(ids)], undefined, options);
}

function subgraph(project: DbtProject, ids: string[], focus: string | undefined, options: LineageOptions): LineageResponse {
  const graph = graphOf(project);
  const included = new Set(ids);
  const edges: LineageEdge[] = [];
  for (const id of ids) for (const p of graph.parentsOf(id)) if (included.has(p)) edges.push({ from: p, to: id });
  const describe = describer(project, options);
  return { nodes: ids.map((id) => ({ ...describe(id), ...(id === focus ? { focus: true } : {}) })), edges };
}

/** Breadth-first from `start` for at most `limit` levels, adding what it finds to `seen` (which stops cycles). */
function reach(start: string, next: (id: string) => Iterable<string>, limit: number | undefined, seen: Set<string>): void {
  let frontier = [start];
  for (let depth = 0; frontier.length && (limit === undefined || depth < limit); depth++) {
    const after: string[] = [];
    for (const id of frontier) for (const n of next(id)) if (!seen.has(n)) { seen.add(n); after.push(n); }
    frontier = after;
  }
}

interface Graph {
  has(id: string): boolean;
  parentsOf(id: string): string[];
  childrenOf(id: string): string[];
  sourceIds: Set<string>;
  sources: Map<string, SourceTable>;
  tests: Map<string, number>;
}

const graphs = new WeakMap<DbtProject, { version: number; graph: Graph }>();

/** The model DAG plus source tables (and who reads them) and test counts, rebuilt once per project version. */
function graphOf(project: DbtProject): Graph {
  const hit = graphs.get(project);
  if (hit?.version === project.version) return hit.graph;
  const dag = project.dag;
  const sources = new Map<string, SourceTable>();
  for (const t of project.allSourceTables()) if (!sources.has(sourceId(t))) sources.set(sourceId(t), t);
  const sourcesOf = new Map<string, string[]>();
  const readersOf = new Map<string, string[]>();
  for (const name of project.modelNames()) {
    const node = project.nodes(name)[0];
    const id = idOfNode(node);
    const entry = project.entry(node.file);
    for (const use of entry ? project.sourcesOf(entry) : []) {
      const table = project.resolveSource(use);
      if (!table) continue;
      const sid = sourceId(table);
      push(sourcesOf, id, sid);
      push(readersOf, sid, id);
    }
  }
  const idOf = (name: string) => idOfNode(project.nodes(name)[0]);
  const nameOf = (id: string) => id.slice(id.indexOf(':') + 1);
  const graph: Graph = {
    has: (id) => sources.has(id) || (!id.startsWith('source:') && project.nodes(nameOf(id))[0] !== undefined && idOf(nameOf(id)) === id),
    parentsOf: (id) => id.startsWith('source:') ? [] : [...(sourcesOf.get(id) ?? []), ...[...(dag.parents.get(nameOf(id)) ?? [])].map(idOf)],
    childrenOf: (id) => id.startsWith('source:') ? readersOf.get(id) ?? [] : [...(dag.children.get(nameOf(id)) ?? [])].map(idOf),
    sourceIds: new Set(sources.keys()),
    sources,
    tests: testCounts(project),
  };
  graphs.set(project, { version: project.version, graph });
  return graph;
}

/** Data tests per node id: generic tests by subject; a singular test counts for every model and source it reads. */
function testCounts(project: DbtProject): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (id: string) => counts.set(id, (counts.get(id) ?? 0) + 1);
  for (const t of projectDataTests(project)) {
    if (t.target?.kind === 'source') add(`source:${t.target.source}.${t.target.table}`);
    else if (t.target?.kind === 'model') { const n = project.nodes(t.target.name)[0]; if (n) add(idOfNode(n)); }
    else if (t.kind === 'singular') {
      const entry = project.entry(t.file);
      const read = new Set<string>();
      for (const r of entry ? project.refsOf(entry) : []) { const n = project.resolveRef(r); if (n) read.add(idOfNode(n)); }
      for (const s of entry ? project.sourcesOf(entry) : []) { const table = project.resolveSource(s); if (table) read.add(sourceId(table)); }
      read.forEach(add);
    }
  }
  return counts;
}

/** Turns a node id into the panel's node: label, materialization, Iceberg table, layer, tests and where it is. */
function describer(project: DbtProject, options: LineageOptions): (id: string) => LineageNode {
  const graph = graphOf(project);
  const uriOf = options.uriOf ?? ((file: string) => pathToFileURL(file).toString());
  const indexes = new Map<string, LineIndex>();
  const indexOf = (file: string) => {
    const text = project.entry(file)?.text ?? '';
    if (options.lineIndexOf) return options.lineIndexOf(file, text);
    let index = indexes.get(file);
    if (!index) indexes.set(file, (index = new LineIndex(text)));
    return index;
  };
  const rangeOf = (file: string, start: number, end: number) => {
    const index = indexOf(file);
    return { start: index.positionAt(start), end: index.positionAt(end) };
  };
  return (id) => {
    const tests = graph.tests.get(id) ?? 0;
    const table = graph.sources.get(id);
    if (table) {
      return {
        id, kind: 'source', label: `${table.sourceName}.${table.name}`, icebergTable: project.sourceIcebergTable(table), layer: 'bronze', tests,
        uri: uriOf(table.file), range: rangeOf(table.file, table.nameStart, table.nameEnd),
      };
    }
    const node = project.nodes(id.slice(id.indexOf(':') + 1))[0];
    const config = project.configOf(node);
    const folders = project.entry(node.file)?.folders ?? [];
    const out: LineageNode = {
      id, kind: node.kind, label: node.name, tests, uri: uriOf(node.file),
      range: node.kind === 'snapshot' ? rangeOf(node.file, node.nameStart, node.nameEnd) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    };
    if (node.kind === 'model') {
      out.materialized = String(config.materialized ?? 'view');
      const gold = goldTargetOf(node.name, config, {});
      if (gold) out.icebergTable = [...gold.table.namespace, gold.table.name].join('.');
    }
    const layer = layerOf([config.polaris_namespace, config.schema, ...folders]);
    if (layer) out.layer = layer;
    return out;
  };
}

const LAYER_WORDS: Record<string, string> = { bronze: 'bronze', raw: 'bronze', silver: 'silver', staging: 'silver', gold: 'gold', marts: 'gold', mart: 'gold' };

/**
 * The medallion layer from the first of namespace, schema, then folders (outermost first) that has a layer word
 * as one of its dot/underscore/dash-separated parts: bronze/raw, silver/staging, gold/marts/mart.
 */
export function layerOf(hints: unknown[]): string | undefined {
  for (const hint of hints) {
    if (typeof hint !== 'string') continue;
    for (const word of hint.toLowerCase().split(/[^a-z0-9]+/)) if (LAYER_WORDS[word]) return LAYER_WORDS[word];
  }
  return undefined;
}

function idOfNode(node: ModelNode): string {
  return `${node.kind}:${node.name}`;
}

function sourceId(table: SourceTable): string {
  return `source:${table.sourceName}.${table.name}`;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}
