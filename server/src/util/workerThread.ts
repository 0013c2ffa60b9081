// Starting a worker thread from the bundle or, under tsx (tests run from source), from its .ts file.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the bundled worker `bundled` in `dir` (dist/ in a build), else the source file `source` there through tsx's
 * loader; the entry is looked up when the starter is made (make it at module load, outside any traced work).
 */
export function workerStarter(dir: string, bundled: string, source: string): (options?: WorkerOptions) => Worker {
  const built = path.join(dir, bundled);
  if (existsSync(built)) return (options = {}) => new Worker(built, options);
  let tsx: string;
  try {
    tsx = require.resolve('tsx/cjs/api');
  } catch {
    // neither bundle nor sources (a broken install): starting fails as a missing worker file would
    return () => { throw new Error(`${built} is missing`); };
  }
  const code = `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(path.join(dir, source))});`;
  return (options = {}) => new Worker(code, { ...options, eval: true });
}

/** The worker started now (see workerStarter). */
export function startWorkerThread(dir: string, bundled: string, source: string, options: WorkerOptions = {}): Worker {
  return workerStarter(dir, bundled, source)(options);
}
