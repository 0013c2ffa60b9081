// dbt's injection of ephemeral models into a query (dbt-core compilation.py, inject_ctes_into_sql): the CTEs and ", "
// go before the first token after the query's first top-level WITH (or WITH RECURSIVE); a query without one gets
// "with <ctes> " before its first token. dbt finds that WITH with sqlparse; this scan sees the same top-level words:
// outside strings, quoted names, comments and parentheses.

/** `ctes` as dbt writes each one: ` __dbt__cte__name as (\n<sql>\n)` (with its leading space). */
export function injectCtes(sql: string, ctes: string[]): string {
  if (!ctes.length) return sql;
  const words = topLevelWords(sql);
  const withAt = words.findIndex((w) => w.text.toLowerCase() === 'with');
  if (withAt < 0) {
    const first = firstToken(sql);
    return `${sql.slice(0, first)}with${ctes.join(', ')} ${sql.slice(first)}`;
  }
  let after = words[withAt].end;
  const next = words[withAt + 1];
  // RECURSIVE counts only as WITH's very next token (whitespace between).
  if (next && next.text.toLowerCase() === 'recursive' && /^\s*$/.test(sql.slice(after, next.start))) after = next.end;
  // sqlparse's insert_after skips whitespace: the CTEs go right before the next token
  after += /^\s*/.exec(sql.slice(after))![0].length;
  return `${sql.slice(0, after)}${ctes.join(', ')}, ${sql.slice(after)}`;
}

interface Word { text: string; start: number; end: number }

/** Where the first token starts: after leading whitespace (a comment is a token, as sqlparse's token_first sees it). */
function firstToken(sql: string): number {
  const m = /^\s*/.exec(sql);
  return m ? m[0].length : 0;
}

const WORD = /[A-Za-z_][A-Za-z0-9_$]*/y;

/** The bare words at parenthesis depth 0, skipping strings, quoted identifiers and comments. */
function topLevelWords(sql: string): Word[] {
  const out: Word[] = [];
  let depth = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') {
      const close = sql.indexOf(c, i + 1);
      i = close < 0 ? sql.length : close + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? sql.length : close + 2;
    } else if (c === '(') {
      depth++;
      i++;
    } else if (c === ')') {
      depth = Math.max(0, depth - 1);
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      WORD.lastIndex = i;
      const m = WORD.exec(sql)!;
      // a word after a dot is part of a dotted name, not a keyword
      if (depth === 0 && sql[i - 1] !== '.') out.push({ text: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else {
      i++;
    }
  }
  return out;
}
