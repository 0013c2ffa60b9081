// Starts the local Polaris-compatible catalog on a free loopback port over a fresh temp warehouse, for tests.
import { mkdtemp, rm } from 'node:fs/promises';
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
