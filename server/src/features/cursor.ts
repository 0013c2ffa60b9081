// What the cursor is on in a model file: a string argument of ref/source/var/config, a config key,
// a Jinja name, a Jinja call, or SQL text (then columns and relations in scope apply).
import { blockAt } from '../jinja/scanner';
import { tokenize, type Token } from '../jinja/tokens';
import { analyzeMacroFile, analyzeModelFile, type ModelFileAnalysis } from '../project/modelFile';
import type { FileEntry } from '../project/project';
import type { JinjaCall } from '../jinja/calls';

export type CursorContext =
  | { kind: 'string-arg'; call: string; index: number; keyword?: string; previousArgs: string[]; valueStart: number; partial: string }
  | { kind: 'config-key'; partial: string; partialStart: number }
  | { kind: 'jinja-name'; partial: string; partialStart: number }
  /** After `name.` in Jinja: `dbt_utils.` names a package's macros. */
  | { kind: 'jinja-member'; object: string; partial: string; partialStart: number }
  | { kind: 'jinja-comment' }
  | { kind: 'sql' };

export function cursorContext(a: ModelFileAnalysis, offset: number): CursorContext {
  const block = blockAt(a.scan, offset);
  if (!block || offset <= block.start + 1 || (block.terminated && offset >= block.end - 1)) return { kind: 'sql' };
  if (block.kind === 'comment') return { kind: 'jinja-comment' };
  const tokens = tokenize(a.text, block.contentStart, Math.min(offset, block.contentEnd));
  const last = tokens[tokens.length - 1];
  const inString = last?.type === 'string' && (last.unterminated || last.end > offset);
  // Find the innermost open call before the cursor.
  let depth = 0;
  let argIndex = 0;
  let keyword: string | undefined;
  const previousArgs: string[] = [];
  let call: string | undefined;
  const end = inString ? tokens.length - 1 : tokens.length;
  for (let k = end - 1; k >= 0; k--) {
    const t = tokens[k];
    if (t.type === 'op' && (t.value === ')' || t.value === ']' || t.value === '}')) depth++;
    else if (t.type === 'op' && (t.value === '(' || t.value === '[' || t.value === '{')) {
      if (depth === 0) {
        if (t.value === '(' && tokens[k - 1]?.type === 'name') call = calleeName(tokens, k - 1);
        collectArgs(tokens, k + 1, end, previousArgs);
        break;
      }
      depth--;
    } else if (depth === 0 && t.value === ',') argIndex++;
    else if (depth === 0 && t.value === '=' && tokens[k - 1]?.type === 'name' && !keyword && k === end - 1) keyword = tokens[k - 1].value;
  }
  if (inString) {
    // keyword of the string argument: `key='...`
    const kw = tokens[end - 1]?.value === '=' && tokens[end - 2]?.type === 'name' ? tokens[end - 2].value : undefined;
    return { kind: 'string-arg', call: call ?? '', index: argIndex, keyword: kw, previousArgs, valueStart: last.start + 1, partial: a.text.slice(last.start + 1, offset) };
  }
  const partialToken = last && last.type === 'name' && last.end === offset ? last : undefined;
  const partial = partialToken?.value ?? '';
  const partialStart = partialToken?.start ?? offset;
  const before = partialToken ? tokens[tokens.length - 2] : last;
  if (call === 'config' && (before?.value === '(' || before?.value === ',')) return { kind: 'config-key', partial, partialStart };
  if (before?.value === '.') {
    const object = tokens[tokens.indexOf(before) - 1];
    return object?.type === 'name' && tokens[tokens.indexOf(before) - 2]?.value !== '.' ? { kind: 'jinja-member', object: object.value, partial, partialStart } : { kind: 'sql' };
  }
  return { kind: 'jinja-name', partial, partialStart };
}

function calleeName(tokens: Token[], k: number): string {
  if (tokens[k - 1]?.value === '.' && tokens[k - 2]?.type === 'name') return `${tokens[k - 2].value}.${tokens[k].value}`;
  return tokens[k].value;
}

function collectArgs(tokens: Token[], from: number, to: number, out: string[]): void {
  for (let k = from; k < to; k++) if (tokens[k].type === 'string' && (tokens[k + 1]?.value === ',')) out.push(tokens[k].value);
}

/** The ref/source call whose span contains `offset`. */
export function callAt(a: ModelFileAnalysis, offset: number): JinjaCall | undefined {
  let best: JinjaCall | undefined;
  for (const c of a.calls.filter((x) => x.nameStart <= offset && offset <= x.end)) if (c.nameStart <= offset && offset <= c.end && (!best || c.nameStart >= best.nameStart)) best = c;
  return best;
}

/** The identifier (possibly `a.b`) around offset in plain text. */
export function wordAt(text: string, offset: number): { word: string; qualifier?: string; start: number; end: number } | undefined {
  const isPart = (c: string | undefined) => !!c && /[A-Za-z0-9_$]/.test(c);
  let s = offset;
  let e = offset;
  while (s > 0 && isPart(text[s - 1])) s--;
  while (e < text.length && isPart(text[e])) e++;
  if (s === e) return undefined;
  let qualifier: string | undefined;
  if (text[s - 1] === '.') {
    let q = s - 1;
    while (q > 0 && isPart(text[q - 1])) q--;
    if (q < s - 1) qualifier = text.slice(q, s - 1);
  }
  return { word: text.slice(s, e), qualifier, start: s, end: e };
}

/**
 * The template in a string literal of a Jinja block under `offset` (a hook: `pre_hook="{{ my_macro(this) }}"`, which
 * dbt renders in turn), analyzed on its own; `base` is where its text starts in the file.
 */
export function nestedTemplateAt(a: ModelFileAnalysis, offset: number): { analysis: ModelFileAnalysis; base: number } | undefined {
  const block = blockAt(a.scan, offset);
  // no `{{`/`{%` inside the block, no template in its strings: spares tokenizing the block (a request's hot path)
  if (!block || block.kind === 'comment' || !/\{[{%]/.test(a.text.slice(block.contentStart, block.contentEnd))) return undefined;
  const s = tokenize(a.text, block.contentStart, block.contentEnd).find((t) => t.type === 'string' && t.start < offset && offset < t.end);
  if (!s) return undefined;
  const inner = a.text.slice(s.start + 1, s.unterminated ? s.end : s.end - 1);
  return /\{[{%]/.test(inner) ? { analysis: analyzeModelFile(inner), base: s.start + 1 } : undefined;
}

/** Every template in a string literal of the file's Jinja blocks (hooks), analyzed, with where each starts. */
export function nestedTemplates(a: ModelFileAnalysis): Array<{ analysis: ModelFileAnalysis; base: number }> {
  const out: Array<{ analysis: ModelFileAnalysis; base: number }> = [];
  for (const block of a.scan.blocks) {
    if (block.kind === 'comment' || !/\{[{%]/.test(a.text.slice(block.contentStart, block.contentEnd))) continue;
    for (const s of tokenize(a.text, block.contentStart, block.contentEnd)) {
      if (s.type !== 'string') continue;
      const inner = a.text.slice(s.start + 1, s.unterminated ? s.end : s.end - 1);
      if (/\{[{%]/.test(inner)) out.push({ analysis: analyzeModelFile(inner), base: s.start + 1 });
    }
  }
  return out;
}

const macroFileAnalyses = new WeakMap<FileEntry, ModelFileAnalysis>();

/** A file's Jinja read as a model's: a model-like file's analysis, or a macro file's (its calls, refs and sources), kept per text. */
export function templateAnalysis(entry: FileEntry | undefined): ModelFileAnalysis | undefined {
  if (!entry || entry.analysis || entry.kind !== 'macro') return entry?.analysis;
  let a = macroFileAnalyses.get(entry);
  if (a?.text !== entry.text) macroFileAnalyses.set(entry, (a = analyzeMacroFile(entry.text)));
  return a;
}
