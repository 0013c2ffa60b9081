// Diagnostics of the dbt unit tests declared in one schema YAML file, each at its exact YAML line: an unknown model, an
// input that is not ref/source/this or names no upstream of the model, an upstream the model reads with no input, a
// missing fixture file, fixture cells whose values do not fit their column's type, fixture columns the upstream lacks,
// and expected columns the model does not produce. Column types are those the binder learned (or YAML declares).
// Pure over the project model.
import type { DbtProject, FileEntry, ModelNode } from '../project/project';
import { fixtureData, parseInput, unitTestDecls, type FixtureDecl, type Span, type UnitTestDecl } from '../project/unitTests';
import type { Column, ProjectDiagnostic } from '../project/types';
import { didYouMean } from '../util/suggest';
import { compileModel } from '../project/compile';

export function unitTestDiagnostics(project: DbtProject, entry: FileEntry): ProjectDiagnostic[] {
  if (entry.packageName !== project.name || !entry.text.includes('unit_tests')) return [];
  const out: ProjectDiagnostic[] = [];
  for (const t of unitTestDecls(entry)) {
    if (t.enabled === false) continue;
    checkTest(project, entry, t, (span, severity, code, message) => out.push({ file: entry.file, start: span.start, end: span.end, severity, code, message }));
  }
  return out;
}

type Push = (span: Span, severity: ProjectDiagnostic['severity'], code: string, message: string) => void;

function checkTest(project: DbtProject, entry: FileEntry, t: UnitTestDecl, push: Push): void {
  for (const p of t.problems) push(p, 'error', 'unit-test-format', p.message);
  if (!t.model) {
    push(t.nameSpan, 'error', 'unit-test-model', `Unit test '${t.name}' names no model: add model: <model name>.`);
    return;
  }
  const node = project.resolveRef({ name: t.model });
  // dbt turns off the unit tests of a model that is turned off (tuva's enabled: var(...) marts)
  if (!node && project.isDisabledRef({ name: t.model })) return;
  if (!node) {
    push(t.modelSpan ?? t.nameSpan, 'error', 'unit-test-model', `Unit test '${t.name}': model '${t.model}' not found.${didYouMean(t.model, project.modelNames())}`);
    return;
  }
  const modelEntry = project.entry(node.file);
  const refs = modelEntry ? (node.definition?.refs ?? project.refsOf(modelEntry)) : [];
  const sources = modelEntry ? (node.definition?.sources ?? project.sourcesOf(modelEntry)) : [];
  const given = new Set<string>();
  for (const input of t.given) {
    const target = parseInput(input.input);
    if (!target) {
      push(input.inputSpan, 'error', 'unit-test-input', `Input '${input.input}' is not ref('model'), source('source', 'table') or this.`);
      continue;
    }
    let columns: Column[] | undefined;
    // Columns known only from schema YAML may be a few of the upstream's: columns missing there are not reported.
    let complete = false;
    let what: string;
    if (target.kind === 'this') {
      what = `${t.model} (this)`;
      given.add('this');
      columns = project.columnsOfNode(node);
      complete = project.boundColumns.has(node.name);
    } else if (target.kind === 'ref') {
      const upstream = project.resolveRef(target);
      what = target.name;
      if (!upstream) {
        push(input.inputSpan, 'error', 'unit-test-input', `Input ref('${target.name}'): no model, seed or snapshot of that name.${didYouMean(target.name, project.modelNames())}`);
        continue;
      }
      given.add(`ref:${upstream.name}`);
      if (!refs.some((r) => project.resolveRef(r)?.name === upstream.name) && !readsWhenRendered(project, node, `${upstream.kind}:${upstream.name}`)) {
        push(input.inputSpan, 'warning', 'unit-test-input-unused', `Input ref('${target.name}') is not an upstream of ${t.model} (it reads ${describe(refs.map((r) => `ref('${r.name}')`), sources.map((s) => `source('${s.source}', '${s.table}')`))}).`);
      }
      columns = project.columnsOfNode(upstream);
      complete = upstream.kind === 'seed' || project.boundColumns.has(upstream.name);
    } else {
      const table = project.resolveSource(target);
      what = `${target.source}.${target.table}`;
      if (!table) {
        push(input.inputSpan, 'error', 'unit-test-input', `Input source('${target.source}', '${target.table}') is not declared in the project's YAML.`);
        continue;
      }
      given.add(`source:${target.source}.${target.table}`);
      if (!sources.some((s) => s.source === target.source && s.table === target.table) && !readsWhenRendered(project, node, `source:${target.source}.${target.table}`)) {
        push(input.inputSpan, 'warning', 'unit-test-input-unused', `Input source('${target.source}', '${target.table}') is not an upstream of ${t.model} (it reads ${describe(refs.map((r) => `ref('${r.name}')`), sources.map((s) => `source('${s.source}', '${s.table}')`))}).`);
      }
      columns = project.columnsOfSource(table);
      complete = !!project.schemaCache.get(project.sourceIcebergTable(table));
    }
    checkRows(project, entry, input, columns, what, 'input', push, complete);
  }
  const missing = [
    ...refs.filter((r) => !r.conditional).flatMap((r) => { const n = project.resolveRef(r); return n && !given.has(`ref:${n.name}`) ? [`ref('${r.name}')`] : []; }),
    ...sources.filter((s) => !given.has(`source:${s.source}.${s.table}`)).map((s) => `source('${s.source}', '${s.table}')`),
  ];
  if (missing.length) {
    push(t.givenSpan ?? t.nameSpan, 'error', 'unit-test-missing-input', `${t.model} reads ${[...new Set(missing)].join(', ')}, which given: has no input for: the unit test cannot run (give rows: [] for an empty input).`);
  }
  if (!t.expect) push(t.nameSpan, 'error', 'unit-test-expect', `Unit test '${t.name}' has no expect: block.`);
  else checkRows(project, entry, t.expect, outputColumns(project, node), t.model, 'expect', push, true);
}

/**
 * Whether the model reads an upstream (`model:name`, `source:s.t`) once rendered: refs made inside macros are not in
 * its text (aspects' models). A model that does not render is given the benefit of the doubt.
 */
function readsWhenRendered(project: DbtProject, node: ModelNode, key: string): boolean {
  const compiled = compileModel(project, node.file, node.definition ? { node } : {});
  return !!compiled.problem || compiled.upstream.some((u) => `${u.kind}:${u.name}` === key);
}

/** The model's output columns when the binder has learned them (YAML docs need not list every column). */
function outputColumns(project: DbtProject, node: ModelNode): Column[] | undefined {
  return project.boundColumns.get(node.name);
}

function describe(refs: string[], sources: string[]): string {
  const all = [...new Set([...refs, ...sources])];
  return all.length ? all.join(', ') : 'nothing';
}

/** Fixture rows against the columns they fill: a missing file, unknown columns, values their type cannot read. */
function checkRows(project: DbtProject, entry: FileEntry, f: FixtureDecl, columns: Column[] | undefined, what: string, role: 'input' | 'expect', push: Push, complete: boolean): void {
  const data = fixtureData(project, entry.file, f);
  if ('message' in data) {
    if (data.file === entry.file) push(data.span, 'error', f.fixture !== undefined ? 'unit-test-fixture' : 'unit-test-rows', data.message);
    return;
  }
  if (data.kind === 'sql' || !columns?.length) return;
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  // Cells of dict rows have their own spans; csv rows point at their line (in the YAML, or the fixture's line in YAML).
  const inYaml = data.rowSpans.every((r) => r.file === entry.file);
  const cellSpan = (row: number, column: string): Span => {
    const cell = f.rowSpans[row]?.cells.find((c) => c.column === column);
    if (cell) return cell;
    const r = data.rowSpans[row];
    return inYaml && r ? r : f.fixtureSpan ?? f.rowsSpan ?? f.span;
  };
  const reported = new Set<string>();
  for (const column of data.columns) {
    if (!complete || byName.has(column.toLowerCase()) || reported.has(column)) continue;
    reported.add(column);
    const key = f.rowSpans.flatMap((r) => r.cells).find((c) => c.column === column)?.key;
    const at = key ?? (data.rows.length ? cellSpan(0, column) : f.rowsSpan ?? f.span);
    if (role === 'expect') push(at, 'error', 'unit-test-expect-column', `Expected column '${column}' is not produced by ${what} (it has ${columns.map((c) => c.name).join(', ')}).${didYouMean(column, columns.map((c) => c.name))}`);
    else push(at, 'warning', 'unit-test-input-column', `Column '${column}' is not a column of ${what} (it has ${columns.map((c) => c.name).join(', ')}).${didYouMean(column, columns.map((c) => c.name))}`);
  }
  for (const [i, row] of data.rows.entries()) {
    for (const [j, value] of row.entries()) {
      const column = byName.get(data.columns[j].toLowerCase());
      if (value === null || !column?.type || fits(value, column.type)) continue;
      push(cellSpan(i, data.columns[j]), 'error', 'unit-test-value-type', `'${value}' does not fit column ${column.name} of ${what}, of type ${column.type}.`);
    }
  }
}

const INTEGER = /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT[1248]|LONG|SHORT)$/;
const NUMERIC = /^(DECIMAL|NUMERIC|DOUBLE|FLOAT|REAL|FLOAT[48])(\(.*\))?$/;

/**
 * Whether DuckDB's cast reads `value` as `type`, for the types a fixture's text can be judged by alone (numbers,
 * booleans, dates, timestamps); other types are left to the run.
 */
export function fits(value: string, type: string): boolean {
  const t = type.trim().toUpperCase();
  const v = value.trim();
  if (INTEGER.test(t)) return /^[-+]?\d+$/.test(v);
  if (NUMERIC.test(t)) return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(v) || /^[-+]?(inf|infinity|nan)$/i.test(v);
  if (t === 'BOOLEAN' || t === 'BOOL') return /^(true|false|t|f|1|0|yes|no|y|n)$/i.test(v);
  if (t === 'DATE') return /^\d{4}-\d{1,2}-\d{1,2}$/.test(v);
  if (/^TIMESTAMP( WITH TIME ZONE|TZ)?(\(\d\))?$/.test(t)) return /^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?$/i.test(v);
  return true;
}
