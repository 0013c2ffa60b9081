// The data the engine figures share: a copy of the demo project whose local lakehouse holds bronze orders
// (generated deterministically by demo/bronze/orders.sql), written through writeTable.
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DbtProject } from '../../server/src/project/project';
import { openLakehouse, stopLocalCatalogServers, type Lakehouse } from '../../server/src/run/lakehouse';
import { ensureNamespace } from '../../server/src/catalog/ensure-namespace';
import { BRONZE_NAMESPACE } from '../../server/src/run/demo-bronze';
import { DuckSession } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { localPathOf } from '../../server/src/storage/local';
import type { TableIdentifier } from '../../server/src/iceberg/spec';

const REPO = path.resolve(__dirname, '../..');
export const ORDERS: TableIdentifier = { namespace: BRONZE_NAMESPACE, name: 'bronze_orders' };

export interface BenchLakehouse {
  project: DbtProject;
  lakehouse: Lakehouse;
  /** The local Parquet files of bronze orders, for the read_parquet baselines. */
  orderFiles: string[];
  /** Rows of bronze orders, and a label for figures when that is not the full size (1M). */
  rows: number;
  size?: string;
  close(): Promise<void>;
}

/** orders.sql adds an earlier version for every 8th order: n orders make n + n/8 rows. */
export function ordersForRows(rows: number): number {
  return Math.round((rows * 8) / 9);
}

export async function openBenchLakehouse(dir: string, bronzeRows: number): Promise<BenchLakehouse> {
  const root = path.join(dir, 'demo');
  cpSync(path.join(REPO, 'demo'), root, { recursive: true, filter: (src) => !src.includes(`${path.sep}.floe`) });
  const project = DbtProject.load(root);
  const lakehouse = await openLakehouse(project);
  await ensureNamespace(lakehouse.catalog, BRONZE_NAMESPACE);
  const session = await DuckSession.open();
  try {
    await session.run(`SET VARIABLE orders = ${ordersForRows(bronzeRows)}`);
    await session.run('SET VARIABLE customers = 100000');
    await writeTable({ session, catalog: lakehouse.catalog, table: ORDERS, sql: readFileSync(path.join(root, 'bronze', 'orders.sql'), 'utf8'), mode: 'create' });
  } finally {
    session.close();
  }
  const loaded = await lakehouse.catalog.loadTable(ORDERS);
  const orderFiles = parquetFilesUnder(localPathOf(`${loaded.metadata.location}/data`));
  const rows = ordersForRows(bronzeRows) + Math.floor(ordersForRows(bronzeRows) / 8);
  const size = bronzeRows === 1_000_000 ? undefined : `${rows.toLocaleString('en')} bronze rows`;
  return { project, lakehouse, orderFiles, rows, size, close: stopLocalCatalogServers };
}

function parquetFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.parquet')).map((f) => path.join(dir, f)).sort();
}
