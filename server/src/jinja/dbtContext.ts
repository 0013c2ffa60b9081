// dbt's compile-time context: the globals every model and macro sees (ref/source/config/var through hooks, env_var,
// return, exceptions, adapter, run_started_at, modules.datetime, namespace, ...), as dbt has them at compile time
// with `execute` false: no database is queried.
import { MacroReturn, PyNamespace, rememberKeyObject, splitKeywords, standIn } from './pythonCompat';

export { splitKeywords };
import { pyDatetime, datetimeModule } from './pyDatetime';
import { pyJsonDumps, pyJsonLoads, PyJsonValueError } from './pyJson';
import { pyTuple } from './pyTuple';
import { dictEntries, dictNames, pythonKey, setDictItem } from './pyDictKeys';
// PyYAML's reading of YAML lives with the project's loaders; fromyaml reads as dbt_project.yml's values are read.
import { loadYaml, withPyFloats } from '../project/yamlFloats';
import { pyYamlDump, PyYamlRepresenterError } from './pyYaml';

/** Thrown out of rendering for dbt's exceptions.raise_compiler_error. */
export class CompilerError extends Error {}

export interface ContextHooks {
  ref(args: unknown[]): unknown;
  source(args: unknown[]): unknown;
  config(args: unknown[]): unknown;
  var(args: unknown[]): unknown;
  dispatch(name: string, namespace?: string): (...a: unknown[]) => unknown;
  /** The rendered node's config value for a key (dbt compile's config.get reads the node's config), undefined when unset. */
  configValue(name: string): unknown;
}

/**
 * A relation as macros see it: prints as its SQL name; `metadata.type` ends with "Relation" (dbt_utils checks that),
 * and the attributes dbt's BaseRelation has.
 */
export function relationValue(text: string, fields: Record<string, unknown>): Record<string, unknown> {
  for (const key in fields) if (!NAMING_FIELDS.has(key)) return relationWithFields(text, fields);
  // Only naming fields (every ref, source and `this`): the same keys in the same order, built as one literal.
  const { database, schema } = fields;
  const name = fields.identifier ?? fields.name;
  const me = () => self;
  const db = database ? `"${String(database)}".` : '';
  const self: Record<string, unknown> = {
    database, schema, identifier: fields.identifier, name, table: name, project: database, dataset: schema,
    metadata: { type: 'DuckDBRelation' }, type: 'table', is_table: true, is_view: false, is_cte: false,
    toString: () => text, render: () => text, include: me, incorporate: me, quote: me, replace_path: me,
    information_schema: (view?: unknown) => informationSchema(db, database, view),
    without_identifier: () => relationValue(`${db}"${String(schema ?? '')}"`, { database, schema }),
  };
  rememberKeyObject(text, self);
  return self;
}

const NAMING_FIELDS = new Set(['database', 'schema', 'identifier', 'name']);

/** relationValue with other fields (api.Relation.create's): they come after the naming ones, as given. */
function relationWithFields(text: string, fields: Record<string, unknown>): Record<string, unknown> {
  const self: Record<string, unknown> = {
    database: undefined, schema: undefined, identifier: undefined, ...fields, name: fields.identifier ?? fields.name,
    // dbt's Relation.table is its identifier; BigQuery's relations also answer project (database) and dataset (schema).
    table: fields.identifier ?? fields.name, project: fields.database, dataset: fields.schema,
    metadata: { type: 'DuckDBRelation' }, type: 'table', is_table: true, is_view: false, is_cte: false,
    toString: () => text, render: () => text,
  };
  for (const m of ['include', 'incorporate', 'quote', 'replace_path']) self[m] = () => self;
  // Adapter macros (postgres__, snowflake__ ...) read the catalog through these; dbt renders "db".INFORMATION_SCHEMA.view.
  const db = fields.database ? `"${String(fields.database)}".` : '';
  self.information_schema = (view?: unknown) => informationSchema(db, fields.database, view);
  self.without_identifier = () => relationValue(`${db}"${String(fields.schema ?? '')}"`, { database: fields.database, schema: fields.schema });
  rememberKeyObject(text, self);
  return self;
}

function informationSchema(db: string, database: unknown, view: unknown): Record<string, unknown> {
  return relationValue(`${db}INFORMATION_SCHEMA${view ? `.${String(view)}` : ''}`, { database, schema: 'INFORMATION_SCHEMA', identifier: view ?? undefined });
}


/** The env vars read while recording (recordEnvReads): a kept render is valid only while they are unchanged. */
let envReads: Map<string, string | null> | undefined;

/** Runs a synchronous render, returning what it gave and every env var `env_var()` read during it (null: unset). */
export function recordEnvReads<T>(render: () => T): { value: T; envRead: Map<string, string | null> } {
  const outer = envReads;
  const envRead = new Map<string, string | null>();
  envReads = envRead;
  try {
    return { value: render(), envRead };
  } finally {
    envReads = outer;
    if (outer) for (const [k, v] of envRead) outer.set(k, v);
  }
}

/** The fixed time every render sees, so compiled SQL is reproducible (dbt's run_started_at is the run's start). */
const RUN_STARTED_AT = Date.UTC(2026, 0, 1);

export function dbtContextGlobals(hooks: ContextHooks): Record<string, unknown> {
  const config = (...args: unknown[]) => hooks.config(args);
  // As dbt compile's RuntimeConfigObject: the node's value for the key, else the default (config('x') set in this file included).
  const get = (...a: unknown[]) => { const { positional, named } = splitKeywords(a); return hooks.configValue(String(positional[0])) ?? positional[1] ?? named.default ?? null; };
  const metaGet = (...a: unknown[]) => {
    const { positional, named } = splitKeywords(a);
    const meta = hooks.configValue('meta');
    const value = meta !== null && typeof meta === 'object' ? (meta as Record<string, unknown>)[String(positional[0])] : undefined;
    return value ?? positional[1] ?? named.default ?? null;
  };
  Object.assign(config, {
    get,
    require: (name: unknown) => hooks.configValue(String(name)) ?? null,
    // dbt >= 1.10 reads `meta` keys with these (config.get('meta') is deprecated there).
    meta_get: metaGet,
    meta_require: (name: unknown) => metaGet(name),
    set: () => '',
    persist_relation_docs: () => false,
    persist_column_docs: () => false,
  });
  const relation = (fields: Record<string, unknown>) => {
    const text = [fields.database, fields.schema, fields.identifier].filter((x) => x !== undefined && x !== null && x !== '').map((x) => `"${String(x)}"`).join('.');
    return relationValue(text, fields);
  };
  return {
    True: true, False: false, None: null,
    ref: (...a: unknown[]) => hooks.ref(a),
    source: (...a: unknown[]) => hooks.source(a),
    config,
    var: (...a: unknown[]) => hooks.var(a),
    env_var: (...a: unknown[]) => {
      const { positional } = splitKeywords(a);
      const v = process.env[String(positional[0])];
      envReads?.set(String(positional[0]), v ?? null);
      if (v !== undefined) return v;
      if (positional.length > 1) return positional[1];
      throw new CompilerError(`Env var required but not provided: '${String(positional[0])}'`);
    },
    is_incremental: () => false,
    should_full_refresh: () => false,
    flags: { FULL_REFRESH: false, WHICH: 'compile', STORE_FAILURES: false, WARN_ERROR: false },
    invocation_id: '00000000-0000-0000-0000-000000000000',
    run_started_at: pyDatetime(RUN_STARTED_AT),
    dbt_version: '1.9.0',
    log: () => '',
    print: () => '',
    return: (v: unknown) => { throw new MacroReturn(v); },
    run_query: () => null,
    load_relation: () => null,
    builtins: { ref: (...a: unknown[]) => hooks.ref(a), source: (...a: unknown[]) => hooks.source(a), config: (...a: unknown[]) => hooks.config(a) },
    statement: () => '',
    load_result: () => null,
    store_result: () => '',
    graph: { nodes: {}, sources: {}, exposures: {}, metrics: {}, macros: {} },
    selected_resources: [],
    exceptions: {
      raise_compiler_error: (msg: unknown) => { throw new CompilerError(String(msg)); },
      raise_not_implemented: (msg: unknown) => { throw new CompilerError(String(msg)); },
      warn: () => '',
    },
    adapter: {
      dispatch: (...a: unknown[]) => {
        const { positional, named } = splitKeywords(a);
        return hooks.dispatch(String(positional[0] ?? named.macro_name), (positional[1] ?? named.macro_namespace ?? undefined) as string | undefined);
      },
      quote: (s: unknown) => `"${String(s).replace(/"/g, '""')}"`,
      get_relation: () => null,
      get_columns_in_relation: () => [],
      get_column_schema_from_query: () => [],
      list_relations_without_caching: () => [],
      get_missing_columns: () => [],
      type: () => 'duckdb',
    },
    api: {
      Relation: { create: (...a: unknown[]) => relation(splitKeywords(a).named) },
      Column: {
        create: (name: unknown, type: unknown) => standIn({ name, column: name, data_type: type, dtype: type }),
        translate_type: (type: unknown) => String(type),
        string_type: (size: unknown) => (size ? `varchar(${String(size)})` : 'varchar'),
        numeric_type: (type: unknown, precision: unknown, scale: unknown) => (precision ? `${String(type)}(${String(precision)},${String(scale ?? 0)})` : String(type)),
      },
    },
    set: (v: unknown) => [...new Set(Array.isArray(v) ? v : [])],
    set_strict: (v: unknown) => [...new Set(Array.isArray(v) ? v : [])],
    try_or_compiler_error: (_msg: unknown, fn: (...a: unknown[]) => unknown, ...a: unknown[]) => fn(...a),
    // Python's dict(mapping_or_pairs, **kwargs): keys in order, non-string keys kept.
    dict: (...a: unknown[]) => {
      const { positional, named } = splitKeywords(a);
      const out: Record<string, unknown> = {};
      const from = positional[0];
      if (Array.isArray(from)) for (const pair of from) { if (Array.isArray(pair)) setDictItem(out, pair[0], pair[1]); }
      else if (from && typeof from === 'object') for (const [k, v] of dictEntries(from as Record<string, unknown>)) setDictItem(out, pythonKey(from, k), v);
      for (const [k, v] of Object.entries(named)) setDictItem(out, k, v);
      return out;
    },
    list: (v: unknown) => (Array.isArray(v) ? [...v] : typeof v === 'string' ? [...v] : v && typeof v === 'object' ? dictNames(v) : []),
    // Python's zip: tuples, as many as the shortest argument has items.
    zip: (...lists: unknown[][]) => (lists.length === 0 ? [] : lists[0].slice(0, Math.min(...lists.map((l) => l.length))).map((_v, i) => pyTuple(lists.map((l) => l[i])))),
    // Jinja2's namespace(dict, **kw): its attributes only (`ns.items` is the value set, not a dict's method)
    namespace: (...a: unknown[]) => {
      const { positional, named } = splitKeywords(a);
      const ns = new PyNamespace();
      for (const from of positional) if (from && typeof from === 'object') Object.assign(ns, from);
      return Object.assign(ns, named);
    },
    __floe_setattr: (target: unknown, key: string, value: unknown) => { if (target && typeof target === 'object') (target as Record<string, unknown>)[key] = value; return ''; },
    // dbt's tojson(value, default=None, sort_keys=False): json.dumps, its default when that raises ValueError.
    tojson: (...a: unknown[]) => {
      const { positional, named } = splitKeywords(a);
      try {
        return pyJsonDumps(positional[0], { sortKeys: Boolean(named.sort_keys ?? positional[2]) });
      } catch (e) {
        if (e instanceof PyJsonValueError) return named.default ?? positional[1] ?? null;
        throw e;
      }
    },
    // dbt's fromjson(string, default=None): json.loads, its default when the text is not JSON.
    fromjson: (...a: unknown[]) => {
      const { positional, named } = splitKeywords(a);
      try { return pyJsonLoads(String(positional[0])); } catch { return named.default ?? positional[1] ?? null; }
    },
    // dbt's toyaml(value, default=None, sort_keys=False): yaml.safe_dump (pyYaml.ts), its default where PyYAML cannot
    // represent the value (JSON was written before).
    toyaml: (...a: unknown[]) => {
      const { positional, named } = splitKeywords(a);
      const dflt = named.default ?? positional[1] ?? null;
      if (positional[0] === undefined) return dflt;
      try {
        return pyYamlDump(positional[0], { sortKeys: Boolean(named.sort_keys ?? positional[2]) });
      } catch (e) {
        if (e instanceof PyYamlRepresenterError) return dflt;
        throw e;
      }
    },
    // dbt's fromyaml is PyYAML's safe_load: its ints, floats and bools (`yes`, `off` bools, `y` and `1e3` strings, `1.0`
    // a float, `017` octal) as schema YAML's are read (yamlFloats.ts); a key written twice holds its last value (automate_dv
    // metadata repeats keys); no document is None, unparsable text the default.
    fromyaml: (s: unknown, dflt: unknown = null) => {
      const text = s === undefined || s === null ? '' : String(s);
      if (text.split(/\r?\n/).every((line) => /^\s*(?:#.*)?$|^(?:---|\.\.\.)\s*$/.test(line))) return null;
      try { return withPyFloats(loadYaml(text, { json: true })); } catch { return dflt; }
    },
    local_md5: (s: unknown) => md5Hex(String(s)),
    modules: { datetime: datetimeModule(RUN_STARTED_AT), re: reModule, itertools: {}, pytz: { timezone: (name: unknown) => String(name), utc: 'UTC', UTC: 'UTC' } },
  };
}

function md5Hex(s: string): string {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  return require('node:crypto').createHash('md5').update(s).digest('hex');
}

/** The subset of Python's `re` that dbt macros use, on JS regexes. */
/** A Python pattern as a JS RegExp: leading inline flags (`(?i)`, `(?s)`, `(?m)`) become RegExp flags. */
function pyRegExp(pattern: unknown, flags = ''): RegExp {
  let p = String(pattern);
  let f = flags;
  for (let m = /^\(\?([imsx]+)\)/.exec(p); m; m = /^\(\?([imsx]+)\)/.exec(p)) {
    f += m[1].replace(/x/g, '');
    p = p.slice(m[0].length);
  }
  return new RegExp(p, [...new Set(f)].join(''));
}

function anchored(pattern: unknown): RegExp {
  const r = pyRegExp(pattern);
  return new RegExp(`^(?:${r.source})`, r.flags);
}

const reModule = {
  match: (p: unknown, s: unknown) => anchored(p).exec(String(s)),
  search: (p: unknown, s: unknown) => pyRegExp(p).exec(String(s)),
  sub: (p: unknown, r: unknown, s: unknown) => String(s).replace(pyRegExp(p, 'g'), String(r)),
  findall: (p: unknown, s: unknown) => [...String(s).matchAll(pyRegExp(p, 'g'))].map((m) => m[1] ?? m[0]),
  split: (p: unknown, s: unknown) => String(s).split(pyRegExp(p)),
  compile: (p: unknown) => ({ match: (s: unknown) => anchored(p).exec(String(s)), search: (s: unknown) => pyRegExp(p).exec(String(s)) }),
  IGNORECASE: 2,
  I: 2,
};
