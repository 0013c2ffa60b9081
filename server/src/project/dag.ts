// The model DAG: parents/children by name and cycle detection (Tarjan's strongly connected components).
//
// Edges are kept as numbers in two compressed lists (parents and children of node i at first[i]..first[i + 1]), not a
// Set per node: two Sets a model were ~5 MB and 20k objects of a 10k-model index, copied by every young-generation
// collection of the cold index (issue #18). A node whose parents change after the build (an edit) gets its own list.

/** What callers see of one direction of the edges: a node's neighbours as a Set, made when asked for. */
export class Adjacency {
  constructor(private readonly dag: Dag, private readonly up: boolean) {}

  get(name: string): ReadonlySet<string> | undefined {
    const i = this.dag.idOf(name);
    return i === undefined ? undefined : new Set(this.dag.neighbours(i, this.up).map((j) => this.dag.names[j]));
  }

  has(name: string): boolean {
    return this.dag.idOf(name) !== undefined;
  }

  get size(): number {
    return this.dag.names.length;
  }

  keys(): IterableIterator<string> {
    return this.dag.names.values();
  }

  *[Symbol.iterator](): IterableIterator<[string, ReadonlySet<string>]> {
    for (const name of this.dag.names) yield [name, this.get(name)!];
  }
}

export class Dag {
  readonly names: string[];
  private readonly ids = new Map<string, number>();
  /** Links made since the lists were built: child and parent ids, in the order made. */
  private pending: number[] = [];
  private parentFirst = new Int32Array(1);
  private parentList = new Int32Array(0);
  private childFirst = new Int32Array(1);
  private childList = new Int32Array(0);
  /** Nodes whose lists changed after the build (edits), by id. */
  private readonly ownParents = new Map<number, number[]>();
  private readonly ownChildren = new Map<number, number[]>();
  readonly parents = new Adjacency(this, true);
  readonly children = new Adjacency(this, false);

  constructor(edges: Iterable<[child: string, parent: string]>, nodes: Iterable<string>) {
    this.names = [];
    for (const n of nodes) {
      if (this.ids.has(n)) continue;
      this.ids.set(n, this.names.length);
      this.names.push(n);
    }
    this.parentFirst = new Int32Array(this.names.length + 1);
    this.childFirst = new Int32Array(this.names.length + 1);
    for (const [child, parent] of edges) this.link(child, parent);
  }

  idOf(name: string): number | undefined {
    return this.ids.get(name);
  }

  /** Adds the edge child → parent, when both are nodes. */
  link(child: string, parent: string): void {
    const c = this.ids.get(child);
    const p = this.ids.get(parent);
    if (c === undefined || p === undefined) return;
    if (this.ownParents.size || this.ownChildren.size) {
      this.build();
      const parents = this.own(c, true);
      if (parents.includes(p)) return;
      parents.push(p);
      this.own(p, false).push(c);
      return;
    }
    this.pending.push(c, p);
  }

  /** Replaces a node's parents (an edited model's refs), keeping the other nodes' lists. */
  setParents(child: string, parents: Iterable<string>): void {
    const c = this.ids.get(child);
    if (c === undefined) return;
    this.build();
    for (const p of this.own(c, true)) {
      const siblings = this.own(p, false);
      const at = siblings.indexOf(c);
      if (at >= 0) siblings.splice(at, 1);
    }
    this.ownParents.set(c, []);
    for (const name of parents) this.link(child, name);
  }

  /** Node i's parents (`up`) or children, as ids in the order their edges were first made. */
  neighbours(i: number, up: boolean): readonly number[] {
    this.build();
    const own = (up ? this.ownParents : this.ownChildren).get(i);
    if (own) return own;
    const first = up ? this.parentFirst : this.childFirst;
    return Array.from((up ? this.parentList : this.childList).subarray(first[i], first[i + 1]));
  }

  /** A topological position per node (upstream lower), valid until an edge breaks it; set by cycles(). */
  order: Map<string, number> | undefined;

  /** Every node that sits on a cycle, mapped to the members of its cycle (self-refs included). */
  cycles(): Map<string, string[]> {
    // Iterative Tarjan over numbered nodes (10k-model chains would overflow a recursive one). Nodes and parents in the
    // order they were made.
    this.build();
    const names = this.names;
    const n = names.length;
    let first = this.parentFirst;
    let edges = this.parentList;
    if (this.ownParents.size) {
      first = new Int32Array(n + 1);
      const all: number[] = [];
      for (let i = 0; i < n; i++) {
        first[i] = all.length;
        for (const p of this.neighbours(i, true)) all.push(p);
      }
      first[n] = all.length;
      edges = Int32Array.from(all);
    }
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
    const start = this.ids.get(name);
    if (start === undefined) return [name];
    const upstream = new Set<number>([start]);
    const stack = [start];
    while (stack.length) for (const p of this.neighbours(stack.pop()!, true)) if (!upstream.has(p)) { upstream.add(p); stack.push(p); }
    const both = new Set<number>([start]);
    stack.push(start);
    while (stack.length) for (const c of this.neighbours(stack.pop()!, false)) if (upstream.has(c) && !both.has(c)) { both.add(c); stack.push(c); }
    return [...both].map((i) => this.names[i]);
  }

  /** Every model upstream of `name`, nearest first. */
  upstream(name: string): string[] {
    const start = this.ids.get(name);
    if (start === undefined) return [];
    const seen = new Set<number>();
    const queue = [...this.neighbours(start, true)];
    for (let q = 0; q < queue.length; q++) {
      const n = queue[q];
      if (seen.has(n) || n === start) continue;
      seen.add(n);
      for (const p of this.neighbours(n, true)) queue.push(p);
    }
    return [...seen].map((i) => this.names[i]);
  }

  /** A node's own, editable list (copied out of the built lists on first change). */
  private own(i: number, up: boolean): number[] {
    const lists = up ? this.ownParents : this.ownChildren;
    let list = lists.get(i);
    if (!list) lists.set(i, list = [...this.neighbours(i, up)]);
    return list;
  }

  /**
   * Folds the pending links into the lists: each child's parents in the order first linked, repeats dropped; each
   * parent's children in the order of those first links.
   */
  private build(): void {
    if (!this.pending.length) return;
    const n = this.names.length;
    const links = this.pending;
    this.pending = [];
    const old = this.parentList.length ? { pf: this.parentFirst, pl: this.parentList } : undefined;
    const count = new Int32Array(n + 1);
    if (old) for (let i = 0; i < n; i++) count[i] += old.pf[i + 1] - old.pf[i];
    for (let k = 0; k < links.length; k += 2) count[links[k]]++;
    const pf = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) pf[i + 1] = pf[i] + count[i];
    const fill = pf.slice(0, n);
    const pl = new Int32Array(pf[n]);
    if (old) for (let i = 0; i < n; i++) for (let e = old.pf[i]; e < old.pf[i + 1]; e++) pl[fill[i]++] = old.pl[e];
    // which links are a child's first to that parent (kept), in link order
    const kept = new Uint8Array(links.length >> 1);
    for (let k = 0; k < links.length; k += 2) {
      const c = links[k];
      const p = links[k + 1];
      let seen = false;
      for (let e = pf[c]; e < fill[c]; e++) if (pl[e] === p) { seen = true; break; }
      if (seen) continue;
      pl[fill[c]++] = p;
      kept[k >> 1] = 1;
    }
    // compact each child's list (repeats left holes at its end)
    const first = new Int32Array(n + 1);
    let at = 0;
    for (let i = 0; i < n; i++) {
      first[i] = at;
      for (let e = pf[i]; e < fill[i]; e++) pl[at++] = pl[e];
    }
    first[n] = at;
    this.parentFirst = first;
    this.parentList = pl.slice(0, at);
    // children: the old lists, then the kept links in order
    const childCount = new Int32Array(n + 1);
    const oldChildren = this.childList.length ? { cf: this.childFirst, cl: this.childList } : undefined;
    if (oldChildren) for (let i = 0; i < n; i++) childCount[i] += oldChildren.cf[i + 1] - oldChildren.cf[i];
    for (let k = 0; k < links.length; k += 2) if (kept[k >> 1]) childCount[links[k + 1]]++;
    const cf = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) cf[i + 1] = cf[i] + childCount[i];
    const cfill = cf.slice(0, n);
    const cl = new Int32Array(cf[n]);
    if (oldChildren) for (let i = 0; i < n; i++) for (let e = oldChildren.cf[i]; e < oldChildren.cf[i + 1]; e++) cl[cfill[i]++] = oldChildren.cl[e];
    for (let k = 0; k < links.length; k += 2) if (kept[k >> 1]) cl[cfill[links[k + 1]]++] = links[k];
    this.childFirst = cf;
    this.childList = cl;
  }
}
