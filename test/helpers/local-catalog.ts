// Starts the local Polaris-compatible catalog on a free loopback port over a fresh temp warehouse, for tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import os from 'node:os';
import path from 'node:path';
import { startLocalCatalog, type LocalCatalogOptions } from '../../server/src/catalog/local/server';

export interface TestCatalog {
  /** Catalog base URI, e.g. http://127.0.0.1:40123/api/catalog. */
  uri: string;
  /** The catalog name to pass as `warehouse` (default `floe`). */
  name: string;
  /** The warehouse folder (a temp folder unless one was given). */
  warehouse: string;
  /** Stops the server and removes the temp warehouse it created. */
  close(): Promise<void>;
}

/** Starts a local catalog; pass `warehouse` to reuse a folder (it is then kept on close). */
export async function startTestCatalog(opts: Partial<LocalCatalogOptions> = {}): Promise<TestCatalog> {
  const own = !opts.warehouse;
  const warehouse = opts.warehouse ?? (await mkdtemp(path.join(os.tmpdir(), 'floe-catalog-')));
  const catalog = await startLocalCatalog({ ...opts, warehouse, host: '127.0.0.1', port: opts.port ?? 0 });
  return {
    uri: catalog.uri,
    name: catalog.name,
    warehouse,
    async close() {
      await catalog.close();
      if (own) await rm(warehouse, { recursive: true, force: true });
    },
  };
}

export interface CatalogProcess {
  uri: string;
  child: ChildProcess;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Runs `floe catalog serve ARGS` from source in a child process (with extra environment) and resolves with the URI it prints first. */
export async function spawnCatalogServe(args: string[], env: Record<string, string> = {}): Promise<CatalogProcess> {
  const main = path.resolve(__dirname, '../../server/src/cli/main.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', main, 'catalog', 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const exited = once(child, 'exit');
  const uri = await Promise.race([
    once(createInterface({ input: child.stdout! }), 'line').then(([line]) => String(line)),
    exited.then(([code]) => { throw new Error(`floe catalog serve exited with ${code} before printing its URI: ${stderr}`); }),
  ]);
  return {
    uri,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
  };
}
