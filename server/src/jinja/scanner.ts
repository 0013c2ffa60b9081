// Tolerant Jinja block scanner: exact offsets for every {{ }}, {% %} and {# #}; problems become data.
// Hand-written rather than using nunjucks' lexer because it must be fast (every file, every keystroke),
// never throw, and keep scanning after an error so one bad block degrades only itself.
import { stringEnd } from './tokens';

export type BlockKind = 'expression' | 'statement' | 'comment';

export interface JinjaBlock {
  kind: BlockKind;
  /** Offset of the opening delimiter. */
  start: number;
  /** Offset just past the closing delimiter (or where scanning gave up when unterminated). */
  end: number;
  /** The content between the delimiters and their whitespace-control dashes. */
  contentStart: number;
  contentEnd: number;
  trimBefore: boolean;
  trimAfter: boolean;
  terminated: boolean;
  /** For statements: the first word (if, for, set, macro, endif, ...). */
  tag?: string;
  tagStart?: number;
}

export interface JinjaProblem {
  code: string;
  message: string;
  start: number;
  end: number;
  /** An end tag outside every block: dbt's macro-file reader skips it (a warning since dbt 1.10); Jinja fails on it in a model. */
  orphanEnd?: boolean;
}

export interface ScannedTemplate {
  blocks: JinjaBlock[];
  problems: JinjaProblem[];
  /** Offsets [start, end) of {% raw %} bodies, which are plain text. */
  raw: Array<[number, number]>;
}

const CLOSERS: Record<BlockKind, string> = { expression: '}}', statement: '%}', comment: '#}' };

/** Tags that open a body closed by end<tag>. `set` only in its block form (no `=`). */
const BODY_TAGS = new Set(['if', 'for', 'macro', 'call', 'filter', 'set', 'raw', 'materialization', 'test', 'snapshot', 'docs', 'with', 'autoescape', 'block']);
const MIDDLE_TAGS: Record<string, string[]> = { elif: ['if'], else: ['if', 'for'] };

export function scanTemplate(text: string): ScannedTemplate {
  const blocks: JinjaBlock[] = [];
  const problems: JinjaProblem[] = [];
  const raw: Array<[number, number]> = [];
  const n = text.length;
  let i = text.indexOf('{');
  while (i !== -1 && i < n - 1) {
    const next = text[i + 1];
    const kind: BlockKind | undefined = next === '{' ? 'expression' : next === '%' ? 'statement' : next === '#' ? 'comment' : undefined;
    if (!kind) { i = text.indexOf('{', i + 1); continue; }
    const block = kind === 'comment' ? scanComment(text, i) : scanCode(text, i, kind);
    blocks.push(block);
    if (!block.terminated) {
      problems.push({
        code: 'jinja-unterminated',
        message: `Unterminated ${kind === 'expression' ? '{{' : kind === 'statement' ? '{%' : '{#'} block: expected '${CLOSERS[kind]}'`,
        start: block.start, end: Math.min(block.start + 2, n),
      });
    }
    if (kind === 'statement' && block.tag === 'raw' && block.terminated) {
      const endRaw = /\{%-?\s*endraw\s*-?%\}/g;
      endRaw.lastIndex = block.end;
      const m = endRaw.exec(text);
      const bodyEnd = m ? m.index : n;
      raw.push([block.end, bodyEnd]);
      if (m) {
        const tagStart = text.indexOf('endraw', m.index);
        blocks.push({ kind: 'statement', start: m.index, end: m.index + m[0].length, contentStart: m.index + 2 + (m[0][2] === '-' ? 1 : 0),
          contentEnd: m.index + m[0].length - 2 - (m[0][m[0].length - 3] === '-' ? 1 : 0), trimBefore: m[0][2] === '-',
          trimAfter: m[0][m[0].length - 3] === '-', terminated: true, tag: 'endraw', tagStart });
        i = text.indexOf('{', m.index + m[0].length);
      } else {
        i = -1;
      }
      continue;
    }
    i = block.end >= n ? -1 : text.indexOf('{', block.end);
  }
  checkNesting(text, blocks, problems);
  return { blocks, problems, raw };
}

/** Where the Jinja block opening at `start` ends (past its closer, strings inside skipped): the SQL lexer's Jinja tokens. */
export function jinjaBlockEnd(text: string, start: number): number {
  const next = text[start + 1];
  return next === '#' ? scanComment(text, start).end : scanCode(text, start, next === '{' ? 'expression' : 'statement').end;
}

function scanComment(text: string, start: number): JinjaBlock {
  const close = text.indexOf('#}', start + 2);
  const terminated = close !== -1;
  const end = terminated ? close + 2 : text.length;
  const trimBefore = text[start + 2] === '-';
  const trimAfter = terminated && text[close - 1] === '-';
  return { kind: 'comment', start, end, contentStart: start + 2 + (trimBefore ? 1 : 0), contentEnd: terminated ? close - (trimAfter ? 1 : 0) : end, trimBefore, trimAfter, terminated };
}

function scanCode(text: string, start: number, kind: BlockKind): JinjaBlock {
  const closer = kind === 'expression' ? '}' : '%';
  const n = text.length;
  let j = start + 2;
  let terminated = false;
  let depth = 0;
  while (j < n) {
    const c = text[j];
    if (c === "'" || c === '"') { j = stringEnd(text, j, n); continue; }
    if (c === closer && text[j + 1] === '}' && (kind === 'statement' || depth === 0)) { terminated = true; break; }
    // A new opener outside a string means this block was never closed; resume scanning there.
    if (c === '{' && (text[j + 1] === '%' || text[j + 1] === '#' || text[j + 1] === '{')) break;
    if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    j++;
  }
  // `-` strips the whitespace beside the block; `+` only marks "keep it" (Jinja2's default without lstrip_blocks).
  const openMark = text[start + 2] === '-' || text[start + 2] === '+';
  const closeMark = terminated && (text[j - 1] === '-' || text[j - 1] === '+') && j - 1 > start + 2;
  const trimBefore = text[start + 2] === '-';
  const trimAfter = closeMark && text[j - 1] === '-';
  const contentStart = start + 2 + (openMark ? 1 : 0);
  const contentEnd = terminated ? j - (closeMark ? 1 : 0) : j;
  const block: JinjaBlock = { kind, start, end: terminated ? j + 2 : j, contentStart, contentEnd, trimBefore, trimAfter, terminated };
  if (kind === 'statement') {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(contentStart, Math.min(contentEnd, contentStart + 200)));
    if (m) {
      block.tag = m[1];
      block.tagStart = contentStart + m[0].length - m[1].length;
    }
  }
  return block;
}

/** Whether a `set` tag's content opens a block (`set x`, `set x | upper`), not an assignment (`set x = v`). */
export function isBlockSet(content: string): boolean {
  const pipe = content.indexOf('|');
  return !(pipe < 0 ? content : content.slice(0, pipe)).includes('=');
}

function checkNesting(text: string, blocks: JinjaBlock[], problems: JinjaProblem[]): void {
  const stack: JinjaBlock[] = [];
  const tagRange = (b: JinjaBlock) => ({ start: b.tagStart ?? b.start, end: (b.tagStart ?? b.start) + (b.tag?.length ?? 2) });
  for (const b of blocks) {
    if (b.kind !== 'statement' || !b.tag || !b.terminated) continue;
    const tag = b.tag;
    if (BODY_TAGS.has(tag)) {
      if (tag === 'set' && !isBlockSet(text.slice(b.contentStart, b.contentEnd))) continue;
      stack.push(b);
    } else if (MIDDLE_TAGS[tag]) {
      const top = stack[stack.length - 1];
      if (!top || !MIDDLE_TAGS[tag].includes(top.tag!)) {
        problems.push({ code: 'jinja-unexpected-tag', message: `'${tag}' outside of ${MIDDLE_TAGS[tag].map((t) => `{% ${t} %}`).join(' or ')}`, ...tagRange(b) });
      }
    } else if (tag.startsWith('end')) {
      const opener = tag.slice(3);
      const idx = findLastIndex(stack, (s) => s.tag === opener);
      if (idx === -1) {
        problems.push({ code: 'jinja-unexpected-tag', message: `'${tag}' has no matching {% ${opener} %}`, ...tagRange(b), ...(stack.length ? {} : { orphanEnd: true }) });
        continue;
      }
      for (const unclosed of stack.splice(idx).slice(1)) {
        problems.push({ code: 'jinja-unclosed-tag', message: `'${unclosed.tag}' block is not closed before '${tag}' (missing {% end${unclosed.tag} %})`, ...tagRange(unclosed) });
      }
    }
  }
  for (const unclosed of stack) {
    problems.push({ code: 'jinja-unclosed-tag', message: `'${unclosed.tag}' block is never closed (missing {% end${unclosed.tag} %})`, ...tagRange(unclosed) });
  }
}

function findLastIndex<T>(items: T[], pred: (t: T) => boolean): number {
  for (let k = items.length - 1; k >= 0; k--) if (pred(items[k])) return k;
  return -1;
}

/** Whether `offset` lies inside a comment block (so nothing there is code). */
export function blockAt(scan: ScannedTemplate, offset: number): JinjaBlock | undefined {
  let lo = 0;
  let hi = scan.blocks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = scan.blocks[mid];
    if (offset < b.start) hi = mid - 1;
    else if (offset > b.end || (offset === b.end && b.terminated)) lo = mid + 1;
    else return b;
  }
  return undefined;
}
