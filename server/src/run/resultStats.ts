// The SQL of a preview's column statistics over its full result, in one DuckDB query: per column the NULL count,
// the exact distinct count, and min and max as text (not for structs, lists, maps and unions, which have no useful
// order). Columns are renamed by position, as in resultView.ts, so odd or duplicate names cannot clash. Pure.
import type { ColumnStats, ResultColumn, ResultStats } from '../protocol/results';
import { quoteIdent } from '../sql/quote';

const UNORDERED = /^(STRUCT|MAP|UNION)\b|\[\d*\]$/i;

export interface StatsSql {
  sql: string;
  /** Reads the query's one row. */
  read(row: readonly unknown[]): ResultStats;
}

export function resultStatsSql(querySql: string, columns: readonly ResultColumn[]): StatsSql {
  const alias = (i: number) => quoteIdent(`c${i + 1}`);
  const ordered = columns.map((c) => !UNORDERED.test(c.type.trim()));
  const parts = ['count(*)'];
  columns.forEach((_, i) => {
    parts.push(`count(${alias(i)})`, `count(DISTINCT ${alias(i)})`);
    if (ordered[i]) parts.push(`CAST(min(${alias(i)}) AS VARCHAR)`, `CAST(max(${alias(i)}) AS VARCHAR)`);
  });
  const sql = `SELECT ${parts.join(', ')} FROM (\n${querySql}\n) AS floe_result(${columns.map((_, i) => alias(i)).join(', ')})`;
  const read = (row: readonly unknown[]): ResultStats => {
    const rows = Number(row[0]);
    let k = 1;
    const stats: ColumnStats[] = columns.map((c, i) => {
      const nonNull = Number(row[k++]);
      const s: ColumnStats = { name: c.name, type: c.type, nulls: rows - nonNull, distinct: Number(row[k++]) };
      if (ordered[i]) {
        s.min = row[k] === null ? null : String(row[k]);
        s.max = row[k + 1] === null ? null : String(row[k + 1]);
        k += 2;
      }
      return s;
    });
    return { rows, columns: stats };
  };
  return { sql, read };
}
