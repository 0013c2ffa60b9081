// floe test [PROJECT_DIR | --project-dir DIR] [--select ...] [--exclude ...] [dbt's flags] [--format text|json]: runs the
// project's dbt data tests (generic tests from schema YAML, singular tests from test-paths) and writes target/manifest.json
// and target/run_results.json as dbt test does. Exit code 1 when an error-severity test fails or cannot run.
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../command';
import path from 'node:path';
import { projectDataTests, skippedDataTests, type DataTest, type SkippedDataTest } from '../../project/dataTests';
import type { DataTestResult } from '../../protocol/dataTests';
import { allErrored, runDataTests } from '../../run/data-tests';
import { selectDataTests } from '../../run/data-test-selection';
import { openLakehouse, stopLocalCatalogServers } from '../../run/lakehouse';
import { formatTable } from '../../engine/results';
import { loadProject } from '../project-args';
import { DBT_OPTIONS, DBT_USAGE, dbtProject, expandMultiValueFlags, targetPathOf } from '../dbt-args';
import type { DbtProject } from '../../project/project';
import { selectableGraph } from '../../selection/graph';
import type { NodeResult } from '../../run/build';
import { newInvocation, type InvocationInfo } from '../../artifacts/metadata';
import { writeRunArtifacts } from '../../artifacts/write';
import { reportSelection, selectionArgs, SELECTION_OPTIONS, SELECTION_USAGE } from '../selection-args';

const USAGE = `usage: floe test [PROJECT_DIR | --project-dir DIR] ${SELECTION_USAGE} ${DBT_USAGE} [--format text|json]`;

export const testCommand: CliCommand = {
  summary: 'run the dbt data tests (schema YAML tests and singular tests) over the models',
  async run(args, io) {
    // Floe's first form `floe test DIR …` still works; dbt's is `--project-dir DIR` (default: the current folder).
    const [first, ...rest] = args;
    const positional = first !== undefined && !first.startsWith('-') ? first : undefined;
    let parsed;
    try {
      parsed = parseArgs({
        args: expandMultiValueFlags(positional === undefined ? args : rest), allowPositionals: false, strict: true,
        options: { project: { type: 'string', short: 'p' }, ...SELECTION_OPTIONS, ...DBT_OPTIONS, format: { type: 'string' } },
      });
    } catch (e) {
      throw new UsageError(`${(e as Error).message}\n${USAGE}`);
    }
    const values = parsed.values;
    const format = values.format ?? 'text';
    if (format !== 'json' && format !== 'text') throw new UsageError(`--format must be json or text\n${USAGE}`);
    const dirs = [positional, values.project, values['project-dir']].filter((d) => d !== undefined);
    if (dirs.length > 1) throw new UsageError(`expected one project directory, got ${dirs.join(' and ')}\n${USAGE}`);
    const project = dbtProject(values, USAGE, process.env, dirs[0]);
    const selection = selectionArgs(project, values, USAGE);
    const { tests, problems } = selectDataTests(project, projectDataTests(project), selection);
    reportSelection(io, 'test', problems);
    const invocation = newInvocation({ which: 'test', ...values });
    const started = performance.now();
    const startedAt: Date[] = [];
    const results = await runTests(project, tests, (t, i, n) => {
      startedAt[i] = new Date();
      if (format === 'text') io.err(`[${i + 1}/${n}] ${cliName(t)}\n`);
    });
    writeTestArtifacts(project, targetPathOf(project, values), invocation, results, startedAt, (performance.now() - started) / 1000);
    const skipped = values.select ? [] : skippedDataTests(project);
    io.out(format === 'json' ? `${JSON.stringify({ results, skipped: skipped.map((x) => ({ ...x, file: path.relative(project.root, x.file) })) })}\n` : dataTestReport(tests, results) + skippedReport(project.root, skipped));
    return dataTestExitCode(tests, results);
  },
};

/** target/manifest.json and target/run_results.json, as dbt test writes them. */
function writeTestArtifacts(project: DbtProject, target: string, invocation: InvocationInfo, results: DataTestResult[], startedAt: Date[], elapsed: number): void {
  const byTestId = new Map([...selectableGraph(project).nodes.values()].filter((n) => n.test).map((n) => [n.test!.id, n]));
  const nodeResults: NodeResult[] = [];
  for (const [i, r] of results.entries()) {
    const node = byTestId.get(r.id);
    if (!node) continue;
    const start = startedAt[i] ?? new Date();
    nodeResults.push({
      node, status: r.status, message: r.message ?? (r.status === 'pass' ? 'no failing rows' : r.status), failures: Number(r.failures),
      startedAt: start.toISOString(), completedAt: new Date(start.getTime() + r.ms).toISOString(), executionTime: r.ms / 1000,
    });
  }
  writeRunArtifacts(target, project, invocation, nodeResults, elapsed);
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

/** How dbt names a test in its log: `not_null(stg_orders.order_id)`. */
export function cliName(t: DataTest): string {
  if (t.kind === 'singular') return t.label;
  const over = t.target?.kind === 'source' ? `source:${t.target.source}.${t.target.table}` : t.target?.name ?? t.subject;
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
function skippedReport(root: string, skipped: SkippedDataTest[]): string {
  if (!skipped.length) return '';
  const byReason = new Map<string, SkippedDataTest[]>();
  for (const x of skipped) byReason.set(x.reason, [...(byReason.get(x.reason) ?? []), x]);
  let out = `SKIP=${skipped.length}:\n`;
  for (const [reason, list] of byReason) {
    const names = list.slice(0, 5).map((x) => `${x.name} (${path.relative(root, x.file)})`).join(', ');
    out += `  ${list.length} ${list.length === 1 ? 'test' : 'tests'}: ${reason}; e.g. ${names}${list.length > 5 ? ', …' : ''}\n`;
  }
  return out;
}

/** 1 when any test failed at error severity or could not run, else 0. */
export function dataTestExitCode(_tests: DataTest[], results: DataTestResult[]): number {
  return results.some((r) => r.status === 'fail' || r.status === 'error') ? 1 : 0;
}
