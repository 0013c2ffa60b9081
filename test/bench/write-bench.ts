// write_ratio: materializing a generated result as a new Iceberg table (writeTable, mode create, against the
// local catalog) against DuckDB's COPY of the same query to one Parquet file. Each side's output is removed after
// it is timed, so the disk stays small.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DuckSession, quoteLiteral } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { BRONZE_NAMESPACE } from '../../server/src/run/demo-bronze';
import { ordersForRows, type BenchLakehouse } from './bench-lakehouse';
import { sideBySide, timed } from './measure';
import { ratioFigure, type Measured } from './figures';

export async function writeFigures(bench: BenchLakehouse, dir: string, rows: number, runs: number): Promise<Measured[]> {
  const session = await DuckSession.open();
  try {
    await session.run(`SET VARIABLE orders = ${ordersForRows(rows)}`);
    await session.run('SET VARIABLE customers = 100000');
    const sql = readFileSync(path.join(bench.project.root, 'bronze', 'orders.sql'), 'utf8');
    const r = await sideBySide(runs, async (run) => {
      const table = { namespace: BRONZE_NAMESPACE, name: `write_bench_${run < 0 ? 'warmup' : run}` };
      const t = await timed(() => writeTable({ session, catalog: bench.lakehouse.catalog, table, sql, mode: 'create' }));
      if (Math.abs(Number(t.value.rows) - rows) > 1) throw new Error(`write_ratio: wrote ${t.value.rows} rows, expected ${rows}`);
      await bench.lakehouse.catalog.dropTable(table, true);
      return t;
    }, async (run) => {
      const file = path.join(dir, `copy-baseline-${run}.parquet`);
      const t = await timed(() => session.run(`COPY (${sql}) TO ${quoteLiteral(file)} (FORMAT parquet)`));
      rmSync(file, { force: true });
      return t;
    });
    return [ratioFigure('write_ratio', r, rows === 10_000_000 ? undefined : `${rows.toLocaleString('en')} rows`)];
  } finally {
    session.close();
  }
}
