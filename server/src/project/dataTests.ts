// The project's dbt data tests: generic tests declared in schema YAML (on models, columns, source tables) and
// singular tests (SQL files under test-paths returning failing rows), with stable ids. Pure over the project model.
import path from 'node:path';
import type { DbtProject, FileEntry, MacroDefinition } from './project';
import { dispatchSearch } from '../jinja/dispatchSearch';
import type { GenericTestDecl } from './testYaml';
import type { ModelConfig } from './config';
import type { ModelDoc } from './schemaYaml';
import { versionKeeps } from './versions';
import { fileConfig } from './branchConfig';
import { renderSetting } from './jinjaEnvironment';
import { jsonText } from '../util/json';
import { genericTestName } from './testNames';

export interface DataTest {
  /** Stable while the subject, column, name and arguments stay: `stg_orders.order_id.not_null`. */
  id: string;
  /** `not_null(order_id)`, `unique(stg_orders)` for model-level tests, the file name for singular tests. */
  label: string;
  /** The generic test's name, or `singular`. */
  kind: string;
  /** The model, `source:src.table`, or the singular test's path relative to the project. */
  subject: string;
  /**
   * What the test runs over: a model (or seed/snapshot) by name (a versioned model's tests are per version; a package's
   * test names its package's model), or a source table.
   */
  target?: { kind: 'model'; name: string; version?: string; packageName?: string } | { kind: 'source'; source: string; table: string };
  column?: string;
  /** A model-level test's `column_name:` expression (raw SQL), in place of a column. */
  columnExpression?: string;
  args: Record<string, unknown>;
  /** A generic test's `name:` from YAML, its node name in dbt (project/testNames.ts makes the name otherwise). */
  customName?: string;
  /** Paths in args written as integral floats (`1.0`): dbt's name and hash print them as Python does. */
  floatArgs?: string[];
  severity: 'error' | 'warn';
  /** The severity as the project wrote it (rendered), absent when none is set: dbt's manifest keeps it as written, else 'ERROR'. */
  severityText?: string;
  where?: string;
  /** Tags for selection: the test's, its column's, `config(tags=...)` of a singular test, and `data_tests:` folder tags. */
  tags?: string[];
  /** The package that declares the test, its node id's and fqn's package; absent for a unit test (the root project's). */
  packageName?: string;
  /** The YAML file (generic) or the SQL file (singular), with the declaration's offsets. */
  file: string;
  start: number;
  end: number;
}

/** The tests dbt itself ships; anything else must be a `{% test %}` macro of the project or a package. */
export const CORE_GENERIC_TESTS: ReadonlySet<string> = new Set(['not_null', 'unique', 'accepted_values', 'relationships']);

/**
 * The project's or a package's macro dbt runs for a core generic test in place of its own: the root project's
 * `test_<kind>` (its macros come before dbt's), else what `adapter.dispatch('test_<kind>', 'dbt')` finds ahead of dbt's
 * `default__test_<kind>`: a `<adapter>__test_<kind>` or `default__test_<kind>` of the root project, or of the packages
 * a `dispatch:` entry for `dbt` lists. Undefined: dbt's own runs.
 */
export function coreTestOverride(project: DbtProject, kind: string): MacroDefinition | undefined {
  if (!CORE_GENERIC_TESTS.has(kind)) return undefined;
  const name = `test_${kind}`;
  const own = project.macro(name, project.name);
  if (own) return own;
  const search = dispatchSearch(name, 'dbt', { root: project.name, dispatchOrder: project.settings.dispatch, adapter: project.target.adapter });
  for (const pkg of search.order) {
    for (const candidate of search.namesIn(pkg)) {
      const found = candidate === name ? undefined : project.macro(candidate, pkg);
      if (found) return found;
    }
  }
  return undefined;
}

const cache = new WeakMap<DbtProject, { version: number; own: DataTest[]; all: DataTest[]; unresolved: SkippedDataTest[] }>();

export interface SkippedDataTest {
  name: string;
  file: string;
  reason: string;
  /** dbt warns that it skips the test (a ref or source naming no node, not a disabled one). */
  warns?: boolean;
}

/**
 * Tests the project or a package declares that `floe test` does not run, each with why: those of disabled models, and
 * those whose ref or source names no node (unresolvedDataTests).
 */
export function skippedDataTests(project: DbtProject): SkippedDataTest[] {
  const out: SkippedDataTest[] = [...unresolvedDataTests(project)];
  for (const e of project.files.values()) {
    if (e.kind !== 'yaml' || !e.schema) continue;
    for (const m of e.schema.models) {
      const reason = project.nodes(m.name).length === 0 && project.isDisabledRef({ name: m.name }) ? `model ${m.name} is disabled` : undefined;
      if (reason) for (const t of m.tests) out.push({ name: `${t.name}(${m.name}${t.column ? `.${t.column}` : ''})`, file: e.file, reason });
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.name.localeCompare(b.name));
}

/**
 * Tests dbt drops because a ref or source they depend on names no node (a singular test's `ref('gone')`, schema YAML
 * tests of a model with no file, a relationships `to:` naming nothing): dbt's process_refs disables such a test and
 * warns "depends on a node named 'gone' which was not found" (disabled, silently). Floe lists, runs and writes them
 * nowhere either; each here with that reason, in file order.
 */
export function unresolvedDataTests(project: DbtProject): SkippedDataTest[] {
  return dataTestsOf(project).unresolved;
}

/** Every data test of the root package, generic then singular, in file order. Cached per project version. */
export function projectDataTests(project: DbtProject): DataTest[] {
  return dataTestsOf(project).own;
}

/**
 * The data tests dbt runs: the root project's, then its installed packages' (the generic tests their schema YAML
 * declares and their singular tests), as `dbt test` selects them by default. Cached per project version.
 */
export function allDataTests(project: DbtProject): DataTest[] {
  return dataTestsOf(project).all;
}

function dataTestsOf(project: DbtProject): { own: DataTest[]; all: DataTest[]; unresolved: SkippedDataTest[] } {
  const hit = cache.get(project);
  if (hit?.version === project.version) return hit;
  const tests: DataTest[] = [];
  const ids = new Set<string>();
  const add = (t: DataTest) => {
    // Same test twice on one column (e.g. two accepted_values): the arguments tell them apart, stably.
    if (ids.has(t.id)) t.id = `${t.id}~${shortHash(jsonText(t.args) + (t.where ?? '') + (t.columnExpression ?? ''))}`;
    for (let n = 2; ids.has(t.id); n++) t.id = `${t.id.replace(/#\d+$/, '')}#${n}`;
    ids.add(t.id);
    tests.push(t);
  };
  // the root project's files first, then each package's
  const own = (e: FileEntry) => e.packageName === project.name;
  const entries = [...project.files.values()].sort((a, b) => Number(own(b)) - Number(own(a)) || a.file.localeCompare(b.file));
  // dbt_project.yml's `data_tests:` trees set severity, where and enabled by the folder a test is declared in: a
  // package's own tree, then the root project's (`data_tests: <package>: ...`) over it.
  const folderDefaults = (packageName: string, folders: string[]) => project.folderConfigOf(packageName, folders, 'test');
  const addGeneric = (t: GenericTestDecl, subject: string, target: NonNullable<DataTest['target']>, e: FileEntry, defaults: ModelConfig) => {
    if ((t.enabled ?? defaults.enabled) === false) return;
    const tags = withTags(defaults.tags, t.tags);
    const pkg = own(e) ? undefined : e.packageName;
    const at = pkg && target.kind === 'model' ? { ...target, packageName: pkg } : target;
    const rendered = t.severityJinja !== undefined ? renderSetting(project, e.packageName, t.name, t.severityJinja) ?? t.severityJinja : undefined;
    const severityText = rendered !== undefined ? String(rendered) : t.severityText ?? textOf(defaults.severity);
    const test = generic({ ...t, severity: severityOf(severityText), ...(severityText !== undefined ? { severityText } : {}), where: t.where ?? (typeof defaults.where === 'string' ? defaults.where : undefined), ...(tags ? { tags } : {}) }, subject, at, e);
    // a package's test ids name the package, so they never meet the root project's
    if (pkg) test.id = `${pkg}/${test.id}`;
    add(test);
  };
  for (const e of entries) {
    if (e.kind !== 'yaml' || !e.schema) continue;
    const defaults = folderDefaults(e.packageName, e.folders);
    for (const m of e.schema.models) {
      if (m.versions) {
        // dbt tests each version of a versioned model (parse_versioned_tests): its own tests if it declares any, else
        // the model's; the tests of the model's columns it keeps, then of the columns it declares itself
        for (const v of m.versions.all) {
          if (!project.resolveRef({ name: m.name, version: v, ...(own(e) ? {} : { packageName: e.packageName }) })) continue;
          const entry = m.versions.entries?.[v];
          const columns = versionColumns(m, v);
          const tests = [
            ...(entry?.tests ?? m.tests.filter((t) => t.column === undefined)),
            ...m.tests.filter((t) => t.column !== undefined && columns.has(t.column.toLowerCase())),
            ...(entry?.columnTests ?? []),
          ];
          for (const t of tests) addGeneric(t, `${m.name}.v${v}`, { kind: 'model', name: m.name, version: v }, e, defaults);
        }
        continue;
      }
      // A disabled model's tests are skipped, as in dbt (skippedDataTests lists them).
      if (project.nodes(m.name).length === 0 && project.isDisabledRef({ name: m.name })) continue;
      for (const t of m.tests) addGeneric(t, m.name, { kind: 'model', name: m.name }, e, defaults);
    }
    for (const s of e.schema.sources) {
      for (const table of s.tables) {
        for (const t of table.tests) addGeneric(t, `source:${s.name}.${table.name}`, { kind: 'source', source: s.name, table: table.name }, e, defaults);
      }
    }
  }
  for (const e of entries) {
    if (e.kind !== 'test' || !e.analysis) continue;
    const defaults = folderDefaults(e.packageName, e.folders);
    // enabled as for a model: folders, config() (computed or set in a branch, enabled.ts)
    if (project.isDisabled(e.file) || (e.analysis.config.enabled ?? defaults.enabled) === false) continue;
    const rel = path.relative(project.root, e.file).split(path.sep).join('/');
    const name = path.basename(e.file).replace(/\.sql$/i, '');
    // severity and tags set in a branch: the one rendering takes, as for a model (branchConfig.ts)
    const config = fileConfig(project, e.file, e.packageName, name, e.analysis);
    const severityText = textOf(config.severity ?? defaults.severity);
    const severity = severityOf(severityText) ?? 'error';
    const tags = withTags(defaults.tags, config.tags);
    add({ id: `singular:${rel}`, label: name, kind: 'singular', subject: rel, args: {}, severity, ...(severityText !== undefined ? { severityText } : {}), ...(tags ? { tags } : {}), packageName: e.packageName, file: e.file, start: 0, end: 0 });
  }
  const unresolved: SkippedDataTest[] = [];
  const kept = tests.filter((t) => {
    const missing = missingDependency(project, t);
    if (missing) unresolved.push({ name: t.kind === 'singular' ? t.label : genericTestName(t), file: t.file, ...missing });
    return !missing;
  });
  const result = { version: project.version, all: kept, own: kept.filter((t) => t.packageName === project.name), unresolved };
  cache.set(project, result);
  return result;
}

function generic(t: GenericTestDecl, subject: string, target: NonNullable<DataTest['target']>, e: FileEntry): DataTest {
  const over = t.column ?? t.columnExpression ?? (target.kind === 'model' ? target.name : `${target.source}.${target.table}`);
  return {
    id: t.column ? `${subject}.${t.column}.${t.name}` : `${subject}.${t.name}`,
    label: `${t.name}(${over})`,
    kind: t.name, subject, target, column: t.column, columnExpression: t.columnExpression, args: t.args, ...(t.customName !== undefined ? { customName: t.customName } : {}), ...(t.floatArgs ? { floatArgs: t.floatArgs } : {}),
    severity: t.severity ?? 'error', ...(t.severityText !== undefined ? { severityText: t.severityText } : {}), where: t.where,
    ...(t.tags ? { tags: t.tags } : {}), packageName: e.packageName, file: e.file, start: t.start, end: t.end,
  };
}

/**
 * The columns of the model whose tests a version takes: those its `include`/`exclude` keep (dbt's
 * get_columns_for_version keeps them even where the version declares a column of the same name, whose tests it adds).
 */
function versionColumns(doc: ModelDoc, v: string): Set<string> {
  return new Set(doc.columns.filter((c) => versionKeeps(doc, v, c.name)).map((c) => c.name.toLowerCase()));
}

/** Tags from config layers (a string or a list each), or undefined when there are none. */
function withTags(...layers: unknown[]): string[] | undefined {
  const tags = [...new Set(layers.flatMap((v) => typeof v === 'string' ? [v] : Array.isArray(v) ? v.map(String) : []))];
  return tags.length ? tags : undefined;
}

/** Why dbt drops the test (its first ref or source naming no enabled node), or undefined when all resolve. */
function missingDependency(project: DbtProject, t: DataTest): { reason: string; warns: boolean } | undefined {
  const entry = t.kind === 'singular' ? project.entry(t.file) : undefined;
  const refs = t.kind === 'singular' ? (entry ? project.refsOf(entry) : [])
    : [t.target, t.kind === 'relationships' ? parseRelationTarget(t.args.to) : undefined].flatMap((x) => x?.kind === 'model' ? [x] : []);
  for (const r of refs) {
    if (project.resolveRef(r)) continue;
    const name = 'version' in r && r.version !== undefined ? `${r.name}.v${r.version}` : r.name;
    return project.isDisabledRef(r) ? { reason: `it depends on the disabled node '${name}'`, warns: false } : { reason: `it depends on a node named '${name}' which was not found`, warns: true };
  }
  const sources = t.kind === 'singular' ? (entry ? project.sourcesOf(entry) : [])
    : t.kind === 'relationships' ? [parseRelationTarget(t.args.to)].flatMap((x) => x?.kind === 'source' ? [x] : []) : [];
  for (const s of sources) {
    if (!project.resolveSource(s)) return { reason: `it depends on a source named '${s.source}.${s.table}' which was not found`, warns: true };
  }
  return undefined;
}

function textOf(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

function severityOf(value: unknown): 'error' | 'warn' | undefined {
  if (value === undefined || value === null) return undefined;
  return String(value).toLowerCase() === 'warn' ? 'warn' : 'error';
}

/** `ref('m')`, `ref('pkg', 'm')`, either with `v=`/`version=`, `source('s', 't')` (optionally in `{{ }}`), as written in a relationships `to:`. */
export function parseRelationTarget(to: unknown): DataTest['target'] | undefined {
  if (typeof to !== 'string') return undefined;
  const text = to.trim().replace(/^\{\{\s*/, '').replace(/\s*\}\}$/, '');
  const q = `\\s*['"]([^'"]+)['"]\\s*`;
  // `v=` / `version=` picks a model version: a number or a quoted string, compared as text as dbt does.
  const version = `(?:,\\s*v(?:ersion)?\\s*=\\s*(?:(['"])([^'"]*)\\3|([\\w.]+))\\s*)?`;
  const ref = new RegExp(`^ref\\(${q}(?:,${q})?${version}\\)$`).exec(text);
  if (ref) {
    const v = ref[4] ?? ref[5];
    return { kind: 'model', name: ref[2] ?? ref[1], ...(v !== undefined ? { version: v } : {}) };
  }
  const source = new RegExp(`^source\\(${q},${q}\\)$`).exec(text);
  if (source) return { kind: 'source', source: source[1], table: source[2] };
  return undefined;
}

const genericTestNames = new WeakMap<DbtProject, { version: number; tests: Set<string> }>();

/** The generic tests the project's and its packages' macros define (`x` and `package.x`): `{% test x %}` blocks and old-style `{% macro test_x %}` macros (both index as `test_x`). */
export function definedGenericTests(project: DbtProject): Set<string> {
  const hit = genericTestNames.get(project);
  if (hit?.version === project.macroVersion) return hit.tests;
  const { files, names } = project.macroFiles();
  const packageOf = new Map(files.map((f) => [f.file, f.packageName]));
  const tests = new Set<string>();
  for (const n of names) {
    const m = /^test_(\w+)$/.exec(n.name);
    if (!m) continue;
    tests.add(m[1]);
    const pkg = packageOf.get(n.file);
    if (pkg) tests.add(`${pkg}.${m[1]}`);
  }
  genericTestNames.set(project, { version: project.macroVersion, tests });
  return tests;
}

/** A short, stable hash (FNV-1a) for id suffixes; not for security. */
function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0').slice(0, 6);
}

const definitionCache = new WeakMap<DbtProject, { version: number; names: Set<string> }>();

/**
 * Generic test names the project can run: dbt's core tests, `{% test name(...) %}` blocks and old-style
 * `{% macro test_name(...) %}` macros in macro files; package tests also as `package.name`.
 */
export function knownGenericTests(project: DbtProject): Set<string> {
  const hit = definitionCache.get(project);
  if (hit?.version === project.version) return hit.names;
  const names = new Set(CORE_GENERIC_TESTS);
  const re = /\{%-?\s*(?:test\s+([A-Za-z_]\w*)|macro\s+test_([A-Za-z_]\w*))\s*\(/g;
  for (const e of project.files.values()) {
    if (e.kind !== 'macro' || !e.text.includes('test')) continue;
    for (const m of e.text.matchAll(re)) {
      const name = m[1] ?? m[2];
      names.add(name);
      names.add(`${e.packageName}.${name}`);
    }
  }
  definitionCache.set(project, { version: project.version, names });
  return names;
}
