// A binding worker thread (bindPool.ts): its own DuckDB instance, binding the compiled models it is sent. Binding is a
// pure function of the SQL and its upstream stand-ins, so a worker needs nothing of the project.
import { parentPort, workerData } from 'node:worker_threads';
import type { DuckDBConnection } from '@duckdb/node-api';
import { createBindConnection } from './connection';
import { bindModels } from './bindBatch';
import { DuckDbState, type BindJob, type BindMessage, type BindReply, type StopMessage } from './bindPool';
import type { UpstreamRelation } from './binder';

/** The pool's DuckDbState for this worker (bindPool.ts): DuckDB is opened only if the pool has not stopped it first. */
const state = workerData as Int32Array;
const opened = Atomics.compareExchange(state, 0, DuckDbState.LOADING, DuckDbState.IN_USE) === DuckDbState.LOADING ? createBindConnection() : undefined;
/** The connection the binder is given (stoppable), one object for the worker's life: the binder keys its stand-ins by it. */
const binding = opened?.then((bind) => stoppable(bind.connection));

/** Binds prepared together at most: the saving per model levels off by 16, and a larger query costs more again. */
const MAX_BATCH = 16;
/** A job with its upstream stand-ins looked up. */
type Job = Omit<BindJob, 'upstream'> & { upstream: UpstreamRelation[] };
/** Jobs received and not yet taken into a batch. */
const queue: Job[] = [];
/** The schemas the pool has sent, by number; one object per schema, shared by the jobs that read it. */
const schemas = new Map<number, UpstreamRelation>();
/** The batches under way, until the queue is empty. */
let draining: Promise<void> | undefined;
let stopping = false;

// Jobs come in arrays and answers go back in arrays: a message wakes a thread, which costs more than the copy. What
// arrived while a batch was binding is the next batch (bound together where it can be: bindBatch.ts).
parentPort?.on('message', (message: BindMessage | StopMessage) => {
  if ('stop' in message) return void stop();
  if (stopping) return;
  if (message.reset) schemas.clear();
  for (const [id, schema] of message.schemas) schemas.set(id, schema);
  for (const job of message.jobs) queue.push({ ...job, upstream: job.upstream.map((id) => schemas.get(id)!) });
  draining ??= drain().finally(() => (draining = undefined));
});

/**
 * The pool's stop (bindPool.ts): no further batch, the DuckDB call under way interrupted and waited for, DuckDB closed,
 * then the state CLOSED and the thread left to end by itself. A thread stopped while DuckDB works for it is what aborts
 * the process: the call's completion then throws in C++ (Napi::Error) with no JavaScript left to take it.
 */
async function stop(): Promise<void> {
  stopping = true;
  try {
    const bind = await opened?.catch(() => undefined);
    bind?.connection.interrupt();
    await draining;
    bind?.close();
  } finally {
    if (opened) {
      Atomics.store(state, 0, DuckDbState.CLOSED);
      Atomics.notify(state, 0);
    }
    parentPort!.close();
  }
}

async function drain(): Promise<void> {
  while (queue.length && !stopping) {
    // the edited file's bind goes alone, ahead of those queued with it
    const urgent = queue.filter((j) => j.urgent);
    const batch = urgent.length ? urgent : queue.splice(0, MAX_BATCH);
    if (urgent.length) queue.splice(0, queue.length, ...queue.filter((j) => !j.urgent));
    const replies = await bindAll(batch);
    if (!stopping) parentPort!.postMessage(replies);
  }
}

/**
 * The connection as the binder sees it: once the worker stops, its further DuckDB calls fail at once without reaching
 * DuckDB, so the batch under way ends after the one call DuckDB is making (a failed bind would otherwise go on to
 * search for further errors, one prepare after another).
 */
function stoppable(connection: DuckDBConnection): DuckDBConnection {
  return new Proxy(connection, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (stopping ? Promise.reject(new Error('binding stopped')) : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
}

async function bindAll(jobs: Job[]): Promise<BindReply[]> {
  const started = process.hrtime.bigint();
  try {
    if (!binding) throw new Error('binding stopped');
    const results = await bindModels(await binding, jobs.map((job) => ({ sql: job.sql, upstream: job.upstream, options: { budgetMs: job.budgetMs, lineage: job.lineage, prelude: job.prelude } })));
    // the batch's time, shared out: the pool's statistics are per bind
    const ms = Number(process.hrtime.bigint() - started) / 1e6 / jobs.length;
    return jobs.map((job, i) => ({ id: job.id, ok: true, result: results[i], ms }));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return jobs.map((job) => ({ id: job.id, ok: false, message }));
  }
}
