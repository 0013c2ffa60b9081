// Writes the demo's bronze Iceberg tables from its deterministic generator queries (demo/bronze/*.sql).
import fs from 'node:fs';
import path from 'node:path';
import { DuckSession } from '../engine/session';
import { writeTable, type WriteTableResult } from '../engine/write/write-table';
import { lakehouseStorage, type Lakehouse } from './lakehouse';
import { ensureNamespace } from '../catalog/ensure-namespace';

export interface DemoSize { customers: number; orders: number; products: number }

export const DEMO_SIZES: Record<string, DemoSize> = {
  small: { customers: 1_000, orders: 5_000, products: 200 },
  medium: { customers: 100_000, orders: 500_000, products: 5_000 },
  large: { customers: 1_000_000, orders: 5_000_000, products: 20_000 },
};

export const BRONZE_NAMESPACE = ['demo', 'bronze'];

/** Writes (or overwrites) demo.bronze.bronze_<name> for every generator in `bronzeDir`. */
export async function writeDemoBronze(lakehouse: Lakehouse, bronzeDir: string, size: DemoSize): Promise<Array<WriteTableResult & { name: string }>> {
  await ensureNamespace(lakehouse.catalog, BRONZE_NAMESPACE);
  const session = await DuckSession.open();
  try {
    for (const [k, v] of Object.entries(size)) await session.run(`SET VARIABLE ${k} = ${Number(v)}`);
    const out: Array<WriteTableResult & { name: string }> = [];
    for (const file of fs.readdirSync(bronzeDir).filter((f) => f.endsWith('.sql')).sort()) {
      const name = `bronze_${path.basename(file, '.sql')}`;
      const table = { namespace: BRONZE_NAMESPACE, name };
      const exists = await lakehouse.catalog.tableExists(table);
      const result = await writeTable({
        session,
        catalog: lakehouse.catalog,
        storageFactory: lakehouseStorage(lakehouse),
        table,
        sql: fs.readFileSync(path.join(bronzeDir, file), 'utf8'),
        mode: exists ? 'overwrite' : 'create',
        location: lakehouse.layerLocations['demo.bronze'] ? `${lakehouse.layerLocations['demo.bronze']}/${name}` : undefined,
      });
      out.push({ ...result, name });
    }
    return out;
  } finally {
    session.close();
  }
}
