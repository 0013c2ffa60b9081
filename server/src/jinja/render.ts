// Renders one template with nunjucks and builds the source map. Before rendering, private-use marker
// characters are put at the start of every text segment and around every {{ }} output; after rendering
// they are read back out, which tells which template text produced each part of the output.
import { isBlockSet, type ScannedTemplate, type JinjaBlock } from './scanner';
import { DbtJinjaEnvironment, firstLine, CompilerError, type RenderHooks } from './environment';
import { SourceMap, type MappedSegment } from './sourceMap';
import { rewriteBlock, newRewriteState, type RewriteState } from './dbtSyntax';
import { explainRenderError } from './renderMessages';

const TEXT_MARK = '\uE000';
const EXPR_MARK = '\uE002';
const MARK_END = '\uE001';
const EXPR_CLOSE = '\uE003';
/** The quick form's text marker: the text itself is not in the template (prepare). */
const TEXT_INLINE = '\uE004';
const ANY_MARK = /[\uE000-\uE003]/g;

export interface RenderProblem {
  code: 'jinja-render' | 'jinja-syntax' | 'python-model' | 'too-large';
  message: string;
  /** Template offsets. */
  start: number;
  end: number;
}

export interface RenderResult {
  sql: string;
  map: SourceMap;
  /** The template read `execute` (before its problem, if any): its SQL is parse-time SQL (introspective macros left parts out). */
  parseTime?: boolean;
  problem?: RenderProblem;
}

interface Piece {
  kind: 'text' | 'expression';
  srcStart: number;
  srcEnd: number;
}

export function renderTemplate(env: DbtJinjaEnvironment, text: string, scan: ScannedTemplate, hooks: RenderHooks): RenderResult {
  // The quick form first: any error renders again in the exact form, whose error positions and messages are the user's.
  // Its marker character must not come from the project's own text.
  if (!env.mayPrint(TEXT_INLINE) && !text.includes(TEXT_INLINE)) {
    const quick = prepare(text, scan, true);
    try {
      return { ...readMarkers(env.renderString(quick.template, hooks, quick.literals), quick.pieces, quick.clean, true), parseTime: env.executeRead };
    } catch {
      // rendered again below
    }
  }
  const { template, pieces, templateToSource, clean } = prepare(text, scan, false);
  let output: string;
  try {
    output = env.renderString(template, hooks);
  } catch (e) {
    const callee = calleeOffset(e, text, scan);
    const at = callee?.start ?? errorOffset(e, template, templateToSource, text);
    const block = at === undefined ? undefined : scan.blocks.find((b) => b.start <= at && at <= b.end && b.kind !== 'comment');
    const start = callee?.start ?? block?.start ?? at ?? 0;
    const end = callee?.end ?? block?.end ?? Math.min(text.length, start + 1);
    const raw = firstLine(e);
    const syntax = !(e instanceof CompilerError) && /unexpected|expected|unknown block tag|parse/i.test(raw);
    const message = explainRenderError(raw);
    return { sql: '', map: new SourceMap([], 0), problem: { code: syntax ? 'jinja-syntax' : 'jinja-render', message, start, end }, parseTime: env.executeRead };
  }
  return { ...readMarkers(output, pieces, clean, false), parseTime: env.executeRead };
}

interface Prepared {
  template: string;
  pieces: Piece[];
  templateToSource: Array<[number, number]>;
  /** The text with marker characters replaced: what text pieces print. */
  clean: string;
  /** The quick form's string literals, by the name that stands for each in the template. */
  literals?: Record<string, string>;
}

/**
 * Inserts the markers and applies whitespace control ourselves so markers never block nunjucks' trimming.
 *
 * The quick form (`quick`) is the one rendered first. Text that goes straight to the output is left out of it, only
 * its marker stays (readMarkers puts the text back), and simple string literals are names given in the render's
 * context: nunjucks lexes, parses and compiles far less, and models that differ only in their text and literals
 * have one template, which the environment compiles once. It prints what the exact form prints; where it could not
 * (text a macro's caller or a filter sees, text before a comment, text nunjucks would reject) the text stays in.
 */
function prepare(text: string, scan: ScannedTemplate, quick: boolean): Prepared {
  const clean = text.replace(ANY_MARK, '\uFFFD');
  const parts: string[] = [];
  const pieces: Piece[] = [];
  const templateToSource: Array<[number, number]> = [];
  let literals: Record<string, string> | undefined;
  let literalCount = 0;
  const literal = (value: string) => {
    literals ??= {};
    const name = `__floe_s${literalCount++}`;
    literals[name] = value;
    return name;
  };
  const rewrite = (block: JinjaBlock) => (quick ? quickRewrite(clean, block, rewriteState, literal) : rewriteBlock(clean, block, rewriteState));
  let length = 0;
  const emit = (s: string, srcAt?: number) => {
    // where the exact form's nunjucks errors point; the quick form's errors are not reported
    if (srcAt !== undefined && !quick) templateToSource.push([length, srcAt]);
    parts.push(s);
    length += s.length;
  };
  const emitText = (from: number, to: number, prev: JinjaBlock | undefined, next: JinjaBlock | undefined) => {
    let a = from;
    let b = to;
    if (prev?.trimAfter) while (a < b && /\s/.test(clean[a])) a++;
    if (next?.trimBefore) while (b > a && /\s/.test(clean[b - 1])) b--;
    if (a >= b) return;
    if (valueDepth > 0) return emit(clean.slice(a, b), a);
    // Before a comment (not in the template) nunjucks may trim the text for the block after it.
    if (quick && captureDepth === 0 && next?.kind !== 'comment' && !clean.slice(a, b).includes('#}')) {
      emit(`${TEXT_INLINE}${pieces.length}${MARK_END}`);
      pieces.push({ kind: 'text', srcStart: a, srcEnd: b });
      return;
    }
    emit(`${TEXT_MARK}${pieces.length}${MARK_END}`);
    pieces.push({ kind: 'text', srcStart: a, srcEnd: b });
    emit(clean.slice(a, b), a);
  };
  let pos = 0;
  let prev: JinjaBlock | undefined;
  // Inside a macro or a `{% set x %}` block the output is a value macros compare, strip and test: no markers there.
  let valueDepth = 0;
  // Inside a `{% call %}` or `{% filter %}` block a macro or a filter sees the text: it stays in the template.
  let captureDepth = 0;
  const rewriteState = newRewriteState();
  for (const block of scan.blocks) {
    emitText(pos, block.start, prev, block);
    if (block.kind === 'statement' && (block.tag === 'endmacro' || block.tag === 'endset')) valueDepth = Math.max(0, valueDepth - 1);
    if (block.kind === 'statement' && (block.tag === 'endcall' || block.tag === 'endfilter')) captureDepth = Math.max(0, captureDepth - 1);
    if (block.kind === 'expression' && valueDepth > 0) {
      emit(rewrite(block), block.start);
    } else if (block.kind === 'expression') {
      emit(`${EXPR_MARK}${pieces.length}${MARK_END}`);
      pieces.push({ kind: 'expression', srcStart: block.start, srcEnd: block.end });
      emit(rewrite(block), block.start);
      emit(EXPR_CLOSE);
    } else if (block.kind === 'statement') {
      emit(rewrite(block), block.start);
      if (block.tag === 'macro' || (block.tag === 'set' && isBlockSet(clean.slice(block.contentStart, block.contentEnd)))) valueDepth++;
      if (block.tag === 'call' || block.tag === 'filter') captureDepth++;
    }
    pos = block.end;
    prev = block;
  }
  emitText(pos, clean.length, prev, undefined);
  return { template: parts.join(''), pieces, templateToSource, clean, literals };
}

/** A block's quick-form rewrite: its text around each literal, and the literals in the order `literal` numbers them. */
interface QuickBlock {
  parts: string[];
  values: string[];
}

/** Quick-form rewrites by block text (blocks recur across models: `{{ config(...) }}`, `{{ ref('x') }}`). */
const quickBlocks = new Map<string, QuickBlock>();
const MAX_QUICK_BLOCKS = 50_000;
/** Where a literal was, in a kept rewrite. */
const LITERAL_SLOT = '\uE005';

/** rewriteBlock with literals named; a block's rewrite is a function of its text, except for `set`, which carries state. */
function quickRewrite(clean: string, block: JinjaBlock, state: RewriteState, literal: (value: string) => string): string {
  const source = clean.slice(block.start, block.end);
  if (block.tag === 'set' || block.tag === 'endset' || source.includes(LITERAL_SLOT)) return rewriteBlock(clean, block, state, literal);
  let kept = quickBlocks.get(source);
  if (!kept) {
    const values: string[] = [];
    const rewritten = rewriteBlock(clean, block, state, (value) => { values.push(value); return LITERAL_SLOT; });
    kept = { parts: rewritten.split(LITERAL_SLOT), values };
    if (quickBlocks.size >= MAX_QUICK_BLOCKS) quickBlocks.clear();
    quickBlocks.set(source, kept);
  }
  const { parts, values } = kept;
  if (values.length === 0) return parts[0];
  // rewriteBlock meets literals right to left: the slot at i from the left is the value named at values.length - 1 - i
  const names = values.map(literal);
  let out = parts[0];
  for (let i = 1; i < parts.length; i++) out += names[values.length - i] + parts[i];
  return out;
}

function readMarkers(output: string, pieces: Piece[], clean: string, quick: boolean): RenderResult {
  const segments: MappedSegment[] = [];
  const stack: Array<{ piece: Piece; offset: number }> = [];
  let current: { piece: Piece; offset: number } | undefined;
  const sql: string[] = [];
  let outLength = 0;
  const open = (piece: Piece | undefined, srcOffset: number) => {
    if (!piece) return;
    segments.push({ outStart: outLength, srcStart: piece.kind === 'text' ? srcOffset : piece.srcStart, srcEnd: piece.srcEnd, kind: piece.kind });
  };
  const print = (from: number, to: number, source: string) => {
    if (to <= from) return;
    sql.push(from === 0 && to === source.length ? source : source.slice(from, to));
    if (current) current.offset += to - from;
    outLength += to - from;
  };
  const lastMark = (quick ? TEXT_INLINE : EXPR_CLOSE).charCodeAt(0);
  const n = output.length;
  let i = 0;
  while (i < n) {
    let chunkEnd = i;
    for (let c = output.charCodeAt(chunkEnd); chunkEnd < n && !(c >= 0xe000 && c <= lastMark); c = output.charCodeAt(++chunkEnd));
    print(i, chunkEnd, output);
    if (chunkEnd === n) break;
    const mark = output[chunkEnd];
    if (mark === EXPR_CLOSE) {
      current = stack.pop();
      if (current) open(current.piece, current.piece.kind === 'text' ? current.piece.srcStart + current.offset : current.piece.srcStart);
      i = chunkEnd + 1;
      continue;
    }
    const close = output.indexOf(MARK_END, chunkEnd);
    const index = Number(output.slice(chunkEnd + 1, close));
    const piece = pieces[index];
    if (mark === EXPR_MARK && current) stack.push(current);
    current = { piece, offset: 0 };
    open(piece, piece?.srcStart ?? 0);
    i = close === -1 ? output.length : close + 1;
    // The quick form's text is not in the output: it is printed here, where its marker came out.
    if (mark === TEXT_INLINE && piece) print(piece.srcStart, piece.srcEnd, clean);
  }
  return { sql: sql.join(''), map: new SourceMap(segments, outLength) };
}

/** Where in the user's text a nunjucks error points, from its "[Line l, Column c]". */
function errorOffset(e: unknown, template: string, templateToSource: Array<[number, number]>, text: string): number | undefined {
  const m = /\[Line (\d+), Column (\d+)\]/.exec(e instanceof Error ? e.message : String(e));
  if (!m) return undefined;
  let line = Number(m[1]) - 1;
  let t = 0;
  while (line > 0 && t !== -1) { t = template.indexOf('\n', t) + 1; line--; if (t === 0) return undefined; }
  t += Math.max(0, Number(m[2]) - 1);
  let best: [number, number] | undefined;
  for (const entry of templateToSource) if (entry[0] <= t) best = entry; else break;
  if (!best) return undefined;
  return Math.min(text.length, best[1] + (t - best[0]));
}

/** nunjucks reports runtime call errors on the wrong line; find the named callee in the template instead. */
function calleeOffset(e: unknown, text: string, scan: ScannedTemplate): { start: number; end: number } | undefined {
  const m = /Unable to call `([A-Za-z_][\w.]*)`/.exec(e instanceof Error ? e.message : String(e));
  if (!m) return undefined;
  const pattern = new RegExp(`\\b${m[1].replace(/\./g, '\\.')}\\s*\\(`);
  for (const b of scan.blocks) {
    if (b.kind === 'comment') continue;
    const hit = pattern.exec(text.slice(b.contentStart, b.contentEnd));
    if (hit) return { start: b.contentStart + hit.index, end: b.contentStart + hit.index + m[1].length };
  }
  return undefined;
}
