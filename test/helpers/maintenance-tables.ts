// Tables and checks the table maintenance tests share: a merge-incremental gold table, its exact rows at a
// snapshot, its orphans, and holding a commit at the fault proxy while a concurrent write lands.
import { randomUUID } from 'node:crypto';
import type { Catalog } from '../../server/src/catalog/catalog';
import { DuckSession } from '../../server/src/engine/session';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { startTestCatalog, type TestCatalog } from './local-catalog';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import '../../server/src/engine/read/default-planner';
import { defaultStorageFactory, writeTable } from '../../server/src/engine/write/write-table';
import { findOrphanFiles } from '../../server/src/engine/maintenance/orphan-files';
import type { TableIdentifier } from '../../server/src/iceberg/spec';
import { startFaultProxy, type FaultProxy } from './fault-proxy';

export interface MaintenanceWorld {
  server: TestCatalog;
  /** Speaks to the catalog directly. */
  catalog: Catalog;
  /** Speaks to it through the proxy, whose commits a test can hold. */
  viaProxy: Catalog;
  session: DuckSession;
  proxy: FaultProxy;
  close(): Promise<void>;
}

/** A local catalog over HTTP with namespace gold, a fault proxy in front of it and a DuckDB session. */
export async function startMaintenanceWorld(): Promise<MaintenanceWorld> {
  const server = await startTestCatalog();
  const catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  await catalog.createNamespace(['gold']);
  const proxy = await startFaultProxy(new URL(server.uri).origin, { errorBody: 'iceberg', upstreamHost: true });
  const viaProxy = await connectRestCatalog({ uri: `${proxy.url}${new URL(server.uri).pathname}`, warehouse: server.name });
  const session = await DuckSession.open();
  return {
    server, catalog, viaProxy, session, proxy,
    async close() { session.close(); await proxy.close(); await server.close(); },
  };
}

export const goldTable = (name: string): TableIdentifier => ({ namespace: ['gold'], name });

/** Rows `from` until `to` of a three-partition table, tagged `v`. */
export const rowsSql = (from: number, to: number, v: string) => `SELECT i::BIGINT AS id, (i % 3)::INTEGER AS part, '${v}' AS v, i * 1.5 AS amount FROM range(${from}, ${to}) r(i)`;

/** Every row of the table (at a snapshot), ordered: the table's exact contents. */
export async function tableRows(w: Pick<MaintenanceWorld, 'catalog' | 'session'>, id: TableIdentifier, snapshotId?: bigint): Promise<unknown[][]> {
  const loaded = await w.catalog.loadTable(id);
  const alias = `t_${randomUUID().replace(/-/g, '')}`;
  await registerIcebergTable(w.session, alias, loaded, { snapshotId });
  return (await w.session.query(`SELECT * FROM ${alias} ORDER BY ALL`)).rows;
}

/** A merge-incremental gold table: a first load partitioned by `part`, merges (equality deletes), small appends. */
export async function mergeTable(w: Pick<MaintenanceWorld, 'catalog' | 'session'>, name: string): Promise<TableIdentifier> {
  const id = goldTable(name);
  const { session, catalog } = w;
  await writeTable({ session, catalog, table: id, mode: 'create', partitionBy: 'part', sql: rowsSql(0, 300, 'v0') });
  for (let n = 1; n <= 4; n++) await writeTable({ session, catalog, table: id, mode: 'merge', uniqueKey: 'id', sql: rowsSql(n * 50, n * 50 + 80, `m${n}`) });
  for (let n = 1; n <= 2; n++) await writeTable({ session, catalog, table: id, mode: 'append', sql: rowsSql(1000 * n, 1000 * n + 20, `a${n}`) });
  return id;
}

/** Holds the next commit to table `name` at the proxy until `meanwhile` has run, then lets it through. */
export function holdNextCommit(w: MaintenanceWorld, name: string, meanwhile: () => Promise<void>): { ran: Promise<void> } {
  let ran: Promise<void> | undefined;
  let resolveRan!: () => void;
  const out = { ran: new Promise<void>((r) => { resolveRan = r; }) };
  w.proxy.plan = (req) => {
    if (ran || req.method !== 'POST' || !req.path.endsWith(`/tables/${name}`)) return undefined;
    ran = meanwhile().finally(resolveRan);
    return { kind: 'hold', until: ran };
  };
  return out;
}

/** Files under the table's location no live metadata references, of any age. */
export async function orphanUris(w: Pick<MaintenanceWorld, 'catalog'>, id: TableIdentifier): Promise<string[]> {
  const loaded = await w.catalog.loadTable(id);
  const storage = defaultStorageFactory(loaded.metadata.location, loaded.config);
  const report = await findOrphanFiles({ table: id.name, storage, olderThanMs: 0, load: () => w.catalog.loadTable(id) });
  return report.orphans.map((o) => o.uri);
}
