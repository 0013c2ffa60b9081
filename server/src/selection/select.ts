// dbt's node selection over the project model: methods first, then graph operators (`+`, `N+`, `@`), then set
// operators (space union, comma intersection), then `--exclude`. Tests follow their parents by dbt's indirect
// selection (eager by default: a test is selected when anything it tests is). Problems come back as data.
import type { DbtProject } from '../project/project';
import { didYouMean } from '../util/suggest';
import { cliSelectionSpec, parseSelection, type Criterion, type IndirectSelection, type SelectionProblem, type SelectionSpec } from './syntax';
import { selectableGraph, type ResourceType, type SelectableGraph, type SelectableNode } from './graph';
import { matchesCriterion } from './methods';
import { hasWildcard } from './glob';
import { yamlSelector } from './yamlSelectors';

export type { IndirectSelection, SelectionProblem, SelectionSpec } from './syntax';
export type { SelectableNode, ResourceType } from './graph';

/** `--select` and `--exclude` values as given (each may hold several space-separated parts), or a YAML selector's definition. */
export interface SelectionRequest {
  select?: readonly string[];
  exclude?: readonly string[];
  /** A selector from selectors.yml (see yamlSelectors.ts); used instead of select/exclude. */
  definition?: SelectionSpec;
  /** `--indirect-selection`; eager when absent. */
  indirectSelection?: IndirectSelection;
}

export interface Selection {
  /** The selected nodes, upstream first (ties by name). */
  nodes: SelectableNode[];
  /** Syntax errors (nothing is selected then) and criteria that matched nothing (warnings). */
  problems: SelectionProblem[];
}

/** A request from one selector string (the editor's form), or none. */
export function selectionRequest(select: string | readonly string[] | undefined, exclude?: string | readonly string[]): SelectionRequest {
  const list = (v: string | readonly string[] | undefined) => v === undefined ? [] : typeof v === 'string' ? [v] : v;
  return { select: list(select), exclude: list(exclude) };
}

/**
 * The request of a selectors.yml selector (`--selector NAME`, or the `default: true` one when `name` is undefined):
 * undefined when there is no default; problems when the file is broken or has no such selector.
 */
export function yamlSelectorRequest(project: DbtProject, name: string | undefined): SelectionRequest | SelectionProblem[] | undefined {
  const selectors = project.yamlSelectors();
  if (!selectors) {
    return name === undefined ? undefined : [{ severity: 'error', criterion: name, message: `--selector ${name}: ${project.name} has no selectors.yml in ${project.root}` }];
  }
  // A selector using a method Floe cannot evaluate leaves the others usable: only choosing it fails.
  const broken = selectors.problems.filter((p) => !p.unsupported);
  if (broken.length) return broken;
  const chosen = name ?? [...selectors.selectors.values()].find((s) => s.default)?.name;
  if (chosen === undefined) return undefined;
  const definition = yamlSelector(selectors, chosen);
  if ('message' in definition) return [definition];
  return { definition: { op: 'union', members: [definition], expect: `selector:${chosen}` } };
}

/** Only the syntax errors of a request (no project needed): for checking arguments before any work starts. */
export function selectionSyntaxProblems(request: SelectionRequest): SelectionProblem[] {
  return [...parseSelection(request.select ?? []).problems, ...parseSelection(request.exclude ?? []).problems];
}

/** Selects nodes as dbt would; no `--select` means every node. */
export function selectNodes(project: DbtProject, request: SelectionRequest): Selection {
  const graph = selectableGraph(project);
  let spec = request.definition;
  if (!spec) {
    const select = parseSelection(request.select ?? []);
    const exclude = parseSelection(request.exclude ?? []);
    const errors = [...select.problems, ...exclude.problems];
    if (errors.length) return { nodes: [], problems: errors };
    spec = cliSelectionSpec(select, exclude);
  }
  const problems: SelectionProblem[] = [];
  const chosen = evaluate(graph, spec, problems, request.indirectSelection ?? 'eager').direct;
  return { nodes: dependencyOrder(graph, chosen), problems };
}

/** The selected nodes of some resource types (e.g. `['model']` for materialize), upstream first. */
export function selectResources(project: DbtProject, request: SelectionRequest, types: readonly ResourceType[]): Selection {
  const s = selectNodes(project, request);
  return { nodes: s.nodes.filter((n) => types.includes(n.resourceType)), problems: s.problems };
}

/** What one part of a selection picks: `direct` is selected; `indirect` are tests a combination may still take in. */
interface Picked {
  direct: Set<string>;
  indirect: Set<string>;
}

/** dbt's recursive selection: each criterion expands by its indirect mode, each combination incorporates by its own. */
function evaluate(graph: SelectableGraph, spec: SelectionSpec, problems: SelectionProblem[], mode: IndirectSelection): Picked {
  switch (spec.op) {
    case 'all': return { direct: new Set(graph.nodes.keys()), indirect: new Set() };
    case 'criterion': {
      const selected = expand(graph, spec.criterion, matching(graph, spec.criterion));
      return withIndirectTests(graph, selected, spec.criterion.indirect ?? mode);
    }
    default: {
      const parts = spec.op === 'difference' ? [spec.include, spec.exclude] : spec.members;
      const picked = parts.map((p) => evaluate(graph, p, problems, mode));
      const combine = (sets: Set<string>[]): Set<string> => {
        if (spec.op === 'difference') return new Set([...sets[0]].filter((id) => !sets[1].has(id)));
        if (sets.length === 0) return new Set();
        if (spec.op === 'union') return new Set(sets.flatMap((s) => [...s]));
        return sets.reduce((acc, s) => new Set([...acc].filter((id) => s.has(id))));
      };
      const indirect = combine(picked.map((p) => new Set([...p.direct, ...p.indirect])));
      const direct = incorporate(graph, combine(picked.map((p) => p.direct)), indirect, spec.indirect ?? mode);
      if (spec.op !== 'difference' && direct.size === 0 && spec.expect !== undefined) problems.push(noMatch(graph, spec));
      return { direct, indirect };
    }
  }
}

function matching(graph: SelectableGraph, c: Criterion): Set<string> {
  const out = new Set<string>();
  for (const n of graph.nodes.values()) if (matchesCriterion(n, c, graph)) out.add(n.id);
  return out;
}

/** Graph operators: ancestors (`N+x`), descendants (`x+N`), and `@x` (descendants and all their ancestors). */
function expand(graph: SelectableGraph, c: Criterion, base: Set<string>): Set<string> {
  const out = new Set(base);
  const parentsOf = (id: string) => graph.nodes.get(id)?.parents ?? [];
  const childrenOf = (id: string) => graph.children.get(id) ?? [];
  if (c.childrensParents) {
    const down = walk(base, childrenOf, Infinity);
    for (const id of walk(new Set([...base, ...down]), parentsOf, Infinity)) out.add(id);
    for (const id of down) out.add(id);
    return out;
  }
  if (c.parents !== undefined) for (const id of walk(base, parentsOf, c.parents)) out.add(id);
  if (c.children !== undefined) for (const id of walk(base, childrenOf, c.children)) out.add(id);
  return out;
}

/** Nodes reachable from `start` within `depth` steps (breadth first), `start` itself excluded unless reached again. */
function walk(start: Set<string>, next: (id: string) => readonly string[], depth: number): Set<string> {
  const seen = new Set<string>();
  let frontier = [...start];
  for (let level = 0; level < depth && frontier.length; level++) {
    const following: string[] = [];
    for (const id of frontier) {
      for (const n of next(id)) {
        if (seen.has(n)) continue;
        seen.add(n);
        following.push(n);
      }
    }
    frontier = following;
  }
  return seen;
}

/** The tests among the selected nodes' children, taken in directly or left for a combination to decide, by mode. */
function withIndirectTests(graph: SelectableGraph, selected: Set<string>, mode: IndirectSelection): Picked {
  const direct = new Set(selected);
  const indirect = new Set<string>();
  if (mode === 'empty') return { direct, indirect };
  const buildable = mode === 'buildable' ? upstreamOf(graph, selected, true) : undefined;
  for (const id of selected) {
    for (const child of graph.children.get(id) ?? []) {
      const test = graph.nodes.get(child);
      if (test?.resourceType !== 'test' && test?.resourceType !== 'unit_test') continue;
      if (mode === 'eager' || test.parents.every((p) => selected.has(p)) || buildable && test.parents.every((p) => buildable.has(p))) direct.add(child);
      else indirect.add(child);
    }
  }
  return { direct, indirect };
}

/** A combination's cautious or buildable second look at tests its parts left out. */
function incorporate(graph: SelectableGraph, direct: Set<string>, indirect: Set<string>, mode: IndirectSelection): Set<string> {
  if (mode !== 'cautious' && mode !== 'buildable') return direct;
  const allowed = mode === 'buildable' ? upstreamOf(graph, direct, false) : direct;
  const out = new Set(direct);
  for (const id of indirect) if (!direct.has(id) && graph.nodes.get(id)!.parents.every((p) => allowed.has(p))) out.add(id);
  return out;
}

/** The selection with all its ancestors (and, as dbt's buildable expansion does, every source). */
function upstreamOf(graph: SelectableGraph, selected: Set<string>, withSources: boolean): Set<string> {
  const out = new Set([...selected, ...walk(selected, (id) => graph.nodes.get(id)?.parents ?? [], Infinity)]);
  if (withSources) for (const n of graph.nodes.values()) if (n.resourceType === 'source') out.add(n.id);
  return out;
}

function noMatch(graph: SelectableGraph, spec: Extract<SelectionSpec, { op: 'union' | 'intersection' }>): SelectionProblem {
  const only = spec.members.length === 1 && spec.members[0].op === 'criterion' ? spec.members[0].criterion : undefined;
  let hint = '';
  if (only?.method === 'fqn' && !hasWildcard(only.value) && !only.value.includes('.')) {
    hint = didYouMean(only.value, [...new Set([...graph.nodes.values()].filter((n) => n.resourceType !== 'test' && n.resourceType !== 'unit_test').map((n) => n.name))]);
  }
  return { severity: 'warning', criterion: spec.expect!, message: `The selection criterion '${spec.expect}' does not match any enabled nodes.${hint}` };
}

/** Upstream first; nodes on a cycle keep name order among themselves (the project reports the cycle). */
function dependencyOrder(graph: SelectableGraph, chosen: Set<string>): SelectableNode[] {
  const order: SelectableNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const byName = [...chosen].map((id) => graph.nodes.get(id)!).sort((a, b) => compare(a.name, b.name) || compare(a.id, b.id));
  // Iterative depth-first search: long chains of models would overflow recursion.
  for (const root of byName) {
    if (state.has(root.id)) continue;
    const stack: Array<{ node: SelectableNode; next: number }> = [{ node: root, next: 0 }];
    state.set(root.id, 'visiting');
    while (stack.length) {
      const top = stack[stack.length - 1];
      const parent = top.node.parents[top.next++];
      if (parent === undefined) {
        stack.pop();
        state.set(top.node.id, 'done');
        order.push(top.node);
      } else if (chosen.has(parent) && !state.has(parent)) {
        state.set(parent, 'visiting');
        stack.push({ node: graph.nodes.get(parent)!, next: 0 });
      }
    }
  }
  return order;
}

/** Code-unit order, the same on every machine (localeCompare is not). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
