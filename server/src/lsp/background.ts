// Background binding: after the static diagnostics are ready, bind every model in DuckDB, upstream before downstream,
// open documents, what they read and what reads them first, on the binder's worker threads (several binds under way at
// once; the main thread only renders and schedules, so requests are answered meanwhile). Edited and open files' binds
// go ahead of the queued ones in the pool (BindPool's urgent queue).
import { availableParallelism } from 'node:os';
import type { DbtProject } from '../project/project';
import type { Binder } from '../features/binding';
import { bindOrder } from '../features/bindSchedule';
import { BINDS_PER_WORKER, BindPool, bindWorkerCount } from '../sql/bindPool';
import { runStartDefinitions } from '../project/runStartHooks';

export interface BackgroundEvents {
  onProgress(done: number, total: number): void;
  onChanged(): void;
  onError(message: string): void;
  /** DuckDB did not load: no model is bound this session. */
  onUnavailable(): void;
  isOpen(file: string): boolean;
}

export class BackgroundBinding {
  private readonly queue: Array<{ project: DbtProject; file: string }> = [];
  private readonly urgent: Array<{ project: DbtProject; file: string }> = [];
  /** Closed models downstream of a schema that changed: after what is open, before the rest of a first pass. */
  private readonly downstream: Array<{ project: DbtProject; file: string }> = [];
  private readonly downstreamQueued = new Set<string>();
  /** Binds under way, and how many may be (a worker's queue and two more keep it fed while the main thread renders). */
  private active = 0;
  private readonly lanes: number;
  private done = 0;
  private total = 0;
  private disabled = false;
  /** The server is shutting down: nothing more is bound, and binds failing now are not reported. */
  private stopped = false;
  private readonly pool: BindPool | undefined;
  private urgentTimer: NodeJS.Timeout | undefined;
  private readonly pending: Array<{ project: DbtProject; file: string }> = [];
  /** Files being bound now. */
  private readonly binding = new Set<string>();
  /** The on-run-start definitions each project's models were queued with: every bind depends on them. */
  private readonly hookKeys = new WeakMap<DbtProject, string>();

  constructor(private readonly binder: Binder, private readonly events: BackgroundEvents) {
    // On worker threads, one per core but one: the main thread renders every model (the cold pass's critical path)
    // and should not also run the binds' JavaScript; more workers than that only cost CPU (their DuckDB, stand-ins and
    // JIT each), measured on 2 cores in docs/benchmarks.md (session 9). FLOE_BIND_WORKERS=0 binds in process.
    const workers = binder.binds ? bindWorkerCount(Math.max(1, Math.min(availableParallelism(), 8) - 1)) : 0;
    if (workers > 0) binder.useWorkers((this.pool = new BindPool(workers)));
    // with workers, enough binds under way to keep each worker's queue full (its queued parses batch), as `floe check`
    this.lanes = Math.max(1, workers * (BINDS_PER_WORKER + 2));
  }

  enqueueAll(projects: DbtProject[]): void {
    for (const project of projects) {
      this.hookKeys.set(project, hookKey(project));
      const models: string[] = [];
      for (const name of project.modelNames()) {
        const node = project.resolveRef({ name });
        if (node?.kind === 'model') models.push(node.file);
      }
      this.queue.push(...bindOrder(project, models, openAndDownstream(project, models.filter((f) => this.events.isOpen(f)))).map((file) => ({ project, file })));
    }
    this.total = this.queue.length + this.urgent.length + this.done;
    this.pump();
  }

  /** After an edit of dbt_project.yml: every model bound again when the on-run-start definitions changed. */
  hooksMayHaveChanged(project: DbtProject): void {
    if (this.hookKeys.has(project) && this.hookKeys.get(project) !== hookKey(project)) this.enqueueAll([project]);
  }

  /** Shutdown: no further bind starts, and the binding workers close DuckDB and end (within BindPool's bounded wait). */
  async stop(): Promise<void> {
    this.stopped = this.disabled = true;
    if (this.urgentTimer) clearTimeout(this.urgentTimer);
    await this.pool?.close();
  }

  /** Whether `file` is queued or being bound (its columns are still to come); never once binding is off. */
  willBind(file: string): boolean {
    if (this.disabled) return false;
    const has = (list: Array<{ file: string }>) => list.some((u) => u.file === file);
    return this.binding.has(file) || this.downstreamQueued.has(file) || has(this.urgent) || has(this.pending) || has(this.queue);
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
    if (this.disabled) return;
    // an edited file gets a lane even when all are busy: its diagnostics wait for one bind, not for a queue
    while (this.active < this.lanes ? this.hasWork() : this.urgent.length > 0 && this.active < this.lanes + 1) {
      this.active++;
      setImmediate(() => void this.lane());
    }
  }

  private hasWork(): boolean {
    return this.urgent.length + this.downstream.length + this.queue.length > 0;
  }

  /** Binds queued models one after another until there are none (or more lanes run than needed). */
  private async lane(): Promise<void> {
    for (;;) {
      const item = this.disabled || (this.active > this.lanes && !this.urgent.length) ? undefined : this.urgent.shift() ?? this.takeDownstream() ?? this.queue.shift();
      if (!item) break;
      const urgent = this.events.isOpen(item.file);
      const before = this.binder.current(item.project, item.file)?.diagnostics;
      try {
        if (item.project.entry(item.file)?.analysis) {
          const name = item.project.nodeOfFile(item.file)?.name;
          const columnsBefore = name ? JSON.stringify(item.project.boundColumns.get(name) ?? null) : '';
          this.binding.add(item.file);
          const after = await this.binder.bind(item.project, item.file, { urgent }).finally(() => this.binding.delete(item.file));
          if (JSON.stringify(before ?? []) !== JSON.stringify(after.diagnostics) || this.events.isOpen(item.file)) this.events.onChanged();
          // A changed schema changes what open downstream models bind against: bind those again.
          if (name && JSON.stringify(item.project.boundColumns.get(name) ?? null) !== columnsBefore) this.schemaChanged(item.project, name, columnsBefore);
        }
      } catch (e) {
        if (this.stopped) break;
        const message = e instanceof Error ? e.message : String(e);
        this.events.onError(`${item.file}: ${message}`);
        if (/duckdb|binding|Cannot find module/i.test(message) && this.done === 0) {
          // said once, though every bind under way fails alike
          if (!this.disabled) this.events.onUnavailable();
          this.disabled = true;
          break;
        }
      }
      this.done = Math.min(this.total, this.done + 1);
      if (this.done % 100 === 0) this.events.onProgress(this.done, this.total);
      // yield to requests between binds
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.active--;
    if (this.active === 0 && !this.disabled) this.events.onProgress(this.total, this.total);
  }

  private schemaChanged(project: DbtProject, name: string, columnsBefore: string): void {
    // its contract's diagnostics (in YAML) and its downstream models' contract warnings change with it
    this.events.onChanged();
    for (const child of project.dag.children.get(name) ?? []) {
      const node = project.resolveRef({ name: child });
      if (node?.kind !== 'model') continue;
      if (this.events.isOpen(node.file)) {
        if (!this.urgent.some((u) => u.file === node.file)) this.urgent.push({ project, file: node.file });
      } else if (columnsBefore !== 'null' && !this.downstreamQueued.has(node.file)) {
        // closed ones too, when a schema known before changed (a first pass binds upstream first anyway): their
        // errors show in Problems, and their own schemas may change in turn
        this.downstreamQueued.add(node.file);
        this.downstream.push({ project, file: node.file });
        this.total++;
      }
    }
    this.pump();
  }
}

function hookKey(project: DbtProject): string {
  return runStartDefinitions(project).map((d) => d.sql).join('\u0000');
}

/** Open model files and every model downstream of them: what the user looks at, bound before the rest. */
function openAndDownstream(project: DbtProject, open: string[]): Set<string> {
  const out = new Set(open);
  const stack = open.map((f) => project.nodeOfFile(f)?.name).filter((n): n is string => !!n);
  const seen = new Set(stack);
  while (stack.length) {
    for (const child of project.dag.children.get(stack.pop()!) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      stack.push(child);
      const node = project.resolveRef({ name: child });
      if (node?.kind === 'model') out.add(node.file);
    }
  }
  return out;
}
