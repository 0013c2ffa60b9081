// floe check PROJECT_DIR [--format json|text] [--no-bind] [--no-cache] [--jobs N] [--vars YAML]: the editor's
// diagnostics for every file; exit 1 on errors. Models bind upstream first, in parallel on N worker threads
// (features/bindSchedule.ts). Renders and bind results are kept on disk (project/renderCache.ts, sql/bindCache.ts): a
// second check renders and binds only what changed, and a check of an unchanged project replays the last report
// (cli/checkSnapshot.ts).
import path from 'node:path';
import type { CliCommand, CliIO } from '../command';
import { DbtProject } from '../../project/project';
import { LineIndex } from '../../project/lineIndex';
import type { ProjectDiagnostic } from '../../project/types';
import { fileDiagnostics } from '../../features/diagnostics';
import { Binder, unboundRenderProblems } from '../../features/binding';
import { bindInOrder } from '../../features/bindSchedule';
import { BINDS_PER_WORKER, BindPool, bindWorkerCount } from '../../sql/bindPool';
import { contractDiagnostics } from '../../features/contracts';
import { asDbtRunsIt } from '../../features/unreadEphemerals';
import { modelsWithEnforcedContracts } from '../../project/contract';
import { DiskBindCache } from '../../sql/bindCache';
import { DiskRenderCache, keepRendersOnDisk } from '../../project/renderCache';
import { openLakehouse, stopLocalCatalogServers } from '../../run/lakehouse';
import { hasLakehouse, refreshSourceSchemas } from '../../run/source-schemas';
import { CheckSnapshot, type CheckReport } from '../checkSnapshot';
import { InputTrace, noteNativeLibraries, type TracedInput } from '../../util/inputTrace';
import { cacheDir } from '../../util/jsonlStore';
import { parseVars } from '../dbt-args';
import { CHECK_USAGE, runCheck, type CheckOptions, type JsonDiagnostic } from './check-replay';
import { missingPackages, missingPackagesMessage } from '../../project/packages';

/** Source schemas from the lakehouse when it answers; otherwise the cache (and YAML columns) serve, with a note. */
export async function readSourceSchemas(project: DbtProject, io: { err(text: string): void }, command = 'check'): Promise<void> {
  if (process.env.FLOE_NO_CATALOG === '1' || !hasLakehouse(project)) return;
  try {
    await refreshSourceSchemas(project, await openLakehouse(project));
  } catch (e) {
    io.err(`floe ${command}: source schemas unavailable, using the cache: ${e instanceof Error ? e.message : String(e)}\n`);
  } finally {
    await stopLocalCatalogServers();
  }
}

export const checkCommand: CliCommand = {
  summary: `${CHECK_USAGE}: diagnostics for a dbt project; exit 1 on errors`,
  run: runCheck,
};

/** The whole check, its inputs traced (unless `snapshot` is undefined, i.e. --no-cache) and kept with its report. */
export async function checkAndKeep(options: CheckOptions, snapshot: CheckSnapshot | undefined, io: CliIO): Promise<CheckReport<JsonDiagnostic>> {
  const { root, bind, cache } = options;
  // DuckDB's library looks at the process's own binary when it loads (which C library): not an input of the check
  if (bind) await import('../../sql/connection.js').catch(() => undefined);
  const trace = snapshot ? new InputTrace([path.resolve(cacheDir(''))]) : undefined;
  let inputs: TracedInput[] | undefined;
  let report: CheckReport<JsonDiagnostic>;
  try {
    report = await fullCheck(root, bind, cache, options.jobs ?? bindWorkerCount(), options.vars, { err: (text) => (trace?.incomplete('a message was printed'), io.err(text)) }, trace);
  } finally {
    inputs = trace?.stop();
  }
  if (inputs) snapshot!.keep(inputs, report);
  else if (trace && process.env.FLOE_DEBUG) io.err(`floe check: report not kept: ${trace.incompleteBecause}\n`);
  return report;
}

/** Loads, renders and binds the whole project (with the kept renders and binds unless `cache` is off). */
async function fullCheck(root: string, bind: boolean, cache: boolean, jobs: number, vars: string | undefined, io: { err(text: string): void }, trace: InputTrace | undefined): Promise<CheckReport<JsonDiagnostic>> {
  const project = DbtProject.load(root);
  if (vars !== undefined) project.setCommandLineVars(parseVars(vars, `usage: floe ${CHECK_USAGE}`));
  const renders = cache ? DiskRenderCache.read(root) : undefined;
  if (renders) keepRendersOnDisk(project, renders);
  // what a catalog answers is not a file: such a check is not kept whole
  if (bind && process.env.FLOE_NO_CATALOG !== '1' && hasLakehouse(project)) trace?.incomplete('source schemas come from a catalog');
  if (bind) await readSourceSchemas(project, io);
  const all: ProjectDiagnostic[] = [];
  const opened = bind ? await openBinder(root, cache, { lineage: false }) : undefined;
  if (bind && !opened) trace?.incomplete('DuckDB did not load');
  noteNativeLibraries();
  const binder = opened?.binder;
  if (binder) {
    // every model bound first, upstream before downstream (so each binds against its upstreams' bound schemas)
    const pool = jobs > 0 ? new BindPool(jobs) : undefined;
    binder.useWorkers(pool);
    const models = [...project.files.values()].filter((e) => e.kind === 'model' && e.analysis && !project.isDisabled(e.file)).map((e) => e.file);
    try {
      // enough binds under way to keep every worker's queue full (--jobs 0: one at a time, the serial reference)
      await bindInOrder(binder, project, models, { concurrency: pool ? pool.size * (BINDS_PER_WORKER + 2) : 1 });
    } finally {
      if (pool && process.env.FLOE_BIND_STATS === '1') io.err(`floe check: binds per worker ${JSON.stringify(pool.stats())}\n`);
      await pool?.close();
      binder.useWorkers(undefined);
    }
  }
  // Packages declared but not installed: one warning for the project instead of an error at every call into them.
  const missing = missingPackages(root);
  for (const file of [...project.files.keys()].sort()) {
    const diagnostics = fileDiagnostics(project, file);
    const entry = project.entry(file)!;
    if (entry.analysis && !project.isDisabled(file)) {
      if (binder && entry.kind === 'model') {
        // As the editor shows them: render and binder results, unless a Jinja error stops the render. A model bound
        // already (as the upstream of one before it in file order) is not bound again.
        if (!diagnostics.some((d) => d.severity === 'error' && d.code.startsWith('jinja'))) diagnostics.push(...asDbtRunsIt(project, file, (binder.current(project, file) ?? (await binder.bind(project, file))).diagnostics));
      } else diagnostics.push(...unboundRenderProblems(project, file, diagnostics));
    }
    all.push(...diagnostics);
  }
  // Enforced contracts compare each model's bound columns with its schema YAML, once every model is bound.
  if (binder) {
    all.push(...(await binder.hookProblems(project)));
    modelsWithEnforcedContracts(project); // the project-wide set every file's check reads, made once
    for (const file of [...project.files.keys()].sort()) all.push(...contractDiagnostics(project, file, (f) => binder.current(project, f)?.columns));
  }
  opened?.cache?.flush();
  renders?.flush();
  all.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.start - b.start));
  const out: JsonDiagnostic[] = all.map((d) => {
    const index = new LineIndex(project.entry(d.file)?.text ?? '');
    return { file: path.relative(root, d.file), range: { start: index.positionAt(d.start), end: index.positionAt(d.end) }, severity: d.severity, code: d.code, message: d.message };
  });
  // Models of the project itself: not seeds, snapshots, disabled models or packages' models.
  const models = project.modelNames().filter((n) => project.nodes(n).some((x) => x.kind === 'model' && x.packageName === project.name)).length;
  if (bind && !opened) {
    // a check asked to bind that could not is no clean bill of health: say so, and fail, rather than pass unchecked
    const at = { line: 0, character: 0 };
    out.unshift({ file: 'dbt_project.yml', range: { start: at, end: at }, severity: 'error', code: 'bind-unavailable', message: "Models were not bound: DuckDB's native library did not load on this machine, so column and type errors were not checked. Reinstall Floe for this platform, or run `floe check --no-bind` to check without binding." });
  }
  if (missing.length) {
    const at = { line: missing[0].line, character: 0 };
    out.unshift({ file: path.relative(root, missing[0].file), range: { start: at, end: at }, severity: 'warning', code: 'packages-not-installed', message: missingPackagesMessage(missing) });
  }
  return { models, diagnostics: out };
}

/**
 * A Binder on its own DuckDB connection, with the project's kept results; undefined (static checks only) when DuckDB
 * cannot load. `lineage` false: binds give no column lineage (a check reports none; the lineage commands need it).
 */
export async function openBinder(root: string, useCache: boolean, options: { lineage?: boolean } = {}): Promise<{ binder: Binder; cache?: DiskBindCache } | undefined> {
  try {
    const { createBindConnection } = await import('../../sql/connection.js');
    const { connection, engine } = await createBindConnection();
    const cache = useCache ? new DiskBindCache(root, engine) : undefined;
    // no time limit per model: the same project gives the same report on a loaded CI machine
    return { binder: new Binder(async () => connection, cache && (() => cache), { budgetMs: Infinity, lineage: options.lineage }), cache };
  } catch {
    return undefined;
  }
}
