// A binding worker thread (bindPool.ts): its own DuckDB instance, binding one compiled model at a time. Binding is a
// pure function of the SQL and its upstream stand-ins, so a worker needs nothing of the project.
import { parentPort } from 'node:worker_threads';
import { createBindConnection } from './connection';
import { bindModel } from './binder';
import { BINDS_PER_WORKER, type BindJob, type BindReply } from './bindPool';

const opened = createBindConnection();

/** Binds received and not yet answered, and answers not yet sent. */
let pending = 0;
const outbox: BindReply[] = [];

// Jobs come in arrays and answers go back in arrays: a message wakes a thread, which costs more than the copy. The
// answers go when no bind is left here, a pool's worth is ready or an urgent one is done (the edited file's).
parentPort?.on('message', (jobs: BindJob[]) => {
  pending += jobs.length;
  for (const job of jobs) void bindOne(job).then((reply) => {
    pending--;
    outbox.push(reply);
    if (pending === 0 || outbox.length >= BINDS_PER_WORKER || job.urgent) parentPort!.postMessage(outbox.splice(0));
  });
});

async function bindOne(job: BindJob): Promise<BindReply> {
  const started = process.hrtime.bigint();
  try {
    const { connection } = await opened;
    return { id: job.id, ok: true, result: await bindModel(connection, job.sql, job.upstream, { budgetMs: job.budgetMs, lineage: job.lineage }), ms: Number(process.hrtime.bigint() - started) / 1e6 };
  } catch (e) {
    return { id: job.id, ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}
