// Renders one template with nunjucks and builds the source map. Before rendering, private-use marker
// characters are put at the start of every text segment and around every {{ }} output; after rendering
// they are read back out, which tells which template text produced each part of the output.
import type { ScannedTemplate, JinjaBlock } from './scanner';
import { DbtJinjaEnvironment, firstLine, CompilerError, type RenderHooks } from './environment';
import { SourceMap, type MappedSegment } from './sourceMap';
import { rewriteBlock, newRewriteState } from './dbtSyntax';
import { explainRenderError } from './renderMessages';

const TEXT_MARK = '\uE000';
const EXPR_MARK = '\uE002';
const MARK_END = '\uE001';
const EXPR_CLOSE = '\uE003';
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
  /** The template read `execute`: its SQL is parse-time SQL (introspective macros left parts out). */
  parseTime?: boolean;
  problem?: RenderProblem;
}

interface Piece {
  kind: 'text' | 'expression';
  srcStart: number;
  srcEnd: number;
}

export function renderTemplate(env: DbtJinjaEnvironment, text: string, scan: ScannedTemplate, hooks: RenderHooks): RenderResult {
  const { template, pieces, templateToSource } = prepare(text, scan);
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
    return { sql: '', map: new SourceMap([], 0), problem: { code: syntax ? 'jinja-syntax' : 'jinja-render', message, start, end } };
  }
  return { ...readMarkers(output, pieces), parseTime: env.executeRead };
}

/** Inserts the markers and applies whitespace control ourselves so markers never block nunjucks' trimming. */
function prepare(text: string, scan: ScannedTemplate): { template: string; pieces: Piece[]; templateToSource: Array<[number, number]> } {
  const clean = text.replace(ANY_MARK, '\uFFFD');
  const parts: string[] = [];
  const pieces: Piece[] = [];
  const templateToSource: Array<[number, number]> = [];
  let length = 0;
  const emit = (s: string, srcAt?: number) => {
    if (srcAt !== undefined) templateToSource.push([length, srcAt]);
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
    emit(`${TEXT_MARK}${pieces.length}${MARK_END}`);
    pieces.push({ kind: 'text', srcStart: a, srcEnd: b });
    emit(clean.slice(a, b), a);
  };
  let pos = 0;
  let prev: JinjaBlock | undefined;
  // Inside a macro or a `{% set x %}` block the output is a value macros compare, strip and test: no markers there.
  let valueDepth = 0;
  const rewriteState = newRewriteState();
  for (const block of scan.blocks) {
    emitText(pos, block.start, prev, block);
    if (block.kind === 'statement' && (block.tag === 'endmacro' || block.tag === 'endset')) valueDepth = Math.max(0, valueDepth - 1);
    if (block.kind === 'expression' && valueDepth > 0) {
      emit(rewriteBlock(clean, block, rewriteState), block.start);
    } else if (block.kind === 'expression') {
      emit(`${EXPR_MARK}${pieces.length}${MARK_END}`);
      pieces.push({ kind: 'expression', srcStart: block.start, srcEnd: block.end });
      emit(rewriteBlock(clean, block, rewriteState), block.start);
      emit(EXPR_CLOSE);
    } else if (block.kind === 'statement') {
      emit(rewriteBlock(clean, block, rewriteState), block.start);
      if (block.tag === 'macro' || (block.tag === 'set' && !/=/.test(clean.slice(block.contentStart, block.contentEnd)))) valueDepth++;
    }
    pos = block.end;
    prev = block;
  }
  emitText(pos, clean.length, prev, undefined);
  return { template: parts.join(''), pieces, templateToSource };
}

function readMarkers(output: string, pieces: Piece[]): RenderResult {
  const segments: MappedSegment[] = [];
  const stack: Array<{ piece: Piece; offset: number }> = [];
  let current: { piece: Piece; offset: number } | undefined;
  const sql: string[] = [];
  let outLength = 0;
  let i = 0;
  const open = (piece: Piece | undefined, srcOffset: number) => {
    if (!piece) return;
    segments.push({ outStart: outLength, srcStart: piece.kind === 'text' ? srcOffset : piece.srcStart, srcEnd: piece.srcEnd, kind: piece.kind });
  };
  while (i < output.length) {
    const next = output.slice(i).search(ANY_MARK);
    const chunkEnd = next === -1 ? output.length : i + next;
    if (chunkEnd > i) {
      sql.push(output.slice(i, chunkEnd));
      if (current) current.offset += chunkEnd - i;
      outLength += chunkEnd - i;
    }
    if (next === -1) break;
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
