// The nunjucks environment with dbt's Jinja dialect: the `do` tag, Python semantics (pythonCompat.ts), dbt's tests
// and filters, project/package macros with `return()`, dbt's built-in macros and `adapter.dispatch` with `dispatch:`.
import nunjucks from 'nunjucks';
import { jinjaRound, printf } from './pyFormat';
import { installPythonCompat, PyLoopControl, PyNamespace, PRINTER, pyRepr, MacroReturn, splatGlobals, forgetKeyObjects, pyKeys, pySplitlines, pyStr, pyTruthy, pyTypeName, withRenderRoots } from './pythonCompat';
import { dictEntries, pythonKey as pythonKeyOf } from './pyDictKeys';
import { pyCompare } from './pyCompare';
import { asFloat, floatArithmetic, isFloat, plain } from './pyFloat';
import { jinjaToJson } from './pyJson';
import { fitInt, intArithmetic, roundInt, truncFloat } from './pyInt';
import { pyTuple } from './pyTuple';
import { pyRange } from './pyRange';
import { toNunjucksSource } from './dbtSyntax';
import { scanTemplate } from './scanner';
import { explainRenderError } from './renderMessages';
import { BUILTIN_MACRO_FILE } from './dbtBuiltins';
import { adapterMacro, BEHAVIOR_FLAGS_ON, numericType, translateType } from './dbtAdapterMacros';
import { dispatchesItself, dispatchSearch, type DispatchOrder } from './dispatchSearch';
import { dbtContextGlobals, CompilerError } from './dbtContext';

export interface MacroFile {
  /** Absolute path of the .sql file holding the macros. */
  file: string;
  text: string;
  /** The dbt package (project) name the macros belong to. */
  packageName: string;
  /** Whether this is the root project (its macros win over packages'). */
  root: boolean;
}

/** What a render of one model needs from the project: the per-model half of dbt's context. */
export interface RenderHooks {
  ref(args: unknown[]): unknown;
  source(args: unknown[]): unknown;
  config(args: unknown[]): unknown;
  var(args: unknown[]): unknown;
  this: unknown;
  target: unknown;
  /** Project vars and other globals for this render. */
  extra?: Record<string, unknown>;
  /** Globals replaced for this render only and restored after it (a unit test's macro and env_var overrides). */
  overrides?: Record<string, unknown>;
  /** The dbt package of the node being rendered: its macros come first for an unqualified name (dbt's local namespace). */
  packageName?: string;
  /** The node's config value for a key, for config.get / config.require (none: every key unset). */
  configValue?(name: string): unknown;
  /** dbt's built-in cross-database macros as the target adapter's dbt writes them (a dbt-names compile), not DuckDB's. */
  adapterSpellings?: boolean;
  /** `execute` true: what dbt renders while it runs (on-run-start hooks), not at parse time. */
  execute?: boolean;
}

export { CompilerError, splitKeywords } from './dbtContext';
import { splitKeywords as keywords } from './dbtContext';

installPythonCompat();

// nunjucks has no `do` tag; dbt uses it for side effects like {% do list.append(x) %}.
class DoExtension {
  tags = ['do'];
  parse(parser: any, nodes: any): any {
    const tok = parser.nextToken();
    const expr = parser.parseExpression();
    parser.advanceAfterBlockEnd(tok.value);
    return new nodes.CallExtension(this, 'run', new nodes.NodeList(tok.lineno, tok.colno, [expr]));
  }
  run(): string {
    return '';
  }
}

// dbt's loopcontrols extension: `{% break %}` and `{% continue %}` in a for loop.
class LoopControlExtension {
  tags = ['break', 'continue'];
  parse(parser: any): any {
    const tok = parser.nextToken();
    parser.advanceAfterBlockEnd(tok.value);
    return new PyLoopControl(tok.lineno, tok.colno, tok.value);
  }
}

export type { DispatchOrder } from './dispatchSearch';


export class DbtJinjaEnvironment {
  readonly env: nunjucks.Environment;
  private hooks: RenderHooks | undefined;
  private compiled: Map<string, Record<string, (...a: unknown[]) => unknown>> | undefined;
  /** Macros by name, then package; `root` is the root project's package name. */
  private readonly byName = new Map<string, Map<string, MacroFile>>();
  private readonly root: string;
  /** Whether the last top-level render read `execute` (its SQL is then what dbt renders at parse time). */
  executeRead = false;
  /** Problems met while compiling macro files (file → message); rendering still goes on. */
  readonly macroProblems = new Map<string, string>();
  /** Compiled templates by their source, most recently used last: many renders share one (render.ts's quick form). */
  private readonly templates = new Map<string, nunjucks.Template>();
  private readonly macroText: string;
  private readonly printed = new Map<string, boolean>();

  /**
   * `adapter` is the profile's adapter type: dispatch looks for `<adapter>__name` (then its parent adapter's) as dbt
   * does; without one (or for duckdb) `duckdb__name`, as Floe renders for DuckDB.
   */
  constructor(macroFiles: MacroFile[], macroNames: Array<{ name: string; file: string }>, private readonly dispatchOrder: DispatchOrder = {}, readonly adapter?: string,
    projectFlags: Record<string, unknown> = {}) {
    this.env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
    this.env.addExtension('do', new DoExtension());
    this.env.addExtension('loopcontrols', new LoopControlExtension());
    const files = [BUILTIN_MACRO_FILE.file, ...macroFiles];
    this.macroText = files.map((f) => f.text).join('\n');
    const fileByPath = new Map(files.map((f) => [f.file, f]));
    this.root = macroFiles.find((f) => f.root)?.packageName ?? '';
    const names = [...BUILTIN_MACRO_FILE.names.map((name) => ({ name, file: BUILTIN_MACRO_FILE.file.file })), ...macroNames];
    const packages = new Map<string, Record<string, unknown>>();
    for (const m of names) {
      const file = fileByPath.get(m.file);
      if (!file) continue;
      let byPackage = this.byName.get(m.name);
      if (!byPackage) this.byName.set(m.name, (byPackage = new Map()));
      byPackage.set(file.packageName, file);
      const ns = packages.get(file.packageName) ?? {};
      ns[m.name] = (...args: unknown[]) => this.callMacro(file, m.name, args);
      packages.set(file.packageName, ns);
    }
    // Unqualified names, in dbt's order: the rendered node's own package, the root project, dbt's built-ins; then (where
    // dbt would fail) any package's. Two packages may define one name (fivetran's tiktok_ads and reddit_ads both have
    // get_campaign_country_report_columns): each package's models get their own.
    for (const [name, byPackage] of this.byName) {
      const file = byPackage.get(this.root) ?? byPackage.get('dbt') ?? byPackage.values().next().value!;
      const local = () => { const pkg = this.hooks?.packageName; return pkg === undefined ? undefined : byPackage.get(pkg); };
      this.env.addGlobal(name, byPackage.size === 1 ? (...args: unknown[]) => this.callMacro(file, name, args) : (...args: unknown[]) => this.callMacro(local() ?? file, name, args));
    }
    for (const [pkg, ns] of packages) if (pkg === 'dbt' || !this.byName.has(pkg)) this.env.addGlobal(pkg, ns);
    const h = () => {
      if (!this.hooks) throw new CompilerError('no model is being rendered');
      return this.hooks;
    };
    for (const [k, v] of Object.entries(splatGlobals)) this.env.addGlobal(k, v);
    this.env.addGlobal('range', pyRange);
    for (const [k, v] of Object.entries(dbtContextGlobals({
      ref: (a) => h().ref(a), source: (a) => h().source(a), config: (a) => h().config(a), var: (a) => h().var(a),
      dispatch: (name, namespace) => this.dispatch(name, namespace), configValue: (name) => this.hooks?.configValue?.(name),
    }))) this.env.addGlobal(k, v);
    const adapterGlobal = this.env.getGlobal('adapter') as Record<string, unknown>;
    adapterGlobal.behavior = behaviorFlags(projectFlags);
    // The profile's adapter, as dispatch and target.type have it; api.Column is that adapter's Column class.
    adapterGlobal.type = () => adapter ?? 'duckdb';
    const column = (this.env.getGlobal('api') as { Column: Record<string, unknown> }).Column;
    column.translate_type = (type: unknown) => translateType(adapter, String(type), projectFlags);
    column.numeric_type = (type: unknown, precision: unknown, scale: unknown) => numericType(adapter, String(type), precision, scale);
    for (const [name, test] of Object.entries(DBT_TESTS)) (this.env as any).addTest(name, test);
    for (const [name, filter] of Object.entries(DBT_FILTERS)) this.env.addFilter(name, filter);
    for (const k of ['this', 'target']) this.env.addGlobal(k, undefined);
    // Code that asks `execute` renders parse-time SQL (dbt fills it in only when running): remember that it asked.
    Object.defineProperty((this.env as any).globals, 'execute', { get: () => { this.executeRead = true; return this.hooks?.execute ?? false; }, enumerable: true, configurable: true });
    // dbt's `context`: the render's globals and macros by name (`context['my_macro']`, `context.get(...)`).
    const globals = (this.env as any).globals as Record<string, unknown>;
    this.env.addGlobal('context', new Proxy({}, {
      get: (_t, k) => (k === 'get' ? (name: string, dflt: unknown = null) => globals[name] ?? dflt : typeof k === 'string' ? globals[k] : undefined),
      has: (_t, k) => typeof k === 'string' && k in globals,
    }));
  }

  /** dbt's adapter.dispatch: `<adapter>__name` (and its parent adapter's), then `default__name`, in each package of the search order. */
  private dispatch(name: string, namespace?: string): (...a: unknown[]) => unknown {
    const { order, packages, namesIn, adapters } = dispatchSearch(name, namespace, { local: this.hooks?.packageName, root: this.root, dispatchOrder: this.dispatchOrder, adapter: this.adapter });
    for (const pkg of packages) {
      for (const candidate of namesIn(pkg)) {
        const byPackage = this.byName.get(candidate);
        const file = pkg === undefined ? byPackage?.values().next().value : byPackage?.get(pkg);
        // The macro of the dispatched name itself is only a candidate when it is not the dispatcher (that recursed).
        if (file && !(candidate === name && dispatchesItself(file.text, name))) {
          // dbt's own implementation (Floe's DuckDB built-in) is, for a dbt-names compile, the target adapter's.
          const spelled = file === BUILTIN_MACRO_FILE.file && this.hooks?.adapterSpellings ? adapterMacro(this.adapter, name) : undefined;
          if (spelled) return (...a: unknown[]) => this.callMacro(spelled.file, spelled.macro, a);
          return (...a: unknown[]) => this.callMacro(file, candidate, a);
        }
      }
    }
    throw new CompilerError(`adapter.dispatch('${name}'${namespace ? `, '${namespace}'` : ''}): no macro ${adapters.map((a) => `'${a}__${name}'`).join(', ')} or 'default__${name}' in ${order.join(', ')}`);
  }

  private callMacro(file: MacroFile, name: string, args: unknown[]): unknown {
    const fn = this.macrosOf(file)[name];
    if (!fn) throw new CompilerError(`macro '${name}' in ${file.file} could not be compiled: ${explainRenderError(this.macroProblems.get(file.file) ?? 'it is not defined at the top level')}`);
    return fn(...args);
  }

  /** Compiles a macro file on first use; later renders reuse it. */
  private macrosOf(file: MacroFile): Record<string, (...a: unknown[]) => unknown> {
    this.compiled ??= new Map();
    let exported = this.compiled.get(file.file);
    if (exported) return exported;
    const source = toNunjucksSource(file.text);
    try {
      exported = this.exportsOf(source, file.file);
    } catch (e) {
      // dbt reads a macro file block by block and ignores what lies between blocks; so do we when the whole fails.
      exported = {};
      for (const block of topLevelMacros(source)) {
        try {
          Object.assign(exported, this.exportsOf(block, file.file));
        } catch (inner) {
          this.macroProblems.set(file.file, firstLine(inner));
        }
      }
      if (Object.keys(exported).length === 0) this.macroProblems.set(file.file, firstLine(e));
    }
    this.compiled.set(file.file, exported);
    return exported;
  }

  private exportsOf(source: string, path: string): Record<string, (...a: unknown[]) => unknown> {
    let exported: Record<string, (...a: unknown[]) => unknown> = {};
    const template = new nunjucks.Template(source, this.env, path, true);
    (template as any).getExported({}, (err: unknown, exp: Record<string, (...a: unknown[]) => unknown>) => {
      if (err) throw err;
      exported = exp;
    });
    return exported;
  }

  /** nunjucks' renderString without compiling a template seen before: compiled code depends on the source only. */
  private templateOf(source: string): nunjucks.Template {
    let template = this.templates.get(source);
    if (template) {
      this.templates.delete(source);
    } else {
      template = new nunjucks.Template(source, this.env);
      if (this.templates.size >= MAX_TEMPLATES) this.templates.delete(this.templates.keys().next().value!);
    }
    this.templates.set(source, template);
    return template;
  }

  /** Renders Jinja text inside the render in progress, with its hooks (dbt renders a string var when var() reads it). */
  renderNested(text: string): string {
    return this.hooks ? this.renderString(text, this.hooks) : text;
  }

  /** Whether a macro file's text holds this character (render.ts's markers must not come from the project). */
  mayPrint(character: string): boolean {
    let answer = this.printed.get(character);
    if (answer === undefined) this.printed.set(character, (answer = this.macroText.includes(character)));
    return answer;
  }

  /**
   * Renders a prepared template string with the given per-model hooks. Synchronous. `locals` are seen by the template
   * only (not by macros).
   */
  renderString(template: string, hooks: RenderHooks, locals?: Record<string, unknown>): string {
    const previous = this.hooks;
    if (!previous) { forgetKeyObjects(); this.executeRead = false; }
    this.hooks = hooks;
    // Macros compiled earlier look the model's context up in the globals, so they follow the model too.
    const context: Record<string, unknown> = { this: hooks.this, target: hooks.target, ...hooks.extra };
    for (const [k, v] of Object.entries(context)) this.env.addGlobal(k, v);
    const globals = (this.env as any).globals as Record<string, unknown>;
    const saved = Object.keys(hooks.overrides ?? {}).map((k) => [k, globals[k]] as const);
    for (const [k, v] of Object.entries(hooks.overrides ?? {})) this.env.addGlobal(k, v);
    if (locals) Object.assign(context, locals);
    try {
      // locals stand for dbt's objects (generate_schema_name's node) as the globals do: a missing attribute of theirs is no error
      return locals ? withRenderRoots(Object.values(locals), () => this.templateOf(template).render(context)) : this.templateOf(template).render(context);
    } catch (e) {
      if (e instanceof MacroReturn) return '';
      throw e;
    } finally {
      for (const [k, v] of saved) this.env.addGlobal(k, v);
      this.hooks = previous;
    }
  }
}

/** How many compiled templates an environment keeps: a template's compiled code is a few KB. */
const MAX_TEMPLATES = 2000;

/** The source of each top-level `{% macro %} … {% endmacro %}` block (blank padding keeps line numbers). */
function topLevelMacros(source: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (const b of scanTemplate(source).blocks) {
    if (b.kind !== 'statement') continue;
    if (b.tag === 'macro') { if (depth++ === 0) start = b.start; }
    else if (b.tag === 'endmacro' && depth > 0 && --depth === 0) out.push(source.slice(0, start).replace(/[^\n]/g, ' ') + source.slice(start, b.end));
  }
  return out;
}

/** A Python str: a macro's output (nunjucks' SafeString, a String object) is one too, as Markup is in Jinja2. */
const isString = (v: unknown): v is string | String => typeof v === 'string' || v instanceof String;
const isMapping = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof String) && !(v instanceof Number) && !(v instanceof PyNamespace);

/** Jinja2's tests that nunjucks lacks (`is true`, `is mapping`, ...). */
/**
 * dbt's `adapter.behavior`: each behavior flag as the project's `flags:` sets it, else its default: off (as every flag
 * dbt-adapters defines), or on for the adapters' flags in BEHAVIOR_FLAGS_ON; `.setting` and `.no_warn` read the same value
 * at compile time.
 */
function behaviorFlags(flags: Record<string, unknown>): Record<string, unknown> {
  return new Proxy({}, {
    get: (_t, name) => {
      if (typeof name !== 'string') return undefined;
      const on = Object.prototype.hasOwnProperty.call(flags, name) ? flags[name] === true : BEHAVIOR_FLAGS_ON.has(name);
      return { setting: on, no_warn: on };
    },
  });
}

const isIntLike = (v: unknown): v is number | bigint | boolean => typeof v === 'bigint' || typeof v === 'boolean' || (typeof v === 'number' && Number.isInteger(v));

const DBT_TESTS: Record<string, (v: unknown, ...a: unknown[]) => boolean> = {
  none: (v) => v === null || v === undefined,
  true: (v) => v === true,
  false: (v) => v === false,
  boolean: (v) => typeof v === 'boolean',
  string: isString,
  // a bool is an int in Python (Jinja2's number test is isinstance(v, Number))
  number: (v) => typeof plain(v) === 'number' || typeof v === 'boolean' || typeof v === 'bigint',
  integer: (v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint',
  // Python's `value % 2 == 1` (-3 is odd), an int past 2**53 (a bigint) included
  odd: (v) => (typeof v === 'bigint' ? v % 2n !== 0n : Math.abs((v as number) % 2) === 1),
  even: (v) => (typeof v === 'bigint' ? v % 2n === 0n : (v as number) % 2 === 0),
  // Python's `value % num == 0`: by zero a ZeroDivisionError (JavaScript's NaN said False)
  divisibleby: (v, n) => {
    if (Number(plain(n)) === 0) throw new Error('ZeroDivisionError: integer division or modulo by zero');
    if ((typeof v === 'bigint' || typeof n === 'bigint') && isIntLike(v) && isIntLike(n)) return BigInt(v) % BigInt(n) === 0n;
    return Number(plain(v)) % Number(plain(n)) === 0;
  },
  float: isFloat,
  mapping: isMapping,
  // Jinja2's sequence: anything with a length and items (a dict too)
  sequence: (v) => Array.isArray(v) || isString(v) || isMapping(v),
  // Jinja2's Undefined is iterable (as empty): a missing value passes `is iterable`
  iterable: (v) => v === undefined || Array.isArray(v) || isString(v) || isMapping(v),
  sameas: (v, other) => v === other,
  // str(value).islower() / isupper(): any value, printed first (nunjucks' read toUpperCase of a number and failed)
  lower: (v) => { const t = pyStr(v); return t === t.toLowerCase() && t !== t.toUpperCase(); },
  upper: (v) => { const t = pyStr(v); return t === t.toUpperCase() && t !== t.toLowerCase(); },
  // `'upper' is filter`, `'odd' is test`: whether the environment has one of that name
  filter(this: any, v: unknown) { try { return isString(v) && !!this.env.getFilter(String(v)); } catch { return false; } },
  test(this: any, v: unknown) { try { return isString(v) && !!this.env.getTest(String(v)); } catch { return false; } },
  in: (v, seq) => (Array.isArray(seq) ? seq.some((x) => plain(x) === plain(v)) : typeof seq === 'string' ? seq.includes(v as never) : isMapping(seq) && String(v) in (seq as object)),
  eq: (v, other) => plain(v) === plain(other),
  ne: (v, other) => plain(v) !== plain(other),
  '==': (v, other) => plain(v) === plain(other),
  '!=': (v, other) => plain(v) !== plain(other),
  lt: (v, other) => (v as number) < (other as number),
  gt: (v, other) => (v as number) > (other as number),
  le: (v, other) => (v as number) <= (other as number),
  ge: (v, other) => (v as number) >= (other as number),
};

/** A dict's methods: what Jinja2's attr filter finds on a dict (its items are no attributes). */
const DICT_METHODS = new Set(['items', 'keys', 'values', 'get', 'pop', 'update', 'copy', 'setdefault', 'clear']);

/** Jinja2's `attribute=` of filters: a dotted path into each item. */
const attributeOf = (x: unknown, attribute: unknown): any => String(attribute).split('.').reduce<any>((o, k) => o?.[k], x);

/** The items a Jinja2 filter iterates: a list, a string's characters, a dict's keys; nothing for undefined. */
const iterated = (v: unknown): unknown[] => (Array.isArray(v) ? v : isString(v) ? [...String(v)] : isMapping(v) ? pyKeys(v as Record<string, unknown>) : v === undefined ? [] : [v]);

/** markupsafe's escape of a value's str() (a macro's output, Markup, is left as it is). */
function escapeHtml(v: unknown): string {
  if (v instanceof (nunjucks as any).runtime.SafeString) return String(v);
  return pyStr(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}

/** Python's int(text, base): an optional sign, digits of the base with `_` between them, spaces around; else undefined. */
function pyIntText(text: string, base: number): number | bigint | undefined {
  const t = text.trim();
  let m = /^([-+]?)(?:0([xob]))?((?:_?[0-9a-z])+)$/i.exec(t);
  if (!m) return undefined;
  const prefix = m[2]?.toLowerCase();
  const b = base === 0 ? (prefix === 'x' ? 16 : prefix === 'o' ? 8 : prefix === 'b' ? 2 : 10) : base;
  if (prefix && ((prefix === 'x' && b !== 16) || (prefix === 'o' && b !== 8) || (prefix === 'b' && b !== 2))) m = null;
  if (!m || m[3].startsWith('_') && !prefix) return undefined;
  const digits = m[3].replace(/_/g, '').toLowerCase();
  if (![...digits].every((c) => Number.parseInt(c, 36) < b)) return undefined;
  const n = Number.parseInt(digits, b);
  if (!Number.isSafeInteger(n)) {
    // past 2**53: the digits' exact value (pyInt.ts)
    let big = 0n;
    for (const c of digits) big = big * BigInt(b) + BigInt(Number.parseInt(c, 36));
    return fitInt(m[1] === '-' ? -big : big);
  }
  return m[1] === '-' ? -n : n;
}

/** Python's float(text): a decimal or exponent form with `_` between digits, inf/infinity/nan, spaces around; else undefined. */
function pyFloatText(text: string): number | undefined {
  const t = text.trim();
  if (/^[-+]?(?:inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/i.test(t)) return NaN;
  if (!/^[-+]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][-+]?\d(?:_?\d)*)?$/.test(t)) return undefined;
  return Number(t.replace(/_/g, ''));
}

/** textwrap's lines of one paragraph as Jinja2's wordwrap asks for them (spaces collapse at the breaks). */
function wrapParagraph(text: string, width: number, breakLong: boolean, breakOnHyphens: boolean): string[] {
  const chunks = text.split(breakOnHyphens ? /(\s+|(?<=[A-Za-z]-)(?=[A-Za-z]))/ : /(\s+)/).filter((c) => c !== '' && c !== undefined);
  const lines: string[] = [];
  let line: string[] = [];
  let length = 0;
  for (let i = 0; i < chunks.length; i++) {
    let chunk = chunks[i];
    if (/^\s+$/.test(chunk) && line.length === 0 && lines.length > 0) continue;
    if (length + chunk.length <= width) { line.push(chunk); length += chunk.length; continue; }
    if (chunk.length > width && breakLong) {
      const room = Math.max(1, width - length);
      line.push(chunk.slice(0, room));
      chunks.splice(i + 1, 0, chunk.slice(room));
      chunk = '';
    } else if (line.length === 0) { line.push(chunk); chunk = ''; }
    else i--;
    while (line.length && /^\s+$/.test(line[line.length - 1])) line.pop();
    if (line.length) lines.push(line.join(''));
    line = [];
    length = 0;
  }
  while (line.length && /^\s+$/.test(line[line.length - 1])) line.pop();
  if (line.length) lines.push(line.join(''));
  return lines;
}

function extreme(v: unknown, args: unknown[], sign: 1 | -1): unknown {
  const s = sequence(v), items = Array.isArray(s) ? s : [];
  const attribute = keywords(args).named.attribute;
  const key = (x: any) => (attribute === undefined ? x : attributeOf(x, attribute));
  let best: unknown;
  for (const x of items) if (best === undefined || (key(x) > key(best) ? sign === 1 : key(x) < key(best) ? sign === -1 : false)) best = x;
  return best;
}

/** A sequence as Jinja2's list() reads it: a dict's keys, a string's characters, nothing for undefined (which nunjucks
 * filters read `.length` or `[0]` of and failed, where dbt gives [] or Undefined). Anything else is left as it is. */
const sequence = (v: unknown): unknown => (v === undefined ? [] : isString(v) ? [...String(v)] : isMapping(v) ? pyKeys(v as Record<string, unknown>) : v);

/** Jinja2's select/reject and selectattr/rejectattr: each item (or its attribute) passed to a test, truthiness without one. */
function selectItems(this: any, v: unknown, args: unknown[], keep: boolean, attribute?: unknown): unknown[] {
  const [testName, ...testArgs] = args;
  const test = testName === undefined ? undefined : this.env.getTest(String(testName));
  const items = sequence(v);
  if (!Array.isArray(items)) throw new Error(`'${pyTypeName(v)}' object is not iterable: select and reject need a list, dict or string`);
  return items.filter((x) => {
    const value = attribute === undefined ? x : attributeOf(x, attribute);
    return (test ? !!test.call(this, value, ...testArgs) : pyTruthy(value)) === keep;
  });
}

/** Jinja2's int, float, abs and round raise on an undefined value; nunjucks' gave 0, 0.0 or nan, written into the SQL. */
const undefinedNumber = (filter: string) => new Error(`'${filter}' of an undefined value: Jinja raises UndefinedError here (a var, config value or attribute this code expects is missing)`);
const throwError = (e: Error): never => { throw e; };

const ADD = (x: number, y: number) => x + y;

/** Python's urllib quote of the UTF-8 bytes: letters, digits and `_.-~` as they are (and `/` but in a query), `+` for a space in a query. */
function urlQuote(text: string, query: boolean): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~-]/.test(c) || (!query && c === '/') ? c : query && c === ' ' ? '+' : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** dbt's filters and Jinja2's that nunjucks lacks. */
const DBT_FILTERS: Record<string, (v: unknown, ...a: unknown[]) => unknown> = {
  // dbt's as_bool only marks its value for the native rendering of a whole YAML value; inside an expression the value
  // stays what it was (`target.type == 'bigquery' | as_bool()` compares with 'bigquery'). The words true/false convert.
  as_bool: (v) => (typeof v === 'string' && /^(true|false)$/i.test(v.trim()) ? v.trim().toLowerCase() === 'true' : v),
  as_number: (v) => Number(v),
  // Python's float(), abs() and Jinja2's round keep a float a float (`{{ 1 | float }}` is 1.0; round gives a float).
  // Python's float() of the text (`' 2.5 '`, `1_0`, `inf`, `nan`), else the default (nunjucks' parseFloat read `'2x'` as 2).
  float: (v, dflt: unknown = asFloat(0)) => {
    if (v === undefined) throw undefinedNumber('float');
    if (typeof v === 'bigint') return asFloat(Number(v));
    if (typeof plain(v) === 'number' || typeof v === 'boolean') return asFloat(Number(plain(v)));
    const n = isString(v) ? pyFloatText(String(v)) : undefined;
    return n === undefined ? dflt : asFloat(n);
  },
  // Jinja2's format: `value % args` (or % kwargs), printf-style.
  format: (v, ...a) => {
    const { positional, named } = keywords(a);
    if (positional.length && Object.keys(named).length) throw new Error("FilterArgumentError: can't handle positional and keyword arguments at the same time");
    return printf(pyStr(v), Object.keys(named).length ? named : pyTuple(positional), PRINTER);
  },
  pprint: (v) => pyRepr(v),
  // Jinja2's replace: str() of each argument (`replace('a', none)` writes None)
  replace: (v, old, replacement, count) => {
    const parts = pyStr(v).split(pyStr(old));
    const n = count === undefined || count === null || Number(plain(count)) < 0 ? parts.length : Number(plain(count)) + 1;
    return parts.slice(0, n).join(pyStr(replacement)) + (n < parts.length ? pyStr(old) + parts.slice(n).join(pyStr(old)) : '');
  },
  center: (v, width = 80) => (nunjucks as any).runtime.memberLookup(pyStr(v), 'center')(width),
  // Jinja2's attr: an attribute only, not an item (`{'a': 1} | attr('a')` is undefined)
  attr: (v, name) => (isMapping(v) && !DICT_METHODS.has(String(name)) ? undefined : (nunjucks as any).runtime.memberLookup(v, String(name))),
  wordwrap: (v, ...a) => {
    const { positional, named } = keywords(a);
    const width = Number(plain(named.width ?? positional[0] ?? 79));
    const breakLong = pyTruthy(named.break_long_words ?? positional[1] ?? true);
    const wrapstring = named.wrapstring ?? positional[2] ?? '\n';
    const breakOnHyphens = pyTruthy(named.break_on_hyphens ?? positional[3] ?? true);
    return pyStr(v).split(/\r\n|\r|\n/).map((para) => wrapParagraph(para, width, breakLong, breakOnHyphens).join(String(wrapstring))).join(String(wrapstring));
  },
  filesizeformat: (v, binary) => {
    const bytes = Number(plain(v));
    const base = pyTruthy(binary) ? 1024 : 1000;
    const prefixes = pyTruthy(binary) ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
    if (bytes === 1) return '1 Byte';
    if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
    let unit = base, prefix = prefixes[0];
    for (let i = 0; i < prefixes.length; i++) {
      unit = base ** (i + 2);
      prefix = prefixes[i];
      if (bytes < unit) break;
    }
    return `${printf('%.1f', pyTuple([(base * bytes) / unit]), PRINTER)} ${prefix}`;
  },
  abs: (v) => (v === undefined ? throwError(undefinedNumber('abs')) : typeof v === 'bigint' ? (v < 0n ? -v : v) : isFloat(v) ? asFloat(Math.abs(plain(v) as number)) : Math.abs(v as number)),
  // Python's round() of the exact value, a half to the even digit (an int stays an int); floor and ceil give floats.
  round: (v, ...a) => {
    if (v === undefined) throw undefinedNumber('round');
    const { positional, named } = keywords(a);
    const method = String(named.method ?? positional[1] ?? 'common');
    if (!['common', 'ceil', 'floor'].includes(method)) throw new Error('FilterArgumentError: method must be common, ceil or floor');
    if (typeof v === 'bigint' && method === 'common') return roundInt(v, Number(plain(named.precision ?? positional[0] ?? 0)));
    if (typeof plain(v) !== 'number' && typeof v !== 'boolean') throw new Error(`TypeError: type ${pyTypeName(v)} doesn't define __round__ method`);
    return jinjaRound(v, Number(plain(named.precision ?? positional[0] ?? 0)), method);
  },
  // Jinja2's int: Python's int() of the text (`' 42 '`, `1_000`, a base's digits), else of its float (`'1e3'` is
  // 1000), else the default; a float truncated (nunjucks' parseInt read `'12abc'` as 12 and `1e+16` as 1).
  int: (v, ...a) => {
    if (v === undefined) throw undefinedNumber('int');
    const { positional, named } = keywords(a);
    const dflt = named.default ?? positional[0] ?? 0;
    if (typeof v === 'bigint') return v;
    if (typeof plain(v) === 'number' || typeof v === 'boolean') return Number.isFinite(Number(plain(v))) ? truncFloat(Number(plain(v))) : dflt;
    const base = Number(plain(named.base ?? positional[1] ?? 10));
    if (!isString(v)) return dflt;
    const whole = pyIntText(String(v), base);
    if (whole !== undefined) return whole;
    const f = pyFloatText(String(v));
    return f === undefined || !Number.isFinite(f) ? dflt : truncFloat(f);
  },
  as_text: (v) => String(v ?? ''),
  as_native: (v) => v,
  // Jinja2's urlencode: a str (or other scalar) quoted with `/` kept; a dict's or a list's pairs as a query string,
  // `k=v` joined by `&`, a space `+` (nunjucks' encodeURIComponent wrote `%20` there and kept `!*'()` and `/` alike).
  urlencode: (v) => {
    if (isString(v) || !(Array.isArray(v) || isMapping(v))) return urlQuote(pyStr(v), false);
    const pairs = Array.isArray(v) ? v : dictEntries(v as Record<string, unknown>).filter(([k]) => k !== '__keywords').map(([k, x]) => [pythonKeyOf(v as Record<string, unknown>, k), x]);
    return pairs.map((pair) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new Error(`ValueError: urlencode takes a dict or a list of (key, value) pairs, not ${pyRepr(pair)}`);
      return `${urlQuote(pyStr(pair[0]), true)}=${urlQuote(pyStr(pair[1]), true)}`;
    }).join('&');
  },
  // Jinja2's string is Python's str() (undefined is ''); nunjucks' read undefined.toString().
  string: (v) => pyStr(v),
  // Jinja2's tojson: json.dumps with sorted keys, Python's spacing and floats, escaped for HTML (pyJson.ts).
  tojson: (v, ...a) => {
    // json.dumps of Jinja2's Undefined raises; JavaScript's undefined was written as null.
    if (v === undefined) throw new Error('Object of type Undefined is not JSON serializable: tojson of an undefined value (a var, config value or attribute this code expects is missing)');
    const { positional, named } = keywords(a);
    const indent = named.indent ?? positional[0];
    return jinjaToJson(v, typeof plain(indent) === 'number' ? (plain(indent) as number) : undefined);
  },
  // Python's sum: a float among the items makes the total a float.
  sum: (v, ...a) => {
    const { positional, named } = keywords(a);
    const attribute = named.attribute ?? positional[0];
    return iterated(v).map((x) => (attribute === undefined || attribute === null ? x : attributeOf(x, attribute))).reduce((total: unknown, x) => floatArithmetic('+', total, x) ?? intArithmetic('+', total, x, ADD), named.start ?? positional[1] ?? 0);
  },
  // Jinja2's title: each word's first letter upper, the rest lower, words split at spaces, `-` and opening brackets.
  title: (v) => pyStr(v).split(/([-\s({[<]+)/u).map((w) => (w ? w[0].toUpperCase() + w.slice(1).toLowerCase() : w)).join(''),
  // Jinja2's truncate: kept whole within length + leeway (5); else cut at the length less the end, at a word's end
  // unless killwords.
  truncate: (v, ...a) => {
    const { positional, named } = keywords(a);
    const s = pyStr(v);
    const length = Number(plain(named.length ?? positional[0] ?? 255));
    const killwords = pyTruthy(named.killwords ?? positional[1] ?? false);
    const end = pyStr(named.end ?? positional[2] ?? '...');
    const leeway = Number(plain(named.leeway ?? positional[3] ?? 5));
    if (s.length <= length + leeway) return s;
    const cut = s.slice(0, Math.max(0, length - end.length));
    if (killwords) return cut + end;
    const space = cut.lastIndexOf(' ');
    return (space < 0 ? cut : cut.slice(0, space)) + end;
  },
  // Jinja2's dictsort: by key or value, strings ignoring case unless case_sensitive, reverse=.
  dictsort: (v, ...a) => {
    const { positional, named } = keywords(a);
    const caseSensitive = pyTruthy(named.case_sensitive ?? positional[0] ?? false);
    const by = String(named.by ?? positional[1] ?? 'key');
    const reverse = pyTruthy(named.reverse ?? positional[2] ?? false);
    if (!isMapping(v)) throw new Error('dictsort needs a dict');
    const at = by === 'value' ? 1 : 0;
    const key = (pair: unknown[]) => { const k = pair[at]; return typeof k === 'string' && !caseSensitive ? k.toLowerCase() : k; };
    const items = dictEntries(v as Record<string, unknown>).filter(([k]) => k !== '__keywords').map(([k, x]) => pyTuple([pythonKeyOf(v as object, k), x]));
    items.sort((p, q) => (pyCompare(key(p), '<', key(q)) ? -1 : pyCompare(key(q), '<', key(p)) ? 1 : 0));
    return reverse ? items.reverse() : items;
  },
  // Jinja2's lower/upper print any value as Python's str() first (a list, a number, none); nunjucks' needed a string.
  lower: (v) => pyStr(v).toLowerCase(),
  capitalize: (v) => { const t = pyStr(v); return t.charAt(0).toUpperCase() + t.slice(1).toLowerCase(); },
  // markupsafe's escape: `"` as &#34; and `'` as &#39; (nunjucks wrote &quot;)
  escape: (v) => (nunjucks as any).runtime.markSafe(escapeHtml(v)),
  e: (v) => (nunjucks as any).runtime.markSafe(escapeHtml(v)),
  forceescape: (v) => (nunjucks as any).runtime.markSafe(escapeHtml(String(pyStr(v)))),
  // Jinja2's trim is str(value).strip(chars): an undefined value gives '' (fsc-utils' generate_alias_name trims
  // `name.split('__')[1]`, undefined for a name without '__'); nunjucks' read undefined.replace and failed.
  trim: (v, chars) => {
    const text = pyStr(v);
    if (chars === undefined || chars === null) return text.trim();
    const strip = new Set(pyStr(chars));
    let start = 0, end = text.length;
    while (start < end && strip.has(text[start])) start++;
    while (end > start && strip.has(text[end - 1])) end--;
    return text.slice(start, end);
  },
  upper: (v) => pyStr(v).toUpperCase(),
  // Jinja2's indent: the lines after the first (the first too with first=true) get `width` spaces or the width string,
  // blank lines only with blank=true, a trailing line break kept unindented. nunjucks' indented blank lines and a
  // trailing break's empty line, and failed with a JavaScript error on a value that is not a string. Jinja2 raises for
  // one; here it is printed first, as it may be None only because Floe renders with `execute` false (a macro's result).
  indent: (v, ...a) => {
    if (v === undefined) throw new Error("'indent' of an undefined value: Jinja raises UndefinedError here (a var, config value or attribute this code expects is missing)");
    const { positional, named } = keywords(a);
    const width = named.width ?? positional[0] ?? 4;
    const pad = isString(width) ? String(width) : ' '.repeat(Number(plain(width)));
    const lines = pySplitlines(`${pyStr(v)}\n`);
    const rest = lines.slice(1).map((l) => (l || pyTruthy(named.blank ?? positional[2]) ? pad + l : l));
    const text = [lines[0], ...rest].join('\n');
    return pyTruthy(named.first ?? positional[1]) ? pad + text : text;
  },
  // Jinja2's wordcount counts `\w+` runs of str(value) (undefined has none); nunjucks' gave None for undefined.
  wordcount: (v) => (pyStr(v).match(/\w+/gu) ?? []).length,
  // Jinja2's max/min (with attribute=), which nunjucks lacks.
  max: (v, ...a) => extreme(v, a, 1),
  min: (v, ...a) => extreme(v, a, -1),
  items: (v) => (isMapping(v) ? dictEntries(v as Record<string, unknown>).map(pyTuple) : []),
  // Jinja2's join iterates any iterable (a string's characters, a dict's keys; undefined is empty) and prints each
  // item as Python's str(); nunjucks' join needed a JS array.
  join: (v, ...a) => {
    const { positional, named } = keywords(a);
    const attribute = named.attribute ?? positional[1];
    const values = attribute === undefined ? iterated(v) : iterated(v).map((x) => attributeOf(x, attribute));
    return values.map(pyStr).join(pyStr(named.d ?? positional[0] ?? ''));
  },
  // Jinja2's unique: the first of equal items, strings compared ignoring case unless case_sensitive=true.
  unique: (v, ...a) => {
    const { positional, named } = keywords(a);
    const caseSensitive = named.case_sensitive ?? positional[0] ?? false;
    const attribute = named.attribute ?? positional[1];
    const seen = new Set<unknown>();
    return iterated(v).filter((x) => {
      let k = attribute === undefined ? x : attributeOf(x, attribute);
      if (typeof k === 'string' && !caseSensitive) k = k.toLowerCase();
      if (typeof k === 'object' && k !== null) k = JSON.stringify(k);
      return !seen.has(k) && !!seen.add(k);
    });
  },
  // Jinja2's iterating filters read a dict as its keys and an undefined value as empty (first/last give Undefined);
  // nunjucks' read `.length` or `[0]` of undefined and failed, and `{'a': 1} | list` gave [{key, value}] objects.
  first: (v) => (sequence(v) as any)[0],
  last: (v) => { const s = sequence(v) as any; return s[s.length - 1]; },
  list: (v) => {
    const s = sequence(v);
    if (!Array.isArray(s)) throw new Error(`'${pyTypeName(v)}' object is not iterable: the list filter needs a list, dict or string`);
    return s.slice();
  },
  // Jinja2's batch: lists of `n` items, the last one padded with fill_with when given.
  batch: (v, n, fill) => {
    const s = sequence(v) as unknown[], size = Number(plain(n)), out: unknown[][] = [];
    for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
    const tail = out[out.length - 1];
    if (tail && fill !== undefined && fill !== null) while (tail.length < size) tail.push(fill);
    return out;
  },
  count: (v) => (v === undefined ? 0 : isString(v) ? String(v).length : Array.isArray(v) ? v.length : isMapping(v) ? Object.keys(v as object).length : 0),
  random: (v) => { const s = sequence(v) as any; return s[Math.floor(Math.random() * s.length)]; },
  // Jinja2's groupby: (grouper, list) pairs sorted by the key, strings compared ignoring case unless case_sensitive;
  // each pair also has `.grouper` and `.list`. nunjucks' gave a dict of key to items, whose `g.grouper` printed nothing.
  groupby: (v, ...a) => {
    const { positional, named } = keywords(a);
    const attribute = named.attribute ?? positional[0], dflt = named.default ?? positional[1];
    const caseSensitive = named.case_sensitive ?? positional[2] ?? false;
    const value = (x: unknown) => { const k = attributeOf(x, attribute); return k === undefined ? dflt : k; };
    const key = (x: unknown) => { const k = plain(value(x)); return typeof k === 'string' && !caseSensitive ? k.toLowerCase() : k; };
    const items = sequence(v);
    if (!Array.isArray(items)) throw new Error(`'${pyTypeName(v)}' object is not iterable: groupby needs a list`);
    const sorted = items.map((x) => ({ x, k: key(x) as any })).sort((p, q) => (p.k < q.k ? -1 : p.k > q.k ? 1 : 0));
    const groups: unknown[][] = [];
    for (let i = 0; i < sorted.length; i++) {
      if (i === 0 || sorted[i].k !== sorted[i - 1].k) {
        const list: unknown[] = [], grouper = value(sorted[i].x);
        groups.push(Object.assign([grouper, list], { grouper, list }));
      }
      (groups[groups.length - 1][1] as unknown[]).push(sorted[i].x);
    }
    return groups;
  },
  // Jinja2's slice: `n` lists of near-equal length, the shorter ones padded with fill_with when given.
  slice: (v, n, fill) => {
    const s = sequence(v) as unknown[], count = Number(plain(n)), per = Math.floor(s.length / count), extra = s.length % count;
    const out: unknown[][] = [];
    for (let i = 0, start = 0; i < count; i++) {
      const end = start + per + (i < extra ? 1 : 0);
      const part = s.slice(start, end);
      if (fill !== undefined && fill !== null && i >= extra) part.push(fill);
      out.push(part);
      start = end;
    }
    return out;
  },
  // Jinja2's select/reject/selectattr/rejectattr take a test and its arguments (`selectattr('name', 'equalto', 'id')`);
  // nunjucks' selectattr ignored the test, keeping every item whose attribute was truthy.
  select(this: any, v: unknown, ...a: unknown[]) { return selectItems.call(this, v, a, true); },
  reject(this: any, v: unknown, ...a: unknown[]) { return selectItems.call(this, v, a, false); },
  selectattr(this: any, v: unknown, attribute: unknown, ...a: unknown[]) { return selectItems.call(this, v, a, true, attribute); },
  rejectattr(this: any, v: unknown, attribute: unknown, ...a: unknown[]) { return selectItems.call(this, v, a, false, attribute); },
  // Jinja2's map: map(attribute='x') or map('filter_name', args...).
  map(this: any, v: unknown, ...args: unknown[]) {
    const s = sequence(v), items = Array.isArray(s) ? s : [];
    const { positional, named } = keywords(args);
    if (named.attribute !== undefined) return items.map((x) => attributeOf(x, named.attribute) ?? named.default);
    const filter = this.env.getFilter(String(positional[0]));
    return items.map((x) => filter.call(this, x, ...positional.slice(1)));
  },
};

export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const lines = msg.split('\n').map((l) => l.trim()).filter(Boolean);
  const last = lines.filter((l) => !l.startsWith('(') && !l.startsWith('[Line')).pop() ?? lines.pop() ?? msg;
  return last.replace(/^Error: /, '').replace(/^Template render error: /, '');
}
