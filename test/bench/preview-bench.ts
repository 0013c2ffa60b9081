// preview_ms and preview_ratio: previewing stg_orders (a dedup over every bronze order, so no early stop at
// the row limit) through the run layer, against the same limited SQL with the source read by read_parquet.
import { preparePreview } from '../../server/src/run/preview';
import { DuckSession, quoteLiteral } from '../../server/src/engine/session';
import type { BenchLakehouse } from './bench-lakehouse';
import { sideBySide, summarize, timed } from './measure';
import { ratioFigure, type Measured } from './figures';

const MODEL = 'stg_orders';
const ROW_LIMIT = 500; // floe.preview.rowLimit's default

export async function previewFigures(bench: BenchLakehouse, runs: number): Promise<Measured[]> {
  const session = await DuckSession.open();
  try {
    let baselineSql = '';
    let floeRows = 0, baselineRows = 0;
    const r = await sideBySide(runs, async () => {
      const t = await timed(async () => {
        const preview = await preparePreview(bench.project, bench.lakehouse, { model: MODEL, limit: ROW_LIMIT });
        try {
          const result = await preview.guard(() => preview.run.session.query(preview.sql));
          // The baseline runs the very SQL the preview ran, with the source relation swapped for read_parquet.
          const source = preview.run.relationName({ kind: 'source', name: 'bronze.orders', source: 'bronze', table: 'orders' });
          if (!preview.sql.includes(source)) throw new Error(`preview SQL does not read ${source}: ${preview.sql}`);
          baselineSql = preview.sql.split(source).join(`read_parquet([${bench.orderFiles.map(quoteLiteral).join(', ')}])`);
          return result.rows.length;
        } finally {
          await preview.run.close();
        }
      });
      floeRows = t.value;
      return t;
    }, async () => {
      if (!baselineSql) throw new Error('the baseline needs the preview SQL: run the preview first');
      const t = await timed(() => session.query(baselineSql));
      baselineRows = t.value.rows.length;
      return t;
    }, { floeFirst: true });
    if (floeRows !== ROW_LIMIT || baselineRows !== ROW_LIMIT) throw new Error(`preview returned ${floeRows} rows, the baseline ${baselineRows}; expected ${ROW_LIMIT}`);
    return [
      { name: 'preview_ms', summary: summarize(r.floe.map((t) => t.ms)), cpuMs: summarize(r.floe.map((t) => t.cpuMs)), size: bench.size },
      ratioFigure('preview_ratio', r, bench.size),
    ];
  } finally {
    session.close();
  }
}
