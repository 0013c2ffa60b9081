// Tokenizer for the inside of one Jinja block. Hand-written: it runs on every block of every file at
// cold index (10k models in under a second), and it must never throw on broken input.

export type TokenType = 'name' | 'string' | 'number' | 'op' | 'unknown';

export interface Token {
  type: TokenType;
  /** For strings, the unescaped content; otherwise the source text. */
  value: string;
  /** Offsets in the whole template text. */
  start: number;
  end: number;
  /** A string literal missing its closing quote. */
  unterminated?: boolean;
}

/** `==`, `!=`, `<=`, `>=`, `//`, `**`: whether the characters at i, i+1 make one (by char code: no 2-char string per op). */
function isTwoCharOp(c: number, d: number): boolean {
  return d === 61 ? c === 61 || c === 33 || c === 60 || c === 62 : (c === 47 || c === 42) && d === c;
}

// char codes of the one-character operators: ( ) [ ] { } , . : = + - * / % < > | ~
const OP_CHARS = new Uint8Array(128);
for (const ch of '()[]{},.:=+-*/%<>|~') OP_CHARS[ch.charCodeAt(0)] = 1;

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Tokens of text[start, end). */
export function tokenize(text: string, start: number, end: number): Token[] {
  const out: Token[] = [];
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) { i++; continue; }
    if (isNameStart(c)) {
      let j = i + 1;
      while (j < end && isNameChar(text.charCodeAt(j))) j++;
      out.push({ type: 'name', value: text.slice(i, j), start: i, end: j });
      i = j;
    } else if (isDigit(c)) {
      let j = i + 1;
      while (j < end && (isDigit(text.charCodeAt(j)) || text[j] === '.' || text[j] === '_')) j++;
      out.push({ type: 'number', value: text.slice(i, j), start: i, end: j });
      i = j;
    } else if (c === 39 || c === 34) {
      const j = stringEnd(text, i, end);
      const closed = j <= end && text.charCodeAt(j - 1) === c && j - i >= 2;
      const raw = text.slice(i + 1, closed ? j - 1 : j);
      out.push({ type: 'string', value: unescape(raw), start: i, end: j, unterminated: !closed || undefined });
      i = j;
    } else {
      if (i + 2 <= end && isTwoCharOp(c, text.charCodeAt(i + 1))) {
        out.push({ type: 'op', value: text.slice(i, i + 2), start: i, end: i + 2 });
        i += 2;
      } else {
        out.push({ type: c < 128 && OP_CHARS[c] ? 'op' : 'unknown', value: text[i], start: i, end: i + 1 });
        i++;
      }
    }
  }
  return out;
}

/** The offset just past the string literal opening at `i` (or `limit` when unterminated). */
export function stringEnd(text: string, i: number, limit: number): number {
  const quote = text.charCodeAt(i);
  let j = i + 1;
  while (j < limit) {
    const c = text.charCodeAt(j);
    if (c === 92) { j += 2; continue; }
    if (c === quote) return j + 1;
    j++;
  }
  return limit;
}

function unescape(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\(.)/gs, (_m, ch: string) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch));
}
