// Structure of a SQL text from its tokens: statements, matching parentheses and CTE definitions.
import { Token, tokenize, isSignificant, isWord, identifierOf } from './lexer';

export interface CteDefinition {
  /** Name as DuckDB resolves it (unquoted names fold to lower case). */
  name: string;
  /** Name as written, without quotes. */
  displayName: string;
  nameStart: number;
  nameEnd: number;
  /** Offset of the opening parenthesis of the body, and just after its closing one (or the text end if unclosed). */
  bodyOpen: number;
  end: number;
  /** Offset of the WITH keyword that introduces this CTE's list. */
  withStart: number;
  /** Number of parentheses around the WITH: 0 for the statement's own WITH clause. */
  depth: number;
  /** Index of the statement that holds it. */
  statement: number;
}

export interface StatementSpan {
  /** First and last significant tokens (indexes into `tokens`); last < first when empty. */
  first: number;
  last: number;
  start: number;
  /** End of the last significant token: trailing comments, whitespace and the ';' are outside. */
  end: number;
}

export interface SqlOutline {
  sql: string;
  /** Every token, comments included. */
  all: Token[];
  /** Significant tokens only (no comments). */
  tokens: Token[];
  /** For each significant token: index of its matching parenthesis, or -1. */
  match: Int32Array;
  /** For each significant token: the index of the innermost open parenthesis around it, or -1. */
  parent: Int32Array;
  statements: StatementSpan[];
  ctes: CteDefinition[];
}

/**
 * The outline of a text, reused for the last few texts: one completion or hover asks for it several times (its
 * scope, then each CTE it reads), and tokenizing costs ~35 ms per MB. Callers treat outlines as read-only.
 */
export function outline(sql: string): SqlOutline {
  const hit = recentOutlines.find((o) => o.sql === sql);
  if (hit) return hit;
  const built = buildOutline(sql);
  recentOutlines.unshift(built);
  recentOutlines.length = Math.min(recentOutlines.length, RECENT_OUTLINES);
  return built;
}

const RECENT_OUTLINES = 4;
const recentOutlines: SqlOutline[] = [];

function buildOutline(sql: string): SqlOutline {
  const all = tokenize(sql);
  const tokens = all.filter(isSignificant);
  const n = tokens.length;
  const match = new Int32Array(n).fill(-1);
  const parent = new Int32Array(n).fill(-1);
  const statements: StatementSpan[] = [];
  const stack: number[] = [];
  let first = 0;
  const close = (last: number) => {
    if (last >= first) statements.push({ first, last, start: tokens[first].start, end: tokens[last].end });
  };
  for (let i = 0; i < n; i++) {
    const t = tokens[i];
    parent[i] = stack.length ? stack[stack.length - 1] : -1;
    if (t.kind !== 'punct') continue;
    if (t.text === '(') stack.push(i);
    else if (t.text === ')') {
      const open = stack.pop();
      if (open !== undefined) {
        match[open] = i;
        match[i] = open;
        parent[i] = parent[open];
      }
    } else if (t.text === ';') {
      // a ';' always ends a statement, even inside unbalanced parentheses, so one bad statement stays local
      stack.length = 0;
      parent[i] = -1;
      close(i - 1);
      first = i + 1;
    }
  }
  close(n - 1);
  const o: SqlOutline = { sql, all, tokens, match, parent, statements, ctes: [] };
  o.ctes = findCtes(o);
  return o;
}

function depthOf(o: SqlOutline, i: number): number {
  let d = 0;
  for (let p = o.parent[i]; p >= 0; p = o.parent[p]) d++;
  return d;
}

function statementOf(o: SqlOutline, i: number): number {
  let lo = 0;
  let hi = o.statements.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (o.statements[mid].last < i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function findCtes(o: SqlOutline): CteDefinition[] {
  const { tokens, match } = o;
  const out: CteDefinition[] = [];
  for (let w = 0; w < tokens.length; w++) {
    if (!isWord(tokens[w], 'with')) continue;
    let i = w + 1;
    if (isWord(tokens[i], 'recursive')) i++;
    const depth = depthOf(o, w);
    const statement = statementOf(o, w);
    for (;;) {
      const name = tokens[i];
      if (!name || (name.kind !== 'word' && name.kind !== 'quoted')) break;
      let j = i + 1;
      if (tokens[j]?.text === '(' && tokens[j].kind === 'punct' && match[j] > 0) j = match[j] + 1; // column list
      if (!isWord(tokens[j], 'as')) break;
      j++;
      if (isWord(tokens[j], 'not')) j++;
      if (isWord(tokens[j], 'materialized')) j++;
      const open = tokens[j];
      if (!open || open.kind !== 'punct' || open.text !== '(') break;
      const closeIdx = match[j];
      out.push({
        name: identifierOf(name),
        displayName: name.text,
        nameStart: name.start,
        nameEnd: name.end,
        bodyOpen: open.start,
        end: closeIdx > 0 ? tokens[closeIdx].end : o.sql.length,
        withStart: tokens[w].start,
        depth,
        statement,
      });
      if (closeIdx < 0) break;
      i = closeIdx + 1;
      if (tokens[i]?.kind === 'punct' && tokens[i].text === ',') i++;
      else break;
    }
  }
  return out;
}

/** Index of the first significant token that ends after `offset` (tokens.length when none). */
export function tokenIndexAt(o: SqlOutline, offset: number): number {
  const t = o.tokens;
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid].end <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The statement containing (or nearest before) `offset`, or undefined when the text has none. */
export function statementAt(o: SqlOutline, offset: number): StatementSpan | undefined {
  let found: StatementSpan | undefined;
  for (const s of o.statements) {
    if (s.start <= offset || !found) found = s;
    if (s.start > offset) break;
  }
  return found;
}
