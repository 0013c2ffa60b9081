// SQL errors dbt never meets: dbt runs an ephemeral model's SQL only inlined (a `__dbt__cte__` CTE) into a node it
// runs — a model, snapshot, data test or unit test reading it directly or through other ephemerals. An ephemeral
// nothing runs reads is compiled but never run, so `dbt build` passes whatever its SQL; its binder errors are warnings.
// One rule for `floe check` and the editor. Pure over the project model; cached per project version.
import type { DbtProject } from '../project/project';
import type { ProjectDiagnostic } from '../project/types';
import { unitTestDecls } from '../project/unitTests';
import { selectableGraph, type SelectableNode } from '../selection/graph';

const cache = new WeakMap<DbtProject, { version: number; files: ReadonlySet<string> }>();

/** A diagnostic of binding the compiled SQL in DuckDB (features/binding.ts), at error severity. */
export function isSqlError(d: ProjectDiagnostic): boolean {
  return d.severity === 'error' && d.code.startsWith('sql-');
}

/** Whether a file is an enabled ephemeral model whose SQL nothing dbt runs reads. */
export function isUnreadEphemeral(project: DbtProject, file: string): boolean {
  const node = project.nodeOfFile(file);
  // one config key first: the project-wide pass only for an ephemeral model
  if (node?.kind !== 'model' || project.configValueOf(node, 'materialized') !== 'ephemeral') return false;
  return unreadEphemeralFiles(project).has(file);
}

/** A model's binder diagnostics as dbt meets them: in an ephemeral model nothing runs reads, SQL errors are warnings. */
export function asDbtRunsIt(project: DbtProject, file: string, diagnostics: ProjectDiagnostic[]): ProjectDiagnostic[] {
  if (!diagnostics.some(isSqlError) || !isUnreadEphemeral(project, file)) return diagnostics;
  return diagnostics.map((d) => isSqlError(d)
    ? { ...d, severity: 'warning' as const, message: `${d.message} (nothing that runs reads this ephemeral model yet, so dbt would not run this SQL: it runs inside the models and tests that select from it)` }
    : d);
}

/** The files of enabled ephemeral models that no model, snapshot, data test or unit test dbt runs reads. */
export function unreadEphemeralFiles(project: DbtProject): ReadonlySet<string> {
  const hit = cache.get(project);
  if (hit?.version === project.version) return hit.files;
  const files = computeUnread(project);
  cache.set(project, { version: project.version, files });
  return files;
}

function computeUnread(project: DbtProject): Set<string> {
  const { nodes } = selectableGraph(project);
  const ephemeral = (n: SelectableNode | undefined) => n?.resourceType === 'model' && n.config.materialized === 'ephemeral';
  const read = new Set<string>();
  const stack: string[] = [];
  const reach = (id: string) => {
    if (!read.has(id) && ephemeral(nodes.get(id))) { read.add(id); stack.push(id); }
  };
  // What dbt runs: models that are relations, snapshots, the root project's data tests (a relationships test reads
  // its `to:` too: a parent here) and unit tests. Analyses, exposures and the semantic layer run no SQL.
  for (const n of nodes.values()) {
    const runs = n.resourceType === 'snapshot' || n.resourceType === 'test' || n.resourceType === 'unit_test' || (n.resourceType === 'model' && !ephemeral(n));
    if (runs) n.parents.forEach(reach);
  }
  // A ref in a test's arguments (relationships `to:`, dbt_utils.equality's `compare_model:`) is read by the test, and
  // packages' tests are not in the graph (it has the root project's): by name, erring toward "read".
  const tested = packageTestTargets(project);
  for (const n of nodes.values()) if (n.test) for (const name of refsInArgs(n.test.args)) tested.add(name);
  for (const n of nodes.values()) if (tested.has(n.name)) reach(n.id);
  // through chains of ephemerals: what a read ephemeral reads is run too
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) nodes.get(id)!.parents.forEach(reach);
  const unread = new Set<string>();
  for (const [id, n] of nodes) if (ephemeral(n) && !read.has(id) && n.modelNode) unread.add(n.modelNode.file);
  return unread;
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
      for (const t of tests) for (const name of refsInArgs(t.args)) names.add(name);
    }
    for (const u of unitTestDecls(e)) if (u.model) names.add(u.model);
  }
  return names;
}

/** The model names `ref(...)` calls in a test's argument values name (`ref('m')`, `ref('pkg', 'm')`, `ref('m', v=2)`). */
function refsInArgs(args: unknown): string[] {
  const out: string[] = [];
  const visit = (v: unknown) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/\bref\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?/g)) out.push(m[2] ?? m[1]);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(args);
  return out;
}
