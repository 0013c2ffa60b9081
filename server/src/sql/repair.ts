// Repairs that let DuckDB bind past an error so the next one shows too: an unknown or ambiguous column becomes NULL,
// a column missing from GROUP BY gets any_value(). Offsets of later errors are mapped back through the edits.
import type { SqlError } from './errors';
import { isWord, quoteIdent } from './lexer';
import { outline, tokenIndexAt } from './outline';
import { scopeAt } from './scope';

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
  let newText = NOT_GROUPED.test(e.message) ? `any_value(${name})` : 'NULL';
  // a whole select item keeps its output name, or outer queries would report the renamed column too
  const outputName = unaliasedSelectItem(sql, e.offset, e.offset + e.length);
  if (outputName !== undefined) newText += ` AS ${quoteIdent(outputName)}`;
  return { at: e.offset, oldLength: e.length, newText };
}

const ITEM_START = new Set(['select', 'distinct', ',']);
const QUERY_WORDS = new Set(['select', 'with', 'from', 'values']);

/** The output name of [start, end) when it is an entire select-list item without an alias, else undefined. */
function unaliasedSelectItem(sql: string, start: number, end: number): string | undefined {
  const o = outline(sql);
  const i = tokenIndexAt(o, start);
  let j = i;
  while (j < o.tokens.length && o.tokens[j].end <= end) j++;
  const prev = o.tokens[i - 1];
  const next = o.tokens[j];
  const last = o.tokens[j - 1];
  if (!prev || !last || !ITEM_START.has(prev.text.toLowerCase())) return undefined;
  if (next && !(next.text === ',' || isWord(next, 'from') || next.text === ')' || next.text === ';')) return undefined;
  const p = o.parent[i];
  const block = p < 0 ? undefined : o.tokens[p + 1];
  if (block && !(block.kind === 'word' && QUERY_WORDS.has(block.text.toLowerCase()))) return undefined;
  // `,` also separates GROUP BY and ORDER BY items: only the select list counts
  const scope = scopeAt(o, start);
  if (scope.clause !== 'select') return undefined;
  return last.text;
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
