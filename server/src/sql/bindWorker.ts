// A binding worker thread (bindPool.ts): its own DuckDB instance, binding one compiled model at a time. Binding is a
// pure function of the SQL and its upstream stand-ins, so a worker needs nothing of the project.
import { parentPort } from 'node:worker_threads';
import { createBindConnection } from './connection';
import { bindModel } from './binder';
import type { BindJob, BindReply } from './bindPool';

const opened = createBindConnection();

parentPort?.on('message', (job: BindJob) => {
  void (async () => {
    const started = process.hrtime.bigint();
    let reply: BindReply;
    try {
      const { connection } = await opened;
      reply = { id: job.id, ok: true, result: await bindModel(connection, job.sql, job.upstream, { budgetMs: job.budgetMs, lineage: job.lineage }), ms: Number(process.hrtime.bigint() - started) / 1e6 };
    } catch (e) {
      reply = { id: job.id, ok: false, message: e instanceof Error ? e.message : String(e) };
    }
    parentPort!.postMessage(reply);
  })();
});
