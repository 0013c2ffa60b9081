// The SQL that sorts and filters a preview's full result in DuckDB (the grid holds only the first rows). Pure.
// The preview's query becomes a subquery whose columns are renamed by position (c1, c2, …), so duplicate or odd
// column names cannot make a reference ambiguous; the outer select gives every column its name back. The filter text
// is a bound parameter, never SQL text.
import type { ResultView } from '../protocol/results';
import { quoteIdent } from '../sql/quote';
import { ModelRunError } from './run-error';

export interface ViewSql {
  /** The sorted and filtered rows (no limit). */
  sql: string;
  /** `count(*)` of the filtered rows. */
  countSql: string;
  /** Values for `$1`, … in both. */
  params: string[];
}

/** Names the grid knows the columns by; a view naming a column outside them is refused. */
export function resultViewSql(querySql: string, columnNames: readonly string[], view: ResultView = {}): ViewSql {
  const alias = (i: number) => quoteIdent(`c${i + 1}`);
  const positions = columnNames.map((_, i) => alias(i));
  const from = `(\n${querySql}\n) AS floe_result(${positions.join(', ')})`;
  const params: string[] = [];
  let where = '';
  const filter = view.filter;
  if (filter && filter.text !== '') {
    const columns = filter.column === undefined ? columnNames.map((_, i) => i) : [checkColumn(filter.column, columnNames)];
    params.push(filter.text);
    // The value as text, case-insensitively, as the grid's own filter reads cells; NULL matches no text.
    where = ` WHERE ${columns.map((c) => `contains(lower(CAST(${alias(c)} AS VARCHAR)), lower($1))`).join(' OR ') || 'false'}`;
  }
  const sort = view.sort;
  const order = sort ? ` ORDER BY ${alias(checkColumn(sort.column, columnNames))} ${sort.descending ? 'DESC' : 'ASC'} NULLS LAST` : '';
  const select = columnNames.map((name, i) => `${alias(i)} AS ${quoteIdent(name)}`).join(', ') || '*';
  return {
    sql: `SELECT ${select} FROM ${from}${where}${order}`,
    countSql: `SELECT count(*) FROM ${from}${where}`,
    params,
  };
}

function checkColumn(column: number, columnNames: readonly string[]): number {
  if (!Number.isInteger(column) || column < 0 || column >= columnNames.length) {
    throw new ModelRunError(`The result has no column ${column + 1} (it has ${columnNames.length}).`);
  }
  return column;
}
