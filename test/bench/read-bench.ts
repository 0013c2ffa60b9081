// read_ratio: an aggregate over every column of bronze orders through Floe's relation (catalog load, scan
// planning, relation SQL), against the same aggregate on read_parquet of the same files.
import { tableRelation } from '../../server/src/engine/read/register-table';
import '../../server/src/engine/read/default-planner';
import { DuckSession, quoteLiteral } from '../../server/src/engine/session';
import { ORDERS, type BenchLakehouse } from './bench-lakehouse';
import { sideBySide, timed } from './measure';
import { ratioFigure, type Measured } from './figures';

const aggregate = (from: string) =>
  `SELECT count(*) AS n, sum("order_id") AS o, sum("customer_id") AS c, min("ordered_at") AS t0, max("updated_at") AS t1, sum(length("status")) AS s FROM ${from}`;

export async function readFigures(bench: BenchLakehouse, runs: number): Promise<Measured[]> {
  const session = await DuckSession.open();
  try {
    const parquet = `read_parquet([${bench.orderFiles.map(quoteLiteral).join(', ')}])`;
    let floeAnswer = '', baselineAnswer = '';
    const r = await sideBySide(runs, async () => {
      const t = await timed(async () => {
        const relation = await tableRelation(await bench.lakehouse.catalog.loadTable(ORDERS), { tableName: 'demo.bronze.bronze_orders' });
        return session.query(aggregate(`(${relation.sql}) AS "t"`));
      });
      floeAnswer = JSON.stringify(t.value.rows);
      return t;
    }, async () => {
      const t = await timed(() => session.query(aggregate(parquet)));
      baselineAnswer = JSON.stringify(t.value.rows);
      return t;
    });
    if (floeAnswer !== baselineAnswer) throw new Error(`read_ratio: Floe's relation answered ${floeAnswer}, read_parquet ${baselineAnswer}`);
    return [ratioFigure('read_ratio', r, bench.size)];
  } finally {
    session.close();
  }
}
