// One model-like file (model, snapshot, test, analysis) read statically: its blocks, refs, sources,
// config(), macro calls and vars, with offsets. Pure and per text, so an edit re-reads only that file.
import { scanTemplate, type ScannedTemplate, type JinjaProblem } from '../jinja/scanner';
import { findCalls, templateBindings, type JinjaCall, type Literal } from '../jinja/calls';
import { setIntegralFloatMark } from './yamlFloats';

export interface RefUse {
  name: string;
  packageName?: string;
  version?: string;
  /** Offsets of the model-name string literal (quotes included). */
  start: number;
  end: number;
  callStart: number;
  callEnd: number;
  /** Inside an if/for/macro body: dbt resolves it only when rendering takes that branch. */
  conditional?: boolean;
}

export interface SourceUse {
  source: string;
  table: string;
  sourceStart: number;
  sourceEnd: number;
  tableStart: number;
  tableEnd: number;
  callStart: number;
  callEnd: number;
  conditional?: boolean;
}

export interface MacroUse {
  name: string;
  namespace?: string;
  start: number;
  end: number;
}

export interface VarUse {
  name: string;
  hasDefault: boolean;
  /** Inside an if/for/macro body: dbt evaluates it only when that branch runs. */
  conditional: boolean;
  start: number;
  end: number;
}

export interface ConfigArgument {
  key: string;
  value?: Literal;
  isLiteral: boolean;
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
}

export interface ConfigUse {
  args: ConfigArgument[];
  callStart: number;
  callEnd: number;
  /** The {{ }} block around the call. */
  blockStart: number;
  blockEnd: number;
  /** Inside an if/for/macro body: dbt calls it only when rendering takes that branch. */
  conditional?: boolean;
  /** The keys of a literal dict argument (`config({'materialized': 'table'})`), when there is one. */
  dictKeys?: string[];
}

export interface ModelFileAnalysis {
  text: string;
  /** `python` for `.py` models (indexed, never rendered or run). */
  language?: 'sql' | 'python';
  /** The Jinja blocks; scanned again on demand (not kept: 10k-model indexes stay small and cheap to collect). */
  readonly scan: ScannedTemplate;
  /** Every call in the file; computed again on demand (not kept, to keep 10k-model indexes small). */
  readonly calls: JinjaCall[];
  /** Names the file binds itself (set/for/macro/import). */
  localNames: ReadonlySet<string>;
  refs: RefUse[];
  sources: SourceUse[];
  macroCalls: MacroUse[];
  vars: VarUse[];
  configs: ConfigUse[];
  /** The literal config from every config() call, merged in order. */
  config: Record<string, Literal>;
  /** For snapshot files: {% snapshot name %}. */
  snapshotNames: Array<{ name: string; start: number; end: number }>;
  problems: JinjaProblem[];
}

/** Names dbt (and Jinja) provide; calls to them are never unknown macros. */
export const BUILTIN_CALLABLES = new Set([
  'ref', 'source', 'config', 'var', 'env_var', 'is_incremental', 'return', 'log', 'print', 'run_query', 'statement', 'load_result',
  'caller', 'range', 'dict', 'list', 'zip', 'tojson', 'fromjson', 'toyaml', 'fromyaml', 'cycler', 'joiner', 'lipsum', 'namespace',
  'super', 'loop', 'varargs', 'kwargs', 'set', 'local_md5', 'set_strict', 'exceptions', 'adapter', 'modules', 'api', 'graph',
  'model', 'this', 'target', 'builtins', 'doc', 'selected_resources', 'write', 'render', 'try_or_compiler_error', 'diff_of_two_dicts',
  'zip_strict', 'debug', 'context', 'store_result', 'store_raw_result', 'invocation_args_dict', 'dbt_version', 'project_name',
  'print', 'flags', 'sql', 'config_get', 'metric', 'source_column', 'submit_python_job', 'string', 'bool', 'int', 'float', 'str',
  'load_relation', 'should_full_refresh', 'set', 'set_strict', 'dbt_version', 'run_started_at', 'invocation_id',
]);

function literalString(v: Literal | undefined): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

const BRANCHING = new Set(['if', 'for', 'macro', 'call', 'filter', 'test']);
const NO_BLOCKS: ReadonlySet<JinjaCall['block']> = new Set();

/** Blocks that sit inside the body of an if/for/macro/call/filter, so they may never be evaluated. */
function conditionalBlocks(scan: ScannedTemplate): ReadonlySet<JinjaCall['block']> {
  // most models branch nowhere: one shared empty set, not one per file
  if (!scan.blocks.some((b) => b.kind === 'statement' && b.tag !== undefined && BRANCHING.has(b.tag))) return NO_BLOCKS;
  const out = new Set<JinjaCall['block']>();
  let depth = 0;
  for (const b of scan.blocks) {
    const tag = b.kind === 'statement' ? b.tag : undefined;
    if (tag && tag.startsWith('end') && BRANCHING.has(tag.slice(3))) depth = Math.max(0, depth - 1);
    if (depth > 0) out.add(b);
    if (tag && BRANCHING.has(tag)) depth++;
  }
  return out;
}

/**
 * The analysis kept on every index entry. Only what the index reads on every file is held; the blocks and calls are
 * computed again when a feature asks (one file at a time). Each scan retained on 10k models was ~130k objects that
 * every young-generation collection of the cold index copied (issue #18).
 */
class Analysis implements ModelFileAnalysis {
  language?: 'sql' | 'python';
  refs: RefUse[] = [];
  sources: SourceUse[] = [];
  macroCalls: MacroUse[] = [];
  vars: VarUse[] = [];
  configs: ConfigUse[] = [];
  config: Record<string, Literal> = {};
  snapshotNames: Array<{ name: string; start: number; end: number }> = [];

  /** `scanned`: the text the blocks come from (a Python model replaces `text` and has no Jinja: see pythonModel.ts). */
  constructor(public text: string, public localNames: ReadonlySet<string>, public problems: JinjaProblem[], private readonly scanned = text) {}

  /**
   * Kept lists at their length: a push into an empty array reserves 17 slots, so one config() or var() call cost
   * ~150 bytes per list, ~6 MB over 10k models.
   */
  trim(): void {
    const exact = <T>(xs: T[]) => (xs.length ? xs.slice() : xs);
    this.refs = exact(this.refs);
    this.sources = exact(this.sources);
    this.macroCalls = exact(this.macroCalls);
    this.vars = exact(this.vars);
    this.configs = exact(this.configs);
    this.snapshotNames = exact(this.snapshotNames);
  }

  get scan(): ScannedTemplate {
    return scanTemplate(this.scanned);
  }

  get calls(): JinjaCall[] {
    return findCalls(this.scanned, scanTemplate(this.scanned));
  }
}

const DBT_CALLS = new Set(['ref', 'source', 'var']);
const NO_ARGS: JinjaCall['args'] = [];

/** The local names of the many files that bind none: one shared set, not one per file. */
const NO_NAMES: ReadonlySet<string> = new Set();

export function analyzeModelFile(text: string): ModelFileAnalysis {
  const scan = scanTemplate(text);
  const calls = findCalls(text, scan);
  const bindings = templateBindings(text, scan);
  const conditional = conditionalBlocks(scan);
  const a = new Analysis(text, bindings.names.size ? bindings.names : NO_NAMES, scan.problems);
  for (const call of calls) {
    if (call.namespace) {
      a.macroCalls.push({ name: call.name.slice(call.namespace.length + 1), namespace: call.namespace, start: call.nameStart, end: call.nameEnd });
      continue;
    }
    // only dbt's own calls read their positional arguments (the others are most calls of most files)
    const positional = DBT_CALLS.has(call.name) ? call.args.filter((x) => !x.keyword) : NO_ARGS;
    switch (call.name) {
      case 'ref': {
        const version = call.args.find((x) => x.keyword === 'version' || x.keyword === 'v');
        const nameArg = positional[positional.length - 1];
        const name = literalString(nameArg?.value);
        if (!nameArg || name === undefined) break;
        const pkg = positional.length >= 2 ? literalString(positional[0].value) : undefined;
        a.refs.push({ name, packageName: pkg, version: literalString(version?.value), start: nameArg.valueStart, end: nameArg.valueEnd, callStart: call.nameStart, callEnd: call.end, conditional: conditional.has(call.block) || undefined });
        break;
      }
      case 'source': {
        const [s, t] = positional;
        const source = literalString(s?.value);
        const table = literalString(t?.value);
        if (!s || !t || source === undefined || table === undefined) break;
        a.sources.push({ source, table, sourceStart: s.valueStart, sourceEnd: s.valueEnd, tableStart: t.valueStart, tableEnd: t.valueEnd, callStart: call.nameStart, callEnd: call.end, conditional: conditional.has(call.block) || undefined });
        break;
      }
      case 'config': {
        const args = call.args.filter((x) => x.keyword).map((x) => ({ key: x.keyword!, value: x.value, isLiteral: x.isLiteral, keyStart: x.keywordStart!, keyEnd: x.keywordStart! + x.keyword!.length, valueStart: x.valueStart, valueEnd: x.valueEnd }));
        const inBranch = conditional.has(call.block);
        // config({...}) takes its keys from one dict argument too (snapshots often write it so).
        const dict = call.args.find((x) => !x.keyword && x.isLiteral && x.value && typeof x.value === 'object' && !Array.isArray(x.value));
        const dictKeys = dict ? Object.keys(dict.value as Record<string, Literal>) : undefined;
        a.configs.push({ args, callStart: call.nameStart, callEnd: call.end, blockStart: call.block.start, blockEnd: call.block.end, conditional: inBranch || undefined, ...(dictKeys && { dictKeys }) });
        // `enabled` set in a branch is the branch rendering takes (enabled.ts renders the file), not the last one written.
        if (dict) {
          for (const [k, v] of Object.entries(dict.value as Record<string, Literal>)) {
            if (inBranch && k === 'enabled') continue;
            a.config[k] = v;
            setIntegralFloatMark(a.config, k, false);
          }
        }
        for (const arg of args) {
          if (!arg.isLiteral || (inBranch && arg.key === 'enabled')) continue;
          a.config[arg.key] = arg.value!;
          // `x=1.0` is Python's float, printed 1.0 (in the manifest, `floe ls`, Jinja)
          setIntegralFloatMark(a.config, arg.key, Number.isInteger(arg.value) && /^[-+]?[\d_]*\.?[\d_]*[.eE]/.test(a.text.slice(arg.valueStart, arg.valueEnd)));
        }
        break;
      }
      case 'var': {
        const name = literalString(positional[0]?.value);
        const hasDefault = positional.length > 1 || call.args.some((x) => x.keyword === 'default');
        if (name !== undefined) a.vars.push({ name, hasDefault, conditional: conditional.has(call.block), start: positional[0].valueStart, end: positional[0].valueEnd });
        break;
      }
      default:
        if (!BUILTIN_CALLABLES.has(call.name) && !bindings.names.has(call.name)) a.macroCalls.push({ name: call.name, start: call.nameStart, end: call.nameEnd });
    }
  }
  for (const block of scan.blocks) {
    if (block.tag !== 'snapshot') continue;
    const m = /^\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(block.contentStart, block.contentEnd));
    if (m) {
      const start = block.contentStart + m[0].length - m[1].length;
      a.snapshotNames.push({ name: m[1], start, end: start + m[1].length });
    }
  }
  a.trim();
  return a;
}

/**
 * For a file holding several `{% snapshot %}` blocks: each block read on its own, the other blocks blanked (newlines
 * kept, so offsets and lines stay the file's), in the order of `snapshotNames`. dbt compiles each block separately.
 */
export function separateSnapshotBlocks(a: ModelFileAnalysis): ModelFileAnalysis[] {
  const spans: Array<{ start: number; end: number }> = [];
  const blocks = a.scan.blocks;
  for (const [i, block] of blocks.entries()) {
    if (block.tag !== 'snapshot') continue;
    const close = blocks.slice(i + 1).find((b) => b.tag === 'endsnapshot');
    spans.push({ start: block.start, end: close?.end ?? a.text.length });
  }
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  return spans.map((own) => analyzeModelFile(spans.reduce((text, other) => (other === own ? text
    : text.slice(0, other.start) + blank(text.slice(other.start, other.end)) + text.slice(other.end)), a.text)));
}
