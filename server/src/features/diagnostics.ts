// Diagnostics of one file, from the project model alone (no rendering, no DuckDB): Jinja structure,
// YAML, unknown ref/source/macro/var with did-you-mean, cycles, duplicate names, config errors, data tests and unit tests.
// Rendering and binder problems are added by renderDiagnostics() and binderDiagnostics().
import type { DbtProject, FileEntry, ModelNode } from '../project/project';
import { modelName } from '../project/project';
import { checkConfigEntry, unknownMaterialization } from '../project/config';
import { settingRenderProblem } from '../project/jinjaEnvironment';
import type { NameFix, ProjectDiagnostic, Severity } from '../project/types';
import { SKIPPED_TEST, type CompiledModel } from '../project/compile';
import { didYouMean, hint, suggestName } from '../util/suggest';
import { BUILTIN_MACRO_NAMES } from '../jinja/dbtBuiltins';
import { isMissingValueMessage, PARSE_TIME_NOTE } from '../jinja/renderMessages';
import { dataTestDiagnostics } from './dataTestDiagnostics';
import { unitTestDiagnostics } from './unitTestDiagnostics';
import { selectNodes } from '../selection/select';
import { seedDiagnostics } from './seedDiagnostics';
import { lineOf } from './columnUses';
import type { ModelDoc } from '../project/schemaYaml';
import type { SourceUse } from '../project/modelFile';
import type { YamlResource } from '../project/yamlResources';
import { modelEnabled, yamlResourceEnabled } from '../project/enabled';
import path from 'node:path';

/**
 * `counted`: only what the status bar counts (errors and warnings), leaving out the checks that say nothing else: the
 * empty selectors' check, whose selectable graph is rebuilt after every edit (~0.1 s at 2,442 models).
 */
export function fileDiagnostics(project: DbtProject, file: string, counted = false): ProjectDiagnostic[] {
  const entry = project.entry(file);
  if (!entry) return [];
  const out: ProjectDiagnostic[] = [...entry.problems];
  if (entry.analysis) modelDiagnostics(project, entry, out);
  if (entry.schema) {
    yamlDiagnostics(project, entry, out);
    out.push(...dataTestDiagnostics(project, entry));
    out.push(...unitTestDiagnostics(project, entry));
  }
  if (entry.selectors && !entry.problems.length && !counted) out.push(...emptySelectors(project, entry));
  if (entry.kind === 'seed') out.push(...seedDiagnostics(project, entry));
  // dbt accepts any materialization a `{% materialization %}` block defines (a package's custom one).
  return out.filter((d) => { const m = unknownMaterialization(d); return m === undefined || !project.materializationNames().has(m); });
}

/**
 * Whether dbt-duckdb stores the model through a plugin (`plugin:`): its external materialization hands the model's
 * whole config to the plugin's store, so any key may be the plugin's own option (the delta writer's `partition_key`).
 */
function storedByPlugin(project: DbtProject, node: ModelNode): boolean {
  const plugin = project.configValueOf(node, 'plugin');
  return typeof plugin === 'string' && plugin !== '';
}

/** A selector that selects nothing is legal (dbt warns when it runs); say so where it is defined (an info, never counted). */
function emptySelectors(project: DbtProject, entry: FileEntry): ProjectDiagnostic[] {
  const out: ProjectDiagnostic[] = [];
  for (const s of entry.selectors!.selectors.values()) {
    if (selectNodes(project, { definition: s.definition }).nodes.length) continue;
    out.push({
      file: entry.file, start: s.range?.[0] ?? 0, end: s.range?.[1] ?? 0, severity: 'info', code: 'selector-empty',
      message: `Selector '${s.name}' selects nothing in ${project.name}: no enabled node matches it.`,
    });
  }
  return out;
}

function modelDiagnostics(project: DbtProject, entry: FileEntry, out: ProjectDiagnostic[]): void {
  const a = entry.analysis!;
  const file = entry.file;
  const push = (start: number, end: number, severity: Severity, code: string, message: string, fix?: NameFix) => out.push({ file, start, end, severity, code, message, ...(fix ? { fix } : {}) });
  for (const p of a.problems) push(p.start, p.end, 'error', p.code, p.message);
  // dbt parses a disabled model but resolves nothing in it.
  if (project.isDisabled(file)) return;
  const self = project.nodeOfFile(file);
  const plugin = self !== undefined && storedByPlugin(project, self);
  for (const c of a.configs) {
    for (const arg of c.args) {
      const problem = checkConfigEntry(arg.key, arg.value, arg.isLiteral);
      if (!problem || (plugin && problem.code === 'config-unknown-key')) continue;
      const onValue = problem.code === 'config-invalid-value';
      push(onValue ? arg.valueStart : arg.keyStart, onValue ? arg.valueEnd : arg.keyEnd, problem.severity, problem.code, problem.message);
    }
  }
  // dbt renders a model's database, schema and alias configs (`+schema: "{{ env_var('S') }}"` in dbt_project.yml) when
  // it parses the model, and stops there when one does not render; `floe compile` stops on the model too.
  if (self && entry.kind === 'model') {
    const config = project.configOf(self);
    for (const key of ['database', 'schema', 'alias'] as const) {
      const value = config[key];
      const problem = typeof value === 'string' ? settingRenderProblem(project, entry.packageName, self.name, value) : undefined;
      // (one a model: dbt stops at the first)
      if (problem) { push(0, 0, 'error', 'jinja-render', `The ${key} config '${value}' of ${self.name} does not render: ${problem.replace(/\.?$/, '.')} dbt stops when it parses this model.`); break; }
    }
  }
  const cycle = self ? project.cycles().get(self.name) : undefined;
  for (const ref of a.refs) {
    const target = refTarget(project, ref, 'this model cannot ref it', entry.kind === 'test' ? SKIPPED_TEST : '');
    // (the name's offsets without quotes are made only for a problem: most refs of most models have none)
    if ('code' in target) {
      // dbt: a model may not depend on a disabled one; a test of a disabled model is skipped. A ref inside a branch
      // counts only when rendering takes that branch (dbt records refs as it renders); dbt only warns about a singular
      // test's unknown ref, and skips that test.
      if (target.code === 'unknown-package') { const inner = unquote(ref); push(inner.start, inner.end, 'error', target.code, target.message); }
      else if (target.code === 'disabled-ref' ? entry.kind === 'model' && !ref.conditional : !ref.conditional) { const inner = unquote(ref); push(inner.start, inner.end, entry.kind === 'test' ? 'warning' : 'error', target.code, target.message, target.fix); }
    } else if (cycle && cycle.includes(target.name)) {
      const inner = unquote(ref);
      push(inner.start, inner.end, 'error', 'ref-cycle', `Circular reference: ${describeCycle(project, self!.name, target.name)}`);
    }
  }
  const [severity, skipped] = entry.kind === 'test' ? ['warning' as const, SKIPPED_TEST] : ['error' as const, ''];
  for (const s of a.sources) {
    if (s.conditional && !project.resolveSource(s)) continue;
    const problem = sourceProblem(project, s, skipped);
    if (problem) push(problem.start, problem.end, severity, problem.code, problem.message, problem.fix);
  }
  const local = a.localNames;
  for (const m of a.macroCalls) {
    if (m.namespace) {
      if (m.namespace === 'dbt') {
        if (!BUILTIN_MACRO_NAMES.has(m.name) && !project.macro(m.name)) {
          const best = meant(m.name, [...BUILTIN_MACRO_NAMES], 'dbt.');
          push(m.start, m.end, 'error', 'unknown-macro', `Macro '${m.name}' is not one of dbt's built-in macros.${best.hint}`, best.fix);
        }
        continue;
      }
      if (!project.packageNames().includes(m.namespace)) continue;
      if (!project.macro(m.name, m.namespace)) {
        const best = meant(m.name, project.macroNames(), `${m.namespace}.`);
        push(m.start, m.end, 'error', 'unknown-macro', `Macro '${m.name}' not found in package '${m.namespace}'.${best.hint}`, best.fix);
      }
    } else if (!local.has(m.name) && !project.macro(m.name) && !BUILTIN_MACRO_NAMES.has(m.name) && !project.missingPackages().length) {
      // (With packages not installed, the macro may be theirs: the project gets one packages-not-installed message.)
      const best = meant(m.name, project.macroNames());
      push(m.start, m.end, 'error', 'unknown-macro', `Macro '${m.name}' not found.${best.hint}`, best.fix);
    }
  }
  const vars = project.varsFor(entry.packageName);
  for (const v of a.vars) {
    if (!v.hasDefault && !v.conditional && !(v.name in vars)) {
      const best = meant(v.name, Object.keys(vars));
      push(v.start + 1, v.end - 1, 'error', 'unknown-var', `Var '${v.name}' is not defined in dbt_project.yml vars and has no default.${best.hint}`, best.fix);
    }
  }
  if (self && entry.kind === 'model' && project.nodes(self.name).length > 1) {
    const same = project.nodes(self.name).filter((n) => n.packageName === entry.packageName);
    if (same.length > 1) {
      const others = same.filter((n) => n.file !== file).map((n) => n.file);
      push(0, 0, 'error', 'duplicate-model', `Model name '${self.name}' is also defined in ${others.join(', ')}`);
    }
  }
}

function yamlDiagnostics(project: DbtProject, entry: FileEntry, out: ProjectDiagnostic[]): void {
  for (const m of entry.schema!.models) {
    const node = m.configEntries.length ? project.resolveRef({ name: m.name }) : undefined;
    const plugin = node !== undefined && storedByPlugin(project, node);
    for (const c of m.configEntries) {
      const problem = checkConfigEntry(c.key, c.value, true);
      if (problem && !(plugin && problem.code === 'config-unknown-key')) out.push({ file: entry.file, start: c.keyStart, end: c.keyEnd, ...problem });
    }
    if (project.nodes(m.name).length === 0 && !project.isDisabledRef({ name: m.name }) && !project.resolveRef({ name: m.name })) {
      const best = meant(m.name, project.modelNames());
      out.push({ file: entry.file, start: m.nameStart, end: m.nameEnd, severity: 'warning', code: 'yaml-unknown-model',
        message: `'${m.name}' is described here but no model, seed or snapshot has that name.${best.hint}`, ...(best.fix ? { fix: best.fix } : {}) });
    }
    const first = firstEntryBefore(project, entry, m);
    if (first) {
      const place = `${path.relative(project.root, first.file)} line ${lineOf(project.entry(first.file)?.text ?? '', first.nameStart)}`;
      const dbtSays = `dbt stops with "dbt found two schema.yml entries for the same resource named ${m.name}"`;
      const pkg = project.entry(first.file)?.packageName;
      out.push({ file: entry.file, start: m.nameStart, end: m.nameEnd, severity: 'error', code: 'yaml-duplicate-model',
        message: pkg && pkg !== entry.packageName && entry.packageName === project.name
          ? `Model '${m.name}' of package '${pkg}' is described by the package too, in ${place}: ${dbtSays}. Describe a model once (remove this entry).`
          : `Model '${m.name}' is already described in ${place}: ${dbtSays}. Describe a model once.` });
    }
  }
  if (entry.schema!.resources.length) yamlResourceDiagnostics(project, entry, out);
}

/**
 * The entry that already describes the model `m` describes, when dbt would stop (DuplicatePatchPathError): two
 * `models:` entries patching the same model. As dbt's patch parser: an entry patches its own package's model of that
 * name, else the one such model of another package (the root project may describe a package's model, which the
 * package's own entry then describes a second time); schema files are read the root project's first. Only a model
 * turned off in its file or dbt_project.yml is patched without the check: one turned off by a YAML entry is still
 * patched as enabled (dbt sets disabled nodes aside after every patch). Not versions (dbt patches each version of a
 * `versions:` entry without the check). The error is at the second entry, or at the root project's when the other is
 * a package's (the one a user can change).
 */
function firstEntryBefore(project: DbtProject, entry: FileEntry, m: ModelDoc): ModelDoc | undefined {
  if (m.yamlKey || m.versions) return undefined;
  const all = project.modelEntries(m.name);
  if (all.length < 2) return undefined;
  const packageOf = (x: ModelDoc) => project.entry(x.file)?.packageName ?? project.name;
  const target = patchTarget(project, entry.packageName, m.name);
  if (!target) return undefined;
  const order = project.packageNames();
  const patching = all.filter((x) => x === m || patchTarget(project, packageOf(x), x.name) === target)
    .map((x, i) => ({ x, i, at: order.indexOf(packageOf(x)) })).sort((a, b) => a.at - b.at || a.i - b.i).map((p) => p.x);
  if (patching.length < 2 || patching.some((x) => x.versions)) return undefined;
  const [first, second] = patching;
  if (packageOf(first) === project.name && packageOf(second) !== project.name) return m === first ? second : undefined;
  return m !== first ? first : undefined;
}

/**
 * The model file a `models:` entry of `packageName` patches, as dbt's ref lookup finds it before any patch: enabled
 * by its file and dbt_project.yml (YAML configs left out), the package's own, else the only one of another package.
 * Undefined when none is, or a seed or snapshot has the name (dbt warns there and patches nothing), or a version file.
 */
function patchTarget(project: DbtProject, packageName: string, name: string): FileEntry | undefined {
  if (project.nodes(name).some((n) => n.kind !== 'model') || project.versionOf(name)) return undefined;
  const enabled = [...project.files.values()].filter((e) => e.kind === 'model' && modelName(e.file) === name && modelEnabled(project, e, name, NO_YAML));
  const own = enabled.filter((e) => e.packageName === packageName);
  if (own.length) return own.length === 1 ? own[0] : undefined;
  return enabled.length === 1 ? enabled[0] : undefined;
}

const NO_YAML = new Map<string, ModelDoc>();

/** Why a source() names no source table (undefined when it does), at the source's or the table's name. */
function sourceProblem(project: DbtProject, s: SourceUse, notFoundNote = ''): { start: number; end: number; code: string; message: string; fix?: NameFix } | undefined {
  if (project.resolveSource(s)) return undefined;
  const defs = project.sourceDefinitions(s.source);
  if (defs.length === 0) {
    const best = meant(s.source, project.sourceNames());
    return { start: s.sourceStart + 1, end: s.sourceEnd - 1, code: 'unknown-source', message: `Source '${s.source}' not found${notFoundNote}.${best.hint}`, fix: best.fix };
  }
  const best = meant(s.table, defs.flatMap((d) => d.tables.map((t) => t.name)));
  return { start: s.tableStart + 1, end: s.tableEnd - 1, code: 'unknown-source-table', message: `Source '${s.source}' has no table '${s.table}'${notFoundNote}.${best.hint}`, fix: best.fix };
}

/**
 * The did-you-mean of `name` among `candidates`: the message's sentence, and the same suggestion as a fix. `prefix`:
 * what the diagnostic's range holds before the name (a macro's namespace, `dbt_utils.`).
 */
function meant(name: string, candidates: Iterable<string>, prefix = ''): { hint: string; fix?: NameFix } {
  const best = suggestName(name, candidates);
  return best ? { hint: hint(best), fix: { replaces: prefix + name, with: prefix + best } } : { hint: '' };
}

const RESOURCE_WORDS: Record<YamlResource['kind'], string> = { exposure: 'exposure', metric: 'metric', semantic_model: 'semantic model', saved_query: 'saved query' };

/**
 * What an exposure, metric, semantic model or saved query depends on and dbt cannot find at parse (its
 * TargetNotFoundError: "... depends on a node named 'x' which was not found"), worded as a model's refs are.
 */
function yamlResourceDiagnostics(project: DbtProject, entry: FileEntry, out: ProjectDiagnostic[]): void {
  const push = (start: number, end: number, code: string, message: string, fix?: NameFix) => out.push({ file: entry.file, start, end, severity: 'error', code, message, ...(fix ? { fix } : {}) });
  let metrics: { enabled: Set<string>; disabled: Set<string> } | undefined;
  for (const r of entry.schema!.resources) {
    if (!yamlResourceEnabled(project, entry, r)) continue;
    const subject = `${RESOURCE_WORDS[r.kind]} '${r.name}'`;
    for (const ref of r.refs) {
      const target = refTarget(project, ref, `${subject} cannot depend on it`);
      const inner = unquote(ref);
      if ('code' in target) push(inner.start, inner.end, target.code, target.message, target.code === 'unknown-ref' ? target.fix : undefined);
    }
    for (const s of r.sources) {
      const problem = sourceProblem(project, s);
      if (problem) push(problem.start, problem.end, problem.code, problem.message, problem.fix);
    }
    if (!r.metrics.length) continue;
    metrics ??= projectMetrics(project);
    for (const m of r.metrics) {
      if (metrics.enabled.has(m.name)) continue;
      if (metrics.disabled.has(m.name)) { push(m.start, m.end, 'unknown-metric', `Metric '${m.name}' is disabled (enabled: false), so ${subject} cannot depend on it.`); continue; }
      const best = meant(m.name, [...metrics.enabled]);
      push(m.start, m.end, 'unknown-metric', `Metric '${m.name}' not found.${best.hint}`, best.fix);
    }
  }
}

/** The names of the project's and its packages' metrics, enabled and not. */
function projectMetrics(project: DbtProject): { enabled: Set<string>; disabled: Set<string> } {
  const out = { enabled: new Set<string>(), disabled: new Set<string>() };
  for (const e of project.files.values()) for (const r of e.schema?.resources ?? []) if (r.kind === 'metric') (yamlResourceEnabled(project, e, r) ? out.enabled : out.disabled).add(r.name);
  return out;
}

/**
 * The node a ref names, or why there is none: `disabledNote` says what a disabled target means for the one that refs
 * it ("this model cannot ref it"); `notFoundNote` goes into the not-found message (a singular test's "dbt skips it").
 */
function refTarget(project: DbtProject, ref: { name: string; packageName?: string; version?: string }, disabledNote: string, notFoundNote = ''): ModelNode | { code: 'unknown-package' | 'disabled-ref' | 'unknown-ref'; message: string; fix?: NameFix } {
  if (ref.packageName && !project.packageNames().includes(ref.packageName)) {
    return { code: 'unknown-package', message: `Package '${ref.packageName}' is not installed (no ${project.settings.packagesPath}/${ref.packageName}).${didYouMean(ref.packageName, project.packageNames())}` };
  }
  const target = project.resolveRef(ref);
  if (target) return target;
  const named = `Model '${ref.name}'${ref.version === undefined ? '' : ` version ${ref.version}`}`;
  if (project.isDisabledRef(ref)) return { code: 'disabled-ref', message: `${named} is disabled (enabled: false), so ${disabledNote}.` };
  const best = meant(ref.name, project.modelNames());
  return { code: 'unknown-ref', message: `${named} not found${notFoundNote}.${best.hint}`, fix: best.fix };
}

function unquote(r: { start: number; end: number }): { start: number; end: number } {
  return r.end - r.start >= 2 ? { start: r.start + 1, end: r.end - 1 } : r;
}

/** "a → b → a": the path from `from` through `to` back to `from`, over refs. */
function describeCycle(project: DbtProject, from: string, to: string): string {
  const dag = project.dag;
  const prev = new Map<string, string | null>([[to, null]]);
  const queue = [to];
  while (queue.length && !prev.has(from)) {
    const n = queue.shift()!;
    for (const p of dag.parents.get(n) ?? []) {
      if (!prev.has(p)) {
        prev.set(p, n);
        queue.push(p);
      }
    }
  }
  if (!prev.has(from)) return `${from} → ${to} → … → ${from}`;
  const chain: string[] = [];
  for (let cur: string | null | undefined = from; cur != null; cur = prev.get(cur)) chain.push(cur);
  return [from, ...chain.reverse()].join(' → ');
}

/** The render problem of a compiled model as a diagnostic, unless static diagnostics already explain it. */

export function renderDiagnostics(file: string, compiled: CompiledModel, staticDiagnostics: ProjectDiagnostic[]): ProjectDiagnostic[] {
  if (!compiled.problem || compiled.problem.code === 'python-model') return [];
  // A test dbt skips (its ref or source is unknown) is not rendered by dbt either.
  if (staticDiagnostics.some((d) => d.severity === 'error' || d.message.includes(SKIPPED_TEST))) return [];
  const p = compiled.problem;
  // A model too large to render is one dbt compiles: say it is not checked, do not call it wrong. A test whose render
  // met an unknown ref is one dbt skips with a warning.
  // A value missing in a template that read `execute` is most often a query's result (run_query,
  // get_query_results_as_dict): dbt's parse renders it leniently and its compile has the rows, so it is no error.
  if (compiled.parseTime && isMissingValueMessage(p.message)) return [{ file, start: p.start, end: p.end, severity: 'info', code: p.code, message: `${p.message} ${PARSE_TIME_NOTE}` }];
  const severity = p.code === 'too-large' ? 'info' : p.message.includes(SKIPPED_TEST) ? 'warning' : 'error';
  return [{ file, start: p.start, end: p.end, severity, code: p.code, message: p.message }];
}

export { modelName };
