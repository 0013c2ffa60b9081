// Render and binder diagnostics, and learned schemas: compiles a model (render problems become diagnostics), binds it in DuckDB against stand-ins of its
// upstreams (the SQL engineer's bindModel), maps errors back through the source map and stores the
// model's output columns in the project so downstream models and completion can use them.
import type { DuckDBConnection } from '@duckdb/node-api';
import { explainError } from '../sql/explain';
import { catalogNameAt, hardCodedRelationFix } from './relationFix';
import { bindModel, type BindResult, type BindSettings, type UpstreamRelation as BindUpstream } from '../sql/binder';
import { lineageOf, modelColumnLineage, parseLater } from '../sql/columnLineage';
import type { BindCache } from '../sql/bindCache';
import type { BindPool } from '../sql/bindPool';
import { compileModel, type CompiledModel } from '../project/compile';
import type { DbtProject, ModelNode } from '../project/project';
import type { Column, NameFix, ProjectDiagnostic } from '../project/types';
import { snapshotAddedColumns } from '../run/snapshot-config';
import { fileDiagnostics, renderDiagnostics } from './diagnostics';
import { PARSE_TIME_NOTE } from '../jinja/renderMessages';
import { mentionsMissingPackage } from '../project/packages/missing';
import { boundLineageOf } from './columnLineage';
import { isSqlError, isUnreadEphemeral } from './unreadEphemerals';
import { isOwnMaterialization } from '../project/config';
import { runStartDefinitions } from '../project/runStartHooks';
import { hookDiagnostics } from './hookDiagnostics';

export interface BindOutcome {
  /** project.version when bound; stale when the project has changed since. */
  version: number;
  /** The file text that was bound: positions are valid only while the text is the same. */
  text: string;
  diagnostics: ProjectDiagnostic[];
  /** The model's output columns from this bind (absent when it did not bind), for its contract. */
  columns?: Column[];
}

/** A model bound without its column lineage: what making it later needs. */
interface OwedLineage {
  file: string;
  name: string;
  compiled: CompiledModel;
  upstream: BindUpstream[];
  result: BindResult;
  text: string;
  /** The hook definitions it was bound after (its cache key). */
  prelude: readonly string[];
}

/** Turns compiled-model upstreams into the binder's stand-ins; untyped or unknown schemas stay unknown. */
export function bindUpstream(compiled: CompiledModel): BindUpstream[] {
  return compiled.upstream.map((u) => {
    const cols = u.columns ?? [];
    const typed = cols.length > 0 && cols.every((c) => c.type);
    return { name: u.relation, columns: typed ? cols.map((c) => ({ name: c.name, type: c.type! })) : [] };
  });
}

/**
 * Which SQL the project's models are written in: DuckDB's (binder errors are errors), another adapter's (Floe does
 * not check its SQL), or unknown without a profile (binder findings are only hints).
 */
export function sqlDialect(project: DbtProject): 'duckdb' | 'other' | 'unknown' {
  const adapter = project.target.adapter;
  if (adapter === undefined) return 'unknown';
  return adapter === 'duckdb' ? 'duckdb' : 'other';
}

/**
 * A render's problem as the editor and `floe check` show it: none when a static error explains it (renderDiagnostics),
 * nor one that only says a package is not installed (said once for the project).
 */
export function renderProblems(project: DbtProject, file: string, rendered: CompiledModel, staticDiagnostics: ProjectDiagnostic[]): ProjectDiagnostic[] {
  const missing = rendered.problem ? project.missingPackages() : [];
  return renderDiagnostics(file, rendered, staticDiagnostics).filter((d) => !(missing.length && mentionsMissingPackage(d.message, missing)));
}

/**
 * The render problem of a file dbt renders that is never bound (a snapshot, a singular test, an analysis), or of a
 * model where nothing binds (`floe check --no-bind`): unless a static error already stops it.
 */
export function unboundRenderProblems(project: DbtProject, file: string, staticDiagnostics: ProjectDiagnostic[]): ProjectDiagnostic[] {
  if (!project.entry(file)?.analysis || project.isDisabled(file) || staticDiagnostics.some((d) => d.severity === 'error')) return [];
  return renderProblems(project, file, compileModel(project, file), staticDiagnostics);
}

export class Binder {
  private readonly results = new WeakMap<DbtProject, Map<string, BindOutcome>>();
  /** Errors and warnings across a project's latest bind results, kept as results change (the status bar's counts). */
  private readonly totals = new WeakMap<DbtProject, { errors: number; warnings: number }>();
  /** Per file, its SQL errors among those totals: whether they count as errors is decided when counted (asDbtRunsIt). */
  private readonly sqlErrors = new WeakMap<DbtProject, Map<string, number>>();
  /** Binds under way, so a model whose upstream is being bound waits for it instead of binding it a second time. */
  private readonly running = new WeakMap<DbtProject, Map<string, Promise<BindOutcome>>>();
  /** Which bind under way waits for which (file to file): a wait that would close a circle is not started. */
  private readonly waits = new WeakMap<DbtProject, Map<string, string>>();
  /** Worker threads that bind in parallel (bindPool.ts); without them binds run on `connection`, one at a time. */
  private pool: BindPool | undefined;
  /** Models bound without the column lineage they are owed (`lineageLater`), by file; and a settling under way. */
  private readonly owed = new WeakMap<DbtProject, Map<string, OwedLineage>>();
  private readonly settling = new WeakMap<DbtProject, Promise<void>>();

  /**
   * `connection` undefined: render only (no DuckDB), e.g. when binding is turned off. `cache` gives a project's kept
   * bind results (on disk), so unchanged models are not bound again after a restart. `budgetMs`: how long one model's
   * search for further errors may take (bindModel's default: an editor stays responsive); Infinity for `floe check`,
   * whose report must not depend on the machine's load (the search is bounded by its count of passes anyway).
   * `lineage` false: binds give no column lineage (`floe check` reports none), so most need no DuckDB parse.
   * `lineageLater`: background (not urgent) binds leave the lineage out and owe it, so diagnostics come first; a
   * feature that reads lineage calls settleLineage first (a fifth of a cold editor's binding time, measured).
   */
  constructor(
    private readonly connection: (() => Promise<DuckDBConnection>) | undefined,
    private readonly cache?: (project: DbtProject) => BindCache | undefined,
    private readonly options: BindSettings & { lineageLater?: boolean } = {},
  ) {}

  /** Binds go to worker threads from now on (undefined: back to `connection`). Results are the same either way. */
  useWorkers(pool: BindPool | undefined): void {
    this.pool = this.connection ? pool : undefined;
  }

  /**
   * The project's on-run-start definitions DuckDB refuses, as diagnostics at their hooks (hookDiagnostics.ts); none
   * without DuckDB. DuckDB opens on this thread only for a project whose hooks define something.
   */
  async hookProblems(project: DbtProject): Promise<ProjectDiagnostic[]> {
    if (!this.connection || sqlDialect(project) !== 'duckdb' || !runStartDefinitions(project).length) return [];
    return hookDiagnostics(project, await this.connection());
  }

  /** Whether binds run in DuckDB (false: render only). */
  get binds(): boolean {
    return !!this.connection;
  }

  /** The last binder diagnostics of a file, if it was bound at the project's current version. */
  current(project: DbtProject, file: string): BindOutcome | undefined {
    const r = this.results.get(project)?.get(file);
    return r && r.text === project.entry(file)?.text ? r : undefined;
  }

  /**
   * Binds a model file (never a Python model); binds its unbound upstream models first (nearest first, bounded), or
   * waits for them when they are being bound already. `urgent` binds go ahead of queued background ones.
   */
  async bind(project: DbtProject, file: string, options: { urgent?: boolean } = {}, depth = 0): Promise<BindOutcome> {
    let running = this.running.get(project);
    if (!running) this.running.set(project, (running = new Map()));
    // known as under way from the start, while it waits for its own upstreams, so its downstream waits for it too
    const bound = this.afterUpstreams(project, file, options.urgent ?? false, depth);
    running.set(file, bound);
    try {
      return await bound;
    } finally {
      if (running.get(file) === bound) running.delete(file);
    }
  }

  private async afterUpstreams(project: DbtProject, file: string, urgent: boolean, depth: number): Promise<BindOutcome> {
    const node = project.nodeOfFile(file);
    if (node && depth < 8 && this.connection) {
      for (const parent of project.dag.parents.get(node.name) ?? []) {
        const p = project.resolveRef({ name: parent });
        // Snapshots in SQL files too: their columns (and the ones dbt adds) are what the model reads.
        const bindable = p?.kind === 'model' || (p?.kind === 'snapshot' && !p.definition);
        if (!p || !bindable || p.file === file) continue;
        const under = this.running.get(project)?.get(p.file);
        if (!under && (project.boundColumns.has(p.name) || this.current(project, p.file))) continue;
        if (under && this.wouldWaitForItself(project, file, p.file)) continue; // a cycle of refs: bind with what is known
        const waits = this.waitsFor(project);
        waits.set(file, p.file);
        try {
          await (under ?? this.bind(project, p.file, { urgent }, depth + 1));
        } finally {
          waits.delete(file);
        }
      }
    }
    return this.bindNow(project, file, node, urgent);
  }

  private waitsFor(project: DbtProject): Map<string, string> {
    let waits = this.waits.get(project);
    if (!waits) this.waits.set(project, (waits = new Map()));
    return waits;
  }

  private wouldWaitForItself(project: DbtProject, file: string, upstream: string): boolean {
    const waits = this.waitsFor(project);
    for (let at: string | undefined = upstream, hops = 0; at !== undefined && hops <= waits.size; at = waits.get(at), hops++) if (at === file) return true;
    return false;
  }

  private async bindNow(project: DbtProject, file: string, node: ModelNode | undefined, urgent: boolean): Promise<BindOutcome> {
    const version = project.version;
    const text = project.entry(file)?.text ?? '';
    // a lineage owed by an earlier bind of this file is not made for text or upstreams that may have changed
    this.owed.get(project)?.delete(file);
    const rendered = compileModel(project, file);
    if (project.entry(file)?.analysis?.language === 'python' || project.isDisabled(file)) return this.record(project, file, { version, text, diagnostics: [] });
    // the static diagnostics only matter to a render that failed (most do not: skip the work)
    const renderFailed = rendered.problem ? renderProblems(project, file, rendered, fileDiagnostics(project, file)) : [];
    let diagnostics = renderFailed;
    let outputColumns: Column[] | undefined;
    // A broken ref or source stops the render; rendered again with it stood in as a relation of unknown columns, the
    // rest of the model is still checked (the binder reports nothing that depends on the unknown relation).
    const compiled = rendered.problem && this.connection ? stubbedWhenOnlyRelationsAreMissing(project, file) ?? rendered : rendered;
    const dialect = sqlDialect(project);
    const yamlOnly = compiled.upstream.some((u) => u.columnsComplete === false && (u.columns?.length ?? 0) > 0);
    if (!compiled.problem && compiled.sql.trim() && this.connection && dialect !== 'other') {
      const upstream = bindUpstream(compiled);
      const cache = this.cache?.(project);
      const lineageNow = this.options.lineage !== false && (urgent || !this.options.lineageLater);
      // the types and macros the project's on-run-start hooks make, made first: dbt runs the hooks before the models
      const prelude = runStartDefinitions(project).map((d) => d.sql);
      const settings: BindSettings = { budgetMs: this.options.budgetMs, lineage: lineageNow, prelude };
      let result = cache?.get(compiled.sql, upstream, prelude);
      if (!result) {
        result = (this.pool && (await this.pool.bind(compiled.sql, upstream, urgent, settings).catch(() => undefined))) || (await bindModel(await this.connection(), compiled.sql, upstream, settings));
        cache?.set(compiled.sql, upstream, result, prelude);
      }
      if (this.options.lineage !== false && !result.lineage && !result.partial && node && compiled === rendered) {
        if (lineageNow) {
          // kept by a bind that gave none (`floe check`): the lineage alone is one parse
          result = { ...result, lineage: await modelColumnLineage(await this.connection(), compiled.sql, upstream, result.columns) };
          cache?.set(compiled.sql, upstream, result, prelude);
        } else {
          this.owedOf(project).set(file, { file, name: node.name, compiled, upstream, result, text, prelude });
          project.boundLineage.delete(node.name);
        }
      }
      const columns = compiled.upstream.flatMap((u) => (u.columns ?? []).map((c) => c.name));
      const materialized = compiled.config.materialized;
      const ownMaterialization = result.errors.length > 0 && isOwnMaterialization(materialized, project.materializationNames());
      const binderDiagnostics = result.errors.map((raw) => {
        const explained = explainError(raw, { columns, sql: compiled.sql });
        const e = { ...raw, message: explained.message };
        // a missing catalog comes with no position: the one three-part name in it, where that is certain
        const placed = e.offset === undefined ? catalogNameAt(raw.message, text, project.entry(file)?.analysis?.scan.blocks ?? [], compiled.sql, (o, l) => compiled.map.toTemplate(o, l)) : undefined;
        const at = e.offset === undefined ? placed ?? { start: 0, end: 0 } : compiled.map.toTemplate(e.offset, Math.max(1, e.length ?? 1));
        // a model or source named by hand: the whole name, fixed to its ref() or source()
        const relation = e.offset === undefined && !placed ? undefined : hardCodedRelationFix(project, raw.message, text, at.start);
        const r: { start: number; end: number; fix?: NameFix } = relation ?? { start: at.start, end: at.end, ...(explained.fix ? { fix: explained.fix } : {}) };
        // Without a profile the adapter is unknown: what DuckDB rejects may be another dialect's valid SQL.
        if (dialect === 'unknown') return { file, start: r.start, end: r.end, ...(r.fix ? { fix: r.fix } : {}), severity: 'info' as const, code: `sql-${e.kind}`, message: `DuckDB: ${e.message} (no profile names this project's adapter)` };
        // Macros that need the database (`if execute`) render nothing at compile time: the SQL is incomplete.
        if (compiled.parseTime) return { file, start: r.start, end: r.end, ...(r.fix ? { fix: r.fix } : {}), severity: 'info' as const, code: `sql-${e.kind}`, message: `${e.message} ${PARSE_TIME_NOTE}` };
        // A column missing from columns declared only in YAML may still exist in the table: a hint, not an error. A
        // table name that is not in FROM (`x.col` without `x`) is wrong whatever the upstream's columns are.
        if (yamlOnly && e.kind === 'binder' && /column|not found/i.test(e.message) && !/^Referenced table "[^"]*" not found/.test(raw.message)) return { file, start: r.start, end: r.end, ...(r.fix ? { fix: r.fix } : {}), severity: 'info' as const, code: `sql-${e.kind}`, message: `${e.message} (the upstream's columns come from schema YAML, which need not list them all)` };
        // A materialization of the project's own may rewrite the SQL it is handed: what DuckDB rejects may never run.
        if (ownMaterialization) return { file, start: r.start, end: r.end, ...(r.fix ? { fix: r.fix } : {}), severity: 'warning' as const, code: `sql-${e.kind}`, message: `${e.message} (the model is materialized by '${materialized}', a materialization of the project's own: dbt hands it this SQL, which it may rewrite before it runs)` };
        return { file, start: r.start, end: r.end, ...(r.fix ? { fix: r.fix } : {}), severity: 'error' as const, code: `sql-${e.kind}`, message: e.message };
      });
      diagnostics = [...renderFailed, ...binderDiagnostics];
      if (node && result.columns.length && compiled === rendered) {
        outputColumns = result.columns.map((c) => ({ name: c.name, type: c.type }));
        project.boundColumns.set(node.name, withSnapshotColumns(project, node, outputColumns));
      }
      if (node && result.lineage && compiled === rendered) project.boundLineage.set(node.name, boundLineageOf(compiled, result.lineage, text));
    }
    return this.record(project, file, { version, text, diagnostics, ...(outputColumns ? { columns: outputColumns } : {}) });
  }

  private owedOf(project: DbtProject): Map<string, OwedLineage> {
    let owed = this.owed.get(project);
    if (!owed) this.owed.set(project, (owed = new Map()));
    return owed;
  }

  /**
   * Makes the column lineage binds left out (`lineageLater`) for the models still bound as they were: parsed in
   * batches on the binder's connection, put in project.boundLineage and the bind cache. Resolves when none is owed.
   */
  async settleLineage(project: DbtProject): Promise<void> {
    for (;;) {
      const under = this.settling.get(project);
      if (under) {
        await under;
        continue;
      }
      const owed = this.owed.get(project);
      if (!owed?.size || !this.connection) return;
      const run = this.settle(project, owed).finally(() => this.settling.delete(project));
      this.settling.set(project, run);
    }
  }

  private async settle(project: DbtProject, owed: Map<string, OwedLineage>): Promise<void> {
    const items = [...owed.values()];
    const conn = await this.connection!();
    const cache = this.cache?.(project);
    const CHUNK = 64;
    for (let i = 0; i < items.length; i += CHUNK) {
      const chunk = items.slice(i, i + CHUNK);
      // registered together, parsed together (parseLater batches what is asked before the first answer is awaited)
      const parses = chunk.map((o) => parseLater(conn, o.compiled.sql));
      for (let k = 0; k < chunk.length; k++) {
        const o = chunk[k];
        const parsed = await parses[k]();
        // bound again since: that bind made its own lineage or owes it anew
        if (owed.get(o.file) !== o) continue;
        owed.delete(o.file);
        const lineage = lineageOf(parsed, o.upstream, o.result.columns);
        project.boundLineage.set(o.name, boundLineageOf(o.compiled, lineage, o.text));
        cache?.set(o.compiled.sql, o.upstream, { ...o.result, lineage }, o.prelude);
      }
    }
  }

  private record(project: DbtProject, file: string, outcome: BindOutcome): BindOutcome {
    const diagnostics = outcome.diagnostics;
    let map = this.results.get(project);
    if (!map) this.results.set(project, (map = new Map()));
    const totals = this.totals.get(project) ?? { errors: 0, warnings: 0 };
    for (const [sign, list] of [[-1, map.get(file)?.diagnostics ?? []], [1, diagnostics]] as const) {
      for (const d of list) {
        if (d.severity === 'error') totals.errors += sign;
        else if (d.severity === 'warning') totals.warnings += sign;
      }
    }
    this.totals.set(project, totals);
    let sql = this.sqlErrors.get(project);
    if (!sql) this.sqlErrors.set(project, (sql = new Map()));
    const n = diagnostics.filter(isSqlError).length;
    if (n) sql.set(file, n); else sql.delete(file);
    map.set(file, outcome);
    return outcome;
  }

  /** Errors and warnings in the project's latest bind results (SQL and render problems found by binding), as reported. */
  counts(project: DbtProject): { errors: number; warnings: number } {
    const totals = this.totals.get(project) ?? { errors: 0, warnings: 0 };
    let moved = 0;
    // the DAG decides whether an ephemeral's SQL errors are errors, and it changes without a bind: decided now
    for (const [file, n] of this.sqlErrors.get(project) ?? []) if (isUnreadEphemeral(project, file)) moved += n;
    return moved ? { errors: totals.errors - moved, warnings: totals.warnings + moved } : totals;
  }
}

/** A snapshot's table has the query's columns and the ones dbt adds (dbt_scd_id, dbt_valid_to, ...), which models read. */
function withSnapshotColumns(project: DbtProject, node: ModelNode, columns: Column[]): Column[] {
  if (node.kind !== 'snapshot') return columns;
  const have = new Set(columns.map((c) => c.name.toLowerCase()));
  return [...columns, ...snapshotAddedColumns(project.configOf(node)).filter((c) => !have.has(c.name.toLowerCase()))];
}

/** The model rendered with its unknown refs and sources stood in, when they were all that failed the render. */
function stubbedWhenOnlyRelationsAreMissing(project: DbtProject, file: string): CompiledModel | undefined {
  const stubbed = compileModel(project, file, { stubMissing: true });
  return !stubbed.problem && stubbed.upstream.some((u) => u.missing) ? stubbed : undefined;
}
