// Runnable preview SQL that never breaks the user's query: row limits, the CTE under the cursor, a selection.
import { isWord, quoteIdent, Token } from './lexer';
import { SqlOutline, StatementSpan, outline, statementAt } from './outline';

/** A piece of the output SQL copied verbatim from the source text, so errors can be mapped back. */
export interface SourceSegment {
  outStart: number;
  sourceStart: number;
  length: number;
}

export type PreviewSql = { ok: true; sql: string; segments: SourceSegment[] } | { ok: false; message: string };

/** Source offset of an offset in a preview SQL, or undefined when it falls in text we added. */
export function mapToSource(p: PreviewSql, outOffset: number): number | undefined {
  if (!p.ok) return undefined;
  for (const s of p.segments) {
    if (outOffset >= s.outStart && outOffset <= s.outStart + s.length) return s.sourceStart + outOffset - s.outStart;
  }
  return undefined;
}

const QUERY_START = new Set(['select', 'with', 'from', 'values', 'pivot', 'unpivot']);
/** Statements that return rows but take no LIMIT of their own: previewed as a subquery. */
const WRAP_ONLY = new Set(['table', 'describe', 'summarize', 'show']);
const NOT_A_QUERY = new Set(['insert', 'update', 'delete', 'merge', 'create', 'drop', 'alter', 'copy', 'attach', 'detach', 'install', 'load', 'set', 'pragma', 'call', 'export', 'import', 'vacuum', 'checkpoint', 'begin', 'commit', 'rollback', 'use']);

const WRAP_ALIAS = '"floe_preview"';

/**
 * `sql` limited to `n` rows: trailing ';' and comments dropped; an existing smaller LIMIT kept; a larger one lowered;
 * otherwise LIMIT appended on its own line (keeping ORDER BY), or the query wrapped as a subquery when it cannot take one.
 */
export function wrapWithLimit(sql: string, n: number): PreviewSql {
  if (!Number.isSafeInteger(n) || n < 0) return { ok: false, message: `The row limit must be a whole number ≥ 0, not ${n}.` };
  const o = outline(sql);
  const checked = singleQuery(o);
  if ('message' in checked) return { ok: false, message: checked.message };
  const s = checked.statement;
  const body = sql.slice(s.start, s.end);
  const whole: SourceSegment = { outStart: 0, sourceStart: s.start, length: body.length };
  const first = o.tokens[s.first];
  const wrap = (): PreviewSql => {
    const head = 'SELECT * FROM (\n';
    return { ok: true, sql: `${head}${body}\n) AS ${WRAP_ALIAS} LIMIT ${n}`, segments: [{ ...whole, outStart: head.length }] };
  };
  if (first.kind === 'word' && WRAP_ONLY.has(first.text.toLowerCase())) return wrap();

  const tail = trailingLimit(o, s);
  if (tail === 'none') return { ok: true, sql: `${body}\nLIMIT ${n}`, segments: [whole] };
  if (tail === 'complex') return wrap();
  if (tail.limit === undefined) return { ok: true, sql: `${body}\nLIMIT ${n}`, segments: [whole] };
  const lim = tail.limit;
  if (lim.kind === 'number' && BigInt(lim.text.replace(/_/g, '')) <= BigInt(n)) return { ok: true, sql: body, segments: [whole] };
  // lower LIMIT m (m > n) or LIMIT ALL to LIMIT n in place
  const at = lim.start - s.start;
  const out = body.slice(0, at) + String(n) + body.slice(lim.end - s.start);
  const after = at + String(n).length;
  return {
    ok: true,
    sql: out,
    segments: [
      { outStart: 0, sourceStart: s.start, length: at },
      { outStart: after, sourceStart: lim.end, length: body.length - (lim.end - s.start) },
    ],
  };
}

type Checked = { statement: StatementSpan } | { message: string };

function singleQuery(o: SqlOutline): Checked {
  const count = o.statements.length;
  if (count === 0) return { message: 'There is no query to preview.' };
  if (count > 1) return { message: `Only one statement can be previewed, and this text has ${count}.` };
  const s = o.statements[0];
  const first = o.tokens[s.first];
  const word = first.kind === 'word' ? first.text.toLowerCase() : first.text;
  const startsQuery = QUERY_START.has(word) || WRAP_ONLY.has(word) || (first.kind === 'punct' && first.text === '(');
  if (!startsQuery) return { message: `Only a query can be previewed; this statement starts with ${first.text.toUpperCase()}.` };
  for (let i = s.first; i <= s.last; i = next(o, i)) {
    const t = o.tokens[i];
    if (t.kind === 'word' && NOT_A_QUERY.has(t.text.toLowerCase()) && i > s.first && !isWord(o.tokens[i - 1], 'as')) {
      // `WITH x AS (...) INSERT ...` and the like
      if (isStatementWord(o, i)) return { message: `Only a query can be previewed; this statement runs ${t.text.toUpperCase()}.` };
    }
  }
  return { statement: s };
}

/** A data-changing keyword at the top level right after a CTE list's closing parenthesis. */
function isStatementWord(o: SqlOutline, i: number): boolean {
  const prev = o.tokens[i - 1];
  return prev.kind === 'punct' && prev.text === ')';
}

function next(o: SqlOutline, i: number): number {
  const t = o.tokens[i];
  return t.kind === 'punct' && t.text === '(' && o.match[i] > i ? o.match[i] + 1 : i + 1;
}

/**
 * The statement's trailing top-level LIMIT/OFFSET: 'none' when it has none, 'complex' when it has one we cannot
 * rewrite safely (expressions, percentages), else the LIMIT value token (undefined for OFFSET alone).
 */
function trailingLimit(o: SqlOutline, s: StatementSpan): 'none' | 'complex' | { limit?: Token } {
  let at = -1;
  for (let i = s.first; i <= s.last; i = next(o, i)) {
    if (isWord(o.tokens[i], 'limit') || isWord(o.tokens[i], 'offset')) {
      at = i;
      // the clause starts at the first of LIMIT/OFFSET that ends the statement
      const prev = o.tokens[i - 2];
      if (i - 2 >= s.first && (isWord(prev, 'limit') || isWord(prev, 'offset'))) at = i - 2;
      else if (i - 3 >= s.first && isWord(o.tokens[i - 3], 'offset') && /^rows?$/i.test(o.tokens[i - 1].text)) at = i - 3;
    }
  }
  if (at < 0) return 'none';
  let limit: Token | undefined;
  let i = at;
  const simple = (t: Token | undefined) => t !== undefined && (t.kind === 'number' || t.kind === 'param');
  while (i <= s.last) {
    const kw = o.tokens[i];
    const value = o.tokens[i + 1];
    if (i + 1 > s.last) return 'complex';
    if (isWord(kw, 'limit')) {
      if (value.kind === 'number' && /^[0-9_]+$/.test(value.text)) limit = value;
      else if (isWord(value, 'all')) limit = value;
      else return 'complex';
      i += 2;
    } else if (isWord(kw, 'offset')) {
      if (!simple(value)) return 'complex';
      i += 2;
      if (i <= s.last && /^rows?$/i.test(o.tokens[i].text) && o.tokens[i].kind === 'word') i++;
    } else return 'complex';
  }
  return { limit };
}

/**
 * Runnable SQL previewing the statement-level CTE under the cursor: the WITH clause up to and including it, then
 * `SELECT * FROM` it. Not ok when the offset is in no CTE of the statement's own WITH clause.
 */
export function cteUnderCursor(sql: string, offset: number): PreviewSql {
  const o = outline(sql);
  const s = statementAt(o, offset);
  const cte = o.ctes.find((c) => c.depth === 0 && c.nameStart <= offset && offset <= c.end && (!s || o.statements[c.statement] === s));
  if (!cte || !s) return { ok: false, message: 'The cursor is not inside a CTE of this query.' };
  const head = sql.slice(s.start, cte.end);
  return {
    ok: true,
    sql: `${head}\nSELECT * FROM ${quoteIdent(cte.displayName)}`,
    segments: [{ outStart: 0, sourceStart: s.start, length: head.length }],
  };
}

/**
 * Runnable SQL for previewing a selected query: the selection itself, preceded by the statement's WITH clause (the
 * CTEs defined before the selection) when the selection is a plain SELECT/FROM inside a query with CTEs.
 */
export function selectionQuery(fullSql: string, selection: { start: number; end: number }): PreviewSql {
  const start = Math.max(0, Math.min(selection.start, selection.end));
  const end = Math.min(fullSql.length, Math.max(selection.start, selection.end));
  const text = fullSql.slice(start, end);
  const so = outline(text);
  if (so.statements.length === 0) return { ok: false, message: 'The selection holds no query.' };
  if (so.statements.length > 1) return { ok: false, message: `Only one statement can be previewed, and the selection has ${so.statements.length}.` };
  const first = so.tokens[so.statements[0].first];
  const word = first.kind === 'word' ? first.text.toLowerCase() : '';
  if (!QUERY_START.has(word) && !WRAP_ONLY.has(word) && !(first.kind === 'punct' && first.text === '(')) {
    return { ok: false, message: 'Select a whole query (starting with SELECT, WITH or FROM) to preview it.' };
  }
  const own: SourceSegment = { outStart: 0, sourceStart: start, length: text.length };
  if (word === 'with') return { ok: true, sql: text, segments: [own] };
  const o = outline(fullSql);
  const s = statementAt(o, start);
  const before = o.ctes.filter((c) => c.depth === 0 && s && o.statements[c.statement] === s && c.end <= start);
  if (before.length === 0) return { ok: true, sql: text, segments: [own] };
  const withFrom = s!.start;
  const head = fullSql.slice(withFrom, before[before.length - 1].end);
  return {
    ok: true,
    sql: `${head}\n${text}`,
    segments: [
      { outStart: 0, sourceStart: withFrom, length: head.length },
      { outStart: head.length + 1, sourceStart: start, length: text.length },
    ],
  };
}
