// Runs dbt unit tests in DuckDB with no catalog at all: each `given` input becomes a CTE of typed rows (the upstream's
// columns as the binder knows them, missing ones NULL; sql rows rendered as dbt renders them), the model is compiled with its refs and sources pointing at
// them (and the test's overrides), and its rows are compared with `expect` as dbt does. Milliseconds per test; a test
// that cannot run is an `error` result naming the YAML line, never a throw.
import path from 'node:path';
import type { DuckDBConnection, Json } from '@duckdb/node-api';
import type { DbtProject, ModelNode } from '../project/project';
import { compileModel, type UpstreamRelation } from '../project/compile';
import { analyzeModelFile } from '../project/modelFile';
import { LineIndex } from '../project/lineIndex';
import { fixtureData, parseInput, projectUnitTests, type FixtureData, type Span, type UnitTest } from '../project/unitTests';
import type { Column } from '../project/types';
import type { DataTestResult } from '../protocol/dataTests';
import { exactJson } from '../engine/session';
import { cellText } from '../engine/results';
import { parseDuckDbError } from '../sql/errors';
import { userMessage } from '../sql/explain';
import { compareRows, inferredType, rowsSql, withInputs, type TypedColumn } from './unit-test-sql';

export interface UnitTestRunOptions {
  signal?: AbortSignal;
  onTest?: (test: UnitTest, index: number, total: number) => void;
  onResult?: (result: DataTestResult, index: number) => void;
  /**
   * Binds a model so the project knows its output columns (the editor passes its background binder); by default a
   * binder of this run's own binds what is not bound yet.
   */
  bind?: (project: DbtProject, file: string) => Promise<unknown>;
}

/** Runs `tests`; results in their order. */
export async function runUnitTests(project: DbtProject, tests: UnitTest[], options: UnitTestRunOptions = {}): Promise<DataTestResult[]> {
  if (tests.length === 0) return [];
  const engine = await openUnitTestEngine();
  const bind = options.bind ?? (await ownBinder());
  const results: DataTestResult[] = [];
  const stop = () => engine.connection.interrupt();
  options.signal?.addEventListener('abort', stop);
  try {
    for (const [i, test] of tests.entries()) {
      if (options.signal?.aborted) {
        results.push({ id: test.id, status: 'error', failures: '0', sql: '', ms: 0, message: 'cancelled' });
        options.onResult?.(results[i], i);
        continue;
      }
      options.onTest?.(test, i, tests.length);
      const result = await runUnitTest(engine.connection, project, test, bind);
      results.push(result);
      options.onResult?.(result, i);
    }
  } finally {
    options.signal?.removeEventListener('abort', stop);
    engine.close();
  }
  return results;
}

/**
 * A DuckDB of its own with files and network off: a unit test reads only its fixtures (a model that reads files or
 * the lakehouse fails the test instead of reaching out).
 */
export async function openUnitTestEngine(): Promise<{ connection: DuckDBConnection; close(): void }> {
  const { createBindConnection } = await import('../sql/connection.js');
  const c = await createBindConnection();
  await c.connection.run(`SET TimeZone = 'UTC'`);
  return c;
}

let sharedBinder: Promise<(project: DbtProject, file: string) => Promise<unknown>> | undefined;

/** The CLI's binder (one per process): binds upstream models offline so their columns type the fixtures. */
function ownBinder(): Promise<(project: DbtProject, file: string) => Promise<unknown>> {
  sharedBinder ??= (async () => {
    const { createBindConnection } = await import('../sql/connection.js');
    const { Binder } = await import('../features/binding.js');
    const c = await createBindConnection();
    const binder = new Binder(async () => c.connection);
    return (project: DbtProject, file: string) => binder.bind(project, file);
  })();
  return sharedBinder;
}

/** Runs the unit test a selection node carries (kind `unit`, by id) on a connection of a build's run; never throws. */
export async function runUnitTestById(connection: DuckDBConnection, project: DbtProject, id: string): Promise<DataTestResult> {
  const test = projectUnitTests(project).find((t) => t.id === id);
  if (!test) return { id, status: 'error', failures: '0', sql: '', ms: 0, message: `no unit test '${id}' in ${project.name}` };
  return runUnitTest(connection, project, test, await ownBinder());
}

class UnitTestError extends Error {
  constructor(message: string, readonly file?: string, readonly span?: Span) {
    super(message);
  }
}

/** Runs one unit test on `connection`; never throws. */
export async function runUnitTest(connection: DuckDBConnection, project: DbtProject, test: UnitTest, bind: NonNullable<UnitTestRunOptions['bind']>): Promise<DataTestResult> {
  const started = performance.now();
  let sql = '';
  const ms = () => Math.round(performance.now() - started);
  try {
    const node = project.resolveRef({ name: test.model, version: test.version });
    if (!test.model) throw new UnitTestError('it names no model (model: is missing)', test.file, test.decl.nameSpan);
    if (!node) throw new UnitTestError(`model '${test.model}' not found in the project`, test.file, test.decl.modelSpan);
    if (node.kind !== 'model' || node.file.endsWith('.py')) throw new UnitTestError(`dbt unit tests test SQL models; ${test.model} is ${node.file.endsWith('.py') ? 'a Python model' : `a ${node.kind}`}`, test.file, test.decl.modelSpan);
    await bindUpstream(project, node, bind);
    const inputs = buildInputs(project, test, node);
    const compiled = compileModel(project, node.file, { relationName: inputs.relationName, overrides: test.decl.overrides });
    if (compiled.problem) throw new UnitTestError(`${test.model} does not compile: ${compiled.problem.message}`, node.file, compiled.problem);
    const missing = compiled.upstream.filter((u) => !inputs.names.has(upstreamKey(u)));
    if (missing.length) {
      const calls = missing.map((u) => (u.kind === 'source' ? `source('${u.name.split('.')[0]}', '${u.name.split('.').slice(1).join('.')}')` : `ref('${u.name}')`));
      throw new UnitTestError(`${test.model} reads ${calls.join(', ')}, which given: has no input for (add - input: ${calls[0]} with rows: [] for none)`, test.file, test.decl.givenSpan ?? test.decl.nameSpan);
    }
    sql = withInputs(inputs.ctes, compiled.sql);
    let actual;
    try {
      actual = await query(connection, sql);
    } catch (e) {
      throw new UnitTestError(`${test.model} failed on the given rows: ${duckMessage(e, sql)}${untypedHint(inputs.untyped)}`, node.file);
    }
    const expect = test.decl.expect;
    if (!expect) throw new UnitTestError('it has no expect: block', test.file, test.decl.nameSpan);
    const expected = fixtureData(project, test.file, expect);
    if ('message' in expected) throw new UnitTestError(`expect: ${expected.message}`, expected.file, expected.span);
    const byName = new Map(actual.columns.map((c, i) => [c.name.toLowerCase(), i]));
    let expectedColumns: string[];
    let expectedRows: Array<Array<string | null>>;
    if (expected.kind === 'sql') {
      const r = await query(connection, expected.sql).catch((e: unknown) => { throw new UnitTestError(`expect: the sql rows do not run: ${duckMessage(e, expected.sql)}`, expected.file, expected.span); });
      expectedColumns = r.columns.map((c) => c.name);
      expectedRows = r.rows;
    } else {
      expectedColumns = expected.columns;
      expectedRows = expected.rows;
    }
    const unknown = expectedColumns.filter((c) => !byName.has(c.toLowerCase()));
    if (unknown.length) {
      throw new UnitTestError(`expect: ${unknown.map((c) => `'${c}'`).join(', ')} ${unknown.length === 1 ? 'is not a column' : 'are not columns'} of ${test.model} (it has ${actual.columns.map((c) => c.name).join(', ')})`, test.file, test.decl.expectSpan);
    }
    const types: TypedColumn[] = expectedColumns.map((c) => actual.columns[byName.get(c.toLowerCase())!]);
    // The expected rows cast to the model's types by DuckDB, so both sides print the same way (1.50 and 1.5 as DECIMAL(4,2)).
    const castExpected = expected.kind === 'sql'
      ? `select ${types.map((t, i) => `cast(${quoteName(expectedColumns[i])} as ${t.type}) as ${quoteName(t.name)}`).join(', ')} from (${expected.sql.replace(/;\s*$/, '')}) as e`
      : rowsSql(types, expectedColumns, expectedRows);
    let expectedCast;
    try {
      expectedCast = await query(connection, castExpected);
    } catch (e) {
      throw new UnitTestError(`expect: a value does not fit its column's type: ${duckMessage(e, castExpected)}`, test.file, test.decl.expectSpan);
    }
    const picked = types.map((t) => byName.get(t.name.toLowerCase())!);
    const actualRows = actual.rows.map((r) => picked.map((i) => r[i]));
    const diff = compareRows(types.map((t) => t.name), expectedCast.rows, actualRows);
    if (diff.equal) return { id: test.id, status: 'pass', failures: '0', sql, ms: ms() };
    const differing = diff.diffText.split('\n').filter((l) => l.startsWith('-') || l.startsWith('+')).length;
    return {
      id: test.id, status: 'fail', failures: String(differing), sql, ms: ms(),
      message: `unit test ${test.name} on ${test.model}: actual differs from expected (${where(project, test.file, test.decl.nameSpan)})\n\n${diff.diffText}`,
      diff: { expected: diff.expectedText, actual: diff.actualText },
    };
  } catch (e) {
    const reason = e instanceof UnitTestError ? `${e.message}${e.file ? ` (${where(project, e.file, e.span)})` : ''}` : e instanceof Error ? e.message : String(e);
    return { id: test.id, status: 'error', failures: '0', sql, ms: ms(), message: `unit test ${test.name} on ${test.model || '?'} could not run: ${reason}` };
  }
}

/** The model's upstream models (and the model itself, for `this`) bound, so their columns type the fixtures. */
async function bindUpstream(project: DbtProject, node: ModelNode, bind: NonNullable<UnitTestRunOptions['bind']>): Promise<void> {
  for (const parent of [...(project.dag.parents.get(node.name) ?? []), node.name]) {
    const p = project.resolveRef({ name: parent });
    if (p && (p.kind === 'model' || (p.kind === 'snapshot' && !p.definition)) && !project.boundColumns.has(p.name)) {
      try {
        await bind(project, p.file);
      } catch {
        // Unbound: the fixture's own columns type the input instead.
      }
    }
  }
}

type Target = { kind: UpstreamRelation['kind']; name: string; source?: string; table?: string };
const relationKey = (t: Target, node: ModelNode) => (t.kind === 'source' ? `source:${t.source}.${t.table}` : t.name === node.name ? 'this' : `ref:${t.name}`);
const upstreamKey = (u: UpstreamRelation) => (u.kind === 'source' ? `source:${u.name}` : `ref:${u.name}`);

/** Each given input as a CTE of typed rows, by the key its ref/source/this resolves to; how the model names each. */
function buildInputs(project: DbtProject, test: UnitTest, node: ModelNode): { ctes: Array<{ name: string; sql: string }>; names: Map<string, string>; relationName: (t: Target) => string; untyped: string[] } {
  const names = new Map<string, string>();
  const relationName = (t: Target) => names.get(relationKey(t, node)) ?? `"floe_unit_missing__${t.kind === 'source' ? `${t.source}.${t.table}` : t.name}"`;
  const read: Array<{ name: string; data: FixtureData; columns: Column[] | undefined; relation: string }> = [];
  const untyped: string[] = [];
  for (const [i, input] of test.decl.given.entries()) {
    const target = parseInput(input.input);
    if (!target) throw new UnitTestError(`input '${input.input}' is not ref('model'), source('source', 'table') or this`, test.file, input.inputSpan);
    let key: string;
    let columns: Column[] | undefined;
    let relation: string;
    if (target.kind === 'this') {
      key = 'this';
      columns = project.columnsOfNode(node);
      relation = node.name;
    } else if (target.kind === 'ref') {
      const upstream = project.resolveRef(target);
      if (!upstream) throw new UnitTestError(`input ref('${target.name}'): no model, seed or snapshot of that name`, test.file, input.inputSpan);
      key = `ref:${upstream.name}`;
      columns = project.columnsOfNode(upstream);
      relation = upstream.name;
    } else {
      const table = project.resolveSource(target);
      if (!table) throw new UnitTestError(`input source('${target.source}', '${target.table}') is not declared in the project's YAML`, test.file, input.inputSpan);
      key = `source:${target.source}.${target.table}`;
      columns = project.columnsOfSource(table);
      relation = target.table;
    }
    const data = fixtureData(project, test.file, input);
    if ('message' in data) throw new UnitTestError(`input ${input.input}: ${data.message}`, data.file, data.span);
    // dbt types an input (and fills the columns its fixture leaves out) from the warehouse; offline, from what binds
    if (data.kind !== 'sql' && !columns?.some((c) => c.type)) untyped.push(input.input);
    const name = `floe_unit_input_${i + 1}`;
    read.push({ name, data, columns, relation });
    names.set(key, `"${name}"`);
  }
  // sql rows are rendered once every input has its name: dbt compiles them as it compiles a model
  const ctes = read.map((r) => ({ name: r.name, sql: r.data.kind === 'sql' ? renderedFixture(project, test, r.data, r.relation, relationName) : inputSql(r.data, r.columns) }));
  return { ctes, names, relationName, untyped };
}

/**
 * Why a model may fail on inputs whose upstream's columns Floe does not know offline (a model's bind once its own
 * upstream's are known): such an input has only the fixture's columns, typed from their values, where dbt reads every
 * column and its type from the warehouse (the ones a fixture leaves out as null).
 */
function untypedHint(untyped: string[]): string {
  if (!untyped.length) return '';
  return `\n  Floe knows no column types of ${untyped.join(', ')} offline: ${untyped.length === 1 ? 'that input has' : 'those inputs have'} only the fixture's columns, typed from their values,` +
    ' where dbt reads every column and its type from the warehouse. Declare the columns with data_type in schema YAML (the sources\' the models read, or the models\'), or give the columns the model reads in the fixture.';
}

/**
 * A `format: sql` input rendered as dbt renders it (dbt makes it the raw code of a model node named after the input
 * and compiles it, with the test's overrides): Jinja in it (vars, macros, ref to another input) works as in a model.
 */
function renderedFixture(project: DbtProject, test: UnitTest, data: Extract<FixtureData, { kind: 'sql' }>, relation: string, relationName: (t: Target) => string): string {
  if (!/\{[{%#]/.test(data.sql)) return inputSql(data, undefined);
  const node: ModelNode = { name: relation, kind: 'model', file: test.file, packageName: project.name, nameStart: 0, nameEnd: 0, definition: analyzeModelFile(data.sql) };
  const compiled = compileModel(project, test.file, { node, relationName, overrides: test.decl.overrides });
  if (compiled.problem) throw new UnitTestError(`the sql rows do not render: ${compiled.problem.message}`, data.file, data.span);
  return compiled.sql.replace(/;\s*$/, '');
}

/** An input's rows over every column of its upstream (typed as bound), plus any extra columns the fixture names. */
function inputSql(data: FixtureData, columns: Column[] | undefined): string {
  if (data.kind === 'sql') return data.sql.replace(/;\s*$/, '');
  const known = (columns ?? []).filter((c) => c.type);
  const have = new Set(known.map((c) => c.name.toLowerCase()));
  const extra = data.columns.filter((c) => !have.has(c.toLowerCase())).map((c) => ({ name: c, type: inferredType(data.rows.map((r) => r[data.columns.indexOf(c)])) }));
  return rowsSql([...known.map((c) => ({ name: c.name, type: c.type! })), ...extra], data.columns, data.rows);
}

async function query(connection: DuckDBConnection, sql: string): Promise<{ columns: TypedColumn[]; rows: Array<Array<string | null>> }> {
  const reader = await connection.runAndReadAll(sql);
  const types = reader.columnTypes();
  const columns = reader.columnNames().map((name, i) => ({ name, type: types[i].toString() }));
  const rows = (reader.convertRows(exactJson) as Json[][]).map((r) => r.map((v) => (v === null ? null : cellText(v))));
  return { columns, rows };
}

function duckMessage(e: unknown, sql: string): string {
  const raw = e instanceof Error ? e.message : String(e);
  return userMessage(parseDuckDbError(raw, sql), { sql });
}

const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** `models/schema.yml:12`. */
function where(project: DbtProject, file: string, span: Span | undefined): string {
  const line = span ? new LineIndex(project.entry(file)?.text ?? '').positionAt(span.start).line + 1 : undefined;
  return `${path.relative(project.root, file)}${line ? `:${line}` : ''}`;
}
