// Repairs that let DuckDB bind past an error so the next one shows too: an unknown or ambiguous column becomes NULL,
// a column missing from GROUP BY gets any_value(). Offsets of later errors are mapped back through the edits.
import type { SqlError } from './errors';

export interface Edit {
  at: number;
  oldLength: number;
  newText: string;
}

const UNRESOLVED = [
  /^Referenced column "[^"]*" not found/,
  /does not have a column named/,
  /^Ambiguous reference to column name/,
  /^Referenced table "[^"]*" not found/,
];
const NOT_GROUPED = /must appear in the GROUP BY clause/;

/** Errors a NULL or any_value() in place of a column can neither cause nor hide: safe to report after a repair. */
export function isColumnResolution(e: SqlError): boolean {
  return e.kind === 'binder' && (UNRESOLVED.some((r) => r.test(e.message)) || NOT_GROUPED.test(e.message));
}

/** The edit that lets binding continue past `e` in `sql`, or undefined when there is no safe one. */
export function repairFor(e: SqlError, sql: string): Edit | undefined {
  if (e.offset === undefined || e.length === undefined || !isColumnResolution(e)) return undefined;
  const before = sql[e.offset - 1];
  const after = sql.slice(e.offset + e.length).trimStart()[0];
  // `x.*`, `f(...)` or the tail of a longer name: replacing would only trade this error for a syntax error
  if (before === '.' || after === '.' || after === '(') return undefined;
  const name = sql.slice(e.offset, e.offset + e.length);
  const newText = NOT_GROUPED.test(e.message) ? `any_value(${name})` : 'NULL';
  return { at: e.offset, oldLength: e.length, newText };
}

export function applyEdit(sql: string, edit: Edit): string {
  return sql.slice(0, edit.at) + edit.newText + sql.slice(edit.at + edit.oldLength);
}

/** Offset in the original text of an offset in the text after `edits` (applied in order). */
export function mapBack(offset: number, edits: Edit[]): number {
  let o = offset;
  for (let i = edits.length - 1; i >= 0; i--) {
    const e = edits[i];
    if (o >= e.at + e.newText.length) o -= e.newText.length - e.oldLength;
    else if (o > e.at) o = e.at;
  }
  return o;
}
