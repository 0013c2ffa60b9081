// The order and overlap of binding a whole project: upstream before downstream, so every model binds against its
// upstreams' bound schemas, with up to `concurrency` binds under way (the binder's workers bind them in parallel).
// A model whose upstream is still being bound waits for it (Binder.bind), so the results are those of one bind after
// another in the same order: what a cold serial run gives.
import type { DbtProject } from '../project/project';
import type { Binder } from './binding';

/**
 * Binds `files` (model files), those in `first` and their upstreams ahead of the rest, each after its upstreams.
 * Files bound already at the project's version are skipped. `onBound` hears of each file bound here.
 */
export async function bindInOrder(
  binder: Binder,
  project: DbtProject,
  files: string[],
  options: { concurrency: number; first?: Set<string>; onBound?: (file: string) => void },
): Promise<void> {
  const order = bindOrder(project, files, options.first);
  let next = 0;
  const lane = async () => {
    while (next < order.length) {
      const file = order[next++];
      if (binder.current(project, file)) continue;
      await binder.bind(project, file);
      options.onBound?.(file);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, lane));
}

/**
 * `files` upstream before downstream; with `first`, those and what they read come before everything else. Within
 * that, by level (the longest chain of upstreams): a whole level can bind at once, where a depth-first order keeps
 * most binds under way waiting for the one before them.
 */
export function bindOrder(project: DbtProject, files: string[], first?: Set<string>): string[] {
  const names = topological(project);
  const rank = new Map(names.map((name, i) => [name, i]));
  const level = new Map<string, number>();
  for (const name of names) {
    let l = 0;
    // only edges that go up the order: a cycle's back edge adds nothing
    for (const p of project.dag.parents.get(name) ?? []) if ((rank.get(p) ?? Infinity) < rank.get(name)!) l = Math.max(l, level.get(p)! + 1);
    level.set(name, l);
  }
  const rankOf = (file: string) => rank.get(project.nodeOfFile(file)?.name ?? '') ?? rank.size;
  const levelOf = (file: string) => level.get(project.nodeOfFile(file)?.name ?? '') ?? level.size;
  const firstRank = new Set<number>();
  if (first?.size) {
    // the upstreams of what is open must be bound before it, so they come first too
    const stack = [...first].map((f) => project.nodeOfFile(f)?.name).filter((n): n is string => !!n);
    const seen = new Set(stack);
    while (stack.length) {
      const name = stack.pop()!;
      firstRank.add(rank.get(name) ?? rank.size);
      for (const p of project.dag.parents.get(name) ?? []) if (!seen.has(p)) seen.add(p), stack.push(p);
    }
  }
  const sorted = [...files].sort((a, b) => a < b ? -1 : a > b ? 1 : 0);
  const keyed = sorted.map((file, i) => ({ file, i, r: rankOf(file), l: levelOf(file) }));
  keyed.sort((a, b) => Number(firstRank.has(b.r)) - Number(firstRank.has(a.r)) || a.l - b.l || a.r - b.r || a.i - b.i);
  return keyed.map((k) => k.file);
}

/** Model names, upstream before downstream (cycles broken arbitrarily). */
export function topological(project: DbtProject): string[] {
  const out: string[] = [];
  const state = new Map<string, 1 | 2>();
  for (const root of project.modelNames()) {
    if (state.has(root)) continue;
    const stack: Array<{ n: string; it: Iterator<string> }> = [{ n: root, it: (project.dag.parents.get(root) ?? new Set<string>()).values() }];
    state.set(root, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const next = top.it.next();
      if (next.done) {
        stack.pop();
        state.set(top.n, 2);
        out.push(top.n);
      } else if (!state.has(next.value)) {
        state.set(next.value, 1);
        stack.push({ n: next.value, it: (project.dag.parents.get(next.value) ?? new Set<string>()).values() });
      }
    }
  }
  return out;
}
