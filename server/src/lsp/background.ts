// Background binding: after the static diagnostics are ready, bind every model in DuckDB (open
// documents first, then upstream before downstream), one at a time, yielding to requests in between.
import type { DbtProject } from '../project/project';
import type { Binder } from '../features/binding';

export interface BackgroundEvents {
  onProgress(done: number, total: number): void;
  onChanged(): void;
  onError(message: string): void;
  isOpen(file: string): boolean;
}

export class BackgroundBinding {
  private readonly queue: Array<{ project: DbtProject; file: string }> = [];
  private readonly urgent: Array<{ project: DbtProject; file: string }> = [];
  /** Closed models downstream of a schema that changed: after what is open, before the rest of a first pass. */
  private readonly downstream: Array<{ project: DbtProject; file: string }> = [];
  private readonly downstreamQueued = new Set<string>();
  private running = false;
  private done = 0;
  private total = 0;
  private disabled = false;
  private urgentTimer: NodeJS.Timeout | undefined;
  private readonly pending: Array<{ project: DbtProject; file: string }> = [];

  constructor(private readonly binder: Binder, private readonly events: BackgroundEvents) {}

  enqueueAll(projects: DbtProject[]): void {
    for (const project of projects) {
      for (const name of topological(project)) {
        const node = project.resolveRef({ name });
        if (node?.kind !== 'model') continue;
        (this.events.isOpen(node.file) ? this.urgent : this.queue).push({ project, file: node.file });
      }
    }
    this.total = this.queue.length + this.urgent.length + this.done;
    this.pump();
  }

  /** An edited file is bound again soon (debounced), ahead of the rest. */
  prioritize(project: DbtProject, file: string): void {
    // every file edited within the debounce is bound, not only the last one (a model, then its YAML)
    if (!this.pending.some((u) => u.file === file)) this.pending.push({ project, file });
    if (this.urgentTimer) clearTimeout(this.urgentTimer);
    this.urgentTimer = setTimeout(() => {
      this.urgentTimer = undefined;
      for (const item of this.pending.splice(0)) if (!this.urgent.some((u) => u.file === item.file)) this.urgent.push(item);
      this.pump();
    }, 100);
  }

  private takeDownstream(): { project: DbtProject; file: string } | undefined {
    const item = this.downstream.shift();
    if (item) this.downstreamQueued.delete(item.file);
    return item;
  }

  private pump(): void {
    if (this.running || this.disabled) return;
    this.running = true;
    const step = async () => {
      const item = this.urgent.shift() ?? this.takeDownstream() ?? this.queue.shift();
      if (!item) {
        this.running = false;
        this.events.onProgress(this.total, this.total);
        return;
      }
      const before = this.binder.current(item.project, item.file)?.diagnostics;
      try {
        if (item.project.entry(item.file)?.analysis) {
          const name = item.project.nodeOfFile(item.file)?.name;
          const columnsBefore = name ? JSON.stringify(item.project.boundColumns.get(name) ?? null) : '';
          const after = await this.binder.bind(item.project, item.file);
          if (JSON.stringify(before ?? []) !== JSON.stringify(after.diagnostics) || this.events.isOpen(item.file)) this.events.onChanged();
          // A changed schema changes what open downstream models bind against: bind those again.
          if (name && JSON.stringify(item.project.boundColumns.get(name) ?? null) !== columnsBefore) {
            // its contract's diagnostics (in YAML) and its downstream models' contract warnings change with it
            this.events.onChanged();
            for (const child of item.project.dag.children.get(name) ?? []) {
              const node = item.project.resolveRef({ name: child });
              if (node?.kind !== 'model') continue;
              if (this.events.isOpen(node.file)) {
                if (!this.urgent.some((u) => u.file === node.file)) this.urgent.push({ project: item.project, file: node.file });
              } else if (columnsBefore !== 'null' && !this.downstreamQueued.has(node.file)) {
                // closed ones too, when a schema known before changed (a first pass binds upstream first anyway): their
                // errors show in Problems, and their own schemas may change in turn
                this.downstreamQueued.add(node.file);
                this.downstream.push({ project: item.project, file: node.file });
                this.total++;
              }
            }
          }
        }
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        this.events.onError(`${item.file}: ${message}`);
        if (/duckdb|binding|Cannot find module/i.test(message) && this.done === 0) {
          this.disabled = true;
          this.running = false;
          return;
        }
      }
      this.done = Math.min(this.total, this.done + 1);
      if (this.done % 100 === 0) this.events.onProgress(this.done, this.total);
      setImmediate(() => void step());
    };
    setImmediate(() => void step());
  }
}

/** Model names, upstream before downstream (cycles broken arbitrarily). */
function topological(project: DbtProject): string[] {
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
