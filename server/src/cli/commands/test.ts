// floe test [PROJECT_DIR | --project-dir DIR] [--select ...] [--exclude ...] [dbt's flags] [--format text|json]: runs the
// project's dbt data tests (generic tests from schema YAML, singular tests from test-paths) and writes target/manifest.json
// and target/run_results.json as dbt test does. Exit code 1 when an error-severity test fails or cannot run.
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../command';
import path from 'node:path';
import { allDataTests, skippedDataTests, type DataTest, type SkippedDataTest } from '../../project/dataTests';
import { isUnitTestId, projectUnitTests, unitTestAsDataTest } from '../../project/unitTests';
import { runUnitTests } from '../../run/unit-tests';
import type { DataTestResult } from '../../protocol/dataTests';
import { allErrored, runDataTests } from '../../run/data-tests';
import { selectDataTests } from '../../run/data-test-selection';
import { openLakehouse, stopLocalCatalogServers } from '../../run/lakehouse';
import { formatTable } from '../../engine/results';
import { loadProject } from '../project-args';
import { DBT_OPTIONS, DBT_USAGE, dbtProject, expandMultiValueFlags, logFormatOf, targetPathOf, threadsOf } from '../dbt-args';
import { JsonLog } from '../json-log';
import { exitCodeOf, resultLine, summaryLine } from './run';
import type { DbtProject } from '../../project/project';
import { selectableGraph } from '../../selection/graph';
import { buildNodes, type BuildOptions, type NodeResult } from '../../run/build';
import { newInvocation } from '../../artifacts/metadata';
import { writeRunArtifacts } from '../../artifacts/write';
import { reportSelection, reportUnresolvedTests, selectionArgs, SELECTION_OPTIONS, SELECTION_USAGE } from '../selection-args';

const USAGE = `usage: floe test [PROJECT_DIR | --project-dir DIR] ${SELECTION_USAGE} ${DBT_USAGE} [--fail-fast] [--format text|json]`;

export const testCommand: CliCommand = {
  summary: 'run the dbt unit tests (on their fixtures, no catalog) and data tests (schema YAML tests and singular tests) over the models',
  async run(args, io) {
    // Floe's first form `floe test DIR …` still works; dbt's is `--project-dir DIR` (default: the current folder).
    const [first, ...rest] = args;
    const positional = first !== undefined && !first.startsWith('-') ? first : undefined;
    let parsed;
    try {
      parsed = parseArgs({
        args: expandMultiValueFlags(positional === undefined ? args : rest), allowPositionals: false, strict: true,
        options: { project: { type: 'string', short: 'p' }, ...SELECTION_OPTIONS, ...DBT_OPTIONS, format: { type: 'string' }, 'fail-fast': { type: 'boolean', short: 'x' } },
      });
    } catch (e) {
      throw new UsageError(`${(e as Error).message}\n${USAGE}`);
    }
    const values = parsed.values;
    const dirs = [positional, values.project, values['project-dir']].filter((d) => d !== undefined);
    if (dirs.length > 1) throw new UsageError(`expected one project directory, got ${dirs.join(' and ')}\n${USAGE}`);
    // --format json (results as one object) is asked for on the command line; --log-format json may come from
    // DBT_LOG_FORMAT, so the explicit --format wins.
    const format = values.format ?? (logFormatOf(values, USAGE) === 'json' ? 'log-json' : 'text');
    if (!['json', 'text', 'log-json'].includes(format)) throw new UsageError(`--format must be json or text\n${USAGE}`);
    const project = dbtProject(values, USAGE, process.env, dirs[0]);
    const threads = threadsOf(project, values, USAGE);
    const selection = selectionArgs(project, values, USAGE);
    const all = [...projectUnitTests(project).map(unitTestAsDataTest), ...allDataTests(project)];
    const { tests, problems } = selectDataTests(project, all, selection);
    reportSelection(io, 'test', problems);
    reportUnresolvedTests(io, 'test', project);
    const invocation = newInvocation({ which: 'test', ...values });
    const json = format === 'log-json' ? new JsonLog(invocation.invocationId, (line) => io.out(line)) : undefined;
    json?.concurrency(threads, project.target.name, tests.length);
    const started = performance.now();
    const nodeResults = await buildTests(project, tests, { failFast: values['fail-fast'] === true, threads }, (r, i, n) => {
      if (json) json.nodeResult(project, r, i, n, resultLine(r, i, n).trimEnd());
      else if (format === 'text') io.err(`[${i + 1}/${n}] ${cliName(r.node.test!)}\n`);
    });
    writeRunArtifacts(targetPathOf(project, values), project, invocation, nodeResults, (performance.now() - started) / 1000);
    const results = nodeResults.flatMap((r) => (r.dataTest ? [r.dataTest] : []));
    const stopped = nodeResults.filter((r) => r.status === 'skipped').map((r) => ({ name: r.node.name, file: r.node.path, reason: r.message }));
    if (json) {
      json.stats(summaryLine(nodeResults).trim(), nodeResults);
    } else {
      const skipped = [...stopped, ...(values.select ? [] : skippedDataTests(project).map((x) => ({ ...x, file: path.relative(project.root, x.file) })))];
      io.out(format === 'json' ? `${JSON.stringify({ results, skipped })}\n` : dataTestReport(tests, results) + skippedReport(skipped));
    }
    return exitCodeOf(nodeResults);
  },
};

/**
 * Unit tests first, on their fixtures alone (no lakehouse), then the data tests as `floe build` runs them (run/build.ts:
 * in one run, up to `threads` at once, `failFast` skipping the rest after a failure); a lakehouse that cannot open makes
 * every data test an error.
 */
async function buildTests(project: DbtProject, tests: DataTest[], options: BuildOptions, onResult: BuildOptions['onResult']): Promise<NodeResult[]> {
  const byTestId = new Map([...selectableGraph(project).nodes.values()].filter((n) => n.test).map((n) => [n.test!.id, n]));
  const all = tests.flatMap((t) => byTestId.get(t.id) ?? []);
  const unitNodes = all.filter((n) => n.resourceType === 'unit_test');
  const nodes = all.filter((n) => n.resourceType !== 'unit_test');
  const units = await unitTestResults(project, unitNodes, (r, i) => onResult?.(r, i, all.length));
  if (nodes.length === 0) return units;
  if (options.failFast && units.some((r) => r.status === 'fail' || r.status === 'error')) {
    const now = new Date().toISOString();
    const failed = units.find((r) => r.status === 'fail' || r.status === 'error')!.node.name;
    return [...units, ...nodes.map((node, i) => {
      const r: NodeResult = { node, status: 'skipped', message: `--fail-fast: the run stopped after ${failed} failed`, startedAt: now, completedAt: now, executionTime: 0 };
      onResult?.(r, units.length + i, all.length);
      return r;
    })];
  }
  return [...units, ...await buildDataTests(project, nodes, options, (r, i) => onResult?.(r, units.length + i, all.length))];
}

/** Unit tests as build results, in order. */
async function unitTestResults(project: DbtProject, nodes: NodeResult['node'][], onResult: (r: NodeResult, index: number) => void): Promise<NodeResult[]> {
  if (nodes.length === 0) return [];
  const byId = new Map(projectUnitTests(project).map((u) => [u.id, u]));
  const out: NodeResult[] = [];
  let started = new Date();
  await runUnitTests(project, nodes.map((n) => byId.get(n.test!.id)!), {
    onTest: () => { started = new Date(); },
    onResult: (r, i) => {
      const completed = new Date();
      const result: NodeResult = {
        node: nodes[i], status: r.status, message: r.status === 'pass' ? 'expected rows' : r.message ?? r.status, failures: Number(r.failures), dataTest: r,
        startedAt: started.toISOString(), completedAt: completed.toISOString(), executionTime: (completed.getTime() - started.getTime()) / 1000,
      };
      out.push(result);
      onResult(result, i);
    },
  });
  return out;
}

async function buildDataTests(project: DbtProject, nodes: NodeResult['node'][], options: BuildOptions, onResult: BuildOptions['onResult']): Promise<NodeResult[]> {
  try {
    let lakehouse;
    try {
      lakehouse = await openLakehouse(project);
    } catch (e) {
      const now = new Date().toISOString();
      const message = `the lakehouse of ${project.name} is unavailable: ${e instanceof Error ? e.message : String(e)}`;
      return nodes.map((node) => ({ node, status: 'error', message, dataTest: allErrored([node.test!], message)[0], startedAt: now, completedAt: now, executionTime: 0 }));
    }
    return await buildNodes(project, lakehouse, nodes, { ...options, onResult });
  } finally {
    await stopLocalCatalogServers();
  }
}

/** Runs the tests on the project's lakehouse; a lakehouse that cannot open makes every test an error. */
export async function runTests(project: ReturnType<typeof loadProject>, tests: DataTest[], onTest?: (t: DataTest, i: number, n: number) => void): Promise<DataTestResult[]> {
  try {
    let lakehouse;
    try {
      lakehouse = await openLakehouse(project);
    } catch (e) {
      return allErrored(tests, `the lakehouse of ${project.name} is unavailable: ${e instanceof Error ? e.message : String(e)}`);
    }
    return await runDataTests(project, lakehouse, tests, { onTest });
  } finally {
    await stopLocalCatalogServers();
  }
}

/** How dbt names a test in its log: `not_null(stg_orders.order_id)`, `stg_orders::unit_test_name`. */
export function cliName(t: DataTest): string {
  if (t.kind === 'singular') return t.label;
  if (t.kind === 'unit' || isUnitTestId(t.id)) return `${t.subject}::${t.label}`;
  const over = t.target?.kind === 'source' ? `source:${t.target.source}.${t.target.table}` : t.target ? `${t.target.name}${t.target.version !== undefined ? `.v${t.target.version}` : ''}` : t.subject;
  return `${t.kind}(${t.column ? `${over}.${t.column}` : over})`;
}

/** dbt-like text: one line per test (failing ones with their sample rows), then a summary line. */
export function dataTestReport(tests: DataTest[], results: DataTestResult[]): string {
  const byId = new Map(tests.map((t) => [t.id, t]));
  const counts = { pass: 0, warn: 0, fail: 0, error: 0 };
  let out = '';
  for (const r of results) {
    counts[r.status]++;
    const t = byId.get(r.id);
    const name = t ? cliName(t) : r.id;
    const ms = `[${r.ms} ms]`;
    if (r.status === 'pass') out += `PASS ${name} ${ms}\n`;
    else if (r.status === 'error') out += `ERROR ${name} ${ms}\n${(r.message ?? 'could not run').replace(/^(?=.)/gm, '  ')}\n`;
    else if (r.diff) out += `FAIL ${name} ${ms}\n${(r.message ?? '').replace(/^(?=.)/gm, '  ')}\n`;
    else {
      out += `${r.status === 'warn' ? 'WARN' : 'FAIL'} ${r.failures} ${name} ${ms}\n`;
      if (r.sample) out += formatTable({ columns: r.sample.columns.map((c) => ({ name: c, type: 'VARCHAR', duckType: undefined as never })), rows: r.sample.rows }).replace(/^(?=.)/gm, '  ');
    }
  }
  const total = results.length;
  out += `\nDone. PASS=${counts.pass} WARN=${counts.warn} FAIL=${counts.fail} ERROR=${counts.error} TOTAL=${total}\n`;
  return out;
}

/** The tests not run, grouped by reason, so a count never hides what was left out. */
function skippedReport(skipped: SkippedDataTest[]): string {
  if (!skipped.length) return '';
  const byReason = new Map<string, SkippedDataTest[]>();
  for (const x of skipped) byReason.set(x.reason, [...(byReason.get(x.reason) ?? []), x]);
  let out = `SKIP=${skipped.length}:\n`;
  for (const [reason, list] of byReason) {
    const names = list.slice(0, 5).map((x) => `${x.name} (${x.file})`).join(', ');
    out += `  ${list.length} ${list.length === 1 ? 'test' : 'tests'}: ${reason}; e.g. ${names}${list.length > 5 ? ', …' : ''}\n`;
  }
  return out;
}

/** 1 when any test failed at error severity or could not run, else 0. */
export function dataTestExitCode(_tests: DataTest[], results: DataTestResult[]): number {
  return results.some((r) => r.status === 'fail' || r.status === 'error') ? 1 : 0;
}
