// dbt unit tests (`unit_tests:` in schema YAML, dbt 1.8+) as declared, with the offsets of every part a diagnostic or a
// test result points at. Parsed with the `yaml` package's document API: js-yaml (schemaYaml.ts) gives no positions, and
// unit tests need them down to a fixture row's cell. Only files that contain `unit_tests:` are parsed here.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { floatRepr } from '../jinja/pyFloat';
import { pyYamlBools, toJs } from './yamlNodes';

export interface Span { start: number; end: number }

/** One cell of a dict-format row, as written: its value's span, and its key's. */
export interface CellDecl extends Span { column: string; value: unknown; key: Span }

/** A `given:` input or the `expect:` block. */
export interface FixtureDecl {
  format: 'dict' | 'csv' | 'sql';
  /** dict: a list of mappings; csv and sql: text. Undefined when a fixture file is named instead. */
  rows?: unknown;
  /** `fixture:` — a file name (no extension) under a test path's `fixtures/` folder. */
  fixture?: string;
  /** Where each dict row starts and ends, with its cells; csv rows are located from `rowsSpan`. */
  rowSpans: Array<Span & { cells: CellDecl[] }>;
  rowsSpan?: Span;
  fixtureSpan?: Span;
  formatSpan?: Span;
  /** The whole entry (the `- input:` item, or `expect:`'s value). */
  span: Span;
}

export interface InputDecl extends FixtureDecl {
  /** As written: `ref('stg_orders')`, `source('shop', 'orders')`, `this`. */
  input: string;
  inputSpan: Span;
}

export interface UnitTestDecl {
  name: string;
  nameSpan: Span;
  model?: string;
  modelSpan?: Span;
  description?: string;
  given: InputDecl[];
  givenSpan?: Span;
  expect?: FixtureDecl;
  expectSpan?: Span;
  overrides: { vars: Record<string, unknown>; macros: Record<string, unknown>; envVars: Record<string, string> };
  tags: string[];
  enabled?: boolean;
  /** `versions: {include: [...], exclude: [...]}` of a versioned model. */
  versions?: { include?: string[]; exclude?: string[] };
  /** Problems in the declaration itself (a bad format, rows of the wrong shape), at their spans. */
  problems: Array<Span & { message: string }>;
  span: Span;
}

const FORMATS = new Set(['dict', 'csv', 'sql']);

/** The unit tests of one YAML file's text; none when it has no `unit_tests:` key. Never throws. */
export function parseUnitTests(text: string): UnitTestDecl[] {
  if (!/^unit_tests\s*:/m.test(text)) return [];
  let doc;
  try {
    // dbt reads YAML as PyYAML does (1.1): yes/no are booleans, y/n strings.
    doc = pyYamlBools(parseDocument(text, { version: '1.1', uniqueKeys: false, prettyErrors: false }));
  } catch {
    return [];
  }
  const root = doc.contents;
  if (!isMap(root)) return [];
  const list = root.get('unit_tests', true);
  if (!isSeq(list)) return [];
  return list.items.flatMap((item) => (isMap(item) ? [readTest(item as YAMLMap, text)] : []));
}

function spanOf(node: Node | null | undefined): Span {
  const r = node?.range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

function pairOf(map: YAMLMap, key: string): Pair<unknown, unknown> | undefined {
  return map.items.find((p) => isScalar(p.key) && String(p.key.value) === key) as Pair<unknown, unknown> | undefined;
}

function valueNode(map: YAMLMap, key: string): Node | undefined {
  const v = pairOf(map, key)?.value;
  return v && typeof v === 'object' ? (v as Node) : undefined;
}

const plain = (node: Node | undefined): unknown => (node && 'toJSON' in node ? (node as { toJSON(): unknown }).toJSON() : undefined);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.map(String) : []);

function readTest(map: YAMLMap, text: string): UnitTestDecl {
  const problems: UnitTestDecl['problems'] = [];
  const nameNode = valueNode(map, 'name');
  const modelNode = valueNode(map, 'model');
  const givenNode = valueNode(map, 'given');
  const expectNode = valueNode(map, 'expect');
  const config = plain(valueNode(map, 'config'));
  // toJs marks values written as integral floats (`vars: {rate: 1.0}`), which var() gives Jinja as floats.
  const overrides = toJs(valueNode(map, 'overrides'));
  const versions = plain(valueNode(map, 'versions'));
  const given: InputDecl[] = [];
  if (isSeq(givenNode)) {
    for (const item of givenNode.items) {
      if (!isMap(item)) continue;
      const inputNode = valueNode(item as YAMLMap, 'input');
      const fixture = readFixture(item as YAMLMap, problems, text);
      given.push({ ...fixture, input: String(plain(inputNode) ?? ''), inputSpan: spanOf(inputNode ?? (item as Node)) });
    }
  }
  const o = isRecord(overrides) ? overrides : {};
  const env = isRecord(o.env_vars) ? o.env_vars : {};
  const enabled = isRecord(config) ? config.enabled : undefined;
  return {
    name: String(plain(nameNode) ?? ''),
    nameSpan: spanOf(nameNode ?? map),
    ...(modelNode ? { model: String(plain(modelNode)), modelSpan: spanOf(modelNode) } : {}),
    ...(typeof plain(valueNode(map, 'description')) === 'string' ? { description: plain(valueNode(map, 'description')) as string } : {}),
    given,
    ...(givenNode ? { givenSpan: spanOf(pairOf(map, 'given')?.key as Node) } : {}),
    ...(isMap(expectNode) ? { expect: readFixture(expectNode as YAMLMap, problems, text), expectSpan: spanOf(pairOf(map, 'expect')?.key as Node) } : {}),
    overrides: {
      vars: isRecord(o.vars) ? o.vars : {},
      macros: isRecord(o.macros) ? o.macros : {},
      envVars: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])),
    },
    tags: isRecord(config) ? strings(config.tags) : [],
    ...(typeof enabled === 'boolean' ? { enabled } : {}),
    ...(isRecord(versions) ? { versions: { ...(versions.include !== undefined ? { include: strings(versions.include) } : {}), ...(versions.exclude !== undefined ? { exclude: strings(versions.exclude) } : {}) } } : {}),
    problems,
    span: spanOf(map),
  };
}

function readFixture(map: YAMLMap, problems: UnitTestDecl['problems'], text: string): FixtureDecl {
  const formatNode = valueNode(map, 'format');
  const rowsNode = valueNode(map, 'rows');
  const fixtureNode = valueNode(map, 'fixture');
  const written = plain(formatNode);
  let format: FixtureDecl['format'] = 'dict';
  if (written !== undefined && written !== null) {
    if (FORMATS.has(String(written))) format = String(written) as FixtureDecl['format'];
    else problems.push({ ...spanOf(formatNode), message: `format '${String(written)}' is not one dbt knows: use dict, csv or sql` });
  }
  const rowSpans: FixtureDecl['rowSpans'] = [];
  if (isSeq(rowsNode)) {
    for (const row of rowsNode.items) {
      const cells: CellDecl[] = [];
      if (isMap(row)) {
        for (const p of (row as YAMLMap).items) {
          if (!isPair(p) || !isScalar(p.key)) continue;
          const v = p.value as Node | null;
          const at = v ? spanOf(v) : spanOf(p.key as Node);
          // A float as dbt prints PyYAML's float, Python's str (`4.00` is 4.0, `1.0` stays 1.0: a VARCHAR column
          // reads '4.0'). An int as written (`007`). A date as written too (`2024-03-10`): PyYAML's date prints so,
          // where a JS Date would print a UTC timestamp.
          const float = isScalar(v) && typeof v.value === 'number' && v.source?.includes('.');
          const asWritten = isScalar(v) && (typeof v.value === 'number' || v.value instanceof Date);
          const value = float ? floatRepr(v.value as number) : asWritten ? text.slice(at.start, at.end) : v ? toJs(v) ?? null : null;
          cells.push({ column: String(p.key.value), value, ...at, key: spanOf(p.key as Node) });
        }
      }
      rowSpans.push({ ...spanOf(row as Node), cells });
    }
  }
  const rows = plain(rowsNode);
  if (rowsNode && format === 'dict' && rows !== null && !Array.isArray(rows)) problems.push({ ...spanOf(rowsNode), message: 'rows of format dict must be a list of mappings, e.g. - {id: 1, name: gerda} (or set format: csv or sql for text)' });
  if (rowsNode && format !== 'dict' && typeof rows !== 'string') problems.push({ ...spanOf(rowsNode), message: `rows of format ${format} must be text (a block: rows: |)` });
  return {
    format,
    ...(rowsNode ? { rows, rowsSpan: spanOf(rowsNode) } : {}),
    ...(fixtureNode ? { fixture: String(plain(fixtureNode)), fixtureSpan: spanOf(fixtureNode) } : {}),
    ...(formatNode ? { formatSpan: spanOf(formatNode) } : {}),
    rowSpans,
    span: spanOf(map),
  };
}
