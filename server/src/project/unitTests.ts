// The project's dbt unit tests (root package, enabled), each with a stable id, and their fixture rows read as dbt reads
// them: dict rows inline, csv inline or from `tests/fixtures/<name>.csv` (empty and `null` cells are NULL), sql inline or
// from `tests/fixtures/<name>.sql`. Pure over the project model; cached per project version.
import path from 'node:path';
import type { DbtProject } from './project';
import { parseUnitTests, type FixtureDecl, type InputDecl, type Span, type UnitTestDecl } from './unitTestYaml';
import type { DataTest } from './dataTests';
import { jsonText } from '../util/json';

export type { FixtureDecl, InputDecl, Span, UnitTestDecl } from './unitTestYaml';

export interface UnitTest {
  /** `unit:<model>.<name>`: stable while the model and the test's name stay. */
  id: string;
  name: string;
  /** The model under test, as declared. */
  model: string;
  /** A versioned model's version this test runs against (dbt runs a unit test on each version unless `versions:` narrows it). */
  version?: string;
  decl: UnitTestDecl;
  /** The YAML file declaring it. */
  file: string;
  tags: string[];
}

/** What an input or `expect:` holds: rows (cells as text, NULL as null) with the columns they name, or a query. */
export type FixtureData =
  | { kind: 'rows'; columns: string[]; rows: Array<Array<string | null>>; /** Per row, where it is written (YAML or fixture file). */ rowSpans: Array<Span & { file: string }> }
  | { kind: 'sql'; sql: string; file: string; span: Span };

/** A fixture that cannot be read: a missing file, rows of the wrong shape. */
export interface FixtureProblem { message: string; file: string; span: Span }

const cache = new WeakMap<DbtProject, { version: number; tests: UnitTest[] }>();
const parsed = new WeakMap<object, { text: string; decls: UnitTestDecl[] }>();

/** Every unit test declared in the root project's YAML, in file order (disabled ones left out, as in dbt). */
export function projectUnitTests(project: DbtProject): UnitTest[] {
  const hit = cache.get(project);
  if (hit?.version === project.version) return hit.tests;
  const tests: UnitTest[] = [];
  const ids = new Set<string>();
  const entries = [...project.files.values()].filter((e) => e.kind === 'yaml' && e.packageName === project.name).sort((a, b) => a.file.localeCompare(b.file));
  for (const e of entries) {
    for (const decl of unitTestDecls(e)) {
      if (decl.enabled === false || !decl.name) continue;
      for (const version of versionsOf(project, decl)) {
        const name = version === undefined ? decl.name : `${decl.name}_v${version}`;
        let id = `unit:${decl.model ?? ''}.${name}`;
        for (let n = 2; ids.has(id); n++) id = `unit:${decl.model ?? ''}.${name}#${n}`;
        ids.add(id);
        tests.push({ id, name, model: decl.model ?? '', ...(version === undefined ? {} : { version }), decl, file: e.file, tags: decl.tags });
      }
    }
  }
  cache.set(project, { version: project.version, tests });
  return tests;
}

/**
 * The versions a unit test runs on: none for an unversioned model; for a versioned one every version, or those
 * `versions: {include: [...]}` names, minus `exclude` (dbt's "unit testing versioned models").
 */
function versionsOf(project: DbtProject, decl: UnitTestDecl): Array<string | undefined> {
  const versions = decl.model ? project.doc(decl.model)?.versions : undefined;
  if (!versions) return [undefined];
  const include = decl.versions?.include?.map(String);
  const exclude = new Set(decl.versions?.exclude?.map(String) ?? []);
  return (include ?? versions.all).filter((v) => !exclude.has(v));
}

/** The unit tests declared in one YAML entry (enabled or not), parsed once per text. */
export function unitTestDecls(entry: { text: string }): UnitTestDecl[] {
  const hit = parsed.get(entry);
  if (hit?.text === entry.text) return hit.decls;
  const decls = parseUnitTests(entry.text);
  parsed.set(entry, { text: entry.text, decls });
  return decls;
}

/** A unit test as the Test Explorer, `floe test` and selection see tests: kind `unit`, about its model. */
export function unitTestAsDataTest(t: UnitTest): DataTest {
  return {
    id: t.id, label: t.name, kind: 'unit', subject: t.model, target: { kind: 'model', name: t.model }, args: {}, severity: 'error',
    ...(t.tags.length ? { tags: t.tags } : {}), file: t.file, start: t.decl.nameSpan.start, end: t.decl.nameSpan.end,
  };
}

export function isUnitTestId(id: string): boolean {
  return id.startsWith('unit:');
}

/** What `input:` names: a model (ref), a source table, or the model itself (`this`, for incremental models). */
export type InputTarget = { kind: 'ref'; name: string; packageName?: string; version?: string } | { kind: 'source'; source: string; table: string } | { kind: 'this' };

/** `ref('m')`, `ref('pkg', 'm')`, `ref('m', v=2)`, `source('s', 't')`, `this` (optionally in `{{ }}`); undefined otherwise. */
export function parseInput(input: string): InputTarget | undefined {
  const text = input.trim().replace(/^\{\{\s*/, '').replace(/\s*\}\}$/, '');
  if (text === 'this') return { kind: 'this' };
  const q = `\\s*['"]([^'"]+)['"]\\s*`;
  const version = `(?:,\\s*(?:v|version)\\s*=\\s*['"]?([\\w.]+)['"]?\\s*)?`;
  const ref = new RegExp(`^ref\\(${q}(?:,${q})?${version}\\)$`).exec(text);
  if (ref) return { kind: 'ref', name: ref[2] ?? ref[1], ...(ref[2] ? { packageName: ref[1] } : {}), ...(ref[3] ? { version: ref[3] } : {}) };
  const source = new RegExp(`^source\\(${q},${q}\\)$`).exec(text);
  if (source) return { kind: 'source', source: source[1], table: source[2] };
  return undefined;
}

/** The fixture file a `fixture:` names, for its format: `<test-path>/fixtures/**\/<name>.csv` or `.sql`. */
export function fixtureFile(project: DbtProject, name: string, format: FixtureDecl['format']): string | undefined {
  const ext = format === 'sql' ? '.sql' : '.csv';
  for (const e of project.files.values()) {
    if (e.kind === 'fixture' && e.packageName === project.name && path.basename(e.file).toLowerCase() === `${name.toLowerCase()}${ext}`) return e.file;
  }
  return undefined;
}

/** The rows (or query) of an input or of `expect:`, or why they cannot be read. */
export function fixtureData(project: DbtProject, yamlFile: string, f: FixtureDecl): FixtureData | FixtureProblem {
  const at = (span: Span | undefined) => ({ file: yamlFile, span: span ?? f.span });
  let text: string | undefined;
  let file = yamlFile;
  let base = 0;
  if (f.fixture !== undefined && f.rows === undefined) {
    if (f.format === 'dict') return { message: `fixture '${f.fixture}': dbt reads fixture files only in format csv or sql (add format: csv)`, ...at(f.fixtureSpan) };
    const found = fixtureFile(project, f.fixture, f.format);
    if (!found) {
      const dirs = project.settings.testPaths.map((p) => `${p}/fixtures`).join(' or ');
      return { message: `fixture file '${f.fixture}.${f.format}' not found in ${dirs}`, ...at(f.fixtureSpan) };
    }
    file = found;
    text = project.entry(found)?.text ?? '';
  } else if (f.rows === undefined) {
    return { message: 'no rows: give rows (rows: [] for none) or a fixture file', ...at(undefined) };
  } else if (f.format === 'dict') {
    if (f.rows === null) return { kind: 'rows', columns: [], rows: [], rowSpans: [] };
    if (!Array.isArray(f.rows)) return { message: 'rows of format dict must be a list of mappings', ...at(f.rowsSpan) };
    const columns: string[] = [];
    for (const r of f.rowSpans) for (const c of r.cells) if (!columns.includes(c.column)) columns.push(c.column);
    const rows = f.rowSpans.map((r) => columns.map((c) => cellText(r.cells.find((x) => x.column === c)?.value)));
    return { kind: 'rows', columns, rows, rowSpans: f.rowSpans.map((r) => ({ start: r.start, end: r.end, file: yamlFile })) };
  } else {
    if (typeof f.rows !== 'string') return { message: `rows of format ${f.format} must be text (rows: |)`, ...at(f.rowsSpan) };
    text = f.rows;
    base = f.rowsSpan?.start ?? 0;
  }
  if (f.format === 'sql') return { kind: 'sql', sql: text, file, span: file === yamlFile ? (f.rowsSpan ?? f.span) : { start: 0, end: text.length } };
  const source = file === yamlFile ? project.entry(yamlFile)?.text ?? '' : text;
  return csvRows(text, (line, index) => lineSpan(source, line, index, file === yamlFile ? base : 0, file));
}

/** A dict cell as the text dbt casts: strings as written, numbers and booleans as YAML wrote them, nested values as JSON. */
function cellText(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'object') return jsonText(v) ?? null;
  return String(v);
}

/** Where a csv line sits: found in the source from `from` on (a block scalar's lines are the source's, indented). */
function lineSpan(source: string, line: string, searchFrom: number, base: number, file: string): Span & { file: string } {
  const at = line.trim() ? source.indexOf(line.trim(), Math.max(base, searchFrom)) : -1;
  return at < 0 ? { start: base, end: base, file } : { start: at, end: at + line.trim().length, file };
}

/**
 * CSV rows as dbt reads a fixture (Python's csv module: quotes, doubled quotes, commas and line breaks inside quotes);
 * empty and `null` cells are NULL. Hand-written: no CSV library is among the dependencies, and this is all a fixture needs.
 */
function csvRows(text: string, spanOf: (line: string, from: number) => Span & { file: string }): FixtureData {
  const records: Array<{ cells: Array<{ value: string; quoted: boolean }>; raw: string }> = [];
  let cells: Array<{ value: string; quoted: boolean }> = [];
  let cell = '';
  let quoted = false;
  let inQuotes = false;
  let raw = '';
  const endCell = () => { cells.push({ value: quoted ? cell : cell.trim(), quoted }); cell = ''; quoted = false; };
  const endRecord = () => {
    endCell();
    if (!(cells.length === 1 && !cells[0].quoted && cells[0].value === '')) records.push({ cells, raw });
    cells = [];
    raw = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      raw += ch;
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; raw += '"'; i++; }
      else if (ch === '"') inQuotes = false;
      else cell += ch;
      continue;
    }
    if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) { if (ch === '\r') i++; endRecord(); continue; }
    raw += ch;
    if (ch === '"' && cell.trim() === '') { inQuotes = true; quoted = true; cell = ''; }
    else if (ch === ',') endCell();
    else cell += ch;
  }
  if (cell !== '' || cells.length || quoted) endRecord();
  const [header, ...body] = records;
  const columns = header ? header.cells.map((c) => c.value) : [];
  let from = header ? spanOf(header.raw, 0).end : 0;
  const rowSpans = body.map((r) => {
    const span = spanOf(r.raw, from);
    from = span.end;
    return span;
  });
  const rows = body.map((r) => columns.map((_, i) => {
    const c = r.cells[i];
    if (!c) return null;
    return c.value === '' || (!c.quoted && c.value.toLowerCase() === 'null') ? null : c.value;
  }));
  return { kind: 'rows', columns, rows, rowSpans };
}
