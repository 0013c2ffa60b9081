// dbt's run / build / seed / snapshot over Floe's engine: the selected models, seeds, snapshots and data tests in DAG
// order, in one run (one private schema of the in-memory DuckDB database, one connection per thread), each with a dbt
// status. Materializations keep their Floe meaning: views (and ephemeral models) live in the session; gold models are
// written to Iceberg by materialize.ts; seeds with a namespace are loaded into the catalog (seed-load.ts); snapshots record changed rows in their tables (snapshot.ts). A failure
// skips every node downstream of it (a failing test, the children of what it tests); --fail-fast skips everything
// after it. One node's failure never throws: it is a result.
import type { DbtProject, ModelNode } from '../project/project';
import { selectableGraph, type SelectableGraph, type SelectableNode } from '../selection/graph';
import type { WriteMode } from '../engine/write/write-table';
import type { Lakehouse } from './lakehouse';
import { ModelRun, type RunOptions } from './model-chain';
import { materializeModel } from './materialize';
import { goldTargetOf } from './gold-target';
import { runDataTestIn } from './data-tests';
import { runUnitTestById } from './unit-tests';
import { loadSeed } from './seed-load';
import { seedSqlOf } from './seed-sql';
import { dbtCompiledSql } from '../project/dbtCompile';
import { runSnapshot } from './snapshot';
import { userErrorText } from './run-error';
import type { DataTestResult } from '../protocol/dataTests';

/** dbt's statuses: models and seeds succeed or error; tests pass, warn, fail or error; anything may be skipped. */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'pass' | 'warn' | 'fail';

export interface NodeResult {
  node: SelectableNode;
  status: NodeStatus;
  /** What happened, for people: where the model went, why it was skipped, the error with its file and line. */
  message: string;
  startedAt: string;
  completedAt: string;
  /** Seconds. */
  executionTime: number;
  /** Tests: failing rows. */
  failures?: number;
  /** Written models and seeds: the Iceberg table, the commit's snapshot and rows. */
  written?: { table: string; snapshotId: string; rows: string; operation: string };
  /** Models: the compiled SQL, relations by name. */
  compiledCode?: string;
  /** Models and seeds built, with BuildOptions.describeOutputs: the relation's columns as DuckDB types them. */
  columns?: { name: string; type: string }[];
  /** Tests: the full result (failing rows sampled, the SQL that ran), as the editor and `floe test` show it. */
  dataTest?: DataTestResult;
}

export interface BuildOptions extends RunOptions {
  fullRefresh?: boolean;
  failFast?: boolean;
  /** Nodes built at once (dbt's --threads), each in its own DuckDB connection of the run; 1 when omitted. */
  threads?: number;
  signal?: AbortSignal;
  /** A node is about to be built (not called for skipped nodes). */
  onStart?: (node: SelectableNode, startedAt: string) => void;
  /** Called as each node finishes (or is skipped); `index` counts finished nodes, as dbt numbers its log lines. */
  onResult?: (result: NodeResult, index: number, total: number) => void;
  /** Describe what each model and seed produced (NodeResult.columns), for lineage. */
  describeOutputs?: boolean;
}

/**
 * Builds `nodes` in build order (see buildOrder), up to `threads` at once: a node starts only when every node before it
 * in that order whose failure would skip it has finished, so statuses and skips are those of the serial order.
 * Results in build order.
 */
export async function buildNodes(project: DbtProject, lakehouse: Lakehouse, selected: SelectableNode[], options: BuildOptions = {}): Promise<NodeResult[]> {
  const graph = selectableGraph(project);
  const nodes = buildOrder(graph, selected);
  const threads = Math.max(1, Math.min(options.threads ?? 1, nodes.length));
  const waitFor = threads > 1 ? blockersBefore(graph, nodes) : nodes.map(() => [] as number[]);
  const blockedBy = new Map<string, string>();
  let stoppedAfter: string | undefined;
  const results: (NodeResult | undefined)[] = nodes.map(() => undefined);
  let finished = 0;
  const main = await ModelRun.open(project, lakehouse, options);
  const idle: ModelRun[] = [main];
  const forks: ModelRun[] = [];
  const running = new Map<number, Promise<void>>();

  const finish = (i: number, started: Date, outcome: Outcome) => {
    const completed = new Date();
    const node = nodes[i];
    const result: NodeResult = {
      node, ...outcome, startedAt: started.toISOString(), completedAt: completed.toISOString(),
      executionTime: (completed.getTime() - started.getTime()) / 1000,
    };
    results[i] = result;
    options.onResult?.(result, finished++, nodes.length);
    if (result.status === 'error' || result.status === 'fail') {
      for (const id of blockedNodes(graph, node)) if (!blockedBy.has(id)) blockedBy.set(id, node.name);
      if (options.failFast) stoppedAfter ??= node.name;
    }
  };
  /** A node that is not built: cancelled, stopped by --fail-fast, or below a failure. */
  const skipReason = (node: SelectableNode): string | undefined => {
    if (options.signal?.aborted) return 'cancelled';
    if (stoppedAfter !== undefined) return `--fail-fast: the run stopped after ${stoppedAfter} failed`;
    const cause = blockedBy.get(node.id);
    return cause === undefined ? undefined : `upstream ${cause} failed`;
  };
  const start = async (i: number): Promise<void> => {
    let run = idle.pop();
    if (!run) forks.push(run = await main.fork());
    const started = new Date();
    options.onStart?.(nodes[i], started.toISOString());
    const outcome = await buildOne(run, nodes[i], options).catch((e: unknown) => ({ status: 'error' as const, message: userErrorText(e, `build ${nodes[i].name}`, { withLocation: true }) }));
    idle.push(run);
    finish(i, started, outcome);
  };

  try {
    const pending = new Set(nodes.map((_, i) => i));
    while (pending.size) {
      for (const i of pending) {
        if (running.size >= threads) break;
        if (!waitFor[i].every((d) => results[d])) continue;
        pending.delete(i);
        const reason = skipReason(nodes[i]);
        if (reason !== undefined) { finish(i, new Date(), { status: 'skipped', message: reason }); continue; }
        const job = start(i).finally(() => running.delete(i));
        running.set(i, job);
      }
      // With nothing running, the first pending node is always ready (it waits only for earlier, finished nodes).
      if (running.size) await Promise.race(running.values());
    }
    await Promise.all(running.values());
  } finally {
    for (const f of forks) await f.close();
    await main.close();
  }
  return results.filter((r): r is NodeResult => r !== undefined);
}

/**
 * For each node (by index in build order), the earlier nodes it must wait for: those whose failure would skip it
 * (its ancestors in the selection, and the tests of what it reads). Only earlier ones, so the serial order stays valid.
 */
function blockersBefore(graph: SelectableGraph, nodes: SelectableNode[]): number[][] {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const waitFor: number[][] = nodes.map(() => []);
  for (const [i, n] of nodes.entries()) {
    for (const id of blockedNodes(graph, n)) {
      const j = index.get(id);
      if (j !== undefined && j > i) waitFor[j].push(i);
    }
  }
  return waitFor;
}

type Outcome = Pick<NodeResult, 'status' | 'message' | 'failures' | 'written' | 'compiledCode' | 'dataTest' | 'columns'>;

async function buildOne(run: ModelRun, node: SelectableNode, options: BuildOptions): Promise<Outcome> {
  switch (node.resourceType) {
    case 'model': return buildModel(run, node, options);
    case 'seed': return buildSeed(run, node, options);
    case 'snapshot': return buildSnapshot(run, node, options);
    case 'test': {
      const r = await runDataTestIn(run, node.test!, options.signal);
      const message = r.status === 'pass' ? 'no failing rows' : r.message ?? r.status;
      return { status: r.status, message, failures: Number(r.failures), dataTest: r };
    }
    case 'unit_test': {
      // Fixtures only: the run's connection, none of its relations.
      const r = await runUnitTestById(run.session.connection, run.project, node.test!.id);
      return { status: r.status, message: r.status === 'pass' ? 'expected rows' : r.message ?? r.status, failures: Number(r.failures), dataTest: r };
    }
    default:
      return { status: 'skipped', message: `Floe does not build ${node.resourceType}s yet` };
  }
}

const WRITTEN = new Set(['external', 'table', 'incremental']);
const WROTE: Record<WriteMode, string> = { create: 'created', overwrite: 'replaced', append: 'appended to', merge: 'merged into' };

async function buildModel(run: ModelRun, node: SelectableNode, options: BuildOptions): Promise<Outcome> {
  const model = node.modelNode!;
  if (model.file.endsWith('.py')) return { status: 'skipped', message: 'a Python model: Floe runs SQL models; run it with dbt' };
  const compiled = run.compile(model.file);
  const materialized = String(compiled.config.materialized ?? 'view');
  const target = goldTargetOf(model.name, compiled.config, run.lakehouse.layerLocations);
  if (target) {
    const m = await materializeModel(run, model, compiled, target, { fullRefresh: options.fullRefresh, signal: options.signal });
    return {
      status: 'success', compiledCode: readableSql(run, model.file), columns: await describedIf(run, options, run.relationName({ kind: 'model', name: model.name })),
      message: `${WROTE[m.mode]} ${m.table} in ${run.lakehouse.kind === 'local' ? 'the local lakehouse' : run.lakehouse.uri}: ${m.rows} rows, snapshot ${m.snapshot_id}`,
      written: { table: m.table, snapshotId: m.snapshot_id, rows: m.rows, operation: m.operation },
    };
  }
  const relation = await run.registerModel(model, compiled);
  const columns = await describedIf(run, options, relation);
  const message = materialized === 'view' ? 'view in the DuckDB session (not written to the catalog)'
    : materialized === 'ephemeral' ? 'ephemeral: inlined into the models that ref it'
      : WRITTEN.has(materialized) ? `materialized '${materialized}' without polaris_namespace or schema, so there is no Iceberg namespace to write it to: built as a view in the DuckDB session, not persisted (set +schema or polaris_namespace to write it)`
        : `materialized '${materialized}' is not one Floe writes: built as a view in the DuckDB session, not persisted`;
  return { status: 'success', message, compiledCode: readableSql(run, model.file), columns };
}

/** The columns of a relation or query of the run, when asked for (DESCRIBE binds it; nothing runs). */
async function describedIf(run: ModelRun, options: BuildOptions, relationOrQuery: string): Promise<NodeResult['columns']> {
  if (!options.describeOutputs) return undefined;
  const described = await run.session.query(`DESCRIBE ${relationOrQuery}`);
  return described.rows.map((row) => ({ name: String(row[0]), type: String(row[1]) }));
}

/** The model's SQL as dbt shows it in artifacts (dbt's relation names; '' when the naming macros fail for it). */
function readableSql(run: ModelRun, file: string, node?: ModelNode): string {
  const compiled = dbtCompiledSql(run.project, file, node);
  return 'sql' in compiled ? compiled.sql : '';
}

/** A snapshot: its Iceberg table created, or its changed rows closed and new versions inserted in one commit. */
async function buildSnapshot(run: ModelRun, node: SelectableNode, options: BuildOptions): Promise<Outcome> {
  const r = await runSnapshot(run, node.modelNode!, { signal: options.signal });
  const where = run.lakehouse.kind === 'local' ? 'the local lakehouse' : run.lakehouse.uri;
  const message = r.outcome === 'created' ? `created ${r.table} in ${where}: ${r.inserted} rows, snapshot ${r.snapshotId}`
    : r.outcome === 'merged' ? `merged into ${r.table} in ${where}: ${r.inserted} new versions, ${r.closed} closed, snapshot ${r.snapshotId}`
      : `no changes: ${r.table} stays at snapshot ${r.snapshotId} (nothing committed)`;
  return {
    status: 'success', message, compiledCode: readableSql(run, node.modelNode!.file, node.modelNode),
    written: { table: r.table, snapshotId: r.snapshotId, rows: String(r.inserted + r.closed), operation: r.outcome === 'created' ? 'append' : r.outcome === 'merged' ? 'overwrite' : 'none' },
  };
}

/** A seed with a namespace is loaded into its Iceberg table (seed-load.ts). */
async function buildSeed(run: ModelRun, node: SelectableNode, options: BuildOptions): Promise<Outcome> {
  const r = await loadSeed(run, node.modelNode!, { fullRefresh: options.fullRefresh, signal: options.signal });
  const columns = await describedIf(run, options, seedSqlOf(run.project, node.modelNode!));
  if (!r.loaded) return { status: 'success', columns, message: `read from ${r.csv} by the models that ref it (set +schema or polaris_namespace on seeds to load it into the catalog)` };
  return {
    status: 'success', columns, message: `loaded ${r.csv} into ${r.table} (${r.mode}): ${r.rows} rows, snapshot ${r.snapshotId}`,
    written: { table: r.table, snapshotId: r.snapshotId, rows: r.rows, operation: r.operation },
  };
}

/**
 * What a failure keeps from running, as in dbt build: every descendant of a failed node; for a failed test, every
 * descendant of the nodes it tests except their other tests.
 */
function blockedNodes(graph: SelectableGraph, failed: SelectableNode): Set<string> {
  const out = new Set<string>();
  const visit = (id: string) => {
    for (const child of graph.children.get(id) ?? []) {
      if (out.has(child)) continue;
      out.add(child);
      visit(child);
    }
  };
  if (failed.resourceType === 'unit_test') {
    // dbt build: a failing unit test keeps its model (and all below it) from being built.
    for (const model of failed.parents) { out.add(model); visit(model); }
    return out;
  }
  if (failed.resourceType !== 'test') {
    visit(failed.id);
    return out;
  }
  for (const parent of failed.parents) {
    for (const child of graph.children.get(parent) ?? []) {
      if (graph.nodes.get(child)?.resourceType === 'test' || out.has(child)) continue;
      out.add(child);
      visit(child);
    }
  }
  return out;
}

/**
 * dbt build's order: a node after its parents and, unless it is a test itself, after the tests of its parents, so a
 * failing test keeps the models below it from running. A test is not waited for by a node it (transitively) reads,
 * which would be a cycle (a relationships test from a child to its parent). Ties keep the given order.
 */
export function buildOrder(graph: SelectableGraph, nodes: SelectableNode[]): SelectableNode[] {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (id: string): Set<string> => {
    let set = ancestors.get(id);
    if (set) return set;
    set = new Set();
    ancestors.set(id, set);
    for (const p of graph.nodes.get(id)?.parents ?? []) {
      set.add(p);
      for (const a of ancestorsOf(p)) set.add(a);
    }
    return set;
  };
  const waitsFor = new Map<string, Set<string>>();
  for (const n of nodes) {
    // A unit test runs before its model (after the model's own parents); the model waits for its unit tests.
    const deps = new Set(n.resourceType === 'unit_test'
      ? n.parents.flatMap((m) => graph.nodes.get(m)?.parents ?? []).filter((p) => index.has(p))
      : n.parents.filter((p) => index.has(p)));
    for (const child of graph.children.get(n.id) ?? []) if (graph.nodes.get(child)?.resourceType === 'unit_test' && index.has(child)) deps.add(child);
    if (n.resourceType !== 'test' && n.resourceType !== 'unit_test') {
      for (const p of n.parents) {
        for (const t of graph.children.get(p) ?? []) {
          const test = graph.nodes.get(t);
          if (test?.resourceType !== 'test' || !index.has(t)) continue;
          if (test.parents.some((tp) => tp === n.id || ancestorsOf(tp).has(n.id))) continue;
          deps.add(t);
        }
      }
    }
    waitsFor.set(n.id, deps);
  }
  const done = new Set<string>();
  const out: SelectableNode[] = [];
  const pending = [...nodes];
  while (pending.length) {
    // The first node (in the given order) whose dependencies are done; a cycle left over falls back to the given order.
    const at = Math.max(0, pending.findIndex((n) => [...waitsFor.get(n.id)!].every((d) => done.has(d))));
    const [next] = pending.splice(at, 1);
    done.add(next.id);
    out.push(next);
  }
  return out;
}
