// Python semantics layered over nunjucks, so dbt's Jinja2 code renders as dbt renders it: tuples, computed dict
// keys, `%` formatting, `+` on lists, Python's string methods, Python's printing of None/True/lists, `return()`
// ending a macro, and `_`-prefixed macros exported.
//
// Why nunjucks and not minijinja-js (evaluated 2026-12-04, see docs/jinja.md): minijinja's values are immutable,
// so `{% do cols.append(c) %}` inside a loop, used throughout dbt packages, cannot work, and a JS callback that
// throws corrupts its WASM environment. nunjucks runs dbt's mutation idioms natively; its gaps are these few
// compiler and runtime points, each patched here once.
import nunjucks from 'nunjucks';
import { datetimeArithmetic } from './pyDatetime';
import { asFloat, floatArithmetic, floatRepr, isFloat, plain, PyFloat } from './pyFloat';
import { copyDictKeys, dictEntries, dictKeyName, dictNames, hasPythonKeys, pythonKey, setDictItem } from './pyDictKeys';
import { isTuple, pyTuple } from './pyTuple';
import { dictViewKind, pyDictView, type DictViewKind } from './pyDictView';
import { rangeRepr } from './pyRange';
import { printf, strFormat, type Printer } from './pyFormat';
import { checkOperands, pyCompare, pyEq } from './pyCompare';
import { intArithmetic } from './pyInt';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const runtime = require('nunjucks/src/runtime');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Compiler } = require('nunjucks/src/compiler');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const nodes = require('nunjucks/src/nodes');

/**
 * Objects used as dict keys (`{ref('m'): 'alias'}`) keep their identity in Python; JS objects turn keys into strings.
 * Relations made during a render are remembered by their text, so `.items()` / `.keys()` give the relation back.
 */
const keyObjects = new Map<string, unknown>();
export function rememberKeyObject(text: string, value: unknown): void {
  keyObjects.set(text, value);
}
export function forgetKeyObjects(): void {
  keyObjects.clear();
}
const keyOf = (k: string) => keyObjects.get(k) ?? k;

/** A dict's keys as Python has them: in insertion order, non-string keys and relations used as keys as themselves. */
export function pyKeys(dict: Record<string, unknown>): unknown[] {
  const names = dictNames(dict).filter((k) => k !== '__keywords');
  if (keyObjects.size === 0 && !hasPythonKeys(dict)) return names;
  return names.map((k) => { const py = pythonKey(dict, k); return py === k ? keyOf(k) : py; });
}

/** What `for` iterates: a dict's keys (nunjucks iterated nothing), or its [key, value] pairs for `for k, v in d`. */
function pyIter(v: unknown, targets: number): unknown {
  if (!isPlainObject(v)) return v;
  if (targets === 1) return pyKeys(v);
  return dictNames(v).filter((k) => k !== '__keywords').map((k) => [k, v[k]]);
}

/** Jinja2's Namespace: an object of attributes only (`ns.items` is the value set), printed `<Namespace {...}>`. */
export class PyNamespace {
  toString(): string {
    return `<Namespace {${Object.entries(this).map(([k, v]) => `'${k}': ${pyRepr(v)}`).join(', ')}}>`;
  }
}

/** Thrown by dbt's `return(value)`; the enclosing macro's call evaluates to `value`. */
export class MacroReturn {
  constructor(readonly value: unknown) {}
}

let installed = false;

export function installPythonCompat(): void {
  if (installed) return;
  installed = true;
  nunjucks.installJinjaCompat();
  patchCompiler();
  patchRuntime();
  patchTransformer();
  patchParser();
  patchLexer();
}

/** Jinja2's number literals where nunjucks' differ: an exponent (`1e3`, `2.5E-3`), `_` between digits, 0b/0o/0x. */
const JINJA_NUMBER = /^(?:(?<float>(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+))|(?<int>0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*))(?![\w.])/;

/**
 * Number literals as Jinja2 reads them: nunjucks read `1e3` and `1_000` as names (undefined, printing nothing),
 * `2E-3` as `2E` minus 3 (nan) and `1.5e3` not at all. Those (the rest read alike) become nunjucks' decimal tokens.
 */
function patchLexer(): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const lexer = require('nunjucks/src/lexer');
  const proto = Object.getPrototypeOf(lexer.lex(''));
  const nextToken = proto.nextToken;
  proto.nextToken = function (this: any) {
    if (this.in_code && /\d/.test(this.current()) && this.previous() !== '.') {
      const m = JINJA_NUMBER.exec(this.currentStr());
      if (m && /[eE_]|^0[bBoOxX]/.test(m[0])) {
        const { lineno, colno } = this;
        this.forwardN(m[0].length);
        const text = m[0].replace(/_/g, '');
        if (m.groups!.float !== undefined) return { type: lexer.TOKEN_FLOAT, value: String(Number(text)), lineno, colno };
        return { type: lexer.TOKEN_INT, value: BigInt(`${text.slice(0, 2).toLowerCase()}${text.slice(2)}`).toString(), lineno, colno };
      }
    }
    return nextToken.call(this);
  };
}

/**
 * A dict key is any expression (`{col.name | lower: v}`, `{'a' ~ b: v}`); nunjucks read only a primary there.
 * An inline if's `else` is itself a conditional expression (`a if x else b if y else c`), as in Jinja2's grammar.
 */
function patchParser(): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { Parser } = require('nunjucks/src/parser');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const lexer = require('nunjucks/src/lexer');
  // A test's one argument may follow its name without parentheses, as Jinja2 parses it: `x is in seq`,
  // `n is divisibleby 3`, `a is sameas false`. nunjucks read the name and the argument as one expression and failed.
  const BARE_ARG = new Set([lexer.TOKEN_STRING, lexer.TOKEN_INT, lexer.TOKEN_FLOAT, lexer.TOKEN_BOOLEAN, lexer.TOKEN_NONE, lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY]);
  const NOT_AN_ARG = new Set(['and', 'or', 'else', 'if', 'is', 'not', 'in']);
  // An integral float literal (`1.0`) stays a float, as Python's: nunjucks read it as the number 1, printed `1`.
  const parsePrimary = Parser.prototype.parsePrimary;
  Parser.prototype.parsePrimary = function (this: any, noPostfix?: boolean) {
    const tok = this.peekToken();
    // An int literal past 2**53 is a bigint (pyInt.ts): JavaScript's number would print other digits.
    if (tok?.type === lexer.TOKEN_INT && tok.value.length > 15 && !Number.isSafeInteger(Number(tok.value))) {
      this.nextToken();
      const node = new nodes.Literal(tok.lineno, tok.colno, BigInt(tok.value));
      return noPostfix ? node : this.parsePostfix(node);
    }
    if (tok?.type !== lexer.TOKEN_FLOAT) return parsePrimary.call(this, noPostfix);
    const node = parsePrimary.call(this, true);
    if (node instanceof nodes.Literal && Number.isInteger(node.value)) node.value = new PyFloat(node.value);
    return noPostfix ? node : this.parsePostfix(node);
  };
  // A test binds as a filter does, as in Jinja2's grammar (parse_filter_expr): `a == b is none` is `a == (b is none)`
  // and `2 ** 64 is number` is `2 ** (64 is number)`; nunjucks read `is` below the comparisons, over the whole operand.
  const parseTest = (parser: any, left: any) => {
    const not = parser.skipSymbol('not');
    let test;
    const name = parser.peekToken();
    if (name && name.type === lexer.TOKEN_SYMBOL) {
      parser.nextToken();
      test = new nodes.Symbol(name.lineno, name.colno, name.value);
      const after = parser.peekToken();
      if (after && after.type === lexer.TOKEN_LEFT_PAREN) {
        test = new nodes.FunCall(name.lineno, name.colno, test, parser.parseSignature());
      } else if (after && (BARE_ARG.has(after.type) || (after.type === lexer.TOKEN_SYMBOL && !NOT_AN_ARG.has(after.value)))) {
        test = new nodes.FunCall(name.lineno, name.colno, test, new nodes.NodeList(name.lineno, name.colno, [parser.parsePostfix(parser.parsePrimary())]));
      }
    } else {
      // `is none`, `is true`: a literal's token
      test = parser.parsePrimary(true);
    }
    const node = new nodes.Is(left.lineno, left.colno, left, test);
    return not ? new nodes.Not(node.lineno, node.colno, node) : node;
  };
  Parser.prototype.parseFilter = function (this: any, node: any) {
    for (;;) {
      if (this.skip(lexer.TOKEN_PIPE)) {
        const name = this.parseFilterName();
        node = new nodes.Filter(name.lineno, name.colno, name, new nodes.NodeList(name.lineno, name.colno, [node, ...this.parseFilterArgs(node)]));
      } else if (this.skipSymbol('is')) {
        node = parseTest(this, node);
      } else {
        return node;
      }
    }
  };
  Parser.prototype.parseIs = function (this: any) {
    return this.parseCompare();
  };
  Parser.prototype.parseInlineIf = function (this: any) {
    let node = this.parseOr();
    while (this.skipSymbol('if')) {
      const body = node;
      node = new nodes.InlineIf(body.lineno, body.colno);
      node.body = body;
      node.cond = this.parseOr();
      node.else_ = this.skipSymbol('else') ? this.parseInlineIf() : null;
    }
    return node;
  };
  const parseAggregate = Parser.prototype.parseAggregate;
  Parser.prototype.parseAggregate = function (this: any) {
    if (this.peekToken().type !== lexer.TOKEN_LEFT_CURLY) return parseAggregate.call(this);
    const open = this.nextToken();
    const dict = new nodes.Dict(open.lineno, open.colno);
    for (;;) {
      if (this.skip(lexer.TOKEN_RIGHT_CURLY)) return dict;
      if (dict.children.length > 0 && !this.skip(lexer.TOKEN_COMMA)) this.fail('expected a comma between dict items', open.lineno, open.colno);
      if (this.skip(lexer.TOKEN_RIGHT_CURLY)) return dict;
      const key = this.parseExpression();
      if (!this.skip(lexer.TOKEN_COLON)) this.fail('expected a colon after a dict key', open.lineno, open.colno);
      const value = this.parseExpression();
      dict.addChild(new nodes.Pair(key.lineno, key.colno, key, value));
    }
  };
  // `a if x else b if y else c`: Jinja2 reads the else branch as a conditional expression again; nunjucks stopped at
  // the second `if` (tuva's and dbt_project_evaluator's vars: "{{ 9 if ... else 4 if ... else -1 }}").
  Parser.prototype.parseInlineIf = function (this: any) {
    const node = this.parseOr();
    if (!this.skipSymbol('if')) return node;
    const cond = this.parseOr();
    const otherwise = this.skipSymbol('else') ? this.parseInlineIf() : null;
    return new nodes.InlineIf(node.lineno, node.colno, cond, node, otherwise);
  };
  // `{% for x in seq if cond %}` filters the items, and `loop` counts only those kept (spellbook's `if not loop.last
  // %} union all`). nunjucks read `seq if cond` as an inline if without else, which kept every item.
  const parseFor = Parser.prototype.parseFor;
  Parser.prototype.parseFor = function (this: any) {
    const node = parseFor.call(this);
    if (!(node instanceof nodes.For) || !(node.arr instanceof nodes.InlineIf) || node.arr.else_ !== null) return node;
    return filteredFor(node, node.arr.body, node.arr.cond);
  };
  patchOperatorLevels(Parser, lexer);
  patchStatements(Parser, lexer);
  patchRecursiveLoops(Parser);
}

/** A recursive loop (compilePyRecursiveFor): its name, the caller that runs one level, and the sequence of the first. */
const PyRecursiveFor = nodes.Node.extend('PyRecursiveFor', { fields: ['name', 'caller', 'seq'] });
let recursiveLoops = 0;

/** `{% for x in seq recursive %}`, which nunjucks did not parse: the `recursive` word is read before the block's end. */
function patchRecursiveLoops(Parser: any): void {
  const parseFor = Parser.prototype.parseFor;
  Parser.prototype.parseFor = function (this: any) {
    let recursive = false;
    // the `for` tag's own end is the first block end parsed; the body's tags end with the prototype's method again
    this.advanceAfterBlockEnd = function (this: any, name?: string) {
      delete this.advanceAfterBlockEnd;
      if (this.skipSymbol('recursive')) recursive = true;
      return this.advanceAfterBlockEnd(name);
    };
    let node;
    try {
      node = parseFor.call(this);
    } finally {
      delete this.advanceAfterBlockEnd;
    }
    if (!recursive) return node;
    if (!(node instanceof nodes.For)) this.fail('a recursive loop with an if filter is not supported; filter the sequence first', node.lineno, node.colno);
    return recursiveFor(node);
  };
}

/** The loop as a caller of (__floe_seq, __floe_depth) whose body's `loop(x)` calls it again with x at depth + 1. */
function recursiveFor(loop: any): any {
  const at = (Kind: any, ...a: unknown[]) => new Kind(loop.lineno, loop.colno, ...a);
  const name = `__floe_loop_${recursiveLoops++}`;
  const deeper = () => at(nodes.Add, at(nodes.Symbol, '__floe_depth'), at(nodes.Literal, 1));
  // `loop(...)` of this loop: not inside a loop or macro of the body, where `loop` is another's or none
  const callsAgain = (node: any): any => {
    if (!(node instanceof nodes.Node) || node instanceof nodes.For || node instanceof nodes.Macro) return node;
    for (const field of (node as any).fields ?? []) {
      const v = node[field];
      node[field] = Array.isArray(v) ? v.map(callsAgain) : callsAgain(v);
    }
    if (node instanceof nodes.FunCall && node.name instanceof nodes.Symbol && node.name.value === 'loop') {
      return at(nodes.FunCall, at(nodes.Symbol, name), at(nodes.NodeList, [...node.args.children, deeper()]));
    }
    return node;
  };
  const level = at(nodes.For, at(nodes.Symbol, '__floe_seq'), loop.name, callsAgain(loop.body), loop.else_ && callsAgain(loop.else_));
  level.pyDepth = 'l___floe_depth';
  const caller = at(nodes.Caller, at(nodes.Symbol, name), at(nodes.NodeList, [at(nodes.Symbol, '__floe_seq'), at(nodes.Symbol, '__floe_depth')]), at(nodes.NodeList, [level]));
  return new PyRecursiveFor(loop.lineno, loop.colno, name, caller, loop.arr);
}

/**
 * Jinja2's binary operators, loosest first: `+ -`, then `~`, then `* / // %` (one level, left to right), then `**`.
 * nunjucks put `~` below `+` (`'x' ~ 1 + 2` gave 'x3', Jinja2 raises) and gave each of `*`, `/`, `//` and `%` a level
 * of its own (`3 * 10 % 7` was 3 * (10 % 7) = 9, Jinja2's is 2). parseCompare reads its operands with parseConcat.
 */
function patchOperatorLevels(Parser: any, lexer: any): void {
  const level = (ops: Record<string, any>, next: string) => function (this: any) {
    let node = this[next]();
    for (;;) {
      const tok = this.peekToken();
      const Kind = tok && tok.type === lexer.TOKEN_OPERATOR ? ops[tok.value] : undefined;
      if (!Kind) return node;
      this.nextToken();
      node = new Kind(node.lineno, node.colno, node, this[next]());
    }
  };
  Parser.prototype.parseConcat = level({ '+': nodes.Add, '-': nodes.Sub }, 'parseTilde');
  Parser.prototype.parseTilde = function (this: any) {
    let node = this.parseMath2();
    while (this.skipValue(lexer.TOKEN_TILDE, '~')) node = new nodes.Concat(node.lineno, node.colno, node, this.parseMath2());
    return node;
  };
  Parser.prototype.parseMath2 = level({ '*': nodes.Mul, '/': nodes.Div, '//': nodes.FloorDiv, '%': nodes.Mod }, 'parsePow');
}

/** A `with` block: its names, the values they take (read outside the block), and its body, a scope of its own. */
const PyWith = nodes.Node.extend('PyWith', { fields: ['targets', 'values', 'body'] });

/**
 * Statements whose Jinja2 form nunjucks does not parse: `{% with a = 1 %}…{% endwith %}`, `{% set a, b = 1, 2 %}` (a
 * tuple without brackets), `{% set x | f %}…{% endset %}` (a block set through filters) and `{% filter f | g %}` (a
 * chain of filters on a filter block).
 */
function patchStatements(Parser: any, lexer: any): void {
  /** An expression, or a tuple of them without brackets (`1, 2`, `1,`), as Jinja2's parse_tuple reads one. */
  const parseTuple = (parser: any) => {
    const first = parser.parseExpression();
    if (parser.peekToken()?.type !== lexer.TOKEN_COMMA) return first;
    const items = [first];
    while (parser.skip(lexer.TOKEN_COMMA) && parser.peekToken()?.type !== lexer.TOKEN_BLOCK_END) items.push(parser.parseExpression());
    const at = (Kind: any, ...a: unknown[]) => new Kind(first.lineno, first.colno, ...a);
    return at(nodes.FunCall, at(nodes.Symbol, '__floe_tuple'), at(nodes.NodeList, [at(nodes.Array, items)]));
  };
  /** `| f(args) | g` after `node`, the first pipe optional. */
  const parseFilters = (parser: any, node: any, firstPipe: boolean) => {
    if (firstPipe) return parser.parseFilter(node);
    const name = parser.parseFilterName();
    const first = new nodes.Filter(name.lineno, name.colno, name, new nodes.NodeList(name.lineno, name.colno, [node, ...parser.parseFilterArgs(name)]));
    return parser.parseFilter(first);
  };
  Parser.prototype.parseSet = function (this: any) {
    const tag = this.peekToken();
    if (!this.skipSymbol('set')) this.fail('parseSet: expected set', tag.lineno, tag.colno);
    const node = new nodes.Set(tag.lineno, tag.colno, []);
    do node.targets.push(this.parsePrimary()); while (this.skip(lexer.TOKEN_COMMA));
    if (this.skipValue(lexer.TOKEN_OPERATOR, '=')) {
      node.value = parseTuple(this);
      this.advanceAfterBlockEnd(tag.value);
      return node;
    }
    const capture = new nodes.Capture(tag.lineno, tag.colno, null);
    const value = parseFilters(this, capture, true);
    if (!this.skip(lexer.TOKEN_BLOCK_END)) this.fail('parseSet: expected = or block end in set tag', tag.lineno, tag.colno);
    capture.body = this.parseUntilBlocks('endset');
    node.body = value;
    node.value = null;
    this.advanceAfterBlockEnd();
    return node;
  };
  Parser.prototype.parseFilterStatement = function (this: any) {
    const tag = this.peekToken();
    if (!this.skipSymbol('filter')) this.fail('parseFilterStatement: expected filter', tag.lineno, tag.colno);
    const capture = new nodes.Capture(tag.lineno, tag.colno, null);
    const value = parseFilters(this, capture, false);
    this.advanceAfterBlockEnd(tag.value);
    capture.body = this.parseUntilBlocks('endfilter');
    this.advanceAfterBlockEnd();
    return new nodes.Output(tag.lineno, tag.colno, [value]);
  };
  const parseStatement = Parser.prototype.parseStatement;
  Parser.prototype.parseStatement = function (this: any) {
    const tag = this.peekToken();
    if (tag?.type !== lexer.TOKEN_SYMBOL || tag.value !== 'with' || this.breakOnBlocks?.includes('with')) return parseStatement.call(this);
    this.nextToken();
    const node = new PyWith(tag.lineno, tag.colno, [], [], null);
    while (this.peekToken()?.type !== lexer.TOKEN_BLOCK_END) {
      if (node.targets.length > 0 && !this.skip(lexer.TOKEN_COMMA)) this.fail('expected a comma between the names of a with tag', tag.lineno, tag.colno);
      const target = this.parsePrimary(true);
      if (!(target instanceof nodes.Symbol)) this.fail('a with tag sets names (`{% with a = 1 %}`)', tag.lineno, tag.colno);
      if (!this.skipValue(lexer.TOKEN_OPERATOR, '=')) this.fail('expected = after a name in a with tag', tag.lineno, tag.colno);
      node.targets.push(target);
      node.values.push(this.parseExpression());
    }
    this.advanceAfterBlockEnd(tag.value);
    node.body = this.parseUntilBlocks('endwith');
    this.advanceAfterBlockEnd();
    return node;
  };
}

let filteredLoops = 0;

/** `for X in SEQ if COND` as: `set kept = []`, `for X in SEQ: if COND: kept.append(X)`, then `for X in kept`. */
function filteredFor(node: any, seq: any, cond: any): any {
  const at = (Kind: any, ...a: unknown[]) => new Kind(node.lineno, node.colno, ...a);
  const kept = `__floe_kept_${filteredLoops++}`;
  const names: any[] = node.name instanceof nodes.Array ? node.name.children : [node.name];
  const item = node.name instanceof nodes.Array ? at(nodes.Array, names.map((n) => at(nodes.Symbol, n.value))) : at(nodes.Symbol, node.name.value);
  const push = at(nodes.Output, [at(nodes.FunCall, at(nodes.Symbol, '__floe_push'), at(nodes.NodeList, [at(nodes.Symbol, kept), item]))]);
  const select = at(nodes.For, seq, node.name, at(nodes.NodeList, [at(nodes.If, cond, at(nodes.NodeList, [push]), null)]), null);
  const loop = at(nodes.For, at(nodes.Symbol, kept), node.name, node.body, node.else_);
  return at(nodes.NodeList, [at(nodes.Set, [at(nodes.Symbol, kept)], at(nodes.Array, [])), select, loop]);
}

/** Python's truth: empty lists, dicts and strings (macro output included) are false. */
export function pyTruthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof runtime.SafeString) return String(v).length > 0;
  if (isPlainObject(v)) return Object.keys(v).some((k) => k !== '__keywords');
  if (v instanceof PyFloat) return v.valueOf() !== 0;
  return !!v;
}

/** Python's type name of a value, as its errors word it (`'int object' has no attribute 'x'`). */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (v instanceof PyFloat) return 'float';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'string' || v instanceof runtime.SafeString) return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return dictViewKind(v) ?? (isTuple(v) ? 'tuple' : 'list');
  if (isPlainObject(v)) return 'dict';
  return typeof v === 'function' ? 'function' : 'object';
}

/** `f(*args, **kwargs)`, rewritten by dbtSyntax.ts to these markers and expanded when the call is made. */
class Splat { constructor(readonly value: unknown, readonly keywords: boolean) {} }
export const splatGlobals = {
  __floe_splat: (v: unknown) => new Splat(v, false),
  __floe_kwsplat: (v: unknown) => new Splat(v, true),
  __floe_truthy: pyTruthy,
  __floe_push: (list: unknown, item: unknown) => { if (Array.isArray(list)) list.push(item); return ''; },
  __floe_tuple: (items: unknown[]) => pyTuple(items),
};

function expandSplats(args: unknown[]): unknown[] {
  if (!args.some((a) => a instanceof Splat || (isKeywords(a) && Object.values(a as object).some((v) => v instanceof Splat)))) return args;
  const positional: unknown[] = [];
  let keywords: Record<string, unknown> | undefined;
  const addKeywords = (o: Record<string, unknown>) => { keywords = { ...(keywords ?? {}), ...o, __keywords: true }; };
  for (const a of args) {
    if (a instanceof Splat) {
      if (a.keywords) addKeywords(a.value as Record<string, unknown>);
      else positional.push(...(Array.isArray(a.value) ? a.value : []));
    } else if (isKeywords(a)) {
      addKeywords(a as Record<string, unknown>);
    } else {
      positional.push(a);
    }
  }
  return keywords ? [...positional, keywords] : positional;
}

function isKeywords(a: unknown): boolean {
  return typeof a === 'object' && a !== null && (a as { __keywords?: boolean }).__keywords === true;
}

/**
 * Conditions (`if`, inline if, `not`, `and`, `or`) decide by Python's truth, rewritten on the parsed tree once per
 * template: `a and b` is `b if truthy(a) else a`, `a or b` is `a if truthy(a) else b`, as Python evaluates them.
 */
function patchTransformer(): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const transformer = require('nunjucks/src/transformer');
  const transform = transformer.transform;
  // nunjucks' own pass only lifts async filters and `super()` in blocks; without either it returns the tree as it is
  // and costs a fifth of a model's compile, so it runs only when needed.
  transformer.transform = (ast: unknown, asyncFilters: unknown[] = [], ...rest: unknown[]) => {
    blocksSeen = false;
    const tree = pythonTruth(ast);
    return asyncFilters.length > 0 || blocksSeen ? transform(tree, asyncFilters, ...rest) : tree;
  };
}

function truthy(node: any): any {
  return new nodes.FunCall(node.lineno, node.colno, new nodes.Symbol(node.lineno, node.colno, '__floe_truthy'), new nodes.NodeList(node.lineno, node.colno, [node]));
}

let blocksSeen = false;

/** A loop body run in a frame of its own each iteration (compileFor). */
const PyLoopBody = nodes.Node.extend('PyLoopBody', { fields: ['body'] });
/** `{% break %}` or `{% continue %}`. */
export const PyLoopControl = nodes.Node.extend('PyLoopControl', { fields: ['word'] });

/** Whether a loop body sets a variable (a `{% set %}` outside any macro it defines). */
function setsVariable(node: any): boolean {
  if (!node || typeof node !== 'object' || !(node instanceof nodes.Node) || node instanceof nodes.Macro) return false;
  if (node instanceof nodes.Set) return true;
  return ((node as any).fields ?? []).some((field: string) => {
    const v = node[field];
    return Array.isArray(v) ? v.some(setsVariable) : setsVariable(v);
  });
}

/** A `for`'s sequence, iterated as Python iterates it (runtime.pyIter). */
const PyIterable = nodes.Node.extend('PyIterable', { fields: ['target', 'targets'] });

function iterable(node: any, targets: number): any {
  return new PyIterable(node.lineno, node.colno, node, targets);
}

function pythonTruth(node: any): any {
  if (!node || typeof node !== 'object' || !(node instanceof nodes.Node)) return node;
  if (node instanceof nodes.Block) blocksSeen = true;
  for (const field of (node as any).fields ?? []) {
    const v = node[field];
    if (Array.isArray(v)) node[field] = v.map(pythonTruth);
    else node[field] = pythonTruth(v);
  }
  if (node instanceof nodes.For) node.arr = iterable(node.arr, node.name instanceof nodes.Array ? node.name.children.length : 1);
  if (node instanceof nodes.And) return new nodes.InlineIf(node.lineno, node.colno, truthy(node.left), node.right, node.left);
  if (node instanceof nodes.Or) return new nodes.InlineIf(node.lineno, node.colno, truthy(node.left), node.left, node.right);
  if (node instanceof nodes.Not) node.target = truthy(node.target);
  else if (node instanceof nodes.If || node instanceof nodes.InlineIf) node.cond = truthy(node.cond);
  return node;
}

function patchCompiler(): void {
  const proto = Compiler.prototype;
  const assertType = proto.assertType;
  proto.assertType = function (this: any, node: any, ...types: unknown[]) {
    if (!(node instanceof PyIterable)) assertType.call(this, node, ...types);
  };
  proto.compilePyIterable = function (this: any, node: any, frame: any) {
    this._emit('runtime.pyIter((');
    this._compileExpression(node.target, frame);
    this._emit(`), ${Number(node.targets)})`);
  };
  // A loop's `loop` is one object made per item. nunjucks set its seven attributes one `frame.set("loop.index", …)`
  // at a time, each splitting the dotted name and walking it: eight frame writes per item. Macros that scan long
  // lists per call (fsc-evm's `get_var`, called hundreds of times a model) spent ~40% of a check there.
  // previtem/nextitem are the neighbours (undefined at the ends); depth is 1 but in a recursive loop's levels.
  proto._emitLoopBindings = function (this: any, node: any, arr: string, i: string, len: string) {
    const depth = node.pyDepth ?? '1';
    this._emitLine(`frame.variables.loop = {index: ${i} + 1, index0: ${i}, revindex: ${len} - ${i}, `
      + `revindex0: ${len} - ${i} - 1, first: ${i} === 0, last: ${i} === ${len} - 1, length: ${len}, cycle: runtime.pyLoopCycle, `
      + `previtem: ${arr}[${i} - 1], nextitem: ${arr}[${i} + 1], depth: ${depth}, depth0: ${depth} - 1, changed: runtime.pyLoopChanged, `
      + `changedLast: ${i} === 0 ? undefined : frame.variables.loop.changedLast};`);
  };
  // A loop's body is a scope of its own each time round, as in Jinja2: `{% set x = x + i %}` inside a for loop sets a
  // new x for that iteration, and the x outside is unchanged after the loop (nunjucks set the outer one). Only bodies
  // that set a variable get the frame. `{% break %}` and `{% continue %}` (dbt's loopcontrols) are JavaScript's.
  const compileFor = proto.compileFor;
  proto.compileFor = function (this: any, node: any, frame: any) {
    if (setsVariable(node.body)) node.body = new PyLoopBody(node.body.lineno, node.body.colno, node.body);
    return compileFor.call(this, node, frame);
  };
  proto.compilePyLoopBody = function (this: any, node: any, frame: any) {
    this._emitLine('frame = frame.push(true); try {');
    this.compile(node.body, frame.push(true));
    this._emitLine('} finally { frame = frame.pop(); }');
  };
  // `{% with a = x %}`: the values are read outside, the names (and what the body sets) live only inside.
  proto.compilePyWith = function (this: any, node: any, frame: any) {
    const ids = node.values.map((value: any) => {
      const id = this._tmpid();
      this._emit(`var ${id} = `);
      this._compileExpression(value, frame);
      this._emitLine(';');
      return id;
    });
    const inner = frame.push(true);
    this._emitLine('frame = frame.push(true); try {');
    node.targets.forEach((target: any, i: number) => {
      inner.set(target.value, ids[i]);
      this._emitLine(`frame.set(${JSON.stringify(target.value)}, ${ids[i]});`);
    });
    this.compile(node.body, inner);
    this._emitLine('} finally { frame = frame.pop(); }');
  };
  // `{% for x in seq recursive %}`: the loop is a function of its sequence and depth (a caller, so it sees the
  // variables around it), called with seq at depth 1; `loop(items)` in the body calls it again one level deeper.
  proto.compilePyRecursiveFor = function (this: any, node: any, frame: any) {
    const id = this._tmpid();
    frame.set(node.name, id);
    this._emit(`var ${id} = `);
    this.compileCaller(node.caller, frame);
    this._emitLine(';');
    const at = (Kind: any, ...a: unknown[]) => new Kind(node.lineno, node.colno, ...a);
    this.compile(at(nodes.Output, [at(nodes.FunCall, at(nodes.Symbol, node.name), at(nodes.NodeList, [node.seq, at(nodes.Literal, 1)]))]), frame);
  };
  proto.compilePyLoopControl = function (this: any, node: any) {
    this._emitLine(`${node.word};`);
  };
  // `(a, b)` is a tuple; nunjucks emitted JS's comma operator.
  const compileGroup = proto.compileGroup;
  proto.compileGroup = function (this: any, node: any, frame: any) {
    if (node.children.length > 1) return this._compileAggregate(node, frame, 'runtime.pyTuple([', '])');
    return compileGroup.call(this, node, frame);
  };
  // `{k: v}` keys are expressions as in Python; nunjucks read a bare name as the string of its name.
  const compileKeywordArgs = proto.compileKeywordArgs;
  proto.compileKeywordArgs = function (this: any, node: any, frame: any) {
    for (const pair of node.children) pair.keywordArgument = true;
    return compileKeywordArgs.call(this, node, frame);
  };
  // A dict literal with a key that is not a string (`{1.0: 'a'}`, `{n: v}`) is built by pyDict, which stores and
  // remembers its keys as Python does (pyDictKeys.ts); JS's computed keys printed 1.0 as '1.0' and lost 1 == 1.0.
  const compileDict = proto.compileDict;
  proto.compileDict = function (this: any, node: any, frame: any) {
    // (a key like '2' too: JavaScript's object literal would list it first)
    const stringKeys = node.children.every((pair: any) => pair.keywordArgument || (pair.key instanceof nodes.Literal && typeof pair.key.value === 'string' && !/^\d+$/.test(pair.key.value)));
    if (stringKeys) return compileDict.call(this, node, frame);
    this._emit('runtime.pyDict([');
    node.children.forEach((pair: any, i: number) => {
      this._emit(i ? ', [' : '[');
      this._compileExpression(pair.key, frame);
      this._emit(', ');
      this._compileExpression(pair.value, frame);
      this._emit(']');
    });
    this._emit('])');
  };
  proto.compilePair = function (this: any, node: any, frame: any) {
    if (node.keywordArgument && node.key instanceof nodes.Symbol) this.compile(new nodes.Literal(node.key.lineno, node.key.colno, node.key.value), frame);
    else if (node.key instanceof nodes.Literal && typeof node.key.value === 'string') this.compile(node.key, frame);
    else { this._emit('['); this._compileExpression(node.key, frame); this._emit(']'); }
    this._emit(': ');
    this._compileExpression(node.value, frame);
  };
  const binaryCall = (fn: string) => function (this: any, node: any, frame: any) {
    this._emit(`runtime.${fn}(`);
    this.compile(node.left, frame);
    this._emit(', ');
    this.compile(node.right, frame);
    this._emit(')');
  };
  proto.compileMod = binaryCall('pyMod');
  proto.compileAdd = binaryCall('pyAdd');
  proto.compileSub = binaryCall('pySub');
  // Python's float arithmetic: an operation with a float gives a float (`1.0 * 2` is 2.0), `/` always does.
  proto.compileMul = binaryCall('pyMul');
  proto.compileDiv = binaryCall('pyDiv');
  proto.compileFloorDiv = binaryCall('pyFloorDiv');
  proto.compilePow = binaryCall('pyPow');
  proto.compileNeg = function (this: any, node: any, frame: any) {
    this._emit('runtime.pyNeg(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  const compileLiteral = proto.compileLiteral;
  proto.compileLiteral = function (this: any, node: any, frame: any) {
    if (node.value instanceof PyFloat) this._emit(`runtime.pyFloat(${node.value.valueOf()})`);
    else if (typeof node.value === 'bigint') this._emit(`${node.value}n`);
    else compileLiteral.call(this, node, frame);
  };
  // Comparisons as Python's (pyCompare.ts); a chain `a < b < c` is `a < b and b < c`, each operand read once.
  proto.compileCompare = function (this: any, node: any, frame: any) {
    if (node.ops.length === 1) {
      this._emit('runtime.pyCompare(');
      this.compile(node.expr, frame);
      this._emit(`, ${JSON.stringify(COMPARE_OPS[node.ops[0].type])}, `);
      this.compile(node.ops[0].expr, frame);
      this._emit(')');
      return;
    }
    this._emit('((__l) => { let __r; ');
    node.ops.forEach((op: any) => {
      this._emit('__r = ');
      this.compile(op.expr, frame);
      this._emit(`; if (!runtime.pyCompare(__l, ${JSON.stringify(COMPARE_OPS[op.type])}, __r)) return false; __l = __r; `);
    });
    this._emit('return true; })(');
    this.compile(node.expr, frame);
    this._emit(')');
  };
  // `{% set a, b = pair %}` unpacks as in Python; nunjucks gave every target the whole value. Each target gets its
  // item through a set of its own, reading a compile-time temporary.
  const compileSet = proto.compileSet;
  proto.compileSet = function (this: any, node: any, frame: any) {
    if (!node.value || node.targets.length < 2) return compileSet.call(this, node, frame);
    const tmp = this._tmpid();
    this._emit(`var ${tmp} = runtime.pyUnpack(`);
    this._compileExpression(node.value, frame);
    this._emitLine(`, ${node.targets.length});`);
    frame.set(tmp, tmp);
    node.targets.forEach((target: any, i: number) => {
      const item = new nodes.LookupVal(node.lineno, node.colno, new nodes.Symbol(node.lineno, node.colno, tmp), new nodes.Literal(node.lineno, node.colno, i));
      compileSet.call(this, new nodes.Set(node.lineno, node.colno, [target], item), frame);
    });
  };
  // `a if c` without else is Jinja2's Undefined when c is false (nunjucks gave "", which `|join` or `is none` misread).
  proto.compileInlineIf = function (this: any, node: any, frame: any) {
    this._emit('(');
    this.compile(node.cond, frame);
    this._emit(' ? ');
    this.compile(node.body, frame);
    this._emit(' : ');
    if (node.else_ !== null) this.compile(node.else_, frame);
    else this._emit('undefined');
    this._emit(')');
  };
  // `~` joins Python strings: an undefined operand is '', none is 'None' (JS's `+ ""` wrote 'undefined' into SQL).
  proto.compileConcat = binaryCall('pyConcat');
  // The callee's name goes into the generated JS as a string for error messages; nunjucks does not escape line
  // breaks or backslashes in it (a call on a multi-line string literal broke the whole file).
  const getNodeName = proto._getNodeName;
  proto._getNodeName = function (this: any, node: any) {
    return String(getNodeName.call(this, node)).replace(/[\\\r\n\u2028\u2029]/g, ' ');
  };
  // `a.b.c` (or `a['b'][0]`) where `a.b` is missing: Jinja2's Undefined raises on any attribute or item of it; nunjucks
  // gave undefined again, printing ''. Each lookup that something is looked up in goes through pyPresent, which knows
  // the object lacking it.
  const compileLookupVal = proto.compileLookupVal;
  const isChain = (node: any) => node instanceof nodes.LookupVal && node.val.typename !== 'Slice';
  const emitPresent = (compiler: any, node: any, readBy: any, frame: any) => {
    compiler._emit(`runtime.pyPresent(context, ${JSON.stringify(expressionName(readBy))}, (`);
    if (isChain(node.target)) emitPresent(compiler, node.target, node, frame);
    else compiler._compileExpression(node.target, frame);
    compiler._emit('), (');
    compiler._compileExpression(node.val, frame);
    compiler._emit('))');
  };
  proto.compileLookupVal = function (this: any, node: any, frame: any) {
    if (!isChain(node.target)) return compileLookupVal.call(this, node, frame);
    this._emit('runtime.memberLookup((');
    emitPresent(this, node.target, node, frame);
    this._emit('),');
    this._compileExpression(node.val, frame);
    this._emit(')');
  };
  // A method called on a chain of literal lookups (`d.missing.upper()`, `cfg['k'].strip()`) is called through
  // pyCallChain, which can tell which link failed: nunjucks only said the whole name was undefined, worded as an
  // unknown macro.
  const compileFunCall = proto.compileFunCall;
  proto.compileFunCall = function (this: any, node: any, frame: any) {
    const keys: unknown[] = [];
    let root = node.name;
    while (root instanceof nodes.LookupVal && root.val instanceof nodes.Literal && typeof root.val.value !== 'object') {
      keys.unshift(root.val.value);
      root = root.target;
    }
    if (keys.length === 0 || !(root instanceof nodes.Symbol)) return compileFunCall.call(this, node, frame);
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, runtime.pyCallChain(`);
    this._compileExpression(root, frame);
    this._emit(`, ${JSON.stringify(keys)}, ${JSON.stringify(this._getNodeName(node.name))}, context, `);
    this._compileAggregate(node.args, frame, '[', '])');
    this._emit(')');
  };
  // A macro swaps the template's `frame` variable and restores it on a normal exit only; `return()` leaves through a
  // throw, which left the caller in the macro's frame (its own variables vanished). Restore it in a finally.
  const compileMacroFunction = proto._compileMacro;
  proto._compileMacro = function (this: any, ...args: unknown[]) {
    const from = this.codebuf.length;
    const id = compileMacroFunction.apply(this, args);
    const open = this.codebuf.indexOf('var callerFrame = frame;\n', from);
    const close = this.codebuf.lastIndexOf('});\n');
    if (open >= 0 && close > open) {
      this.codebuf[open] = 'var callerFrame = frame; try {\n';
      this.codebuf.splice(close, 0, '} finally { frame = callerFrame; }\n');
    }
    // Jinja2's `varargs` and `kwargs` in the body: the arguments beyond the macro's own (runtime.makeMacro keeps them)
    const start = this.codebuf.indexOf('kwargs = kwargs || {};\n', from);
    if (start >= 0) this.codebuf[start] += 'var __floe_extra = runtime.pyTakeMacroExtras(); frame.set("varargs", __floe_extra[0]); frame.set("kwargs", __floe_extra[1]);\n';
    const [node] = args as any[];
    const names = node.args.children.flatMap((arg: any) => (arg instanceof nodes.Dict ? arg.children.map((pair: any) => pair.key.value) : [arg.value]));
    const named = namesIn(node.body, new Set());
    // what Jinja2's macro attributes answer, read by memberLookup: a plain property, the definition runs once per render
    const info: MacroInfo = [node.name?.value ?? 'caller', names, named.has('kwargs'), named.has('varargs'), named.has('caller')];
    this._emitLine(`${id}.__floe_macro = ${JSON.stringify(info)};`);
    return id;
  };
  // dbt exports every macro, `_`-prefixed ones included; nunjucks hid those from other files.
  const compileMacro = proto.compileMacro;
  proto.compileMacro = function (this: any, node: any, frame: any) {
    compileMacro.call(this, node, frame);
    const name: string = node.name.value;
    if (!frame.parent && name.startsWith('_')) this._emitLine(`context.addExport(${JSON.stringify(name)});`);
  };
}

/** The names a macro's body reads (outside the macros it defines), as Jinja2 decides catch_kwargs and the like. */
function namesIn(node: any, out: Set<string>): Set<string> {
  if (!(node instanceof nodes.Node) || (node instanceof nodes.Macro && !(node instanceof nodes.Caller))) return out;
  if (node instanceof nodes.Symbol) out.add(node.value);
  for (const field of (node as any).fields ?? []) {
    const v = node[field];
    if (Array.isArray(v)) for (const x of v) namesIn(x, out);
    else namesIn(v, out);
  }
  return out;
}

/** A macro's name, argument names, and whether its body reads kwargs, varargs and caller. */
type MacroInfo = [string, string[], boolean, boolean, boolean];
const MACRO_ATTRIBUTES = ['name', 'arguments', 'catch_kwargs', 'catch_varargs', 'caller'];

/** Jinja2's attribute `key` of a macro (JavaScript's own `arguments` and `caller` of a function threw a TypeError). */
function macroAttribute(info: MacroInfo, key: string): unknown {
  const at = MACRO_ATTRIBUTES.indexOf(key);
  return at === 1 ? pyTuple(info[1]) : info[at];
}

/** A lookup chain as the template wrote it, for messages (`d.a[0]`, `cfg[k].b`); '' when it is not only names and lookups. */
function expressionName(node: any): string {
  if (node instanceof nodes.Symbol) return node.value;
  if (node instanceof nodes.FunCall) { const callee = expressionName(node.name); return callee && `${callee}(…)`; }
  if (!(node instanceof nodes.LookupVal)) return '';
  const target = expressionName(node.target);
  const key = node.val;
  if (!target) return '';
  if (key instanceof nodes.Literal && typeof key.value === 'string' && /^[A-Za-z_]\w*$/.test(key.value)) return `${target}.${key.value}`;
  if (key instanceof nodes.Literal) return `${target}[${pyRepr(key.value)}]`;
  return key instanceof nodes.Symbol ? `${target}[${key.value}]` : `${target}[…]`;
}

const COMPARE_OPS: Record<string, string> = { '==': '==', '===': '===', '!=': '!=', '!==': '!==', '<': '<', '>': '>', '<=': '<=', '>=': '>=' };

function patchRuntime(): void {
  runtime.pyFloat = (n: number) => new PyFloat(n);
  runtime.pyTuple = pyTuple;
  runtime.pyIter = pyIter;
  // Jinja2's loop.cycle(a, b, ...): the argument at the loop's index, round robin (called with the loop as `this`).
  runtime.pyLoopCycle = function (this: { index0: number }, ...items: unknown[]) {
    if (items.length === 0) throw new Error('loop.cycle() needs at least one value to cycle through');
    return items[this.index0 % items.length];
  };
  runtime.pyPlain = plain;
  // loop.changed(*values): whether the values differ from the last call's in this loop (true on the first call); called
  // with the loop as `this`, which carries the last values from the iteration before (changedLast)
  runtime.pyLoopChanged = function (this: { changedLast?: unknown[] }, ...values: unknown[]) {
    const last = this.changedLast;
    const same = last !== undefined && last.length === values.length && values.every((v, k) => pyEq(v, last[k]));
    this.changedLast = values;
    return !same;
  };
  runtime.pyCompare = pyCompare;
  runtime.pyDict = (pairs: Array<[unknown, unknown]>) => {
    const dict: Record<string, unknown> = {};
    for (const [key, value] of pairs) setDictItem(dict, key, value);
    return dict;
  };
  runtime.pyNeg = (v: unknown) => (v instanceof PyFloat ? asFloat(-v.valueOf()) : -(v as number));
  runtime.pyMul = (a: unknown, b: unknown) => {
    // `'-' * 10` repeats the string (or list) in Python; JS gave NaN.
    const repeated = repeat(a, b) ?? repeat(b, a);
    if (repeated !== undefined) return repeated;
    checkOperands('*', a, b);
    return floatArithmetic('*', a, b) ?? intArithmetic('*', a, b, MUL);
  };
  runtime.pyDiv = (a: unknown, b: unknown) => { checkOperands('/', a, b); return floatArithmetic('/', a, b) ?? (a as number) / (b as number); };
  runtime.pyFloorDiv = (a: unknown, b: unknown) => { checkOperands('//', a, b); return floatArithmetic('//', a, b) ?? intArithmetic('//', a, b, FLOOR_DIV); };
  runtime.pyPow = (a: unknown, b: unknown) => { checkOperands('**', a, b); return floatArithmetic('**', a, b) ?? intArithmetic('**', a, b, POW); };
  // `x in y` as Python: macro output is a string; `in` on None or a number is False rather than a crash.
  runtime.inOperator = (key: unknown, container: unknown) => {
    const c = container instanceof runtime.SafeString ? String(container) : container;
    const k = key instanceof runtime.SafeString ? String(key) : key;
    // A float equals the int of its value (`1 in [1.0]`); a PyFloat is an object, compared by its value.
    if (Array.isArray(c)) return c.some((x) => pyEq(x, k));
    if (typeof c === 'string') return c.includes(String(k));
    if (c && typeof c === 'object') return dictKeyName(k) in c;
    return false;
  };
  const callWrap = runtime.callWrap;
  runtime.callWrap = (obj: unknown, name: string, context: unknown, args: unknown[]) => callWrap(obj, name, context, expandSplats(args));
  runtime.pyMod = pyMod;
  // `a.b.c()` when a link is missing: Jinja2 names the object that lacks it (`'dict object' has no attribute 'b'`).
  // An undefined root, or a name missing from a dict (a package's macros are one), keeps nunjucks' error, worded as
  // an unknown macro.
  runtime.pyCallChain = (root: unknown, keys: unknown[], name: string, context: unknown, args: unknown[]) => {
    let method = root;
    for (let i = 0; i < keys.length; i++) method = runtime.memberLookup(method, keys[i]);
    if (typeof method === 'function') return runtime.callWrap(method, name, context, args);
    // Not callable: walk the chain again to find the first link that is missing.
    const values = [root];
    for (const key of keys) values.push(runtime.memberLookup(values[values.length - 1], key));
    const failed = values.indexOf(undefined);
    if (root !== undefined && failed > 0 && !(failed === keys.length && isPlainObject(values[failed - 1]))) {
      const parent = values[failed - 1], key = keys[failed - 1];
      const owner = parent === null ? "'None'" : pyTypeName(parent) === 'object' ? `'${name.split('[')[0]}'` : `'${pyTypeName(parent)} object'`;
      throw new Error(`UndefinedError: ${owner} has no ${typeof key === 'number' ? `element ${key}` : `attribute '${key}'`}; calling ${name}`);
    }
    return runtime.callWrap(method, name, context, args);
  };
  // `parent[key]`, which something is looked up in next (`name`): Jinja2's UndefinedError when it is missing.
  runtime.pyPresent = (context: { env: { globals: Record<string, unknown> } }, name: string, parent: unknown, key: unknown) => {
    const value = runtime.memberLookup(parent, key);
    if (value === undefined && missingRaises(parent, key, context.env.globals)) throw new Error(`UndefinedError: ${undefinedWording(parent, key)}${name ? `; reading ${name}` : ''}`);
    return value;
  };
  runtime.pyAdd = (a: unknown, b: unknown) => {
    // Jinja2 raises on `+` with an undefined operand; JS wrote 'undefined' into the SQL.
    if (a === undefined || b === undefined) throw new Error(`'+' with an undefined value (${a === undefined ? 'left' : 'right'} side): Jinja raises UndefinedError here`);
    checkOperands('+', a, b);
    if (Array.isArray(a) && Array.isArray(b)) return isTuple(a) && isTuple(b) ? pyTuple([...a, ...b]) : [...a, ...b];
    return datetimeArithmetic(a, b, 1) ?? floatArithmetic('+', a, b) ?? intArithmetic('+', a, b, ADD);
  };
  runtime.pyUnpack = (v: unknown, n: number) => {
    const items = Array.isArray(v) ? v : typeof v === 'string' ? [...v] : isPlainObject(v) ? pyKeys(v) : undefined;
    if (!items || items.length !== n) throw new Error(`cannot unpack ${items ? `${items.length} values` : pyRepr(v)} into ${n} names`);
    return items;
  };
  runtime.pyConcat = (a: unknown, b: unknown) => pyStr(a) + pyStr(b);
  runtime.pySub = (a: unknown, b: unknown) => { const dated = datetimeArithmetic(a, b, -1); if (dated !== undefined) return dated; checkOperands('-', a, b); return floatArithmetic('-', a, b) ?? intArithmetic('-', a, b, SUB); };
  const makeMacro = runtime.makeMacro;
  let extras: [unknown[], Record<string, unknown>] | undefined;
  runtime.pyTakeMacroExtras = () => { const taken = extras ?? [pyTuple([]), {}]; extras = undefined; return taken; };
  runtime.makeMacro = function (argNames: string[], kwargNames: string[], func: (...a: unknown[]) => unknown) {
    const macro = makeMacro(argNames, kwargNames, func);
    const own = new Set([...argNames, ...kwargNames, 'caller', '__keywords']);
    return function (this: unknown, ...args: unknown[]) {
      try {
        // the positional arguments past the macro's parameters (varargs) and the keywords it does not name (kwargs)
        const keywords = isKeywords(args[args.length - 1]) ? args[args.length - 1] as Record<string, unknown> : undefined;
        const positional = keywords ? args.length - 1 : args.length;
        const extraKeywords: Record<string, unknown> = {};
        if (keywords) for (const k of Object.keys(keywords)) if (!own.has(k)) extraKeywords[k] = keywords[k];
        extras = [pyTuple(args.slice(argNames.length + kwargNames.length, positional)), extraKeywords];
        return macro.apply(this, args);
      } catch (e) {
        if (e instanceof MacroReturn) return e.value;
        throw e;
      }
    };
  };
  const suppressValue = runtime.suppressValue;
  runtime.suppressValue = (val: unknown, autoescape: boolean) => suppressValue(printable(val), autoescape);
  const memberLookup = runtime.memberLookup;
  runtime.memberLookup = function (this: unknown, obj: unknown, val: unknown, ...rest: unknown[]) {
    // Macro output is a str in Python (Markup): string methods apply to it.
    if (obj instanceof runtime.SafeString) obj = String(obj);
    if (typeof obj === 'function' && typeof val === 'string' && MACRO_ATTRIBUTES.includes(val)) {
      const info = (obj as { __floe_macro?: MacroInfo }).__floe_macro;
      if (info) return macroAttribute(info, val);
    }
    if (rest.length === 2) return pySlice(obj, val, rest[0], rest[1]);
    if (obj instanceof PyNamespace) return (obj as unknown as Record<string, unknown>)[val as string];
    // `d.keys()[0]`: Python's views have no index (a JavaScript array has)
    if (typeof val === 'number' && dictViewKind(obj)) throw new Error(`TypeError: '${dictViewKind(obj)}' object is not subscriptable`);
    if (Array.isArray(obj) && typeof val === 'string' && Object.prototype.hasOwnProperty.call(LIST_METHODS, val)) return (LIST_METHODS as any)[val].bind(obj);
    if (Array.isArray(obj) && typeof val === 'string' && NOT_LIST_METHODS.has(val)) return undefined;
    // Python indexes a list or str from its end with a negative index (`name.split('_')[-1]`); JavaScript has no such key.
    if ((Array.isArray(obj) || typeof obj === 'string') && typeof val === 'number' && Number.isInteger(val) && val < 0 && rest.length === 0) {
      return obj.length + val >= 0 ? obj[obj.length + val] : undefined;
    }
    if (isPlainObject(obj) && val === 'clear') return () => { for (const k of Object.keys(obj)) delete obj[k]; return null; };
    if (isPlainObject(obj) && val === 'copy') return () => { const copy = { ...obj }; copyDictKeys(obj, copy); return copy; };
    // Python's dict.get: a missing key gives the default, None unless given (nunjucks gave undefined, which is not none).
    if (isPlainObject(obj) && val === 'get') return (key: unknown, dflt: unknown = null) => { const v = obj[dictKeyName(key)]; return v === undefined ? dflt : v; };
    if ((val === 'items' || val === 'keys') && isPlainObject(obj) && (keyObjects.size > 0 || hasPythonKeys(obj))) {
      const entries = dictEntries(obj).filter(([k]) => k !== '__keywords');
      const key = (k: string) => { const py = pythonKey(obj, k); return py === k ? keyOf(k) : py; };
      return val === 'items' ? () => pyDictView(entries.map(([k, v]) => pyTuple([key(k), v])), 'dict_items') : () => pyDictView(entries.map(([k]) => key(k)), 'dict_keys');
    }
    // items() are (key, value) tuples (nunjucks' gave lists, printed `[['a', 1]]`); keys() and values() in Python's order;
    // each a view, printed `dict_items([...])`.
    if ((val === 'items' || val === 'keys' || val === 'values') && isPlainObject(obj) && rest.length === 0) {
      return () => {
        const out: unknown[] = [];
        for (const k of dictNames(obj)) if (k !== '__keywords') out.push(val === 'items' ? pyTuple([k, obj[k]]) : val === 'keys' ? k : obj[k]);
        return pyDictView(out, `dict_${val}` as DictViewKind);
      };
    }
    // update/pop/setdefault/has_key (nunjucks' dict methods) take a key as `d[k]` does, and update keeps other's keys
    if ((val === 'update' || val === 'pop' || val === 'setdefault' || val === 'has_key') && rest.length === 0 && isPlainObject(obj)) {
      if (val === 'update') return (...others: unknown[]) => {
        for (const other of others) if (isPlainObject(other)) for (const [k, v] of dictEntries(other)) if (k !== '__keywords') setDictItem(obj, pythonKey(other, k), v);
        return null;
      };
      if (val === 'setdefault') return (key: unknown, dflt: unknown = null) => {
        if (!(dictKeyName(key) in obj)) setDictItem(obj, key, dflt);
        return obj[dictKeyName(key)];
      };
      const method = memberLookup.call(this, obj, val) as (key: unknown, ...a: unknown[]) => unknown;
      return (key: unknown, ...a: unknown[]) => method(dictKeyName(key), ...a);
    }
    // `d[1.0]` finds the key 1 (and `d[True]` too): Python's equal numbers are one key.
    if ((val instanceof PyFloat || typeof val === 'boolean' || val === null) && rest.length === 0 && isPlainObject(obj)) val = dictKeyName(val);
    // A callable with attributes (`datetime.date(...)` and `datetime.date.today()`) is returned as it is.
    const member = obj !== null && obj !== undefined && rest.length === 0 ? (obj as any)[val as string] : undefined;
    if (typeof member === 'function' && Object.keys(member).length > 0) return member;
    if (typeof obj === 'string' && typeof val === 'string' && Object.prototype.hasOwnProperty.call(STRING_METHODS, val)) {
      return (STRING_METHODS as any)[val].bind(obj);
    }
    return memberLookup.call(this, obj, val, ...rest);
  };
}

/**
 * `seq[start:stop:step]` as Python slices: bounds clamped to the sequence, negative ones from its end, a string's slice
 * a string and a tuple's a tuple. nunjucks' slice read one item past the end (`[1, 2][:5]` ended in an undefined) and
 * looped without end on a number (`(-2)[::-1]`), which Jinja2 reads as undefined.
 */
function pySlice(seq: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  // Jinja2's getitem gives Undefined where Python raises (`(1)[1:]`, `none[:2]`)
  if (!Array.isArray(seq) && typeof seq !== 'string') return undefined;
  const index = (v: unknown) => {
    if (v === null || v === undefined) return undefined;
    const n = typeof v === 'boolean' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n)) throw new Error('TypeError: slice indices must be integers or None');
    return n;
  };
  const items: unknown[] = typeof seq === 'string' ? [...seq] : seq;
  const n = items.length;
  const by = index(step) ?? 1;
  if (by === 0) throw new Error('ValueError: slice step cannot be zero');
  const bound = (v: number | undefined, dflt: number, low: number, high: number) => (v === undefined ? dflt : v < 0 ? Math.max(v + n, low) : Math.min(v, high));
  const from = by > 0 ? bound(index(start), 0, 0, n) : bound(index(start), n - 1, -1, n - 1);
  const to = by > 0 ? bound(index(stop), n, 0, n) : bound(index(stop), -1, -1, n - 1);
  const out: unknown[] = [];
  for (let i = from; by > 0 ? i < to : i > to; i += by) out.push(items[i]);
  return typeof seq === 'string' ? out.join('') : isTuple(seq) ? pyTuple(out) : out;
}

/**
 * Whether Jinja2 raises for an attribute of `parent[key]`, missing here, with dbt's values what Floe's are. Floe renders
 * as dbt's parse does (`execute` false) but with compile's Undefined, so only a miss no query result could fill raises:
 * a key missing from a dict of the project's own (a literal, a var, a config value), or an attribute no list, str or
 * number has. Not: an item of a list or str (a query's rows are empty here), None (what `run_query` and the other
 * database calls give here), objects Floe makes for dbt's (relations, `model`, `graph`, a node, a loop: their attributes
 * are not all there), or any value reached from the globals or a render's own values.
 */
function missingRaises(parent: unknown, key: unknown, globals: Record<string, unknown>): boolean {
  if (parent === null || parent === undefined || typeof parent === 'function') return false;
  const attribute = typeof key === 'string';
  if (typeof parent === 'number' || typeof parent === 'boolean' || parent instanceof PyFloat) return true;
  if (typeof parent === 'string' || parent instanceof runtime.SafeString) return attribute;
  if (Array.isArray(parent)) return attribute && !reachable(parent, globals);
  if (!isPlainObject(parent) || standIns.has(parent) || 'revindex0' in parent) return false;
  return !reachable(parent, globals);
}

/** Objects Floe makes for dbt's (a column, a node) whose attributes are not all dbt's, beyond the globals. */
const standIns = new WeakSet<object>();
/** Values of the renders in progress, which stand for dbt's objects (the node generate_schema_name reads). */
const renderRoots: unknown[][] = [];

/** Marks `value` as Floe's stand-in for a dbt object: a missing attribute of it is not an error. */
export function standIn<T extends object>(value: T): T {
  standIns.add(value);
  return value;
}

/** Runs a render whose own values (`locals`) stand for dbt's objects as the globals do. */
export function withRenderRoots<T>(roots: unknown[], render: () => T): T {
  renderRoots.push(roots);
  try {
    return render();
  } finally {
    renderRoots.pop();
  }
}

/** Whether `target` is among the globals' values or a render's own, or inside them (a few levels deep). */
function reachable(target: object, globals: Record<string, unknown>): boolean {
  const seen = new Set<unknown>();
  // the globals' data values only: a getter (`execute`, which records that the template read it) is not called
  const values = Object.values(Object.getOwnPropertyDescriptors(globals)).flatMap((d) => (d.enumerable && 'value' in d ? [d.value] : []));
  let level: unknown[] = [...values, ...renderRoots.flat()];
  for (let depth = 0; depth < 8 && level.length > 0 && seen.size < 200_000; depth++) {
    const next: unknown[] = [];
    for (const v of level) {
      if (v === target) return true;
      if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v) || v instanceof PyFloat) continue;
      seen.add(v);
      if (Array.isArray(v)) next.push(...v);
      else if (!(v instanceof runtime.SafeString)) for (const k of Object.keys(v)) next.push((v as Record<string, unknown>)[k]);
    }
    level = next;
  }
  return false;
}

/** Jinja2's words for an Undefined: `'dict object' has no attribute 'x'`, `dict object has no element 5`. */
function undefinedWording(parent: unknown, key: unknown): string {
  const owner = `${pyTypeName(parent)} object`;
  return typeof key === 'string' ? `'${owner}' has no attribute ${pyRepr(key)}` : `${owner} has no element ${pyRepr(key)}`;
}

/** `s * n` (or a list's) as Python repeats it; undefined when `s` is neither or `n` is not an int. */
function repeat(s: unknown, n: unknown): unknown {
  if (typeof n !== 'number' || !Number.isInteger(n)) return undefined;
  if (typeof s === 'string' || s instanceof runtime.SafeString) return String(s).repeat(Math.max(0, n));
  if (Array.isArray(s)) return Array.from({ length: Math.max(0, n) }, () => s).flat(1);
  return undefined;
}

/** What `{{ value }}` prints, as Python's str() would. */
function printable(val: unknown): unknown {
  if (val === null) return 'None';
  if (val === true) return 'True';
  if (val === false) return 'False';
  // A float as Python prints it: `1.0`, `1e-05` (nunjucks' output adds a Number object by its value, `1`).
  if (isFloat(val)) return floatRepr(plain(val) as number);
  if (Array.isArray(val) || isPlainObject(val)) return pyRepr(val);
  return val;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && !Object.prototype.hasOwnProperty.call(v, 'toString');
}

export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return pyStringRepr(v);
  // a macro's output (Jinja2's Markup) inside a list or dict
  if (v instanceof runtime.SafeString) return `Markup(${pyStringRepr(String(v))})`;
  if (isFloat(v)) return floatRepr(plain(v) as number);
  if (dictViewKind(v)) return `${dictViewKind(v)}([${(v as unknown[]).map(pyRepr).join(', ')}])`;
  if (Array.isArray(v)) return rangeRepr(v) ?? (isTuple(v) ? `(${v.map(pyRepr).join(', ')}${v.length === 1 ? ',' : ''})` : `[${v.map(pyRepr).join(', ')}]`);
  if (isPlainObject(v)) return `{${dictEntries(v).filter(([k]) => k !== '__keywords').map(([k, x]) => `${pyRepr(pythonKey(v, k))}: ${pyRepr(x)}`).join(', ')}}`;
  return String(v);
}

/** Python's repr() of a str: single quotes unless it holds ' and no ", escapes for \\, the quote and control characters. */
function pyStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\' || ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's str() of a value as Jinja prints it (undefined is ''). */
export function pyStr(v: unknown): string {
  const p = printable(v);
  return p === undefined ? '' : String(p);
}

/** Python's str.splitlines(): lines split at \n, \r\n, \r and the other line boundaries Python knows, no trailing empty line. */
export function pySplitlines(s: string): string[] {
  const lines = s.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Python's `%`: string formatting (`'%s' % x`, `'%(k)s' % d`), else modulo with the divisor's sign. */
// JavaScript's operators on two numbers, for intArithmetic; `//` and `%` as Python's (towards -inf, the divisor's sign),
// and an int to a negative power a float.
const ADD = (x: any, y: any) => x + y;
const SUB = (x: number, y: number) => x - y;
const MUL = (x: number, y: number) => x * y;
const FLOOR_DIV = (x: number, y: number) => Math.floor(x / y);
const MOD = (x: unknown, y: unknown) => { const n = Number(x), d = Number(y); return ((n % d) + d) % d; };
const POW = (x: number, y: number) => (y < 0 ? asFloat(x ** y) : x ** y);

function pyMod(a: unknown, b: unknown): unknown {
  if (a instanceof runtime.SafeString) a = String(a);
  if (typeof a !== 'string') {
    checkOperands('%', a, b);
    const float = floatArithmetic('%', a, b);
    if (float !== undefined) return float;
    return intArithmetic('%', a, b, MOD);
  }
  return printf(a, b, PRINTER);
}

/** How pyFormat.ts prints and reads Python values. */
export const PRINTER: Printer = { str: (v) => pyStr(v), repr: (v) => pyRepr(v), isDict: (v): v is Record<string, unknown> => isPlainObject(v) };

/** A call's arguments as nunjucks passes them: keyword arguments arrive as a last object marked `__keywords`. */
export function splitKeywords(args: unknown[]): { positional: unknown[]; named: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (isKeywords(last)) {
    const { __keywords, ...named } = last as Record<string, unknown>;
    return { positional: args.slice(0, -1), named };
  }
  return { positional: args, named: {} };
}

/** `s[start:end]`, for the str methods that take those bounds. */
function within(s: string, start: unknown, end: unknown): string {
  // `this` of a str method may be a macro's output (a SafeString) or a boxed String, which pySlice reads as no str
  return pySlice(String(s), start === undefined ? null : plain(start), end === undefined ? null : plain(end), null) as string;
}

/** str.find/rfind within bounds: the index in `s`, -1 when missing. */
function findIn(s: string, sub: unknown, start: unknown, end: unknown, last: boolean): number {
  const from = start === undefined || start === null ? 0 : Math.max(0, Number(plain(start)) < 0 ? s.length + Number(plain(start)) : Number(plain(start)));
  const part = within(s, start, end);
  const i = last ? part.lastIndexOf(String(sub)) : part.indexOf(String(sub));
  return i < 0 ? -1 : i + Math.min(from, s.length);
}

function found(i: number): number {
  if (i < 0) throw new Error('ValueError: substring not found');
  return i;
}

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? undefined : String(chars);
  const strip = (c: string) => (set === undefined ? /\s/.test(c) : set.includes(c));
  let a = 0;
  let b = s.length;
  if (left) while (a < b && strip(s[a])) a++;
  if (right) while (b > a && strip(s[b - 1])) b--;
  return s.slice(a, b);
}

function pySplit(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = maxsplit === undefined || maxsplit === null ? -1 : Number(maxsplit);
  if (sep === undefined || sep === null) {
    const words = s.trim().split(/\s+/).filter(Boolean);
    if (max < 0 || words.length <= max + 1) return words;
    const head = words.slice(0, max);
    let rest = s.trim();
    for (const w of head) rest = rest.slice(rest.indexOf(w) + w.length).trimStart();
    return [...head, rest];
  }
  const parts = s.split(String(sep));
  if (max < 0 || parts.length <= max + 1) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(String(sep))];
}


/** Python list methods nunjucks' Jinja compatibility lacks. */
const LIST_METHODS: Record<string, (this: unknown[], ...a: any[]) => unknown> = {
  extend(items: unknown) { if (Array.isArray(items)) this.push(...items); return null; },
  copy() { return [...this]; },
  reverse() { this.reverse(); return null; },
  clear() { this.length = 0; return null; },
  // nunjucks' pop(i) gave a list of the item, and pop() of an empty list undefined, where Python raises
  pop(index?: unknown) {
    const i = index === undefined ? this.length - 1 : Number(plain(index)) < 0 ? this.length + Number(plain(index)) : Number(plain(index));
    if (i < 0 || i >= this.length) throw new Error(`IndexError: pop ${this.length === 0 ? 'from empty list' : 'index out of range'}`);
    return this.splice(i, 1)[0];
  },
  insert(index: unknown, item: unknown) {
    const i = Number(plain(index));
    this.splice(i < 0 ? Math.max(0, this.length + i) : i, 0, item);
    return null;
  },
  index(item: unknown) {
    const i = this.findIndex((x) => pyEq(x, item));
    if (i < 0) throw new Error(`ValueError: ${pyRepr(item)} is not in list`);
    return i;
  },
  remove(item: unknown) { this.splice(LIST_METHODS.index.call(this, item) as number, 1); return null; },
  count(item: unknown) { return this.filter((x) => pyEq(x, item)).length; },
  // Python's sort: its order (pyCompare.ts), key= a callable, reverse=; nunjucks had none and JavaScript's sorts by text
  sort(...a: unknown[]) {
    const { named } = splitKeywords(a);
    const key = typeof named.key === 'function' ? named.key as (x: unknown) => unknown : (x: unknown) => x;
    const keyed = this.map((x) => [key(x), x] as const);
    keyed.sort(([p], [q]) => (pyCompare(p, '<', q) ? -1 : pyCompare(q, '<', p) ? 1 : 0));
    if (pyTruthy(named.reverse)) keyed.reverse();
    keyed.forEach(([, x], i) => { this[i] = x; });
    return null;
  },
};

/** nunjucks' list methods that Python's lists lack (`[1].find(1)` is Jinja2's undefined). */
const NOT_LIST_METHODS = new Set(['find', 'items', 'values', 'keys', 'get']);

const STRING_METHODS: Record<string, (this: string, ...a: any[]) => unknown> = {
  upper() { return this.toUpperCase(); },
  lower() { return this.toLowerCase(); },
  title() { return this.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_m, p, c) => p + c.toUpperCase()); },
  capitalize() { return this.charAt(0).toUpperCase() + this.slice(1).toLowerCase(); },
  strip(chars?: unknown) { return stripChars(this, chars, true, true); },
  lstrip(chars?: unknown) { return stripChars(this, chars, true, false); },
  rstrip(chars?: unknown) { return stripChars(this, chars, false, true); },
  split(...a: unknown[]) { const { positional, named } = splitKeywords(a); return pySplit(this, positional[0] ?? named.sep, positional[1] ?? named.maxsplit); },
  rsplit(...a: unknown[]) {
    const { positional, named } = splitKeywords(a);
    const sep = positional[0] ?? named.sep;
    const max = Number(positional[1] ?? named.maxsplit ?? -1);
    if (sep === undefined || sep === null || max < 0) return pySplit(this, sep, -1);
    const parts = this.split(String(sep));
    return parts.length <= max + 1 ? parts : [parts.slice(0, parts.length - max).join(String(sep)), ...parts.slice(parts.length - max)];
  },
  splitlines() { return pySplitlines(this); },
  join(items: unknown) { return (Array.isArray(items) ? items : isPlainObject(items) ? pyKeys(items) : typeof items === 'string' ? [...items] : []).map(pyStr).join(this); },
  replace(old: unknown, replacement: unknown, count?: unknown) {
    const parts = this.split(String(old));
    const n = count === undefined || Number(count) < 0 ? parts.length : Number(count) + 1;
    return parts.slice(0, n).join(String(replacement)) + (n < parts.length ? String(old) + parts.slice(n).join(String(old)) : '');
  },
  startswith(prefix: unknown, start?: unknown, end?: unknown) { const s = within(this, start, end); return (Array.isArray(prefix) ? prefix : [prefix]).some((p) => s.startsWith(String(p))); },
  endswith(suffix: unknown, start?: unknown, end?: unknown) { const s = within(this, start, end); return (Array.isArray(suffix) ? suffix : [suffix]).some((p) => s.endsWith(String(p))); },
  find(sub: unknown, start?: unknown, end?: unknown) { return findIn(this, sub, start, end, false); },
  rfind(sub: unknown, start?: unknown, end?: unknown) { return findIn(this, sub, start, end, true); },
  index(sub: unknown, start?: unknown, end?: unknown) { return found(findIn(this, sub, start, end, false)); },
  rindex(sub: unknown, start?: unknown, end?: unknown) { return found(findIn(this, sub, start, end, true)); },
  swapcase() { return [...this].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''); },
  istitle() { return /[A-Za-z]/.test(this) && !/[A-Z][A-Z]|[a-z][A-Z]|(^|[^A-Za-z])[a-z]/.test(this); },
  isidentifier() { return /^[A-Za-z_]\w*$/.test(this); },
  isdecimal() { return /^\d+$/.test(this); },
  center(width: unknown, fill: unknown = ' ') { const missing = Number(plain(width)) - this.length; if (missing <= 0) return String(this); const left = Math.floor(missing / 2) + (missing % 2 && Number(plain(width)) % 2 ? 1 : 0); return String(fill).repeat(left) + this + String(fill).repeat(missing - left); },
  removeprefix(prefix: unknown) { return this.startsWith(String(prefix)) ? this.slice(String(prefix).length) : String(this); },
  removesuffix(suffix: unknown) { return String(suffix) && this.endsWith(String(suffix)) ? this.slice(0, -String(suffix).length) : String(this); },
  rpartition(sep: unknown) { const i = this.lastIndexOf(String(sep)); return pyTuple(i < 0 ? ['', '', String(this)] : [this.slice(0, i), String(sep), this.slice(i + String(sep).length)]); },
  expandtabs(size: unknown = 8) { let column = 0; return [...this].map((c) => { if (c === '\t') { const n = Number(plain(size)) - (column % Number(plain(size))); column += n; return ' '.repeat(n); } column = c === '\n' || c === '\r' ? 0 : column + 1; return c; }).join(''); },
  count(sub: unknown) { return String(sub) === '' ? this.length + 1 : this.split(String(sub)).length - 1; },
  format(...a: unknown[]) { const { positional, named } = splitKeywords(a); return strFormat(this, positional, named, PRINTER); },
  isdigit() { return /^\d+$/.test(this); },
  isnumeric() { return /^\d+$/.test(this); },
  isalpha() { return /^[A-Za-z]+$/.test(this); },
  isalnum() { return /^[A-Za-z0-9]+$/.test(this); },
  isspace() { return /^\s+$/.test(this); },
  islower() { return /[a-z]/.test(this) && this === this.toLowerCase(); },
  isupper() { return /[A-Z]/.test(this) && this === this.toUpperCase(); },
  zfill(width: unknown) { const sign = /^[-+]/.test(this) ? this[0] : ''; return sign + this.slice(sign.length).padStart(Number(plain(width)) - sign.length, '0'); },
  ljust(width: unknown, fill = ' ') { return this.padEnd(Number(width), String(fill)); },
  rjust(width: unknown, fill = ' ') { return this.padStart(Number(width), String(fill)); },
  partition(sep: unknown) { const i = this.indexOf(String(sep)); return pyTuple(i < 0 ? [this, '', ''] : [this.slice(0, i), String(sep), this.slice(i + String(sep).length)]); },
  encode() { return this; },
  decode() { return this; },
};
