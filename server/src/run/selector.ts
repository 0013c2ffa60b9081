// Model selectors for materialize: `model`, `+model` (with upstream), `model+` (with downstream), `tag:x`, and lists.
import { closest } from '../util/suggest';

export interface SelectableGraph {
  /** Every model name in the project. */
  models(): Iterable<string>;
  parents(model: string): Iterable<string>;
  children(model: string): Iterable<string>;
  tags(model: string): Iterable<string>;
}

export class SelectorError extends Error {}

/** Returns the selected models in dependency order (upstream first). */
export function selectModels(graph: SelectableGraph, selector: string): string[] {
  const all = new Set(graph.models());
  const chosen = new Set<string>();
  for (const term of selector.split(/[\s,]+/).filter(Boolean)) {
    const upstream = term.startsWith('+');
    const downstream = term.endsWith('+');
    const name = term.slice(upstream ? 1 : 0, downstream ? -1 : undefined);
    const roots = name.startsWith('tag:')
      ? [...all].filter((m) => [...graph.tags(m)].includes(name.slice(4)))
      : all.has(name) ? [name] : [];
    if (roots.length === 0) throw new SelectorError(`selector '${term}' matches no model${suggest(name, all)}`);
    for (const root of roots) {
      chosen.add(root);
      if (upstream) walk(root, (m) => graph.parents(m), chosen, all);
      if (downstream) walk(root, (m) => graph.children(m), chosen, all);
    }
  }
  return topologicalOrder(graph, chosen);
}

function walk(start: string, next: (m: string) => Iterable<string>, into: Set<string>, known: Set<string>): void {
  const stack = [start];
  while (stack.length) {
    for (const n of next(stack.pop()!)) {
      if (known.has(n) && !into.has(n)) { into.add(n); stack.push(n); }
    }
  }
}

function topologicalOrder(graph: SelectableGraph, chosen: Set<string>): string[] {
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (m: string): void => {
    if (state.get(m) === 'done') return;
    if (state.get(m) === 'visiting') throw new SelectorError(`dependency cycle through '${m}'`);
    state.set(m, 'visiting');
    for (const p of graph.parents(m)) if (chosen.has(p)) visit(p);
    state.set(m, 'done');
    order.push(m);
  };
  for (const m of [...chosen].sort()) visit(m);
  return order;
}

function suggest(name: string, all: Set<string>): string {
  const best = closest(name, all);
  return best ? ` (did you mean '${best}'?)` : '';
}
