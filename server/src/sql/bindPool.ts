// Binding on all cores: worker threads (bindWorker.ts), each with its own DuckDB, take compiled models in batches.
// Urgent binds (the file being edited, open files) go ahead of queued background ones. Which model may bind when (its
// upstreams first) is the caller's business: a worker binds whatever it is given.
import { startWorkerThread } from '../util/workerThread';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { BindResult, BindSettings, UpstreamRelation } from './binder';

export interface BindJob {
  id: number;
  sql: string;
  /** The upstream stand-ins, by their number in the schemas the worker was sent (SchemaTable). */
  upstream: number[];
  /** bindModel's budgetMs (structured clone keeps Infinity). */
  budgetMs?: number;
  /** bindModel's lineage option. */
  lineage?: boolean;
  /** bindModel's prelude: the project's on-run-start definitions. */
  prelude?: readonly string[];
  /** Answered as soon as bound, not with the answers of the binds queued behind it. */
  urgent?: boolean;
}
/** One message to a worker: the schemas it has not been sent yet (after forgetting all, with `reset`), then the jobs. */
export interface BindMessage {
  reset?: true;
  schemas: Array<[number, UpstreamRelation]>;
  jobs: BindJob[];
}
/** Tells a worker to close its DuckDB and end. */
export interface StopMessage {
  stop: true;
}

/**
 * Where a worker is with DuckDB, in an Int32Array on a SharedArrayBuffer (its workerData) both threads change
 * atomically: the process's exit waits on it synchronously. Ending a worker is safe unless it is IN_USE: a thread ended
 * while DuckDB works for it aborts the process (the call's completion throws Napi::Error in C++ with no JavaScript left).
 */
export const DuckDbState = {
  /** The worker is loading and has not opened DuckDB: ending it now is safe. */
  LOADING: 0,
  /** DuckDB opened (or opening): calls may be under way. */
  IN_USE: 1,
  /** DuckDB closed, no call under way. */
  CLOSED: 2,
  /** Stopped before it opened DuckDB: it never will. */
  STOPPED: 3,
} as const;
export type BindReply = { id: number; ok: true; result: BindResult; ms: number } | { id: number; ok: false; message: string };

interface Waiting {
  job: Omit<BindJob, 'upstream'>;
  upstream: UpstreamRelation[];
  resolve(r: BindResult): void;
  reject(e: Error): void;
}

/**
 * Binds a worker holds at once: two of its batches (bindWorker.ts), so the next one is there when it finishes one. An
 * urgent bind waits behind at most one batch (the worker takes urgent ones first).
 */
export const BINDS_PER_WORKER = 32;

interface Slot {
  worker: Worker;
  /** Binds sent and not yet answered, by job id. */
  busy: Map<number, Waiting>;
  /** Time spent on binds in this worker (wall time from arrival to answer, its queue included), and the binds it did. */
  ms: number;
  binds: number;
  /** Schema numbers this worker has been sent; cleared (and the worker told) when the table forgets them all. */
  known: Set<number>;
  reset: boolean;
  /** The worker's DuckDbState, shared. */
  state: Int32Array;
  stopSent: boolean;
  exited: boolean;
}

/**
 * Most models read the same few upstreams, and a schema copied into every job was most of what the pool sent: each
 * distinct schema (relation name and columns) gets a number and goes to a worker once.
 */
class SchemaTable {
  private readonly ids = new Map<string, number>();
  readonly byId = new Map<number, UpstreamRelation>();
  private next = 1;

  idOf(u: UpstreamRelation): number {
    const key = JSON.stringify([u.name, u.columns.map((c) => [c.name, c.type])]);
    let id = this.ids.get(key);
    if (id === undefined) {
      // plain data only: the project's upstreams read columns through getters, which do not cross threads
      this.ids.set(key, (id = this.next++));
      this.byId.set(id, { name: u.name, columns: u.columns.map((c) => ({ name: c.name, type: c.type })) });
    }
    return id;
  }

  get size(): number {
    return this.ids.size;
  }

  clear(): void {
    this.ids.clear();
    this.byId.clear();
  }
}

/**
 * Schemas kept before the table (and each worker's copy) is cleared: a 10,000-model project's fit, and a long editor
 * session's edits, or a wide 100,000-model project's schemas (kilobytes each, kept here and in every worker), do not
 * grow it for ever; past it, schemas are sent again as they are needed.
 */
export const MAX_SCHEMAS = 20_000;

/**
 * How long stopping waits for the workers to finish the DuckDB call under way (interrupted) and close DuckDB: a bind
 * takes milliseconds, so this bounds only a stuck one, which is then terminated (exit never hangs on binding).
 */
export const STOP_WAIT_MS = 3000;

/** How many binding workers: FLOE_BIND_WORKERS when set (0 binds in process, one at a time), else `fallback` (one per core). */
export function bindWorkerCount(fallback = Math.max(1, Math.min(availableParallelism(), 8))): number {
  const set = Number(process.env.FLOE_BIND_WORKERS);
  if (process.env.FLOE_BIND_WORKERS !== undefined && Number.isInteger(set) && set >= 0) return Math.min(set, 32);
  return fallback;
}

export class BindPool {
  private readonly slots: Slot[] = [];
  private readonly urgent: Waiting[] = [];
  private readonly queued: Waiting[] = [];
  private nextId = 1;
  private failed: Error | undefined;
  private closing = false;
  private dispatchPending = false;
  private readonly schemas = new SchemaTable();

  /** Workers start when there is work for them (an editor that never binds starts none). */
  constructor(
    readonly size: number,
    private readonly maxSchemas = MAX_SCHEMAS,
  ) {}

  bind(sql: string, upstream: UpstreamRelation[], urgent = false, options: BindSettings = {}): Promise<BindResult> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closing) return Promise.reject(new Error('binding stopped'));
    return new Promise((resolve, reject) => {
      const job = { id: this.nextId++, sql, budgetMs: options.budgetMs, lineage: options.lineage, ...(options.prelude?.length ? { prelude: options.prelude } : {}), ...(urgent ? { urgent } : {}) };
      (urgent ? this.urgent : this.queued).push({ job, upstream, resolve, reject });
      this.dispatchSoon();
    });
  }

  /**
   * Dispatches once the binds asked for in this turn of the event loop are all queued: callers ask one at a time
   * (each after its own render), and one message per worker per turn wakes it once, not once per bind.
   */
  private dispatchSoon(): void {
    if (this.dispatchPending) return;
    this.dispatchPending = true;
    setImmediate(() => {
      this.dispatchPending = false;
      this.dispatch();
    });
  }

  /** Binds done and time spent binding, per worker. */
  stats(): Array<{ binds: number; ms: number }> {
    return this.slots.map((s) => ({ binds: s.binds, ms: Math.round(s.ms) }));
  }

  /**
   * Stops the workers in order (each finishes or interrupts its DuckDB call, closes DuckDB and ends) within
   * STOP_WAIT_MS; binds not answered yet are rejected. Terminating a worker while DuckDB works for it would abort the
   * whole process (bindWorker.ts, stop).
   */
  async close(): Promise<void> {
    this.stopAll();
    process.off('exit', this.stopBeforeExit);
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.exited) return;
        // one still loading never opens DuckDB now: ended at once
        if (!inDuckDb(slot)) return void (await slot.worker.terminate());
        const exited = new Promise<void>((resolve) => slot.worker.once('exit', () => resolve()));
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), STOP_WAIT_MS)));
        if ((await Promise.race([exited, late])) === 'late') await slot.worker.terminate();
        clearTimeout(timer);
      }),
    );
  }

  /**
   * process.exit (the LSP exit, stdin closing, the parent gone, a CLI interrupted) ends the worker threads at once: they
   * are stopped first, those with DuckDB open waited for synchronously (the 'exit' event allows nothing else) within
   * STOP_WAIT_MS.
   */
  private readonly stopBeforeExit = () => {
    this.stopAll();
    const deadline = Date.now() + STOP_WAIT_MS;
    for (const slot of this.slots) {
      if (!slot.exited && inDuckDb(slot)) Atomics.wait(slot.state, 0, DuckDbState.IN_USE, Math.max(0, deadline - Date.now()));
    }
  };

  private stopAll(): void {
    if (!this.closing) {
      this.closing = true;
      const stopped = new Error('binding stopped');
      for (const w of [...this.urgent.splice(0), ...this.queued.splice(0)]) w.reject(stopped);
      for (const slot of this.slots) {
        for (const w of slot.busy.values()) w.reject(stopped);
        slot.busy.clear();
      }
    }
    for (const slot of this.slots) {
      if (slot.stopSent || slot.exited) continue;
      slot.stopSent = true;
      slot.worker.postMessage({ stop: true } satisfies StopMessage);
    }
  }

  private dispatch(): void {
    if (this.closing) return;
    // one message per worker per dispatch: each message wakes a thread, which costs more than the copy
    if (this.schemas.size > this.maxSchemas) {
      this.schemas.clear();
      for (const slot of this.slots) (slot.known.clear(), (slot.reset = true));
    }
    const out = new Map<Slot, BindMessage>();
    while (this.urgent.length + this.queued.length > 0) {
      // an idle worker first, then a new one, then one with room
      const slot = this.slots.find((s) => s.busy.size === 0) ?? (this.slots.length < this.size ? this.started() : this.slots.find((s) => s.busy.size < BINDS_PER_WORKER));
      if (!slot) break;
      const next = (this.urgent.shift() ?? this.queued.shift())!;
      slot.busy.set(next.job.id, next);
      let message = out.get(slot);
      if (!message) {
        out.set(slot, (message = { ...(slot.reset ? { reset: true as const } : {}), schemas: [], jobs: [] }));
        slot.reset = false;
      }
      const ids = next.upstream.map((u) => this.schemas.idOf(u));
      for (const id of ids) if (!slot.known.has(id)) (slot.known.add(id), message.schemas.push([id, this.schemas.byId.get(id)!]));
      message.jobs.push({ ...next.job, upstream: ids });
    }
    for (const [slot, message] of out) {
      slot.worker.ref(); // a CLI waiting only on workers must not exit
      slot.worker.postMessage(message);
    }
  }

  private started(): Slot {
    const state = new Int32Array(new SharedArrayBuffer(4));
    const slot: Slot = { worker: startWorkerThread(__dirname, 'bind-worker.js', 'bindWorker.ts', { workerData: state }), state, busy: new Map(), ms: 0, binds: 0, known: new Set(), reset: false, stopSent: false, exited: false };
    if (!this.slots.length) process.on('exit', this.stopBeforeExit);
    this.slots.push(slot);
    slot.worker.unref();
    slot.worker.on('message', (replies: BindReply[]) => {
      for (const reply of replies) {
        const waiting = slot.busy.get(reply.id);
        slot.busy.delete(reply.id);
        if (!waiting) continue;
        if (reply.ok) {
          slot.ms += reply.ms;
          slot.binds++;
          waiting.resolve(reply.result);
        } else waiting.reject(new Error(reply.message));
      }
      if (slot.busy.size === 0) slot.worker.unref();
      this.dispatch();
    });
    const fail = (e: Error) => {
      // a worker that cannot load DuckDB fails every bind, as one connection that cannot open does in process
      this.failed = new Error(`binding worker stopped: ${e.message}`);
      for (const w of [...slot.busy.values(), ...this.urgent.splice(0), ...this.queued.splice(0)]) w.reject(this.failed);
      slot.busy.clear();
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => {
      slot.exited = true;
      if (!this.closing) fail(new Error(`exit code ${code}`));
    });
    return slot;
  }
}

/** Whether DuckDB may be at work for a worker; one still loading is marked STOPPED, so that it never opens DuckDB. */
function inDuckDb(slot: Slot): boolean {
  return Atomics.compareExchange(slot.state, 0, DuckDbState.LOADING, DuckDbState.STOPPED) === DuckDbState.IN_USE;
}
