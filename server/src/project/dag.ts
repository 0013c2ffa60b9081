// The model DAG: parents/children by name and cycle detection (Tarjan's strongly connected components).

export class Dag {
  readonly parents = new Map<string, Set<string>>();
  readonly children = new Map<string, Set<string>>();

  constructor(edges: Iterable<[child: string, parent: string]>, nodes: Iterable<string>) {
    for (const n of nodes) {
      this.parents.set(n, new Set());
      this.children.set(n, new Set());
    }
    for (const [child, parent] of edges) {
      if (!this.parents.has(child) || !this.parents.has(parent)) continue;
      this.parents.get(child)!.add(parent);
      this.children.get(parent)!.add(child);
    }
  }

  /** A topological position per node (upstream lower), valid until an edge breaks it; set by cycles(). */
  order: Map<string, number> | undefined;

  /** Every node that sits on a cycle, mapped to the members of its cycle (self-refs included). */
  cycles(): Map<string, string[]> {
    const order = new Map<string, number>();
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const out = new Map<string, string[]>();
    let counter = 0;
    // Iterative Tarjan: 10k-model chains would overflow a recursive one.
    for (const root of this.parents.keys()) {
      if (index.has(root)) continue;
      const work: Array<{ node: string; it: Iterator<string> }> = [];
      const visit = (n: string) => {
        index.set(n, counter);
        low.set(n, counter++);
        stack.push(n);
        onStack.add(n);
        work.push({ node: n, it: this.parents.get(n)!.values() });
      };
      visit(root);
      while (work.length) {
        const top = work[work.length - 1];
        const next = top.it.next();
        if (!next.done) {
          const p = next.value;
          if (!index.has(p)) visit(p);
          else if (onStack.has(p)) low.set(top.node, Math.min(low.get(top.node)!, index.get(p)!));
          continue;
        }
        work.pop();
        if (work.length) {
          const parent = work[work.length - 1].node;
          low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
        }
        if (low.get(top.node) === index.get(top.node)) {
          const members: string[] = [];
          let m: string;
          do {
            m = stack.pop()!;
            onStack.delete(m);
            members.push(m);
            order.set(m, order.size);
          } while (m !== top.node);
          if (members.length > 1 || this.parents.get(top.node)!.has(top.node)) for (const x of members) out.set(x, members);
        }
      }
    }
    this.order = order;
    return out;
  }

  /** The strongly connected component of `name`: nodes it reaches upstream that also reach it. */
  componentOf(name: string): string[] {
    const upstream = new Set<string>([name]);
    const stack = [name];
    while (stack.length) for (const p of this.parents.get(stack.pop()!) ?? []) if (!upstream.has(p)) { upstream.add(p); stack.push(p); }
    const both = new Set<string>([name]);
    stack.push(name);
    while (stack.length) for (const c of this.children.get(stack.pop()!) ?? []) if (upstream.has(c) && !both.has(c)) { both.add(c); stack.push(c); }
    return [...both];
  }

  /** Every model upstream of `name`, nearest first. */
  upstream(name: string): string[] {
    const seen = new Set<string>();
    const queue = [...(this.parents.get(name) ?? [])];
    while (queue.length) {
      const n = queue.shift()!;
      if (seen.has(n) || n === name) continue;
      seen.add(n);
      queue.push(...(this.parents.get(n) ?? []));
    }
    return [...seen];
  }
}
