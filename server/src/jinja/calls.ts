// Static reading of Jinja code: function calls with their arguments and literal values, without rendering.
// Cold indexing resolves every ref/source/config this way; rendering happens only when SQL is needed.
import { tokenize, type Token } from './tokens';
import type { JinjaBlock, ScannedTemplate } from './scanner';
import { markIntegralFloat } from '../project/yamlFloats';

export type Literal = string | number | boolean | null | Literal[] | { [key: string]: Literal };

export interface CallArgument {
  /** The keyword, for name=value arguments. */
  keyword?: string;
  keywordStart?: number;
  /** The literal value, or undefined when the argument is an expression. */
  value?: Literal;
  isLiteral: boolean;
  start: number;
  end: number;
  /** The first token of the value (for string literals: its offsets). */
  valueStart: number;
  valueEnd: number;
}

export interface JinjaCall {
  /** The callee, e.g. `ref`, or `dbt_utils.star` for namespaced calls. */
  name: string;
  namespace?: string;
  nameStart: number;
  nameEnd: number;
  /** Offset of '(' and just past ')' (or the block end when unclosed). */
  openParen: number;
  end: number;
  closed: boolean;
  args: CallArgument[];
  block: JinjaBlock;
}

/** Names bound by the template itself: set/for targets, macro names and parameters, imports. */
export interface TemplateBindings {
  names: Set<string>;
  macros: Array<{ name: string; start: number; end: number; params: string[]; block: JinjaBlock }>;
}

export function findCalls(text: string, scan: ScannedTemplate): JinjaCall[] {
  const calls: JinjaCall[] = [];
  for (const block of scan.blocks) {
    if (block.kind === 'comment') continue;
    // no '(' in the block, no call in it: not tokenized (`{{ this }}`, `{% endif %}`)
    const paren = text.indexOf('(', block.contentStart);
    if (paren === -1 || paren >= block.contentEnd) continue;
    const tokens = tokenize(text, block.contentStart, block.contentEnd);
    collectCalls(tokens, block, calls);
  }
  return calls;
}

/** Words of Jinja's grammar: `and (`, `if (`, `in (` are operators before a parenthesis, not calls. */
const JINJA_KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'elif', 'else', 'for', 'recursive', 'import', 'from', 'as', 'with',
  'without', 'context', 'set', 'do', 'macro', 'call', 'filter', 'test', 'endif', 'endfor', 'true', 'false', 'none', 'True', 'False', 'None']);

function collectCalls(tokens: Token[], block: JinjaBlock, out: JinjaCall[]): void {
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.type !== 'name' || tokens[k + 1]?.value !== '(') continue;
    const prev = tokens[k - 1];
    // A keyword, a statement's tag, a filter (`| replace(`) or a test (`is divisibleby(`) is not a macro call.
    if (JINJA_KEYWORDS.has(t.value) || (k === 0 && block.kind === 'statement') || prev?.value === '|' || prev?.value === 'is') continue;
    // `{% macro name(params) %}` / `{% test name(...) %}` define, not call.
    if (k === 1 && block.kind === 'statement' && (tokens[0].value === 'macro' || tokens[0].value === 'test' || tokens[0].value === 'materialization')) continue;
    let namespace: string | undefined;
    let nameStart = t.start;
    if (prev?.value === '.') {
      const owner = tokens[k - 2];
      if (owner?.type !== 'name' || tokens[k - 3]?.value === '.') continue;
      namespace = owner.value;
      nameStart = owner.start;
    }
    const { args, end, closed } = readArguments(tokens, k + 1, block);
    out.push({ name: namespace ? `${namespace}.${t.value}` : t.value, namespace, nameStart, nameEnd: t.end, openParen: tokens[k + 1].start, end, closed, args, block });
  }
}

function readArguments(tokens: Token[], open: number, block: JinjaBlock): { args: CallArgument[]; end: number; closed: boolean } {
  const args: CallArgument[] = [];
  let depth = 0;
  let argStart = open + 1;
  for (let k = open + 1; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.type !== 'op') continue;
    const v = t.value;
    if (v === '(' || v === '[' || v === '{') depth++;
    else if (v === ')' || v === ']' || v === '}') {
      if (depth === 0) {
        if (k > argStart) args.push(readArgument(tokens, argStart, k));
        return { args, end: t.end, closed: true };
      }
      depth--;
    } else if (v === ',' && depth === 0) {
      if (k > argStart) args.push(readArgument(tokens, argStart, k));
      argStart = k + 1;
    }
  }
  if (tokens.length > argStart) args.push(readArgument(tokens, argStart, tokens.length));
  return { args, end: block.contentEnd, closed: false };
}

/** The argument made of tokens[from, to) (a range, not a copy: this runs on every call of every file at cold index). */
function readArgument(tokens: Token[], from: number, to: number): CallArgument {
  let valueFrom = from;
  let keyword: string | undefined;
  let keywordStart: number | undefined;
  if (to - from >= 2 && tokens[from].type === 'name' && tokens[from + 1].value === '=') {
    keyword = tokens[from].value;
    keywordStart = tokens[from].start;
    valueFrom = from + 2;
  }
  const parsed = valueFrom < to ? parseLiteral(tokens, valueFrom, to) : undefined;
  const isLiteral = parsed !== undefined && parsed.next === to;
  const first = valueFrom < to ? tokens[valueFrom] : tokens[to - 1];
  return {
    keyword, keywordStart,
    value: isLiteral ? parsed!.value : undefined,
    isLiteral,
    start: tokens[from].start, end: tokens[to - 1].end,
    valueStart: first.start, valueEnd: valueFrom < to ? tokens[to - 1].end : first.end,
  };
}

/**
 * Parses a literal (string, number, bool, none, list, tuple, dict) starting at tokens[k], within tokens[k, end). An
 * integral float inside a list or dict is marked on its container (yamlFloats.ts), as YAML's are: the manifest and
 * `floe ls` write it `1.0`, Jinja reads it as a PyFloat.
 */
const MAX_LITERAL_DEPTH = 200;

/** A number literal's value; undefined for an int past 2**53, which a number would change (a render reads it exactly, pyInt.ts). */
function exactNumber(text: string): number | undefined {
  const clean = text.replace(/_/g, '');
  const n = Number(clean);
  return !Number.isSafeInteger(n) && /^(?:\d+|0x[\da-f]+|0o[0-7]+|0b[01]+)$/i.test(clean) ? undefined : n;
}

function parseLiteral(tokens: Token[], k: number, end: number, depth = 0): { value: Literal; next: number } | undefined {
  // nested deeper than any real literal (a file of 100,000 `(`): no literal, rather than the stack's end
  if (k >= end || depth > MAX_LITERAL_DEPTH) return undefined;
  const t = tokens[k];
  if (t.type === 'string') {
    // Adjacent string literals concatenate, as in Python.
    let value = t.value;
    let j = k + 1;
    while (j < end && tokens[j].type === 'string') value += tokens[j++].value;
    return { value, next: j };
  }
  if (t.type === 'number') { const n = exactNumber(t.value); return n === undefined ? undefined : { value: n, next: k + 1 }; }
  if (t.value === '-' && k + 1 < end && tokens[k + 1].type === 'number') { const n = exactNumber(tokens[k + 1].value); return n === undefined ? undefined : { value: -n, next: k + 2 }; }
  if (t.type === 'name') {
    const v = t.value;
    if (v === 'true' || v === 'True') return { value: true, next: k + 1 };
    if (v === 'false' || v === 'False') return { value: false, next: k + 1 };
    if (v === 'none' || v === 'None') return { value: null, next: k + 1 };
    return undefined;
  }
  const valueAt = (j: number) => (j < end ? tokens[j].value : undefined);
  if (t.value === '[' || t.value === '(') {
    const close = t.value === '[' ? ']' : ')';
    const items: Literal[] = [];
    let j = k + 1;
    while (j < end && tokens[j].value !== close) {
      const item = parseLiteral(tokens, j, end, depth + 1);
      if (!item) return undefined;
      if (isIntegralFloat(tokens, j, item.value)) markIntegralFloat(items, String(items.length));
      items.push(item.value);
      j = item.next;
      if (valueAt(j) === ',') j++;
      else if (valueAt(j) !== close) return undefined;
    }
    return j < end ? { value: items, next: j + 1 } : undefined;
  }
  if (t.value === '{') {
    const obj: Record<string, Literal> = {};
    let j = k + 1;
    while (j < end && tokens[j].value !== '}') {
      const key = parseLiteral(tokens, j, end, depth + 1);
      if (!key || valueAt(key.next) !== ':') return undefined;
      const val = parseLiteral(tokens, key.next + 1, end, depth + 1);
      if (!val) return undefined;
      obj[String(key.value)] = val.value;
      if (isIntegralFloat(tokens, key.next + 1, val.value)) markIntegralFloat(obj, String(key.value));
      j = val.next;
      if (valueAt(j) === ',') j++;
      else if (valueAt(j) !== '}') return undefined;
    }
    return j < end ? { value: obj, next: j + 1 } : undefined;
  }
  return undefined;
}

/**
 * A rendered value as dbt's native rendering reads it (Python's literal_eval): `True`, `None`, `3`, `['a', 'b']`,
 * `{'k': 1}` become values; anything else (`table`, Jinja's lowercase `true`) stays the text. An integral float is a
 * plain number here (`isIntegralFloatText` tells the caller).
 */
export function pythonLiteral(text: string): Literal | string {
  const tokens = tokenize(text, 0, text.length);
  // literal_eval knows Python's names only
  if (!tokens.length || tokens.some((t) => t.type === 'unknown' || t.unterminated || (t.type === 'name' && !PYTHON_NAMES.has(t.value)) || (t.type === 'number' && !isPlainPythonNumber(t.value)))) return text;
  const parsed = parseLiteral(tokens, 0, tokens.length);
  return parsed && parsed.next === tokens.length ? parsed.value : text;
}

const PYTHON_NAMES = new Set(['True', 'False', 'None']);

/**
 * A number literal_eval reads and a JS number holds exactly: not `017` (Python refuses a leading zero; a code like
 * `'0123'` stays text) and no integer past 2^53 (kept as its digits rather than a rounded number).
 */
function isPlainPythonNumber(text: string): boolean {
  const digits = text.replace(/_/g, '');
  if (/^0\d/.test(digits)) return false;
  return !/^\d+$/.test(digits) || Number.isSafeInteger(Number(digits));
}

/** Whether the literal at tokens[j] (a number, or `-` and a number) is an integral float. */
function isIntegralFloat(tokens: Token[], j: number, value: Literal): boolean {
  const t = tokens[j].value === '-' ? tokens[j + 1] : tokens[j];
  // `1.0` and `2e0`, not a hex literal's `e`
  return t.type === 'number' && Number.isInteger(value) && /[.eE]/.test(t.value) && !/^0[xX]/.test(t.value);
}

const BINDING_TAGS = new Set(['set', 'for', 'macro', 'test', 'import', 'from']);

/** Names the template binds itself, so calls to them are not reported as unknown macros. */
export function templateBindings(text: string, scan: ScannedTemplate): TemplateBindings {
  const names = new Set<string>();
  const macros: TemplateBindings['macros'] = [];
  for (const block of scan.blocks) {
    if (block.kind !== 'statement' || !block.tag || !BINDING_TAGS.has(block.tag)) continue;
    const tokens = tokenize(text, block.contentStart, block.contentEnd);
    switch (block.tag) {
      case 'set':
      case 'for':
        for (let k = 1; k < tokens.length && tokens[k].value !== '=' && tokens[k].value !== 'in'; k++) {
          if (tokens[k].type === 'name') names.add(tokens[k].value);
        }
        break;
      case 'macro':
      case 'test': {
        const name = tokens[1];
        if (name?.type !== 'name') break;
        // dbt compiles `{% test x(...) %}` as the macro `test_x`.
        const macroName = block.tag === 'test' ? `test_${name.value}` : name.value;
        names.add(macroName);
        const params: string[] = [];
        let depth = 0;
        for (let k = 2; k < tokens.length; k++) {
          const v = tokens[k].value;
          if (v === '(' || v === '[' || v === '{') depth++;
          else if (v === ')' || v === ']' || v === '}') depth--;
          else if (depth === 1 && tokens[k].type === 'name' && (tokens[k - 1].value === '(' || tokens[k - 1].value === ',')) params.push(v);
        }
        params.forEach((p) => names.add(p));
        macros.push({ name: macroName, start: name.start, end: name.end, params, block });
        break;
      }
      case 'import':
      case 'from':
        for (let k = 1; k < tokens.length; k++) {
          if (tokens[k].type === 'name' && (tokens[k - 1].value === 'as' || tokens[k - 1].value === 'import' || tokens[k - 1].value === ',')) names.add(tokens[k].value);
        }
        break;
    }
  }
  return { names, macros };
}
