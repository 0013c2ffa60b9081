// Schema and source YAML files: sources (mapped to Iceberg tables), model docs/columns/config, seeds.
// Parsed with js-yaml (several times faster than a CST parser, which matters at 10k models); the offsets
// of names are found by matching each `name:` in document order against the parsed values. Large files are
// parsed item by item (yamlChunks.ts) so an edit re-parses only the items it changed.
import { YAMLException } from 'js-yaml';
import { loadYaml } from './yamlFloats';
import { loadStrict, receivedValue, type ParsedYaml } from './yamlStrict';
import { parseDocument } from 'yaml';
import { docToJs, pyYamlBools } from './yamlNodes';
import { splitTopLevel, type YamlChunk } from './yamlChunks';
import type { Column, ProjectDiagnostic } from './types';
import type { Literal } from '../jinja/calls';
import { locateTests, readTestEntries, tagsOf, type GenericTestDecl } from './testYaml';
import { readYamlResources, shiftYamlResource, YAML_RESOURCE_KEYS, type YamlResource } from './yamlResources';
import { quotingOf, type Quoting } from './dbtProjectFile';

export interface SourceTable {
  sourceName: string;
  name: string;
  /** The Iceberg table identifier: `meta.iceberg_table`, else the source's schema + the table's identifier. */
  icebergTable: string;
  /** The relation dbt names (as written in YAML, Jinja unrendered): the source's database and schema, the table's identifier, their quoting. */
  relation: { database?: string; schema: string; identifier: string; quoting: Quoting };
  description?: string;
  /** Columns declared in YAML (fallback when the catalog and the cache know nothing). */
  columns: Column[];
  /** Generic data tests of the table and its columns. */
  tests: GenericTestDecl[];
  /** The source's and the table's tags together (`tags:` or `config: {tags:}` at either level), for selection. */
  tags?: string[];
  /** False when the source or the table says `config: {enabled: false}`. */
  enabled?: boolean;
  /** dbt's source freshness: the table's over the source's (`freshness:` or `config: {freshness:}`); absent when neither sets one. */
  freshness?: FreshnessThreshold;
  /** The column or expression freshness reads the latest load time from (the table's, else the source's). */
  loadedAtField?: string;
  /**
   * The table's meta over its source's, then the config keys dbt does not know (its config.extra, the table's over the
   * source's), as adapters read them (dbt-duckdb's `external_location`, `plugin`, `formatter`); absent when empty.
   */
  adapterConfig?: Record<string, unknown>;
  file: string;
  nameStart: number;
  nameEnd: number;
}

export type FreshnessPeriod = 'minute' | 'hour' | 'day';
export interface FreshnessTime { count: number | null; period: FreshnessPeriod | null }
export interface FreshnessThreshold { warn_after: FreshnessTime | null; error_after: FreshnessTime | null; filter: string | null }

export interface SourceDefinition {
  name: string;
  schema: string;
  description?: string;
  file: string;
  nameStart: number;
  nameEnd: number;
  tables: SourceTable[];
}

export interface ConfigEntry {
  key: string;
  value: Literal;
  keyStart: number;
  keyEnd: number;
}

export interface ModelDoc {
  name: string;
  description?: string;
  columns: Column[];
  config: Record<string, Literal>;
  configEntries: ConfigEntry[];
  /** Generic data tests of the model and its columns. */
  tests: GenericTestDecl[];
  /** Model-level `constraints:` (dbt: `- type: primary_key, columns: [a, b]`), each with the columns it names. */
  constraints?: ModelConstraint[];
  /** Model versions (`versions: [{v: 1}, ...]`), the one a plain ref() means, and the files `defined_in:` names. */
  versions?: ModelVersions;
  /** Top-level `access:` and `group:` (they may also be configs). */
  access?: string;
  group?: string;
  /** A snapshot defined in YAML (dbt 1.9): what it snapshots, as written (`ref('orders')`, `source('shop', 'orders')`). */
  relation?: string;
  /** The top-level key of an entry under `seeds:` or `snapshots:`; absent under `models:`. */
  yamlKey?: 'seeds' | 'snapshots';
  file: string;
  nameStart: number;
  nameEnd: number;
}

export interface ModelConstraint { type: string; columns: string[] }

export interface ModelVersions {
  all: string[];
  latest: string;
  /** Version → the model file (its name, no extension) a version's `defined_in:` names. */
  definedIn?: Record<string, string>;
  /** Version → what its own entry says: its `config:`, and its `columns:` (which of the model's to include, and its own). */
  entries?: Record<string, VersionEntry>;
}

export interface VersionEntry {
  config?: Record<string, Literal>;
  columns?: { include: 'all' | string[]; exclude: string[]; own: Column[] };
  /** Its own `data_tests:` (or `tests:`), which dbt runs for it in place of the model's (its columns' are not among them). */
  tests?: GenericTestDecl[];
  /** The tests of the columns it declares itself. */
  columnTests?: GenericTestDecl[];
}

export interface SchemaFile {
  sources: SourceDefinition[];
  models: ModelDoc[];
  /** Exposures, metrics, semantic models and saved queries. */
  resources: YamlResource[];
  problems: ProjectDiagnostic[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const enabledOf = (o: Record<string, unknown>): unknown => (isObj(o.config) ? o.config.enabled : undefined) ?? o.enabled;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (v === undefined || v === null || typeof v === 'object' ? undefined : String(v));

const LIST_KEYS: ReadonlySet<string> = new Set(['sources', 'models', 'seeds', 'snapshots', ...Object.keys(YAML_RESOURCE_KEYS)]);
/** Below this size a whole-file parse is as fast as reusing items; above it, edits re-parse only changed items. */
const CHUNKED_FROM_BYTES = 32 * 1024;

/** Offsets of `name:` values, consumed in document order. */
class NameCursor {
  private readonly re = /(^|[\s{,])name\s*:[ \t]*(?:"([^"\n]*)"|'([^'\n]*)'|([^\s#,{}[\]][^\n#,{}]*))/g;
  constructor(private readonly text: string) {}

  next(value: string): { start: number; end: number } {
    const from = this.re.lastIndex;
    for (let m = this.re.exec(this.text); m; m = this.re.exec(this.text)) {
      const raw = m[2] ?? m[3] ?? m[4] ?? '';
      const trimmed = raw.trimEnd();
      if (trimmed === value) {
        const quoted = m[2] !== undefined || m[3] !== undefined;
        const start = m.index + m[0].length - raw.length - (quoted ? 1 : 0);
        return { start, end: start + trimmed.length };
      }
    }
    // Not found (unusual YAML): restart after the last match; NOT_FOUND points at the file start.
    this.re.lastIndex = from;
    return { start: NOT_FOUND, end: NOT_FOUND };
  }
}

const NOT_FOUND = -1;

/** The node's columns; their generic tests (located in `text`) are appended to `tests`. */
function columnsOf(node: unknown, names: NameCursor, text: string, tests: GenericTestDecl[]): Column[] {
  return list(isObj(node) ? node.columns : undefined).flatMap((c) => {
    const name = isObj(c) ? str(c.name) : undefined;
    if (!name || !isObj(c)) return [];
    const at = names.next(name);
    const columnTests = readTestEntries(c, name);
    locateTests(text, at.start, columnTests);
    tests.push(...columnTests);
    return [columnOf(c, name)];
  });
}

function columnOf(c: Obj, name: string): Column {
  const type = str(c.data_type) ?? str(c.type);
  const constraints = list(c.constraints).map((k) => (isObj(k) ? str(k.type) : undefined)).filter((k): k is string => !!k);
  // A data_type written in Jinja ({{ 'uint8' if target.type == 'clickhouse' else 'integer' }}) is kept as written: dbt renders it.
  return { name, type: type && /\{[{%]/.test(type) ? type : type?.toUpperCase(), description: str(c.description), ...(constraints.length ? { constraints } : {}) };
}

/**
 * A version's own entry: its config, its columns as dbt reads them (no `include:` item means every model column), and
 * its own tests and its columns' (dbt renames a non-empty `tests:` to `data_tests:`; an empty `tests:` is none of its
 * own). Its tests point at the model's name (`at`).
 */
function versionEntry(v: Obj, at: number): VersionEntry | undefined {
  const entry: VersionEntry = {};
  const located = (tests: GenericTestDecl[]) => tests.map((t) => ({ ...t, start: at, end: at }));
  if (isObj(v.config)) entry.config = v.config as Record<string, Literal>;
  if (Array.isArray(v.data_tests) || (Array.isArray(v.tests) && v.tests.length)) entry.tests = located(readTestEntries(v));
  if (Array.isArray(v.columns)) {
    const columns: NonNullable<VersionEntry['columns']> = { include: 'all', exclude: [], own: [] };
    const columnTests: GenericTestDecl[] = [];
    for (const c of v.columns.filter(isObj)) {
      if ('include' in c) {
        columns.include = c.include === 'all' || c.include === '*' ? 'all' : list(c.include).map(str).filter((x): x is string => !!x);
        columns.exclude = list(c.exclude).map(str).filter((x): x is string => !!x);
      } else if (str(c.name)) {
        columns.own.push(columnOf(c, str(c.name)!));
        columnTests.push(...located(readTestEntries(c, str(c.name)!)));
      }
    }
    entry.columns = columns;
    if (columnTests.length) entry.columnTests = columnTests;
  }
  return Object.keys(entry).length ? entry : undefined;
}

/** The node's own tests, then its columns' (columns are read after, so `name:` offsets stay in order). */
function testsAndColumns(node: Obj, nameStart: number, names: NameCursor, text: string): { tests: GenericTestDecl[]; columns: Column[] } {
  const tests = readTestEntries(node);
  locateTests(text, nameStart, tests);
  const columns = columnsOf(node, names, text, tests);
  return { tests, columns };
}

/** What one top-level list item yields, with offsets into `text` (the file or one chunk of it). */
interface ItemResult {
  /** The chunk's kind and key: the same text under another key means something else. */
  tag: string;
  sources: SourceDefinition[];
  models: ModelDoc[];
  resources: YamlResource[];
}

function readItem(key: string, item: unknown, names: NameCursor, text: string, file: string, out: Pick<ItemResult, 'sources' | 'models' | 'resources'>): void {
  if (!isObj(item)) return;
  const name = str(item.name);
  if (!name) return;
  const r = names.next(name);
  const resourceKind = YAML_RESOURCE_KEYS[key];
  if (resourceKind) {
    out.resources.push(...readYamlResources(resourceKind, item, name, r, text, file));
  } else if (key === 'sources') {
    const schema = str(item.schema) ?? name;
    const def: SourceDefinition = { name, schema, description: str(item.description), file, nameStart: r.start, nameEnd: r.end, tables: [] };
    for (const t of list(item.tables)) {
      if (!isObj(t)) continue;
      const tname = str(t.name);
      if (!tname) continue;
      const tr = names.next(tname);
      const identifier = str(t.identifier) ?? tname;
      const iceberg = isObj(t.meta) ? str(t.meta.iceberg_table) : undefined;
      const tags = [...new Set([...tagsOf(item), ...tagsOf(t)])];
      const enabled = enabledOf(item) !== false && enabledOf(t) !== false;
      const freshness = mergeFreshness(freshnessOf(item), freshnessOf(t));
      const loadedAtField = str(configured(t, 'loaded_at_field')) ?? str(configured(item, 'loaded_at_field'));
      const adapterConfig = { ...metaOf(item), ...metaOf(t), ...configExtra(item), ...configExtra(t) };
      def.tables.push({
        sourceName: name, name: tname, icebergTable: iceberg ?? `${schema}.${identifier}`,
        relation: { database: str(item.database), schema, identifier, quoting: { ...quotingOf(item.quoting), ...quotingOf(t.quoting) } },
        description: str(t.description), ...testsAndColumns(t, tr.start, names, text), file, nameStart: tr.start, nameEnd: tr.end,
        ...(tags.length ? { tags } : {}), ...(enabled ? {} : { enabled }),
        ...(freshness ? { freshness } : {}), ...(loadedAtField ? { loadedAtField } : {}),
        ...(Object.keys(adapterConfig).length ? { adapterConfig } : {}),
      });
    }
    out.sources.push(def);
  } else {
    const config = isObj(item.config) ? (item.config as Record<string, Literal>) : {};
    const configEntries = Object.entries(config).map(([k, v]) => {
      const at = findKey(text, k, Math.max(r.end, 0));
      return { key: k, value: v, keyStart: at, keyEnd: at + k.length };
    });
    const versionItems = Array.isArray(item.versions) ? item.versions.filter(isObj).filter((v) => String(v.v ?? '') !== '') : [];
    const versions = versionItems.map((v) => String(v.v));
    const definedIn = Object.fromEntries(versionItems.flatMap((v) => (str(v.defined_in) ? [[String(v.v), str(v.defined_in)!]] : [])));
    const entries = Object.fromEntries(versionItems.flatMap((v) => { const e = versionEntry(v, r.start); return e ? [[String(v.v), e]] : []; }));
    const constraints = list(item.constraints).flatMap((k): ModelConstraint[] => {
      const type = isObj(k) ? str(k.type) : undefined;
      return type ? [{ type, columns: list((k as Obj).columns).map(str).filter((c): c is string => !!c) }] : [];
    });
    const latest = item.latest_version !== undefined ? String(item.latest_version) : [...versions].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b)).pop();
    out.models.push({
      name, description: str(item.description), ...testsAndColumns(item, r.start, names, text), config, configEntries, file, nameStart: r.start, nameEnd: r.end,
      ...(versions.length && latest ? { versions: { all: versions, latest, ...(Object.keys(definedIn).length ? { definedIn } : {}), ...(Object.keys(entries).length ? { entries } : {}) } } : {}), ...(constraints.length ? { constraints } : {}),
      ...(str(item.access) ? { access: str(item.access) } : {}), ...(str(item.group) ? { group: str(item.group) } : {}),
      ...(key === 'snapshots' && str(item.relation) ? { relation: str(item.relation) } : {}),
      ...(key === 'seeds' || key === 'snapshots' ? { yamlKey: key } : {}),
    });
  }
}

/** dbt's SourceConfig fields: the rest of a source's `config:` is its config.extra. */
const SOURCE_CONFIG_KEYS: ReadonlySet<string> = new Set(['enabled', 'tags', 'meta', 'freshness', 'loaded_at_field', 'loaded_at_query', 'event_time', 'docs']);

/** A source's or table's meta: `meta:`, then `config: {meta:}`. */
function metaOf(o: Obj): Obj {
  return { ...(isObj(o.meta) ? o.meta : {}), ...(isObj(o.config) && isObj(o.config.meta) ? o.config.meta : {}) };
}

/** The keys of a source's or table's `config:` that dbt's SourceConfig does not declare. */
function configExtra(o: Obj): Obj {
  return isObj(o.config) ? Object.fromEntries(Object.entries(o.config).filter(([k]) => !SOURCE_CONFIG_KEYS.has(k))) : {};
}

/** A key set directly or under `config:` (dbt 1.9 moved freshness there); undefined when neither, null when set to null. */
function configured(o: Obj, key: string): unknown {
  if (isObj(o.config) && key in o.config) return o.config[key];
  return o[key];
}

/** A freshness block as dbt reads it: undefined when absent, null when set to null (which turns it off). */
function freshnessOf(o: Obj): FreshnessThreshold | null | undefined {
  const f = configured(o, 'freshness');
  if (f === undefined) return undefined;
  if (!isObj(f)) return null;
  const time = (v: unknown): FreshnessTime | null => {
    if (!isObj(v)) return null;
    const count = typeof v.count === 'number' && Number.isInteger(v.count) ? v.count : null;
    const period = v.period === 'minute' || v.period === 'hour' || v.period === 'day' ? v.period : null;
    return { count, period };
  };
  return { warn_after: time(f.warn_after), error_after: time(f.error_after), filter: str(f.filter) ?? null };
}

/** dbt's merge_freshness: a table's block over its source's, threshold by threshold; a table's null turns freshness off. */
function mergeFreshness(source: FreshnessThreshold | null | undefined, table: FreshnessThreshold | null | undefined): FreshnessThreshold | undefined {
  if (table === null) return undefined;
  if (!table) return source ?? undefined;
  if (!source) return table;
  return { warn_after: table.warn_after ?? source.warn_after, error_after: table.error_after ?? source.error_after, filter: table.filter ?? source.filter };
}

function syntaxProblem(file: string, source: string, e: unknown): ProjectDiagnostic {
  const mark = e instanceof YAMLException ? (e as YAMLException & { mark?: { position: number } }).mark : undefined;
  const at = Math.min(mark?.position ?? 0, source.length);
  const reason = e instanceof YAMLException ? (e as YAMLException & { reason?: string }).reason ?? e.message : String(e);
  return { file, start: Math.max(0, at - 1), end: Math.max(at, 1), severity: 'error', code: 'yaml-syntax', message: `YAML: ${reason}` };
}

/** Parsed items of the last parse of a file, by chunk text, for the next parse of the same file. */
const itemCache = new WeakMap<SchemaFile, Map<string, ItemResult>>();

/**
 * Parses a schema/sources YAML file. With `previous` (the last result for this file), items whose text did not
 * change are reused, so an edit in a large file re-parses only what it touched.
 */
export function parseSchemaFile(file: string, source: string, previous?: SchemaFile, parsed?: ParsedYaml): SchemaFile {
  if (source.length < CHUNKED_FROM_BYTES) return parseWhole(file, source, parsed);
  const cache = previous ? itemCache.get(previous) : undefined;
  const next = new Map<string, ItemResult>();
  const chunked = parseChunked(file, source, cache, next, parsed);
  if (chunked) {
    itemCache.set(chunked, next);
    return chunked;
  }
  // Broken or not split-able: the whole parse decides, and the items parsed so far stay cached for the next edit.
  const whole = parseWhole(file, source, parsed);
  if (cache) for (const [k, v] of cache) if (!next.has(k)) next.set(k, v);
  itemCache.set(whole, next);
  return whole;
}

const LENIENT_WHOLE_MAX = 256 * 1024;

/** Whether a js-yaml error lies inside an open `[` / `{` (a flow collection), judged from the text before it. */
function insideFlow(source: string, e: YAMLException): boolean {
  const at = (e as YAMLException & { mark?: { position: number } }).mark?.position ?? 0;
  let depth = 0;
  for (let i = Math.max(0, at - 4000); i < at; i++) {
    const c = source[i];
    if (c === '[' || c === '{') depth++;
    else if ((c === ']' || c === '}') && depth > 0) depth--;
    else if (c === '\n' && depth === 0 && /\S/.test(source[i + 1] ?? '') && source[i + 1] !== '-' ) depth = 0;
  }
  return depth > 0;
}

/**
 * The text with every continuation line of a multi-line quoted scalar indented past the line the scalar starts on and
 * to the column of its opening quote: js-yaml wants the scalar's node indentation, which is never right of that quote
 * (a scalar in a flow list under `- key:` needs more than the line's indentation). A scalar opens with a quote after
 * `key: `, `- `, `[`, `{` or `,`; comments and plain text are passed over.
 */
function indentQuotedContinuations(source: string): string {
  const lines = source.split('\n');
  let quote = '';
  let pad = '';
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n];
    if (quote) {
      const have = /^[ \t]*/.exec(line)![0].length;
      if (have < pad.length && line.trim()) lines[n] = line = pad + line.slice(have);
    } else {
      pad = ' '.repeat(/^ */.exec(line)![0].length + 2);
    }
    for (let i = quote ? 0 : /^ */.exec(line)![0].length; i < line.length; i++) {
      const c = line[i];
      if (quote) {
        if (quote === '"' && c === '\\') i++;
        else if (c === quote && quote === "'" && line[i + 1] === "'") i++;
        else if (c === quote) quote = '';
      } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
        break;
      } else if ((c === '"' || c === "'") && /(^|[:\-[{,])\s*$/.test(line.slice(0, i)) && /(^|[\s[{,])$/.test(line.slice(0, i))) {
        quote = c;
        pad = ' '.repeat(Math.max(/^ */.exec(line)![0].length + 2, i));
      }
    }
  }
  return lines.join('\n');
}

/**
 * Loads YAML as dbt (PyYAML) does: a duplicate key keeps the last value (with a warning), and indentation PyYAML
 * accepts inside flow lists is read by the `yaml` library when js-yaml refuses it. Throws only what neither reads.
 * `parsed`: the strict parse, made already (it succeeded, so no fallback applies).
 */
function loadAsDbt(file: string, source: string, problems: ProjectDiagnostic[], parsed?: ParsedYaml): unknown {
  if (parsed) return receivedValue(parsed);
  try {
    return loadStrict(file, source);
  } catch (strict) {
    // A file of only comments (a model's YAML commented out) is no document: PyYAML reads it as nothing.
    if (strict instanceof YAMLException && /input is empty/.test(strict.message)) return null;
    if (strict instanceof YAMLException && /duplicated mapping key/.test(strict.message)) {
      problems.push({ ...syntaxProblem(file, source, strict), severity: 'warning', code: 'yaml-duplicate-key', message: `YAML: duplicate key; dbt keeps the last value` });
      return loadYaml(source, { filename: file, json: true });
    }
    // PyYAML does not check the indentation of a quoted scalar's continuation lines (js-yaml does); their leading
    // spaces are folded away, so indenting them changes no value.
    if (strict instanceof YAMLException && /deficient indentation/.test(strict.message)) {
      const indented = indentQuotedContinuations(source);
      if (indented !== source) {
        try { return loadYaml(indented, { filename: file }); } catch { /* not that case: the first error stands */ }
      }
    }
    // Only the indentation PyYAML allows inside flow collections is worth the slower parser's second look.
    // The second parser is slow (~1 s on 800 KB): large files get it per item (parseChunked), never whole.
    if (!(strict instanceof YAMLException && /deficient indentation/.test(strict.message) && source.length <= LENIENT_WHOLE_MAX && insideFlow(source, strict))) throw strict;
    const lenient = parseDocument(source, { uniqueKeys: false, prettyErrors: false });
    if (lenient.errors.length) throw strict;
    return docToJs(pyYamlBools(lenient));
  }
}

export function parseWhole(file: string, source: string, parsed?: ParsedYaml): SchemaFile {
  const out: SchemaFile = { sources: [], models: [], resources: [], problems: [] };
  let root: unknown;
  try {
    root = loadAsDbt(file, source, out.problems, parsed);
  } catch (e) {
    out.problems.push(syntaxProblem(file, source, e));
    return out;
  }
  if (!isObj(root)) return out;
  const names = new NameCursor(source);
  // Walk keys in document order so `name:` offsets line up with the values.
  for (const [key, value] of Object.entries(root)) {
    if (LIST_KEYS.has(key)) for (const item of list(value)) readItem(key, item, names, source, file, out);
  }
  for (const d of [...out.sources, ...out.sources.flatMap((s) => s.tables), ...out.models]) {
    if (d.nameStart === NOT_FOUND) d.nameStart = d.nameEnd = 0;
  }
  for (const t of [...out.sources.flatMap((s) => s.tables), ...out.models].flatMap((d) => d.tests)) {
    if (t.start === NOT_FOUND) t.start = t.end = 0;
  }
  if (out.resources.length) out.resources = out.resources.map((r) => shiftYamlResource(r, 0));
  return out;
}

/** Item by item, reusing `cache`; undefined when the file is not split-able or any chunk fails (whole parse decides). */
function parseChunked(file: string, source: string, cache: Map<string, ItemResult> | undefined, next: Map<string, ItemResult>, parsed?: ParsedYaml): SchemaFile | undefined {
  const chunks = splitTopLevel(source, LIST_KEYS);
  if (!chunks) return undefined;
  const out: SchemaFile = { sources: [], models: [], resources: [], problems: [] };
  const whole = cache ? undefined : chunkValuesOfWhole(file, source, chunks, parsed);
  for (const [i, chunk] of chunks.entries()) {
    const text = source.slice(chunk.start, chunk.end);
    const tag = `${chunk.kind}:${chunk.key}`;
    let result = next.get(text) ?? cache?.get(text);
    if (result?.tag !== tag) {
      let value: unknown;
      const warnings: ProjectDiagnostic[] = [];
      try {
        value = whole ? whole[i] : loadAsDbt(file, text, warnings);
      } catch {
        return undefined;
      }
      // A warning (a duplicate key) is placed by the whole-file parse.
      if (warnings.length) return undefined;
      result = { tag, sources: [], models: [], resources: [] };
      if (chunk.kind === 'item') {
        if (!Array.isArray(value) || value.length !== 1) return undefined;
        readItem(chunk.key, value[0], new NameCursor(text), text, file, result);
      } else if (!isObj(value) || !(chunk.key in value)) {
        return undefined;
      }
    }
    next.set(text, result);
    for (const s of result.sources) out.sources.push(shiftSource(s, chunk.start));
    for (const m of result.models) out.models.push(shiftModel(m, chunk.start));
    for (const r of result.resources) out.resources.push(shiftYamlResource(r, chunk.start));
  }
  return out;
}

/**
 * A first parse (nothing cached): every chunk's value as its own parse would give it ([item] for an item, the key's
 * mapping for a value), from one strict parse of the whole file; undefined when that parse fails or does not line up
 * (then each chunk is parsed alone). js-yaml's setup per call was most of the time of a 1,000-item file's chunks.
 */
function chunkValuesOfWhole(file: string, source: string, chunks: YamlChunk[], parsed?: ParsedYaml): unknown[] | undefined {
  let root: unknown;
  try {
    root = parsed ? receivedValue(parsed) : loadStrict(file, source);
  } catch {
    return undefined;
  }
  if (!isObj(root)) return undefined;
  const taken = new Map<string, number>();
  const values: unknown[] = [];
  for (const chunk of chunks) {
    const value = root[chunk.key];
    if (chunk.kind === 'value') {
      values.push({ [chunk.key]: value });
      continue;
    }
    const at = taken.get(chunk.key) ?? 0;
    if (!Array.isArray(value) || at >= value.length) return undefined;
    taken.set(chunk.key, at + 1);
    values.push([value[at]]);
  }
  for (const [key, n] of taken) if ((root[key] as unknown[]).length !== n) return undefined;
  return values;
}

const shift = (offset: number, by: number) => (offset === NOT_FOUND ? 0 : offset + by);

function shiftSource(s: SourceDefinition, by: number): SourceDefinition {
  return {
    ...s, nameStart: shift(s.nameStart, by), nameEnd: shift(s.nameEnd, by),
    tables: s.tables.map((t) => ({ ...t, nameStart: shift(t.nameStart, by), nameEnd: shift(t.nameEnd, by), tests: shiftTests(t.tests, by) })),
  };
}

function shiftModel(m: ModelDoc, by: number): ModelDoc {
  return {
    ...m, nameStart: shift(m.nameStart, by), nameEnd: shift(m.nameEnd, by),
    configEntries: m.configEntries.map((c) => ({ ...c, keyStart: c.keyStart + by, keyEnd: c.keyEnd + by })),
    tests: shiftTests(m.tests, by),
    ...(m.versions?.entries ? { versions: { ...m.versions, entries: Object.fromEntries(Object.entries(m.versions.entries).map(([v, e]) => [v, shiftVersionEntry(e, by)])) } } : {}),
  };
}

function shiftVersionEntry(e: VersionEntry, by: number): VersionEntry {
  return { ...e, ...(e.tests ? { tests: shiftTests(e.tests, by) } : {}), ...(e.columnTests ? { columnTests: shiftTests(e.columnTests, by) } : {}) };
}

const shiftTests = (tests: GenericTestDecl[], by: number): GenericTestDecl[] =>
  tests.length === 0 ? tests : tests.map((t) => ({ ...t, start: shift(t.start, by), end: shift(t.end, by) }));

function findKey(text: string, key: string, from: number): number {
  const re = new RegExp(`(^|[\\s{,])${key.replace(/[^\w-]/g, '')}\\s*:`, 'g');
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? m.index + m[1].length : from;
}
