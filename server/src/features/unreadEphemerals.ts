// SQL errors dbt never meets: dbt runs an ephemeral model's SQL only inlined (a `__dbt__cte__` CTE) into a node it
// runs — a model, snapshot, data test or unit test reading it directly or through other ephemerals. An ephemeral
// nothing runs reads is compiled but never run, so `dbt build` passes whatever its SQL; its binder errors are warnings.
// One rule for `floe check` and the editor. Pure over the project model; cached per project version, and decided per
// ephemeral from its downstream alone (no project-wide graph: an editor asks again after every edit).
import type { DbtProject, ModelNode } from '../project/project';
import type { ProjectDiagnostic } from '../project/types';
import { parseRelationTarget, projectDataTests } from '../project/dataTests';
import { projectUnitTests, unitTestDecls } from '../project/unitTests';
/** Per project version: the model names tests read, and what was decided per ephemeral (by name). */
interface Reads {
  version: number;
  tested: Set<string>;
  unread: Map<string, boolean>;
}

const cache = new WeakMap<DbtProject, Reads>();

/** A diagnostic of binding the compiled SQL in DuckDB (features/binding.ts), at error severity. */
export function isSqlError(d: ProjectDiagnostic): boolean {
  return d.severity === 'error' && d.code.startsWith('sql-');
}

/** Whether a file is an enabled ephemeral model whose SQL nothing dbt runs reads. */
export function isUnreadEphemeral(project: DbtProject, file: string): boolean {
  const node = project.nodeOfFile(file);
  if (!node || !isEphemeral(project, node)) return false;
  let reads = cache.get(project);
  if (reads?.version !== project.version) cache.set(project, (reads = { version: project.version, tested: testedNames(project), unread: new Map() }));
  let unread = reads.unread.get(node.name);
  if (unread === undefined) reads.unread.set(node.name, (unread = !isRead(project, node.name, reads.tested)));
  return unread;
}

/** A model's binder diagnostics as dbt meets them: in an ephemeral model nothing runs reads, SQL errors are warnings. */
export function asDbtRunsIt(project: DbtProject, file: string, diagnostics: ProjectDiagnostic[]): ProjectDiagnostic[] {
  if (!diagnostics.some(isSqlError) || !isUnreadEphemeral(project, file)) return diagnostics;
  return diagnostics.map((d) => isSqlError(d)
    ? { ...d, severity: 'warning' as const, message: `${d.message} (nothing that runs reads this ephemeral model yet, so dbt would not run this SQL: it runs inside the models and tests that select from it)` }
    : d);
}

/** The files of enabled ephemeral models that no model, snapshot, data test or unit test dbt runs reads. */
export function unreadEphemeralFiles(project: DbtProject): string[] {
  return project.modelFiles().map((e) => e.file).filter((f) => isUnreadEphemeral(project, f));
}

function isEphemeral(project: DbtProject, node: ModelNode): boolean {
  return node.kind === 'model' && project.configValueOf(node, 'materialized') === 'ephemeral';
}

/**
 * Whether dbt runs something that reads the ephemeral model `name`: a test of it, or a downstream model that is a
 * relation or a snapshot, directly or through other ephemerals. The DAG has enabled models, seeds and snapshots only:
 * analyses, exposures and the semantic layer, which run no SQL, are not in it.
 */
function isRead(project: DbtProject, name: string, tested: Set<string>): boolean {
  const seen = new Set([name]);
  const stack = [name];
  for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
    if (tested.has(at)) return true;
    for (const child of project.dag.children.get(at) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      const node = project.nodes(child)[0];
      if (!node) continue;
      if (!isEphemeral(project, node)) return true;
      stack.push(child);
    }
  }
  return false;
}

/**
 * The model names dbt's tests read: the root project's data tests (their model, and the refs in their arguments: a
 * relationships `to:`, dbt_utils.equality's `compare_model:`), singular tests' refs, unit tests' models; and, by name,
 * what the packages' tests read, which the project's test list leaves out.
 */
function testedNames(project: DbtProject): Set<string> {
  const names = packageTestTargets(project);
  const add = (ref: { name: string; version?: string; packageName?: string }) => {
    const node = project.resolveRef(ref);
    if (node) names.add(node.name);
  };
  for (const t of projectDataTests(project)) {
    if (t.kind === 'singular') {
      const entry = project.entry(t.file);
      if (entry) for (const r of project.refsOf(entry)) add(r);
      continue;
    }
    if (t.target?.kind === 'model') add({ name: t.target.name, version: t.target.version });
    for (const ref of refsInArgs(t.args)) add(ref);
  }
  for (const u of projectUnitTests(project)) add({ name: u.model, version: u.version });
  return names;
}

/**
 * Model names the packages' own tests read, enabled or not (erring toward "read"): generic tests of a model or its
 * columns and the refs in their arguments, unit tests, and singular tests' refs.
 */
function packageTestTargets(project: DbtProject): Set<string> {
  const names = new Set<string>();
  for (const e of project.files.values()) {
    if (e.packageName === project.name) continue;
    if (e.kind === 'test') for (const r of project.refsOf(e)) names.add(r.name);
    if (e.kind !== 'yaml') continue;
    for (const m of e.schema?.models ?? []) {
      const entries = Object.values(m.versions?.entries ?? {});
      const tests = [...m.tests, ...entries.flatMap((v) => [...(v.tests ?? []), ...(v.columnTests ?? [])])];
      if (tests.length === 0) continue;
      names.add(m.name);
      // a version's file has its own name (`<model>_v2`)
      for (const v of m.versions?.all ?? []) {
        const node = project.resolveRef({ name: m.name, version: v });
        if (node) names.add(node.name);
      }
      for (const t of tests) for (const ref of refsInArgs(t.args)) names.add(project.resolveRef(ref)?.name ?? ref.name);
    }
    for (const u of unitTestDecls(e)) if (u.model) names.add(u.model);
  }
  return names;
}

/**
 * The models a test's argument values ref (`to: ref('m')`, `compare_model: ref('pkg', 'm', v=2)`), read as the
 * relationships test's `to:` is (dataTests.ts's parseRelationTarget).
 */
function refsInArgs(args: unknown): Array<{ name: string; version?: string }> {
  const out: Array<{ name: string; version?: string }> = [];
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      const target = parseRelationTarget(v);
      if (target?.kind === 'model') out.push({ name: target.name, version: target.version });
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(args);
  return out;
}
