// Renders a query result as `floe query` prints it: json, csv (RFC 4180) or an aligned text table.
import type { Json } from '@duckdb/node-api';
import type { ResultSet } from './session';

export type ResultFormat = 'json' | 'csv' | 'table';
export const RESULT_FORMATS: readonly ResultFormat[] = ['json', 'csv', 'table'];

/** The whole output for one result, ending in a newline. */
export function formatResult(result: Pick<ResultSet, 'columns' | 'rows'>, format: ResultFormat): string {
  switch (format) {
    case 'json': return formatJson(result);
    case 'csv': return formatCsv(result);
    case 'table': return formatTable(result);
  }
}

/** {"columns":[{"name","type"}],"rows":[[...]]}: int64, hugeint, decimal, uuid as exact strings; NULL as null. */
export function formatJson(result: Pick<ResultSet, 'columns' | 'rows'>): string {
  const columns = result.columns.map((c) => ({ name: c.name, type: c.type }));
  return `${JSON.stringify({ columns, rows: result.rows })}\n`;
}

export function formatCsv(result: Pick<ResultSet, 'columns' | 'rows'>): string {
  const lines = [result.columns.map((c) => csvField(c.name)).join(',')];
  for (const row of result.rows) lines.push(row.map((v) => (v === null ? '' : csvField(cellText(v)))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function formatTable(result: Pick<ResultSet, 'columns' | 'rows'>): string {
  const header = result.columns.map((c) => c.name);
  const cells = result.rows.map((row) => row.map((v) => (v === null ? 'NULL' : cellText(v).replace(/\r?\n/g, '\\n'))));
  const numeric = result.columns.map((c) => /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/.test(c.type));
  const widths = header.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i]))));
  const pad = (text: string, i: number) => (numeric[i] ? ' '.repeat(widths[i] - width(text)) + text : text + ' '.repeat(widths[i] - width(text)));
  const lines = [
    header.map((h, i) => h + ' '.repeat(widths[i] - width(h))).join(' | '),
    widths.map((w) => '-'.repeat(w)).join('-+-'),
    ...cells.map((r) => r.map(pad).join(' | ')),
    `(${result.rows.length} ${result.rows.length === 1 ? 'row' : 'rows'})`,
  ];
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
}

/** A value as text: strings as they are, booleans true/false, nested values as JSON. */
export function cellText(v: Json): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// Code points, not UTF-16 units, so non-BMP characters do not break alignment.
function width(text: string): number {
  return [...text].length;
}
