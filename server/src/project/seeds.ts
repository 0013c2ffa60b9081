// Seed CSVs: the header gives the columns; the first rows give DuckDB-style inferred types.
import type { Column } from './types';

const SAMPLE_ROWS = 200;

/** The columns of a CSV separated by `delimiter` (a seed's `delimiter` config; a comma by default). */
export function seedColumns(csv: string, delimiter = ','): Column[] {
  const lines = csv.split(/\r?\n/, SAMPLE_ROWS + 1).filter((l) => l.length > 0);
  if (lines.length === 0) return [];
  const split = (line: string) => splitCsvLine(line, delimiter);
  const header = split(lines[0]);
  const rows = lines.slice(1).map(split);
  return header.map((name, i) => ({ name: name.trim(), type: inferType(rows.map((r) => r[i]).filter((v): v is string => v !== undefined && v !== '')) }));
}

function inferType(values: string[]): string {
  if (values.length === 0) return 'VARCHAR';
  const all = (re: RegExp) => values.every((v) => re.test(v));
  if (all(/^(true|false)$/i)) return 'BOOLEAN';
  if (all(/^-?\d+$/)) return values.every((v) => Math.abs(Number(v)) < 2 ** 31) ? 'INTEGER' : 'BIGINT';
  if (all(/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/)) return 'DOUBLE';
  if (all(/^\d{4}-\d{2}-\d{2}$/)) return 'DATE';
  if (all(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/)) return 'TIMESTAMP';
  return 'VARCHAR';
}

function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) { out.push(cur); cur = ''; }
    else cur += c;
  }
  out.push(cur);
  return out;
}
