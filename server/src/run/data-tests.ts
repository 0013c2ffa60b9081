// Runs dbt data tests in one DuckDB session: each tested model is built once as the preview builds it (its
// upstream chain of views over the bronze Iceberg tables, no row limit), sources are read from Iceberg, and each
// test's failing-rows query is counted and sampled. A test that cannot run is an `error` result, never a throw.
import path from 'node:path';
import type { DbtProject } from '../project/project';
import type { CompiledModel, UpstreamRelation } from '../project/compile';
import { LineIndex } from '../project/lineIndex';
import { CORE_GENERIC_TESTS, coreTestOverride, parseRelationTarget, type DataTest } from '../project/dataTests';
import type { DataTestResult } from '../protocol/dataTests';
import { cellText } from '../engine/results';
import { parseDuckDbError } from '../sql/errors';
import { userMessage } from '../sql/explain';
import type { Lakehouse } from './lakehouse';
import { ModelRun, type RunOptions } from './model-chain';
import { ModelRunError } from './run-error';
import { genericTestSql } from './data-test-sql';
import { customGenericTestSql } from './custom-generic-test';
import { argsWithPyFloats } from '../project/yamlFloats';

/** Failing rows shown with a result. */
export const SAMPLE_ROWS = 5;

export interface DataTestRunOptions extends RunOptions {
  signal?: AbortSignal;
  onTest?: (test: DataTest, index: number, total: number) => void;
}

/** Runs `tests` over the project's current upstream data; results in the order of `tests`. */
export async function runDataTests(project: DbtProject, lakehouse: Lakehouse, tests: DataTest[], options: DataTestRunOptions = {}): Promise<DataTestResult[]> {
  if (tests.length === 0) return [];
  const run = await ModelRun.open(project, lakehouse, options);
  const stop = () => run.session.interrupt();
  options.signal?.addEventListener('abort', stop);
  const results: DataTestResult[] = [];
  try {
    for (const [i, test] of tests.entries()) {
      if (options.signal?.aborted) {
        results.push(errorResult(test, '', 0, 'cancelled'));
        continue;
      }
      options.onTest?.(test, i, tests.length);
      results.push(await runOne(run, project, test, options.signal));
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await run.close();
  }
  return results;
}

/** Every test as an `error` result with one reason (the lakehouse could not be opened, for instance). */
export function allErrored(tests: DataTest[], message: string): DataTestResult[] {
  return tests.map((t) => errorResult(t, '', 0, message));
}

/** Runs one test inside an open run (whose relations it reuses and adds to); never throws. */
export async function runDataTestIn(run: ModelRun, test: DataTest, signal?: AbortSignal): Promise<DataTestResult> {
  return runOne(run, run.project, test, signal);
}

async function runOne(run: ModelRun, project: DbtProject, test: DataTest, signal: AbortSignal | undefined): Promise<DataTestResult> {
  const started = performance.now();
  let sql = '';
  try {
    const prepared = await prepare(run, project, test);
    if ('error' in prepared) return errorResult(test, '', started, `${test.label} on ${subjectText(test)} (${where(project, test)}): ${prepared.error}`);
    sql = prepared.sql;
    // Wrapped queries: DuckDB's error offsets map back through the wrapper's prefix to the singular test's line.
    const query = (prefix: string, suffix: string) => {
      const wrapped = `${prefix}${sql}${suffix}`;
      const body = () => run.session.query(wrapped);
      return prepared.compiled ? run.mapErrors(test.file, wrapped, prepared.compiled, body, (o) => (o >= prefix.length ? o - prefix.length : undefined)) : body();
    };
    // the closing parenthesis on a line of its own, as dbt's wrapper puts it: a test ending in a `-- comment` runs
    const counted = await query('select count(*) from (', '\n) as floe_test_failures');
    const failures = String(counted.rows[0]?.[0] ?? '0');
    const severity = prepared.severity ?? test.severity;
    const ms = Math.round(performance.now() - started);
    if (failures === '0') return { id: test.id, status: 'pass', failures, sql, ms };
    const sample = await query('select * from (', `\n) as floe_test_failures limit ${SAMPLE_ROWS}`);
    return {
      id: test.id,
      status: severity === 'warn' ? 'warn' : 'fail',
      failures,
      message: `${test.label} on ${subjectText(test)}: ${failures} failing row${failures === '1' ? '' : 's'} (${where(project, test)})`,
      sample: { columns: sample.columns.map((c) => c.name), rows: sample.rows.map((r) => r.map((v) => (v === null ? 'NULL' : cellText(v)))) },
      sql,
      ms: Math.round(performance.now() - started),
    };
  } catch (e) {
    const reason = signal?.aborted ? 'cancelled' : messageOf(e, sql);
    return errorResult(test, sql, started, `${test.label} on ${subjectText(test)} (${where(project, test)}) could not run: ${reason}`);
  }
}

interface Prepared {
  sql: string;
  /** Singular tests: the compiled file, so DuckDB errors map to its lines. */
  compiled?: CompiledModel;
  /** Singular tests: severity from the rendered config(). */
  severity?: 'error' | 'warn';
}

async function prepare(run: ModelRun, project: DbtProject, test: DataTest): Promise<Prepared | { error: string }> {
  if (test.kind === 'singular') {
    const compiled = run.compile(test.file);
    await run.buildUpstream(compiled, []);
    const severity = String(compiled.config.severity ?? test.severity).toLowerCase() === 'warn' ? 'warn' : 'error';
    return { sql: stripSemicolon(compiled.sql), compiled, severity };
  }
  if (!test.target) return { error: 'the test has no model or source' };
  const relation = await build(run, project, test.target);
  if ('error' in relation) return relation;
  let parentRelation: string | undefined;
  if (test.kind === 'relationships' && test.args.to !== undefined) {
    const parent = parseRelationTarget(test.args.to);
    if (!parent) return { error: `relationships \`to: ${String(test.args.to)}\` is not ref('model') or source('source', 'table')` };
    const built = await build(run, project, parent);
    if ('error' in built) return built;
    parentRelation = built.relation;
  }
  // The arguments as dbt's macros see them: a `min_value: 1.0` prints 1.0 in the SQL.
  const args = argsWithPyFloats(test.args, test.floatArgs);
  // a core test the project overrides (its `duckdb__test_unique`, say) runs its macro, as dbt's dispatch picks it
  if (!CORE_GENERIC_TESTS.has(test.kind) || coreTestOverride(project, test.kind)) {
    // The macro gets the (where-filtered) relation as `model`, like dbt.
    const over = test.where ? `(select * from ${relation.relation} where ${test.where})` : relation.relation;
    const custom = customGenericTestSql(project, { name: test.kind, column: test.column ?? test.columnExpression, args, relation: over, relationName: run.relationName });
    if ('error' in custom) return custom;
    await run.buildUpstream({ upstream: custom.upstream } as CompiledModel, []);
    return { sql: stripSemicolon(custom.sql) };
  }
  return genericTestSql({ kind: test.kind, column: test.column, columnExpression: test.columnExpression, args, where: test.where, relation: relation.relation, parentRelation });
}

/** Makes a model (with its upstream chain), seed, snapshot or source queryable in the run, once per run. */
async function build(run: ModelRun, project: DbtProject, target: NonNullable<DataTest['target']>): Promise<{ relation: string } | { error: string }> {
  let upstream: UpstreamRelation;
  if (target.kind === 'source') {
    const table = project.resolveSource({ source: target.source, table: target.table });
    if (!table) return { error: `source '${target.source}.${target.table}' is not declared in the project's YAML` };
    upstream = { kind: 'source', name: `${target.source}.${target.table}`, relation: run.relationName({ kind: 'source', name: '', source: target.source, table: target.table }), icebergTable: project.sourceIcebergTable(table) };
  } else {
    const node = project.resolveRef({ name: target.name, version: target.version, packageName: target.packageName });
    if (!node) return { error: `model '${target.name}'${target.version !== undefined ? ` version ${target.version}` : ''} not found in the project` };
    upstream = { kind: node.kind, name: node.name, relation: run.relationName({ kind: node.kind, name: node.name }), file: node.file };
  }
  // buildUpstream only reads `upstream`; the run caches each relation, so every model is built once.
  await run.buildUpstream({ upstream: [upstream] } as CompiledModel, []);
  return { relation: upstream.relation };
}

function errorResult(test: DataTest, sql: string, started: number, message: string): DataTestResult {
  return { id: test.id, status: 'error', failures: '0', message, sql, ms: started ? Math.round(performance.now() - started) : 0 };
}

function messageOf(e: unknown, sql: string): string {
  if (e instanceof ModelRunError) return e.message;
  const raw = e instanceof Error ? e.message : String(e);
  return sql ? userMessage(parseDuckDbError(raw, sql), { sql }) : raw;
}

const subjectText = (t: DataTest) => (t.kind === 'singular' ? t.subject : t.column ? `${t.subject}.${t.column}` : t.subject);

/** `models/schema.yml:12` — where the test is declared. */
function where(project: DbtProject, test: DataTest): string {
  const text = project.entry(test.file)?.text ?? '';
  const line = new LineIndex(text).positionAt(test.start).line + 1;
  return `${path.relative(project.root, test.file)}:${line}`;
}

/** A trailing `;` breaks the wrapping subquery; dbt strips it too. */
function stripSemicolon(sql: string): string {
  return sql.replace(/;\s*$/, '');
}
