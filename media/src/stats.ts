// The column statistics table's cells: null share, distinct count, min and max of each column of the full result.
// Pure, so it is unit-tested; the view puts each cell in the DOM as text.
import type { ResultStats } from '../../server/src/protocol/results';

export const STATS_HEADERS = ['column', 'type', 'null', 'distinct', 'min', 'max'] as const;

const numbers = new Intl.NumberFormat('en-US');

/** One row of text per column. */
export function statsRows(stats: ResultStats): string[][] {
  return stats.columns.map((c) => [
    c.name,
    c.type,
    share(c.nulls, stats.rows),
    numbers.format(c.distinct),
    c.min === undefined ? '—' : c.min === null ? 'NULL' : c.min,
    c.max === undefined ? '—' : c.max === null ? 'NULL' : c.max,
  ]);
}

/** "0%", "12.5%", "<0.1%" (some NULLs, but fewer than a thousandth), "100%". */
function share(nulls: number, rows: number): string {
  if (rows === 0 || nulls === 0) return '0%';
  const pct = (nulls / rows) * 100;
  if (pct < 0.1) return '<0.1%';
  return `${Number(pct.toFixed(1))}%`;
}
