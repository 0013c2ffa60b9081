// Starting a worker thread from the bundle or, under tsx (tests run from source), from its .ts file.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The bundled worker `bundled` in `dir` (dist/ in a build), else the source file `source` there through tsx's loader;
 * `workerData` is the worker's `workerData`.
 */
export function startWorkerThread(dir: string, bundled: string, source: string, workerData?: unknown): Worker {
  const built = path.join(dir, bundled);
  if (existsSync(built)) return new Worker(built, { workerData });
  const file = path.join(dir, source);
  return new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs/api'))}).register(); require(${JSON.stringify(file)});`, { eval: true, workerData });
}
