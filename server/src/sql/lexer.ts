// Tolerant SQL tokenizer: never throws, linear time, positions are UTF-16 offsets into the input.
// Hand-written because we need exact offsets, Jinja blocks as tokens and tolerance to junk (no library gives all three).

import { jinjaBlockEnd } from '../jinja/scanner';

export type TokenKind =
  | 'word' // identifier or keyword, unquoted
  | 'quoted' // "quoted identifier"
  | 'string' // 'string', E'..', $tag$..$tag$
  | 'number'
  | 'comment' // -- line or /* block */
  | 'jinja' // {{ expr }}, {% stmt %} or {# comment #} left in raw model SQL
  | 'param' // ?, $1, :name
  | 'punct'; // operators and punctuation, one token per symbol run

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** Source text, except: quoted identifiers are unescaped; words keep their case. */
  text: string;
}

const isWordStart = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127;
const isWordPart = (c: number) => isWordStart(c) || (c >= 48 && c <= 57) || c === 36;
const isDigit = (c: number) => c >= 48 && c <= 57;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;

/** Single-character punctuation that always stands alone (never glued into an operator run). */
const LONE = new Set(['(', ')', ',', ';', '.', '[', ']', '{', '}']);

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    const next = i + 1 < n ? sql.charCodeAt(i + 1) : 0;
    // -- line comment
    if (c === 45 && next === 45) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? n : nl;
      out.push({ kind: 'comment', start, end: i, text: sql.slice(start, i) });
      continue;
    }
    // /* block comment */ (DuckDB does not nest them)
    if (c === 47 && next === 42) {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      out.push({ kind: 'comment', start, end: i, text: sql.slice(start, i) });
      continue;
    }
    // Jinja blocks, so raw model text tokenizes too; where a block ends is the Jinja scanner's answer.
    if (c === 123 && (next === 123 || next === 37 || next === 35)) {
      i = jinjaBlockEnd(sql, i);
      out.push({ kind: 'jinja', start, end: i, text: sql.slice(start, i) });
      continue;
    }
    // 'string' with '' escapes; E'..' also allows backslash escapes
    if (c === 39 || ((c === 69 || c === 101) && next === 39)) {
      const backslash = c !== 39;
      i = c === 39 ? i + 1 : i + 2;
      while (i < n) {
        const d = sql.charCodeAt(i);
        if (backslash && d === 92) i += 2;
        else if (d === 39) {
          if (sql.charCodeAt(i + 1) === 39) i += 2;
          else {
            i++;
            break;
          }
        } else i++;
      }
      if (i > n) i = n;
      out.push({ kind: 'string', start, end: i, text: sql.slice(start, i) });
      continue;
    }
    // "quoted identifier" with "" escapes
    if (c === 34) {
      let text = '';
      i++;
      let from = i;
      while (i < n) {
        const d = sql.charCodeAt(i);
        if (d === 34) {
          text += sql.slice(from, i);
          if (sql.charCodeAt(i + 1) === 34) {
            text += '"';
            i += 2;
            from = i;
            continue;
          }
          i++;
          from = -1;
          break;
        }
        i++;
      }
      if (from >= 0) text += sql.slice(from, n);
      out.push({ kind: 'quoted', start, end: i, text });
      continue;
    }
    // $tag$ dollar-quoted string $tag$, or $1 parameter
    if (c === 36) {
      if (isDigit(next)) {
        i++;
        while (i < n && isDigit(sql.charCodeAt(i))) i++;
        out.push({ kind: 'param', start, end: i, text: sql.slice(start, i) });
        continue;
      }
      let j = i + 1;
      while (j < n && isWordPart(sql.charCodeAt(j)) && sql.charCodeAt(j) !== 36) j++;
      if (j < n && sql.charCodeAt(j) === 36) {
        const tag = sql.slice(i, j + 1);
        const close = sql.indexOf(tag, j + 1);
        i = close < 0 ? n : close + tag.length;
        out.push({ kind: 'string', start, end: i, text: sql.slice(start, i) });
        continue;
      }
    }
    if (isWordStart(c)) {
      i++;
      while (i < n && isWordPart(sql.charCodeAt(i))) i++;
      out.push({ kind: 'word', start, end: i, text: sql.slice(start, i) });
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(next))) {
      i++;
      while (i < n) {
        const d = sql.charCodeAt(i);
        if (isDigit(d) || d === 46 || d === 95) i++;
        else if ((d === 101 || d === 69) && i + 1 < n) {
          const e = sql.charCodeAt(i + 1);
          if (isDigit(e) || ((e === 43 || e === 45) && isDigit(sql.charCodeAt(i + 2)))) i += 2;
          else break;
        } else break;
      }
      out.push({ kind: 'number', start, end: i, text: sql.slice(start, i) });
      continue;
    }
    if (c === 63) {
      out.push({ kind: 'param', start, end: i + 1, text: '?' });
      i++;
      continue;
    }
    // :name parameter (but not the :: cast operator)
    if (c === 58 && next !== 58 && isWordStart(next) && (i === 0 || sql.charCodeAt(i - 1) !== 58)) {
      i += 2;
      while (i < n && isWordPart(sql.charCodeAt(i))) i++;
      out.push({ kind: 'param', start, end: i, text: sql.slice(start, i) });
      continue;
    }
    const ch = sql[i];
    if (LONE.has(ch)) {
      out.push({ kind: 'punct', start, end: i + 1, text: ch });
      i++;
      continue;
    }
    // operator run: stop before anything that starts another token kind
    i++;
    while (i < n) {
      const d = sql.charCodeAt(i);
      if (isSpace(d) || isWordPart(d) || d === 39 || d === 34 || LONE.has(sql[i])) break;
      if ((d === 45 && sql.charCodeAt(i + 1) === 45) || (d === 47 && sql.charCodeAt(i + 1) === 42)) break;
      i++;
    }
    out.push({ kind: 'punct', start, end: i, text: sql.slice(start, i) });
  }
  return out;
}

/** True for tokens that carry meaning (not comments, not Jinja comments). */
export function isSignificant(t: Token): boolean {
  return t.kind !== 'comment' && !(t.kind === 'jinja' && t.text.startsWith('{#'));
}

/** Case-insensitive keyword test for an unquoted word. */
export function isWord(t: Token | undefined, word: string): boolean {
  return t !== undefined && t.kind === 'word' && t.text.length === word.length && t.text.toLowerCase() === word;
}

/** Identifier value of a word or quoted token (words fold to lower case, as DuckDB does). */
export function identifierOf(t: Token): string {
  return t.kind === 'quoted' ? t.text : t.text.toLowerCase();
}

export { quoteIdent } from './quote';
