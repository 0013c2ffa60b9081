// dbt's node selection syntax as data: `--select`/`--exclude` values are unions (spaces, or several values) of
// intersections (commas) of criteria `[@][N+][method[.key]:]value[+N]`. Pure text in; bad syntax comes back as
// problems naming the criterion, never as an exception.

export type SelectorMethod = 'fqn' | 'tag' | 'source' | 'path' | 'file' | 'package' | 'config' | 'resource_type' | 'test_name' | 'test_type'
  | 'group' | 'access' | 'version' | 'exposure' | 'metric' | 'semantic_model' | 'saved_query';

export interface Criterion {
  /** As the user wrote it: `+marts.finance+2`. */
  raw: string;
  method: SelectorMethod;
  /** The key path of `config.<key>:` (`['materialized']`, `['meta', 'owner']`). */
  keys: string[];
  value: string;
  /** Ancestors to add: undefined for none, Infinity for all (`+x`), N for `N+x`. */
  parents?: number;
  children?: number;
  /** `@x`: x, its descendants, and every ancestor of those. */
  childrensParents: boolean;
  /** How this criterion brings in tests (a YAML selector's `indirect_selection:`); the command's mode when absent. */
  indirect?: IndirectSelection;
}

/**
 * dbt's indirect selection: which tests come along with selected nodes. `eager`: a test of any selected node;
 * `cautious`: only a test whose every parent is selected; `buildable`: every parent selected or upstream of the
 * selection; `empty`: none.
 */
export type IndirectSelection = 'eager' | 'cautious' | 'buildable' | 'empty';
export const INDIRECT_SELECTIONS: readonly IndirectSelection[] = ['eager', 'cautious', 'buildable', 'empty'];

/** Criteria joined by commas: a node must match every one. */
export interface Intersection {
  raw: string;
  criteria: Criterion[];
}

export interface SelectionProblem {
  severity: 'error' | 'warning';
  /** The criterion (or union member) the problem is about, as written. */
  criterion: string;
  message: string;
  /** Where in selectors.yml, as offsets, for problems found there. */
  range?: [number, number];
  /** A dbt method Floe cannot evaluate (`result:`, `state:`): valid for dbt, so only a use of it fails. */
  unsupported?: true;
}

/** A selection as a tree: what `--select`/`--exclude` values and YAML selector definitions both become. */
export type SelectionSpec =
  | { op: 'all' }
  | { op: 'criterion'; criterion: Criterion }
  /** `expect`: the text to name in a warning when this part selects nothing (each `--select` union member). */
  | { op: 'union' | 'intersection'; members: SelectionSpec[]; expect?: string; indirect?: IndirectSelection }
  | { op: 'difference'; include: SelectionSpec; exclude: SelectionSpec; indirect?: IndirectSelection };

export interface ParsedSelection {
  /** Union members; empty when nothing was given. */
  union: Intersection[];
  problems: SelectionProblem[];
}

/** `exposure:`, `metric:`, `semantic_model:`, `saved_query:`: a name or `package.name`, as dbt's methods of those names. */
export const YAML_RESOURCE_METHODS: ReadonlySet<string> = new Set(['exposure', 'metric', 'semantic_model', 'saved_query']);
const METHODS: ReadonlySet<string> = new Set<SelectorMethod>(['fqn', 'tag', 'source', 'path', 'file', 'package', 'config', 'resource_type', 'test_name', 'test_type',
  'group', 'access', 'version', 'exposure', 'metric', 'semantic_model', 'saved_query']);
/** dbt methods Floe has nothing to apply to (no state or results). */
const UNSUPPORTED = new Set(['state', 'result', 'source_status', 'unit_test']);
const ACCESS = new Set(['public', 'protected', 'private']);
const VERSION_SELECTORS = new Set(['latest', 'prerelease', 'old', 'none']);
/** dbt's resource types; Floe's project has the first six, the rest simply match nothing. */
export const RESOURCE_TYPES: ReadonlySet<string> = new Set(['model', 'seed', 'snapshot', 'source', 'test', 'analysis',
  'unit_test', 'exposure', 'metric', 'semantic_model', 'saved_query', 'operation', 'sql_operation', 'doc', 'macro', 'group', 'function']);
const TEST_TYPES = new Set(['generic', 'schema', 'singular', 'data', 'unit']);

// The same shape dbt parses: optional `@`, optional `N+`, optional `method:`, a lazy value, optional `+N`.
const CRITERION = /^(@)?(?:(\d*)\+)?(?:([\w.]+):)?(.*?)(?:\+(\d*))?$/s;

/** Parses every `--select` (or `--exclude`) value; several values and space-separated parts are a union. */
export function parseSelection(values: readonly string[]): ParsedSelection {
  const problems: SelectionProblem[] = [];
  const union: Intersection[] = [];
  for (const member of values.flatMap((v) => v.split(/\s+/)).filter(Boolean)) {
    const criteria: Criterion[] = [];
    for (const raw of member.split(',').filter(Boolean)) {
      const parsed = parseCriterion(raw);
      if ('message' in parsed) problems.push(parsed);
      else criteria.push(parsed);
    }
    if (criteria.length === member.split(',').filter(Boolean).length && criteria.length > 0) union.push({ raw: member, criteria });
  }
  return { union, problems };
}

/** The tree of `--select` and `--exclude` values (everything when nothing is selected); `warn`: name empty union members. */
export function cliSelectionSpec(select: ParsedSelection, exclude: ParsedSelection, warn = true): SelectionSpec {
  const union = (p: ParsedSelection, expect: boolean): SelectionSpec => ({
    op: 'union',
    members: p.union.map((m) => ({ op: 'intersection', members: m.criteria.map((criterion) => ({ op: 'criterion', criterion })), ...(expect ? { expect: m.raw } : {}) })),
  });
  const include: SelectionSpec = select.union.length ? union(select, warn) : { op: 'all' };
  return exclude.union.length ? { op: 'difference', include, exclude: union(exclude, false) } : include;
}

/** One criterion, `[@][N+][method[.key]:]value[+N]`. */
export function parseCriterion(raw: string): Criterion | SelectionProblem {
  const bad = (message: string): SelectionProblem => ({ severity: 'error', criterion: raw, message: `Invalid selector '${raw}': ${message}` });
  const m = CRITERION.exec(raw);
  if (!m) return bad('cannot be parsed');
  const [, at, parentsDepth, methodText, value, childrenDepth] = m;
  if (at && parentsDepth !== undefined) return bad("'@' and a leading '+' cannot be combined");
  if (!value) return bad('names nothing to select');
  const [method, ...keys] = methodText !== undefined ? methodText.split('.') : [defaultMethod(value)];
  if (UNSUPPORTED.has(method)) return { ...bad(`Floe does not support dbt's '${method}' method`), unsupported: true };
  if (!METHODS.has(method)) return bad(`'${method}' is not a selection method (use one of ${[...METHODS].join(', ')})`);
  if (method === 'config' ? keys.length === 0 || keys.some((k) => !k) : keys.length > 0) {
    return bad(method === 'config' ? 'config needs a key, as in config.materialized:table' : `'${methodText}' takes no key`);
  }
  if (method === 'resource_type' && !RESOURCE_TYPES.has(value)) return bad(`'${value}' is not a resource type (model, seed, snapshot, source, test, analysis)`);
  if (method === 'access' && !ACCESS.has(value)) return bad(`'${value}' is not an access level (public, protected, private)`);
  if (method === 'version' && !VERSION_SELECTORS.has(value)) return bad(`'${value}' is not a version selector (latest, prerelease, old, none)`);
  if (method === 'test_type' && !TEST_TYPES.has(value)) return bad(`'${value}' is not a test type (generic, singular)`);
  if (method === 'source' && value.split('.').length > 3) return bad('a source selector is source, source.table or package.source.table');
  if (YAML_RESOURCE_METHODS.has(method) && value.split('.').length > 2) return bad(`a ${method} selector is ${method}_name or package.${method}_name`);
  return {
    raw,
    method: method as SelectorMethod,
    keys,
    value,
    parents: depth(parentsDepth),
    children: depth(childrenDepth),
    childrensParents: !!at,
  };
}

/** `2` → 2, `` (a bare `+`) → every level, absent → none. */
function depth(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return text === '' ? Infinity : Number(text);
}

/** As dbt: a value with a path separator is a path, one ending in a model or seed extension a file, else an fqn. */
function defaultMethod(value: string): SelectorMethod {
  if (value.includes('/') || value.includes('\\')) return 'path';
  if (/\.(sql|py|csv)$/i.test(value)) return 'file';
  return 'fqn';
}
