// dbt generic test entries in schema YAML (`tests:` / `data_tests:` of models, columns and source tables):
// name, arguments (direct or under `arguments:`), severity and where, and where each entry sits in the file.
import { integralFloatPaths } from './yamlFloats';

/** One generic test as declared in YAML. Offsets point at the test's name in the YAML text. */
export interface GenericTestDecl {
  /** The generic test's name: `not_null`, `accepted_values`, `dbt_utils.expression_is_true`, ... */
  name: string;
  column?: string;
  /** A model-level test's `column_name:`: SQL over the model's columns (e.g. `order_id || '-' || line`), as dbt takes it. */
  columnExpression?: string;
  /** The test's arguments (`values`, `quote`, `to`, `field`, ...), without config keys. */
  args: Record<string, unknown>;
  /** A `name:` given to the test, which dbt uses in place of the name it makes up (project/testNames.ts). */
  customName?: string;
  /** Paths in args (`tolerance`, `values.1`) written as integral floats (`1.0`), which dbt's names print as `1.0`. */
  floatArgs?: string[];
  /** As declared; otherwise dbt_project.yml's `data_tests:` config decides, else 'error'. */
  severity?: 'error' | 'warn';
  /** The severity as written (`warn`, `WARN`, `error`), which dbt's manifest keeps as it is. */
  severityText?: string;
  /** A severity written in Jinja (`"{{ 'error' if target.name == 'prod' else 'warn' }}"`), rendered with the project. */
  severityJinja?: string;
  where?: string;
  /** `enabled: false` (in config or directly) turns the test off. */
  enabled?: boolean;
  /** The test's own tags and, for a column's tests, the column's (dbt applies column tags to its tests). */
  tags?: string[];
  start: number;
  end: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys of a test entry that configure the test rather than pass it an argument. */
const CONFIG_KEYS: ReadonlySet<string> = new Set([
  'config', 'arguments', 'name', 'test_name', 'description', 'tags', 'meta', 'severity', 'where', 'enabled',
  'error_if', 'warn_if', 'store_failures', 'store_failures_as', 'limit', 'fail_calc', 'column_name', 'database', 'schema', 'alias',
]);

/** The entries of a node's `data_tests:` (newer) and `tests:` lists, parsed (locations filled in later). */
export function readTestEntries(node: unknown, column?: string): GenericTestDecl[] {
  if (!isObj(node)) return [];
  const out: GenericTestDecl[] = [];
  const columnTags = column === undefined ? [] : tagsOf(node);
  for (const key of ['data_tests', 'tests']) {
    const entries = node[key];
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      const t = readTestEntry(entry, column);
      if (!t) continue;
      const tags = [...new Set([...columnTags, ...(t.tags ?? [])])];
      out.push(tags.length ? { ...t, tags } : t);
    }
  }
  return out;
}

/** `tags:` directly or under `config:`, a string or a list (tests, columns, sources, source tables). */
export function tagsOf(o: Obj): string[] {
  const list = (v: unknown): string[] => typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  return [...list(o.tags), ...(isObj(o.config) ? list(o.config.tags) : [])];
}

/**
 * The test a YAML key names, read as dbt does: `[namespace.]name` matched at the start of the key, the rest ignored
 * (`'dbt_expectations.expect_x:'`, with a stray colon inside the quotes, runs expect_x). Unmatched keys stay as written.
 */
function testName(key: string): string {
  return /^(?:[A-Za-z_]\w*\.)?[A-Za-z_]\w*/.exec(key)?.[0] ?? key;
}

function readTestEntry(entry: unknown, column: string | undefined): GenericTestDecl | undefined {
  if (typeof entry === 'string') return { name: testName(entry), column, args: {}, start: -1, end: -1 };
  if (!isObj(entry)) return undefined;
  let name: string | undefined;
  let body: Obj;
  if (typeof entry.test_name === 'string') {
    // `- name: my_label / test_name: accepted_values / values: [...]`
    name = testName(entry.test_name);
    body = entry;
  } else {
    const keys = Object.keys(entry);
    if (keys.length !== 1) return undefined;
    body = isObj(entry[keys[0]]) ? (entry[keys[0]] as Obj) : {};
    name = testName(keys[0]);
  }
  const config = isObj(body.config) ? body.config : {};
  const args: Obj = {};
  const floats = new Map<string, string[]>();
  for (const [k, v] of Object.entries(body)) {
    if (CONFIG_KEYS.has(k)) continue;
    args[k] = v;
    floats.set(k, integralFloatPaths(body, k));
  }
  if (isObj(body.arguments)) {
    Object.assign(args, body.arguments);
    for (const k of Object.keys(body.arguments)) floats.set(k, integralFloatPaths(body.arguments, k));
  }
  const floatArgs = [...floats.values()].flat();
  const declared = config.severity ?? body.severity;
  const severityJinja = typeof declared === 'string' && /\{[{%]/.test(declared) ? declared : undefined;
  const severity = declared === undefined || severityJinja ? undefined : String(declared).toLowerCase() === 'warn' ? 'warn' : 'error';
  const where = config.where ?? body.where;
  const enabled = config.enabled ?? body.enabled;
  const expression = column === undefined && typeof body.column_name === 'string' && body.column_name.trim() ? body.column_name : undefined;
  const tags = tagsOf(body);
  const customName = body.name === undefined || body.name === null ? undefined : String(body.name);
  return {
    name, column, ...(expression ? { columnExpression: expression } : {}), args, ...(customName !== undefined ? { customName } : {}), ...(floatArgs.length ? { floatArgs } : {}),
    severity, ...(severity ? { severityText: String(declared) } : {}), ...(severityJinja ? { severityJinja } : {}), where: typeof where === 'string' ? where : undefined,
    ...(typeof enabled === 'boolean' ? { enabled } : {}), ...(tags.length ? { tags } : {}), start: -1, end: -1,
  };
}

/**
 * Sets each test's offsets: the tests list of the mapping whose `name:` value starts at `nameStart`, searched
 * within that mapping's block (lines indented at least as far as its keys). Unfound tests point at the name.
 */
export function locateTests(text: string, nameStart: number, tests: GenericTestDecl[]): void {
  if (tests.length === 0) return;
  // Unfound: at the mapping's name (-1, the caller's "not found", when that is unknown too).
  const fallback = (t: GenericTestDecl) => { t.start = nameStart; t.end = nameStart; };
  if (nameStart < 0) { tests.forEach(fallback); return; }
  const lineStart = text.lastIndexOf('\n', nameStart - 1) + 1;
  const keyAt = text.slice(lineStart, nameStart).search(/["']?name["']?\s*:/);
  const indent = keyAt < 0 ? 0 : keyAt;
  const blockEnd = endOfBlock(text, lineStart, indent);
  // The mapping's own key (at its indentation) first, so a model's list is not confused with its columns'.
  // Searched within the block only, so a large file costs no more than its blocks.
  const block = text.slice(lineStart, blockEnd);
  let from = -1;
  for (const keyRe of [new RegExp(`^[ \\t]{${indent}}(?:data_)?tests\\s*:`, 'm'), /(?:^|[\s{,])(?:data_)?tests\s*:/]) {
    const key = keyRe.exec(block);
    if (key) { from = key.index + key[0].length; break; }
  }
  for (const t of tests) {
    if (from < 0) { fallback(t); continue; }
    const re = new RegExp(`(?<![\\w.])${t.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w.])`, 'g');
    re.lastIndex = from;
    const m = re.exec(block);
    if (!m) { fallback(t); continue; }
    t.start = lineStart + m.index;
    t.end = t.start + t.name.length;
    from = m.index + t.name.length;
  }
}

/** The end of the block of a mapping whose keys sit at `indent`: the first later line indented less. */
function endOfBlock(text: string, lineStart: number, indent: number): number {
  let at = text.indexOf('\n', lineStart);
  while (at !== -1) {
    const next = at + 1;
    const line = /^[ \t]*/.exec(text.slice(next, next + 200))![0].length;
    const rest = text[next + line];
    if (rest !== undefined && rest !== '\n' && rest !== '\r' && rest !== '#' && line < indent) return next;
    at = text.indexOf('\n', next);
  }
  return text.length;
}
