// Text exports of the shown rows: CSV (RFC 4180), TSV for the clipboard, and JSON with exact numbers.
import type { ResultModel } from './model';

/** CSV field: quoted when needed; NULL is an empty field, the empty string is "". */
function csvField(v: string | null): string {
  if (v === null) return '';
  if (v === '' || /[",\r\n]/.test(v) || v !== v.trim()) return '"' + v.replace(/"/g, '""') + '"';
  return v;
}

/** TSV field as spreadsheets read it: quoted when it holds a tab, newline or quote; NULL is empty. */
function tsvField(v: string | null): string {
  if (v === null) return '';
  if (/[\t"\r\n]/.test(v)) return '"' + v.replace(/"/g, '""') + '"';
  return v;
}

function allColumns(model: ResultModel): number[] {
  return model.columns.map((_, i) => i);
}

function delimited(model: ResultModel, rows: ArrayLike<number>, columns: number[], sep: string, field: (v: string | null) => string, header: boolean): string {
  const lines: string[] = [];
  if (header) lines.push(columns.map((c) => field(model.columns[c].name)).join(sep));
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    lines.push(columns.map((c) => field(model.columns[c].text(r))).join(sep));
  }
  return lines.join('\r\n') + (lines.length ? '\r\n' : '');
}

export function toCsv(model: ResultModel, rows: ArrayLike<number>, columns = allColumns(model)): string {
  return delimited(model, rows, columns, ',', csvField, true);
}

/** Tab-separated text for the clipboard; with a header row when several rows are copied. */
export function toTsv(model: ResultModel, rows: ArrayLike<number>, columns = allColumns(model), header = false): string {
  const text = delimited(model, rows, columns, '\t', tsvField, header);
  return rows.length === 1 && !header ? text.replace(/\r\n$/, '') : text;
}

/** JSON array of row objects; int64 and decimals are bare number literals with every digit. */
export function toJson(model: ResultModel, rows: ArrayLike<number>, columns = allColumns(model)): string {
  const names = columns.map((c) => JSON.stringify(model.columns[c].name));
  const out: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    out.push('  {' + columns.map((c, j) => names[j] + ': ' + model.columns[c].json(r)).join(', ') + '}');
  }
  return out.length ? '[\n' + out.join(',\n') + '\n]\n' : '[]\n';
}
