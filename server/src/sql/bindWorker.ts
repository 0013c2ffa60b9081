// A binding worker thread (bindPool.ts): its own DuckDB instance, binding the compiled models it is sent. Binding is a
// pure function of the SQL and its upstream stand-ins, so a worker needs nothing of the project.
import { parentPort } from 'node:worker_threads';
import { createBindConnection } from './connection';
import { bindModels } from './bindBatch';
import type { BindJob, BindMessage, BindReply, StopMessage } from './bindPool';
import type { UpstreamRelation } from './binder';

const opened = createBindConnection();

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
  if ('stop' in message) return void stop(message.stop);
  if (stopping) return;
  if (message.reset) schemas.clear();
  for (const [id, schema] of message.schemas) schemas.set(id, schema);
  for (const job of message.jobs) queue.push({ ...job, upstream: job.upstream.map((id) => schemas.get(id)!) });
  draining ??= drain().finally(() => (draining = undefined));
});

/**
 * The pool's stop (bindPool.ts): no further batch, the DuckDB call under way interrupted and waited for, DuckDB closed,
 * then `closed` set and the thread left to end by itself. A thread stopped while DuckDB works for it is what aborts
 * the process: the call's completion then throws in C++ (Napi::Error) with no JavaScript left to take it.
 */
async function stop(closed: Int32Array): Promise<void> {
  stopping = true;
  try {
    const bind = await opened.catch(() => undefined);
    bind?.connection.interrupt();
    await draining;
    bind?.close();
  } finally {
    Atomics.store(closed, 0, 1);
    Atomics.notify(closed, 0);
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

async function bindAll(jobs: Job[]): Promise<BindReply[]> {
  const started = process.hrtime.bigint();
  try {
    const { connection } = await opened;
    const results = await bindModels(connection, jobs.map((job) => ({ sql: job.sql, upstream: job.upstream, options: { budgetMs: job.budgetMs, lineage: job.lineage } })));
    // the batch's time, shared out: the pool's statistics are per bind
    const ms = Number(process.hrtime.bigint() - started) / 1e6 / jobs.length;
    return jobs.map((job, i) => ({ id: job.id, ok: true, result: results[i], ms }));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return jobs.map((job) => ({ id: job.id, ok: false, message }));
  }
}
