// The model DAG: parents/children by name and cycle detection (Tarjan's strongly connected components).

export class Dag {
  readonly parents = new Map<string, Set<string>>();
  readonly children = new Map<string, Set<string>>();

  constructor(edges: Iterable<[child: string, parent: string]>, nodes: Iterable<string>) {
    for (const n of nodes) {
      this.parents.set(n, new Set());
      this.children.set(n, new Set());
    }
    for (const [child, parent] of edges) this.link(child, parent);
  }

  /** Adds the edge child → parent, when both are nodes. */
  link(child: string, parent: string): void {
    const parents = this.parents.get(child);
    const children = this.children.get(parent);
    if (!parents || !children) return;
    parents.add(parent);
    children.add(child);
  }

  /** A topological position per node (upstream lower), valid until an edge breaks it; set by cycles(). */
  order: Map<string, number> | undefined;

  /** Every node that sits on a cycle, mapped to the members of its cycle (self-refs included). */
  cycles(): Map<string, string[]> {
    // Iterative Tarjan over numbered nodes (10k-model chains would overflow a recursive one; typed arrays in place of
    // maps and iterators made it ~4x faster at 10k models). Nodes and parents in the maps' order, as before.
    const names = [...this.parents.keys()];
    const n = names.length;
    const id = new Map<string, number>();
    for (let i = 0; i < n; i++) id.set(names[i], i);
    const first = new Int32Array(n + 1);
    const edges: number[] = [];
    for (let i = 0; i < n; i++) {
      first[i] = edges.length;
      for (const p of this.parents.get(names[i])!) edges.push(id.get(p)!);
    }
    first[n] = edges.length;
    const index = new Int32Array(n).fill(-1);
    const low = new Int32Array(n);
    const onStack = new Uint8Array(n);
    const stack = new Int32Array(n);
    const work = new Int32Array(n);
    const nextEdge = new Int32Array(n);
    const order = new Map<string, number>();
    const out = new Map<string, string[]>();
    let counter = 0;
    let sp = 0;
    let wp = 0;
    const visit = (v: number) => {
      index[v] = low[v] = counter++;
      stack[sp++] = v;
      onStack[v] = 1;
      work[wp++] = v;
      nextEdge[v] = first[v];
    };
    for (let root = 0; root < n; root++) {
      if (index[root] !== -1) continue;
      visit(root);
      while (wp) {
        const top = work[wp - 1];
        if (nextEdge[top] < first[top + 1]) {
          const p = edges[nextEdge[top]++];
          if (index[p] === -1) visit(p);
          else if (onStack[p] && index[p] < low[top]) low[top] = index[p];
          continue;
        }
        wp--;
        if (wp && low[top] < low[work[wp - 1]]) low[work[wp - 1]] = low[top];
        if (low[top] !== index[top]) continue;
        if (stack[sp - 1] === top) {
          // a component of one node (most of them): a cycle only when it reads itself; no members array
          sp--;
          onStack[top] = 0;
          order.set(names[top], order.size);
          let self = false;
          for (let e = first[top]; e < first[top + 1]; e++) if (edges[e] === top) self = true;
          if (self) out.set(names[top], [names[top]]);
          continue;
        }
        const members: string[] = [];
        let m: number;
        do {
          m = stack[--sp];
          onStack[m] = 0;
          members.push(names[m]);
          order.set(names[m], order.size);
        } while (m !== top);
        for (const x of members) out.set(x, members);
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
