// dbt's Jinja2 syntax that nunjucks' parser lacks, rewritten block by block before nunjucks sees it:
// trailing commas, adjacent string literals ("a" "b"), `f(*args, **kwargs)`, `{% set ns.attr = v %}`, `{% test %}`
// blocks (dbt compiles them as `test_<name>` macros), `{% snapshot %}` (its body is the SQL) and `{% materialization %}`
// blocks (adapter code Floe never runs). Offsets of everything outside a block are kept.
import { tokenize, type Token } from './tokens';
import { isBlockSet, scanTemplate, type JinjaBlock, type ScannedTemplate } from './scanner';

/** What a rewrite of one file carries from block to block: the targets of open `{% set %}` blocks. */
export interface RewriteState {
  setTargets: Array<[string, string] | undefined>;
}

export const newRewriteState = (): RewriteState => ({ setTargets: [] });

/**
 * The text of one block as nunjucks should read it; pass one state through a file's blocks, in order. With `literal`,
 * each string literal without escapes is replaced by the name it returns for the string.
 */
export function rewriteBlock(text: string, block: JinjaBlock, state: RewriteState = newRewriteState(), literal?: (value: string) => string): string {
  const original = text.slice(block.start, block.end);
  if (block.kind === 'comment') return original;
  // `{%+ ... +%}` (keep whitespace) is Jinja2's default here, and nunjucks has no `+`. nunjucks finds a raw block's end
  // only without `-` (`{%- endraw -%}`): its trimming is done on the text beside it (render.ts, toNunjucksSource).
  const head = text.slice(block.start, block.contentStart).replace(block.tag === 'endraw' ? /[+-]/ : '+', ' ');
  const tail = text.slice(block.contentEnd, block.end).replace(block.tag === 'endraw' ? /[+-]/ : '+', ' ');
  let content = rewriteTokens(text, block.contentStart, block.contentEnd, literal);
  if (block.kind === 'statement') {
    if (block.tag === 'test') content = content.replace(/^(\s*)test(\s+)/, '$1macro$2test_');
    else if (block.tag === 'endtest') content = content.replace(/endtest/, 'endmacro');
    else if (block.tag === 'snapshot') content = ' if true ';
    else if (block.tag === 'endsnapshot') content = ' endif ';
    else if (block.tag === 'set') {
      const capture = /^\s*set\s+([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*$/.exec(content);
      if (capture) {
        // `{% set ns.x %}…{% endset %}`: capture into a plain name, then set the attribute at the end.
        state.setTargets.push([capture[1], capture[2]]);
        content = ' set __floe_captured ';
      } else {
        if (isBlockSet(content)) state.setTargets.push(undefined);
        content = setAttribute(content) ?? content;
      }
    } else if (block.tag === 'endset') {
      const target = state.setTargets.pop();
      if (target) return `${head}${content}${tail}{% do __floe_setattr(${target[0]}, '${target[1]}', __floe_captured) %}`;
    }
  }
  return head + content + tail;
}

/** A whole file (macros, generic tests) as nunjucks should read it. */
export function toNunjucksSource(text: string, scan: ScannedTemplate = scanTemplate(text)): string {
  const out: string[] = [];
  const state = newRewriteState();
  let pos = 0;
  let skipUntil: string | undefined;
  let prev: JinjaBlock | undefined;
  for (const block of scan.blocks) {
    if (skipUntil) {
      if (block.kind === 'statement' && block.tag === skipUntil) { skipUntil = undefined; pos = block.end; }
      continue;
    }
    out.push(rawText(text, pos, block, prev));
    prev = block;
    if (block.kind === 'statement' && block.tag === 'materialization') {
      skipUntil = 'endmaterialization';
      pos = block.end;
      continue;
    }
    out.push(rewriteBlock(text, block, state));
    pos = block.end;
  }
  if (!skipUntil) out.push(rawText(text, pos, undefined, prev));
  return out.join('');
}

/** The text from `pos` to `block` (or the end): trimmed by the `-` of a raw block's tags, which nunjucks' raw ignores. */
function rawText(text: string, pos: number, block: JinjaBlock | undefined, prev: JinjaBlock | undefined): string {
  const chunk = text.slice(pos, block?.start);
  const start = (prev?.tag === 'raw' || prev?.tag === 'endraw') && prev.trimAfter ? chunk.trimStart() : chunk;
  return block?.tag === 'endraw' && block.trimBefore ? start.trimEnd() : start;
}

/**
 * Token-level rewrites, right to left so earlier offsets hold: a trailing comma (`f(a,)`, `[a,]`, `{k: v,}`) becomes a
 * space; adjacent string literals are joined with `~`; `*x` / `**x` in a call's arguments become splat markers.
 */
function rewriteTokens(text: string, start: number, end: number, literal?: (value: string) => string): string {
  const all = tokenize(text, start, end);
  let content = text.slice(start, end);
  const replace = (from: number, to: number, by: string) => { content = content.slice(0, from - start) + by + content.slice(to - start); };
  // Jinja2's lexer skips any Unicode space between tokens (`\s` in Python); nunjucks only ASCII ones.
  const isSpace = (t: Token) => t.type === 'unknown' && /^\s$/.test(t.value);
  for (const t of all) if (isSpace(t)) replace(t.start, t.end, ' ');
  const tokens = all.length && all.some(isSpace) ? all.filter((t) => !isSpace(t)) : all;
  for (let k = tokens.length - 1; k >= 0; k--) {
    const t = tokens[k];
    const next = tokens[k + 1]?.type === 'op' ? tokens[k + 1].value : undefined;
    const prev = tokens[k - 1]?.type === 'op' ? tokens[k - 1].value : undefined;
    // A tuple's parentheses (not a call's) with one trailing comma or nothing inside, `(x,)` and `()`: nunjucks has no
    // such literal; a list made a tuple (pyTuple.ts).
    if (t.type === 'op' && ((t.value === ',' && next === ')') || (t.value === '(' && next === ')')) && isTupleOpen(tokens, t.value === '(' ? k : openingParen(tokens, k))) {
      const open = t.value === '(' ? t : tokens[openingParen(tokens, k)];
      replace(tokens[k + 1].start, tokens[k + 1].end, '])');
      if (t.value === ',') replace(t.start, t.end, ' ');
      replace(open.start, open.end, '__floe_tuple([');
    }
    else if (t.type === 'op' && t.value === ',' && (next === ')' || next === ']' || next === '}')) replace(t.start, t.end, ' ');
    // `{'a': {}}` inside a tag: nunjucks' lexer would read `}}` as the end of an expression.
    else if (t.type === 'op' && t.value === '}' && tokens[k + 1]?.value === '}' && tokens[k + 1].start === t.end) replace(t.end, t.end, ' ');
    // `pair.0` is Jinja's `pair[0]`.
    else if (t.type === 'number' && /^\d+$/.test(t.value) && prev === '.' && tokens[k - 2] && (tokens[k - 2].type === 'name' || tokens[k - 2].value === ']' || tokens[k - 2].value === ')')) {
      replace(tokens[k - 1].start, t.end, `[${t.value}]`);
    }
    else if (t.type === 'string' && tokens[k + 1]?.type === 'string') replace(t.end, tokens[k + 1].start, ' ~ ');
    else if ((t.value === '*' || t.value === '**') && (prev === '(' || prev === ',') && tokens[k + 1]?.type === 'name') {
      let last = k + 1;
      while (tokens[last + 1]?.value === '.' && tokens[last + 2]?.type === 'name') last += 2;
      replace(tokens[last].end, tokens[last].end, ')');
      replace(t.start, t.end, t.value === '**' ? '__floe_kwsplat(' : '__floe_splat(');
    }
    // Last for this token (the rules above change only what lies after it or keep lengths): a literal with escapes as
    // nunjucks must read it, or a literal without as its name.
    if (t.type === 'string' && !t.unterminated && text.slice(t.start, t.end).includes('\\')) {
      const raw = text.slice(t.start, t.end);
      const read = asNunjucksString(raw);
      if (read !== raw) replace(t.start, t.end, read);
    }
    if (literal && t.type === 'string' && !t.unterminated && !text.slice(t.start, t.end).includes('\\')) replace(t.start, t.end, literal(t.value));
  }
  return content;
}

/**
 * A Python string literal (quotes included) as nunjucks' lexer must see it to read the same text. nunjucks knows only
 * `\n`, `\t` and `\r` and drops the backslash of any other escape. So: a backslash at a line's end (a continuation)
 * goes; an escape Python reads as a character (`\x01`, `\u00a0`, `\0`, `\b`) becomes the character; an escape
 * Python does not know keeps its backslash (`'\s'` in a regex), written `\\`.
 */
function asNunjucksString(raw: string): string {
  const quote = raw[0];
  const body = raw.slice(1, -1).replace(/\\(?:(\r?\n)|([abfv])|([0-7]{1,3})|x([\da-fA-F]{2})|u([\da-fA-F]{4})|U([\da-fA-F]{8})|([\s\S]))/g,
    (whole, continuation, simple, octal, x, u, bigU, other) => {
      if (continuation) return '';
      if (other !== undefined) return /[\\'"ntr\r\n]/.test(other) || other === 'N' ? whole : `\\\\${other}`;
      const code = simple ? SIMPLE_ESCAPES[simple] : octal ? parseInt(octal, 8) : parseInt(x ?? u ?? bigU, 16);
      if (code > 0x10ffff) return whole;
      const ch = String.fromCodePoint(code);
      return ch === quote || ch === '\\' ? `\\${ch}` : ch;
    });
  return quote + body + quote;
}

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, v: 11 };

/** The index of the `(` that the `)` after token `k` closes (-1 when unbalanced). */
function openingParen(tokens: Token[], k: number): number {
  let depth = 0;
  for (let j = k; j >= 0; j--) {
    const v = tokens[j].type === 'op' ? tokens[j].value : '';
    if (v === ')' || v === ']' || v === '}') depth++;
    else if (v === '[' || v === '{') depth--;
    else if (v === '(') { if (depth === 0) return j; depth--; }
  }
  return -1;
}

/** Jinja words after which `(` opens a group, not a call's arguments. */
const GROUP_AFTER = new Set(['in', 'not', 'and', 'or', 'if', 'else', 'elif', 'is']);

/** Whether the `(` at `j` opens a parenthesised expression: nothing callable (a name, `)` or `]`) comes before it. */
function isTupleOpen(tokens: Token[], j: number): boolean {
  if (j < 0) return false;
  const before = tokens[j - 1];
  if (!before) return true;
  if (before.type === 'name') return GROUP_AFTER.has(before.value);
  return !(before.type === 'op' && (before.value === ')' || before.value === ']')) && before.type !== 'string';
}

/**
 * `set ns.x = v` → `do __floe_setattr(ns, 'x', v)` (nunjucks only sets plain names); `set l = l.append(v)` → `do
 * l.append(v)`: in Jinja2 the loop-scoped None it assigns never reaches the next iteration, in nunjucks it would.
 */
function setAttribute(content: string): string | undefined {
  const self = /^(\s*)set\s+([A-Za-z_]\w*)\s*=\s*\2\.(append|extend|update|insert)\(/.exec(content);
  if (self) return `${self[1]}do ${self[2]}.${self[3]}(${content.slice(self[0].length)}`;
  const m = /^(\s*)set\s+([A-Za-z_]\w*)\.([A-Za-z_]\w*)\s*=(?!=)([\s\S]*)$/.exec(content);
  if (!m) return undefined;
  return `${m[1]}do __floe_setattr(${m[2]}, '${m[3]}', ${m[4].trim()}) `;
}
