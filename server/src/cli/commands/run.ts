// floe run | build | seed | snapshot: dbt's commands over Floe's engine (run/build.ts), with dbt's flags and exit codes: 0 when
// everything succeeded, 1 when a model, seed or test failed, 2 for usage or runtime errors (a lakehouse that cannot open).
// One line per node on stdout as dbt logs it, then dbt's summary line (with --log-format json, dbt's structured events
// instead); target/manifest.json and target/run_results.json after.
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../command';
import { selectResources, type ResourceType } from '../../selection/select';
import { buildNodes, type NodeResult } from '../../run/build';
import { openLakehouse, stopLocalCatalogServers } from '../../run/lakehouse';
import { reportSelection, reportUnresolvedTests, selectionArgs, SELECTION_OPTIONS, SELECTION_USAGE } from '../selection-args';
import { DBT_OPTIONS, DBT_USAGE, dbtProject, expandMultiValueFlags, logFormatOf, targetPathOf, threadsOf } from '../dbt-args';
import { JsonLog } from '../json-log';
import { newInvocation } from '../../artifacts/metadata';
import { writeRunArtifacts } from '../../artifacts/write';
import { resourceTypesArg } from './ls';
import { startBuildLineage, type BuildLineage } from '../../openlineage/build-lineage';

interface Variant {
  summary: string;
  /** What the command builds; build narrows it with --resource-type. */
  types: ResourceType[];
  resourceTypeFlag?: boolean;
}

const VARIANTS: Record<'run' | 'build' | 'seed' | 'snapshot', Variant> = {
  run: { summary: 'dbt run: build the selected models in DAG order (views in the session, gold models to Iceberg)', types: ['model'] },
  build: { summary: 'dbt build: seeds, snapshots, models, their unit tests (before each model) and data tests in DAG order, skipping what depends on a failure', types: ['seed', 'snapshot', 'model', 'test', 'unit_test'], resourceTypeFlag: true },
  seed: { summary: 'dbt seed: load seeds that have a namespace (+schema) into Iceberg tables', types: ['seed'] },
  snapshot: { summary: 'dbt snapshot: record changed rows (SCD type 2) in Iceberg tables, one commit per snapshot', types: ['snapshot'] },
};

function usageOf(name: string, v: Variant): string {
  return `usage: floe ${name} ${SELECTION_USAGE} ${DBT_USAGE} [--full-refresh] [--fail-fast]${v.resourceTypeFlag ? ' [--resource-type TYPE]...' : ''}`;
}

function dbtCommand(name: keyof typeof VARIANTS): CliCommand {
  const variant = VARIANTS[name];
  const usage = usageOf(name, variant);
  return {
    summary: variant.summary,
    async run(args, io) {
      let parsed;
      try {
        parsed = parseArgs({
          args: expandMultiValueFlags(args), allowPositionals: false, strict: true,
          options: {
            ...SELECTION_OPTIONS, ...DBT_OPTIONS, 'full-refresh': { type: 'boolean' }, 'fail-fast': { type: 'boolean', short: 'x' },
            ...(variant.resourceTypeFlag ? { 'resource-type': { type: 'string', multiple: true } } : {}),
          },
        });
      } catch (e) {
        throw new UsageError(`${(e as Error).message}\n${usage}`);
      }
      const values = parsed.values as typeof parsed.values & { 'resource-type'?: string[] };
      const invocation = newInvocation({ which: name, ...values });
      const started = performance.now();
      const logFormat = logFormatOf(values, usage);
      const project = dbtProject(values, usage);
      const threads = threadsOf(project, values, usage);
      const json = logFormat === 'json' ? new JsonLog(invocation.invocationId, (line) => io.out(line)) : undefined;
      const selection = selectionArgs(project, values, usage);
      const types = values['resource-type'] ? resourceTypesArg(values['resource-type'], usage).filter((t) => variant.types.includes(t)) : variant.types;
      const { nodes, problems } = selectResources(project, selection, types);
      reportSelection(io, name, problems);
      reportUnresolvedTests(io, name, project);
      if (nodes.length === 0) {
        io.err(`floe ${name}: nothing to do: the selection picks no ${types.join(', ')} nodes\n`);
        return 0;
      }
      let lineage: BuildLineage | undefined;
      try {
        let lakehouse;
        try {
          lakehouse = await openLakehouse(project);
        } catch (e) {
          io.err(`floe ${name}: the lakehouse of ${project.name} (target ${project.target.name}) is unavailable: ${e instanceof Error ? e.message : String(e)}\n`);
          return 2;
        }
        lineage = startBuildLineage(project, lakehouse, invocation, (message) => io.err(`${message}\n`));
        json?.concurrency(threads, project.target.name, nodes.length);
        const results = await buildNodes(project, lakehouse, nodes, {
          fullRefresh: values['full-refresh'] === true, failFast: values['fail-fast'] === true, threads, describeOutputs: lineage !== undefined,
          onStart: (node, at) => lineage?.nodeStarted(node, at),
          onResult: (r, i, n) => {
            lineage?.nodeFinished(r);
            if (json) json.nodeResult(project, r, i, n, resultLine(r, i, n).trimEnd());
            else io.out(resultLine(r, i, n));
          },
        });
        if (json) json.stats(summaryLine(results).trim(), results);
        else io.out(summaryLine(results));
        writeRunArtifacts(targetPathOf(project, values), project, invocation, results, (performance.now() - started) / 1000);
        const code = exitCodeOf(results);
        await lineage?.finish(code === 0);
        lineage = undefined;
        return code;
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        io.err(`floe ${name}: ${message}\n`);
        await lineage?.finish(false, message);
        return 2;
      } finally {
        await stopLocalCatalogServers();
      }
    },
  };
}

export const runCommand = dbtCommand('run');
export const buildCommand = dbtCommand('build');
export const seedCommand = dbtCommand('seed');
export const snapshotCommand = dbtCommand('snapshot');

const WORD: Record<NodeResult['status'], string> = { success: 'OK', pass: 'PASS', warn: 'WARN', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' };

/** `3 of 7 OK model mart_revenue: create demo.gold.mart_revenue … [0.41s]`; an error's message indented below. */
export function resultLine(r: NodeResult, index: number, total: number): string {
  const failures = r.status === 'fail' || r.status === 'warn' ? ` ${r.failures ?? 0}` : '';
  const head = `${index + 1} of ${total} ${WORD[r.status]}${failures} ${r.node.resourceType} ${r.node.name}`;
  const time = `[${r.executionTime.toFixed(2)}s]`;
  if (r.status === 'error' || r.status === 'fail' || r.status === 'warn') return `${head} ${time}\n${r.message.replace(/^(?=.)/gm, '  ')}\n`;
  return `${head}: ${r.message} ${time}\n`;
}

/** dbt's last line: `Done. PASS=5 WARN=0 ERROR=1 SKIP=2 TOTAL=8` (models and seeds that succeed count as PASS). */
export function summaryLine(results: NodeResult[]): string {
  const count = (...s: NodeResult['status'][]) => results.filter((r) => s.includes(r.status)).length;
  return `\nDone. PASS=${count('success', 'pass')} WARN=${count('warn')} ERROR=${count('error', 'fail')} SKIP=${count('skipped')} TOTAL=${results.length}\n`;
}

/** dbt's exit code for a finished run: 1 when anything errored or failed, else 0. */
export function exitCodeOf(results: NodeResult[]): number {
  return results.some((r) => r.status === 'error' || r.status === 'fail') ? 1 : 0;
}
