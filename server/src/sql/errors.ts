// DuckDB error text → typed SQL errors with offsets into the SQL that DuckDB was given.
import { tokenize } from './lexer';

export type SqlErrorKind = 'syntax' | 'binder' | 'catalog';

export interface SqlError {
  message: string;
  /** UTF-16 offset into the SQL text; absent when DuckDB gave no position. */
  offset?: number;
  length?: number;
  kind: SqlErrorKind;
}

const MAX_CANDIDATE_LINES = 6;

/**
 * Turns a DuckDB error message into a SqlError. DuckDB's C API exposes no error position, so the offset is recovered
 * from the `LINE n: <excerpt>` and caret lines DuckDB appends (an excerpt of at most ~80 columns around the error).
 */
export function parseDuckDbError(raw: string, sql: string): SqlError {
  const text = raw.replace(/\r\n/g, '\n');
  const head = /^([A-Za-z ]+?) Error: /.exec(text);
  const type = head ? head[1] : '';
  const kind: SqlErrorKind = type === 'Parser' ? 'syntax' : type === 'Catalog' ? 'catalog' : 'binder';
  let body = head ? text.slice(head[0].length) : text;
  let offset: number | undefined;
  const loc = /\n*LINE (\d+): ([^\n]*)\n( *)\^[ \t]*$/.exec(body);
  if (loc) {
    body = body.slice(0, loc.index);
    offset = offsetFromExcerpt(sql, Number(loc[1]), loc[2], loc[3].length - `LINE ${loc[1]}: `.length);
  }
  if (offset === undefined && /at end of input/.test(body)) offset = sql.trimEnd().length;
  offset ??= usingColumnOffset(body, sql);
  const result: SqlError = { message: tidy(body), kind };
  if (offset !== undefined) {
    result.offset = offset;
    result.length = lengthAt(sql, offset);
  }
  return result;
}

/** DuckDB gives no position for a USING column missing on one side: the column inside the query's USING ( … ). */
function usingColumnOffset(body: string, sql: string): number | undefined {
  const m = /^Column "([^"]+)" does not exist on (?:left|right) side of join!/.exec(body);
  if (!m) return undefined;
  for (const u of sql.matchAll(/\busing\s*\(([^)]*)\)/gi)) {
    const inside = u.index! + u[0].indexOf('(') + 1;
    const hit = new RegExp(`(^|[\\s,"])(${m[1].replace(/[^\w]/g, '\\$&')})(?=$|[\\s,"])`, 'i').exec(u[1]);
    if (hit) return inside + hit.index + hit[1].length;
  }
  return undefined;
}

/** Drops noise: long candidate-function lists and blank lines. */
function tidy(body: string): string {
  const lines = body.split('\n').filter((l) => l.trim() !== '');
  const out: string[] = [];
  let candidates = 0;
  for (const l of lines) {
    if (l.startsWith('\t')) {
      candidates++;
      if (candidates === MAX_CANDIDATE_LINES + 1) out.push('\t…');
      if (candidates > MAX_CANDIDATE_LINES) continue;
    }
    out.push(l);
  }
  return out.join('\n').trim();
}

/** Range of line `lineNo` (1-based); '\r\n', '\n' and a lone '\r' each end a line, as in DuckDB's excerpts. */
function lineRange(sql: string, lineNo: number): { start: number; end: number } | undefined {
  let line = 1;
  let start = 0;
  for (let i = 0; i < sql.length && line < lineNo; i++) {
    const c = sql.charCodeAt(i);
    if (c === 13 && sql.charCodeAt(i + 1) === 10) i++;
    if (c === 10 || c === 13) {
      line++;
      start = i + 1;
    }
  }
  if (line !== lineNo) return undefined;
  let end = start;
  while (end < sql.length && sql.charCodeAt(end) !== 10 && sql.charCodeAt(end) !== 13) end++;
  return { start, end };
}

/** Terminal columns of a code point, like DuckDB's renderer: wide for CJK and emoji, zero for combining marks. */
function renderWidth(cp: number): number {
  if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd)
  ) return 2;
  return 1;
}

function offsetFromExcerpt(sql: string, lineNo: number, excerpt: string, caret: number): number | undefined {
  const line = lineRange(sql, lineNo);
  if (!line || caret < 0) return undefined;
  const lineText = sql.slice(line.start, line.end);
  let shown = excerpt;
  let from = 0;
  if (shown.startsWith('...') && !lineText.startsWith('...')) {
    shown = shown.slice(3);
    caret -= 3;
    if (caret < 0) caret = 0;
    // the excerpt may also be cut at its end
    let at = lineText.indexOf(shown);
    if (at < 0 && shown.endsWith('...')) at = lineText.indexOf(shown.slice(0, -3));
    if (at < 0) return undefined;
    from = at;
  }
  // the caret counts rendered columns, not characters
  let i = line.start + from;
  let col = 0;
  while (i < line.end) {
    const cp = sql.codePointAt(i)!;
    const w = renderWidth(cp);
    if (col + w > caret || (col === caret && w > 0)) break;
    col += w;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

/** Length of the (dotted) name or token at `offset`, so a diagnostic underlines `a.b` or `"x"` whole. */
function lengthAt(sql: string, offset: number): number {
  // tokenize a bounded window: never the whole text for each error
  const window = sql.slice(offset, offset + 512);
  const toks = tokenize(window);
  if (toks.length === 0 || toks[0].start !== 0) return 1;
  let end = toks[0].end;
  const nameLike = (k: string) => k === 'word' || k === 'quoted';
  if (nameLike(toks[0].kind)) {
    for (let k = 1; k + 1 < toks.length; k += 2) {
      const dot = toks[k];
      const part = toks[k + 1];
      if (dot.text !== '.' || dot.start !== end || part.start !== dot.end || !nameLike(part.kind)) break;
      end = part.end;
    }
  }
  return Math.max(1, end);
}
