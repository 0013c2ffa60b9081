// The SQL of a dbt unit test, as dbt builds it, for DuckDB: each input's rows as a typed SELECT (every column of the
// upstream, NULL of its type where the fixture leaves one out), the expected rows cast to the model's output types,
// and the comparison of expected against actual rows (only the expected columns, in any order, duplicates counted).
import { quoteIdent, quoteLiteral } from '../sql/quote';

export interface TypedColumn { name: string; type: string }

/**
 * A SELECT of `rows` over `columns` (all of them, in order): a cell the fixture gives is cast from its text to the
 * column's type, a missing one is NULL of that type. No rows: a typed empty relation.
 */
export function rowsSql(columns: TypedColumn[], given: string[], rows: Array<Array<string | null>>): string {
  const index = new Map(given.map((c, i) => [c.toLowerCase(), i]));
  const cell = (row: Array<string | null> | undefined, c: TypedColumn) => {
    const at = index.get(c.name.toLowerCase());
    const v = row && at !== undefined ? row[at] : null;
    return `cast(${v === null || v === undefined ? 'null' : quoteLiteral(v)} as ${c.type}) as ${quoteIdent(c.name)}`;
  };
  if (columns.length === 0) return 'select 1 as "__floe_no_columns" where false';
  if (rows.length === 0) return `select ${columns.map((c) => cell(undefined, c)).join(', ')} where false`;
  return rows.map((r) => `select ${columns.map((c) => cell(r, c)).join(', ')}`).join('\nunion all\n');
}

/**
 * The type of a fixture column the upstream does not declare: the narrowest of BOOLEAN, BIGINT, DOUBLE that reads every
 * value, else VARCHAR (dbt leaves such columns to the database's literal typing).
 */
export function inferredType(values: Array<string | null>): string {
  const present = values.filter((v): v is string => v !== null);
  if (present.length === 0) return 'VARCHAR';
  if (present.every((v) => /^(true|false)$/i.test(v))) return 'BOOLEAN';
  if (present.every((v) => /^-?\d{1,18}$/.test(v))) return 'BIGINT';
  if (present.every((v) => /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(v))) return 'DOUBLE';
  return 'VARCHAR';
}

/** The statement that runs the model over its inputs: each input a CTE, the model's own SQL (its WITH included) inside. */
export function withInputs(inputs: Array<{ name: string; sql: string }>, modelSql: string): string {
  const body = modelSql.replace(/;\s*$/, '');
  if (inputs.length === 0) return `select * from (\n${body}\n) as floe_unit_actual`;
  return `with ${inputs.map((i) => `${quoteIdent(i.name)} as (\n${i.sql}\n)`).join(',\n')}\nselect * from (\n${body}\n) as floe_unit_actual`;
}

export interface RowsDiff {
  equal: boolean;
  /** The rows as aligned text tables, rows sorted, so an editor's diff lines them up. */
  expectedText: string;
  actualText: string;
  /** dbt-like: `-` a row only expected, `+` a row only in the actual result, ` ` a row in both. */
  diffText: string;
}

/** Compares rows as multisets (order does not matter, duplicates do); cells are the database's text of each value. */
export function compareRows(columns: string[], expected: Array<Array<string | null>>, actual: Array<Array<string | null>>): RowsDiff {
  const key = (r: Array<string | null>) => JSON.stringify(r);
  const left = new Map<string, number>();
  for (const r of actual) left.set(key(r), (left.get(key(r)) ?? 0) + 1);
  const onlyExpected: Array<Array<string | null>> = [];
  const both: Array<Array<string | null>> = [];
  for (const r of expected) {
    const n = left.get(key(r)) ?? 0;
    if (n > 0) { left.set(key(r), n - 1); both.push(r); } else onlyExpected.push(r);
  }
  const onlyActual = actual.filter((r) => {
    const n = left.get(key(r)) ?? 0;
    if (n <= 0) return false;
    left.set(key(r), n - 1);
    return true;
  });
  const all = [...expected, ...actual];
  const shown = (v: string | null) => (v === null ? 'NULL' : v);
  const widths = columns.map((c, i) => Math.max(c.length, ...all.map((r) => shown(r[i]).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ').trimEnd();
  const sorted = (rows: Array<Array<string | null>>) => rows.map((r) => r.map(shown)).sort((a, b) => compareCells(a, b));
  const table = (rows: Array<Array<string | null>>) => [line(columns), ...sorted(rows).map(line)].join('\n');
  const diffLines = [
    `  ${line(columns)}`,
    ...[
      ...onlyExpected.map((r) => ({ sign: '-', r })), ...onlyActual.map((r) => ({ sign: '+', r })), ...both.map((r) => ({ sign: ' ', r })),
    ].sort((a, b) => compareCells(a.r.map(shown), b.r.map(shown)) || a.sign.localeCompare(b.sign)).map((x) => `${x.sign} ${line(x.r.map(shown))}`),
  ];
  return { equal: onlyExpected.length === 0 && onlyActual.length === 0, expectedText: table(expected), actualText: table(actual), diffText: diffLines.join('\n') };
}

function compareCells(a: string[], b: string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x === y) continue;
    const nx = Number(x);
    const ny = Number(y);
    if (x !== '' && y !== '' && !Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return 0;
}
