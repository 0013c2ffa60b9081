// The nunjucks environment with dbt's Jinja dialect: the `do` tag, Python-style literals, dbt's tests and
// filters, project/package macros with `return()`, and a minimal `adapter.dispatch`.
import nunjucks from 'nunjucks';

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
}

/** Thrown out of rendering for dbt's exceptions.raise_compiler_error. */
export class CompilerError extends Error {}

// Python-style list/dict methods (append, items, ...) and True/False/None, which dbt code relies on.
nunjucks.installJinjaCompat();

const RETURN_NONE = Symbol('no-return');

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

function keywords(args: unknown[]): { positional: unknown[]; named: Record<string, unknown> } {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  if (last && typeof last === 'object' && (last as any).__keywords) {
    const { __keywords, ...named } = last as any;
    return { positional: args.slice(0, -1), named };
  }
  return { positional: args, named: {} };
}
export { keywords as splitKeywords };

export class DbtJinjaEnvironment {
  readonly env: nunjucks.Environment;
  private hooks: RenderHooks | undefined;
  private readonly returnSlots: unknown[] = [];
  private readonly macroFiles: MacroFile[];
  private compiled: Map<string, Record<string, (...a: unknown[]) => unknown>> | undefined;
  private readonly byName = new Map<string, { file: MacroFile; name: string }>();
  /** Problems met while compiling macro files (file → message); rendering still goes on. */
  readonly macroProblems = new Map<string, string>();

  constructor(macroFiles: MacroFile[], macroNames: Array<{ name: string; file: string }>) {
    this.macroFiles = macroFiles;
    this.env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
    this.env.addExtension('do', new DoExtension());
    (this.env as any).addTest('none', (v: unknown) => v === null || v === undefined);
    (this.env as any).addTest('string', (v: unknown) => typeof v === 'string');
    (this.env as any).addTest('mapping', (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v));
    this.env.addFilter('as_bool', (v: unknown) => v === true || v === 'true' || v === 'True');
    this.env.addFilter('as_number', (v: unknown) => Number(v));
    this.env.addFilter('as_text', (v: unknown) => String(v ?? ''));
    this.env.addFilter('as_native', (v: unknown) => v);
    this.env.addFilter('tojson', (v: unknown) => JSON.stringify(v));
    const fileByPath = new Map(macroFiles.map((f) => [f.file, f]));
    // Root-project macros are registered last so they win over packages' (dbt's precedence).
    const ordered = [...macroNames].sort((a, b) => Number(fileByPath.get(a.file)?.root) - Number(fileByPath.get(b.file)?.root));
    const packages = new Map<string, Record<string, unknown>>();
    for (const m of ordered) {
      const file = fileByPath.get(m.file);
      if (!file) continue;
      this.byName.set(m.name, { file, name: m.name });
      const call = (...args: unknown[]) => this.callMacro(file, m.name, args);
      this.env.addGlobal(m.name, call);
      const ns = packages.get(file.packageName) ?? {};
      ns[m.name] = call;
      packages.set(file.packageName, ns);
    }
    for (const [pkg, ns] of packages) if (!this.byName.has(pkg)) this.env.addGlobal(pkg, ns);
    this.addDbtGlobals();
  }

  private addDbtGlobals(): void {
    const h = () => {
      if (!this.hooks) throw new CompilerError('no model is being rendered');
      return this.hooks;
    };
    const config = (...args: unknown[]) => h().config(args);
    Object.assign(config, {
      get: (key: string, dflt?: unknown) => dflt ?? null,
      require: () => null,
    });
    const globals: Record<string, unknown> = {
      True: true, False: false, None: null,
      ref: (...a: unknown[]) => h().ref(a),
      source: (...a: unknown[]) => h().source(a),
      config,
      var: (...a: unknown[]) => h().var(a),
      env_var: (...a: unknown[]) => {
        const { positional } = keywords(a);
        const v = process.env[String(positional[0])];
        if (v !== undefined) return v;
        if (positional.length > 1) return positional[1];
        throw new CompilerError(`Env var required but not provided: '${String(positional[0])}'`);
      },
      is_incremental: () => false,
      execute: false,
      flags: { FULL_REFRESH: false, WHICH: 'compile' },
      invocation_id: '00000000-0000-0000-0000-000000000000',
      run_started_at: new Date(0).toISOString(),
      log: () => '',
      print: () => '',
      return: (v: unknown) => {
        if (this.returnSlots.length) this.returnSlots[this.returnSlots.length - 1] = v;
        return '';
      },
      run_query: () => null,
      statement: () => '',
      load_result: () => null,
      exceptions: {
        raise_compiler_error: (msg: unknown) => { throw new CompilerError(String(msg)); },
        warn: () => '',
      },
      adapter: {
        dispatch: (name: string, namespace?: string) => this.dispatch(String(name), namespace),
        quote: (s: unknown) => `"${String(s).replace(/"/g, '""')}"`,
        get_relation: () => null,
        get_columns_in_relation: () => [],
      },
      dict: (...a: unknown[]) => keywords(a).named,
      zip: (...lists: unknown[][]) => (lists[0] ?? []).map((_v, i) => lists.map((l) => l[i])),
      tojson: (v: unknown) => JSON.stringify(v),
      fromjson: (s: unknown) => { try { return JSON.parse(String(s)); } catch { return null; } },
      modules: { datetime: { datetime: { now: () => new Date(0).toISOString() } } },
    };
    for (const [k, v] of Object.entries(globals)) this.env.addGlobal(k, v);
    for (const k of ['this', 'target']) this.env.addGlobal(k, undefined);
  }

  private dispatch(name: string, _namespace?: string): (...a: unknown[]) => unknown {
    for (const candidate of [`duckdb__${name}`, `default__${name}`, name]) {
      const entry = this.byName.get(candidate);
      if (entry) return (...a: unknown[]) => this.callMacro(entry.file, candidate, a);
    }
    throw new CompilerError(`adapter.dispatch: no macro named 'duckdb__${name}' or 'default__${name}'`);
  }

  private callMacro(file: MacroFile, name: string, args: unknown[]): unknown {
    const fn = this.macrosOf(file)[name];
    if (!fn) throw new CompilerError(`macro '${name}' could not be compiled (${this.macroProblems.get(file.file) ?? 'unknown reason'})`);
    this.returnSlots.push(RETURN_NONE);
    try {
      const out = fn(...args);
      const ret = this.returnSlots[this.returnSlots.length - 1];
      return ret === RETURN_NONE ? out : ret;
    } finally {
      this.returnSlots.pop();
    }
  }

  /** Compiles a macro file on first use; later renders reuse it. */
  private macrosOf(file: MacroFile): Record<string, (...a: unknown[]) => unknown> {
    this.compiled ??= new Map();
    let exported = this.compiled.get(file.file);
    if (exported) return exported;
    exported = {};
    try {
      const template = new nunjucks.Template(file.text, this.env, file.file, true);
      (template as any).getExported({}, (err: unknown, exp: Record<string, (...a: unknown[]) => unknown>) => {
        if (err) throw err;
        exported = exp;
      });
    } catch (e) {
      this.macroProblems.set(file.file, firstLine(e));
    }
    this.compiled.set(file.file, exported);
    return exported;
  }

  /** Renders a prepared template string with the given per-model hooks. Synchronous. */
  renderString(template: string, hooks: RenderHooks): string {
    const previous = this.hooks;
    this.hooks = hooks;
    // Macros compiled earlier look `this` and `target` up in the globals, so they follow the model too.
    this.env.addGlobal('this', hooks.this);
    this.env.addGlobal('target', hooks.target);
    try {
      return this.env.renderString(template, { this: hooks.this, target: hooks.target, ...hooks.extra });
    } finally {
      this.hooks = previous;
    }
  }
}

export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const lines = msg.split('\n').map((l) => l.trim()).filter(Boolean);
  const last = lines.filter((l) => !l.startsWith('(') && !l.startsWith('[Line')).pop() ?? lines.pop() ?? msg;
  return last.replace(/^Error: /, '').replace(/^Template render error: /, '');
}
