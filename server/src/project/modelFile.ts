// One model-like file (model, snapshot, test, analysis) read statically: its blocks, refs, sources,
// config(), macro calls and vars, with offsets. Pure and per text, so an edit re-reads only that file.
import { scanTemplate, type ScannedTemplate, type JinjaProblem } from '../jinja/scanner';
import { findCalls, templateBindings, type JinjaCall, type Literal } from '../jinja/calls';
import { integralFloatPlaces, markIntegralFloats, setIntegralFloatMark, type IntegralFloatPlaces } from './yamlFloats';

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
  readonly text: string;
  /** `python` for `.py` models (indexed, never rendered or run). */
  language?: 'sql' | 'python';
  /** The Jinja blocks; scanned again on demand (not kept: 10k-model indexes stay small and cheap to collect). */
  readonly scan: ScannedTemplate;
  /** Every call in the file; computed again on demand (not kept, to keep 10k-model indexes small). */
  readonly calls: JinjaCall[];
  /** Names the file binds itself (set/for/macro/import). */
  readonly localNames: ReadonlySet<string>;
  /** The uses below are kept packed and made anew on each read (a fresh array: read once per pass, not per item). */
  readonly refs: RefUse[];
  readonly sources: SourceUse[];
  readonly macroCalls: MacroUse[];
  readonly vars: VarUse[];
  /** How many vars, without making them. */
  readonly varCount: number;
  configs: ConfigUse[];
  /** The literal config from every config() call, merged in order. */
  config: Record<string, Literal>;
  /** For snapshot files: {% snapshot name %}. */
  snapshotNames: Array<{ name: string; start: number; end: number }>;
  readonly problems: JinjaProblem[];
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

/** The uses a file's analysis is made from (packed by `packAnalysis`). */
export interface AnalysisParts {
  language?: 'sql' | 'python';
  refs: RefUse[];
  sources: SourceUse[];
  macroCalls: MacroUse[];
  vars: VarUse[];
  configs: ConfigUse[];
  config: Record<string, Literal>;
  snapshotNames: Array<{ name: string; start: number; end: number }>;
}

// Field counts of the packed records (see Analysis).
const REF = 11;
const SOURCE = 11;
const MACRO = 6;
const VAR = 6;
const HEADER = 4;

/**
 * Int32 slots shared by many analyses: one ArrayBuffer, off the JavaScript heap, in place of ~20 objects a model that
 * every young-generation collection of the cold index copied (issue #18). A chunk lives while an analysis in it does.
 */
const arena = { chunk: new Int32Array(0), used: 0 };
const ARENA_CHUNK = 64 * 1024;

function allocate(n: number): { slots: Int32Array; at: number } {
  if (arena.used + n > arena.chunk.length) {
    arena.chunk = new Int32Array(Math.max(ARENA_CHUNK, n));
    arena.used = 0;
  }
  const at = arena.used;
  arena.used += n;
  return { slots: arena.chunk, at };
}

// Shared by the many files with none; frozen, so a change by mistake fails rather than reaching every file.
const NO_STRINGS: readonly string[] = Object.freeze([]);
const NO_PROBLEMS = Object.freeze([]) as unknown as JinjaProblem[];
const NO_SNAPSHOTS = Object.freeze([]) as unknown as Array<{ name: string; start: number; end: number }>;
const NO_CONFIGS = Object.freeze([]) as unknown as ConfigUse[];

/**
 * The analysis kept on every index entry. Only what the index reads on every file is held; the blocks and calls are
 * computed again when a feature asks (one file at a time). Refs, sources, macro calls and vars are packed as numbers in
 * the arena (their names as offsets into the text, or an index into `strings` when the literal is not the name as
 * written), and made into objects each time they are read: callers get fresh arrays they may keep or change.
 */
class Analysis implements ModelFileAnalysis {
  language?: 'sql' | 'python';
  config: Record<string, Literal>;
  configs: ConfigUse[];
  snapshotNames: Array<{ name: string; start: number; end: number }>;
  private slots: Int32Array;
  private at: number;
  private strings: readonly string[];

  /** `scanned`: the text the blocks come from (a Python model has no Jinja: see pythonModel.ts). */
  constructor(readonly text: string, readonly localNames: ReadonlySet<string>, readonly problems: JinjaProblem[], parts: AnalysisParts | undefined, private readonly scanned: string) {
    if (!parts) {
      // filled by fromWire
      this.config = {};
      this.configs = NO_CONFIGS;
      this.snapshotNames = NO_SNAPSHOTS;
      this.slots = arena.chunk;
      this.at = 0;
      this.strings = NO_STRINGS;
      return;
    }
    this.language = parts.language;
    this.config = parts.config;
    // kept at their length (a push into an empty array reserves 17 slots: ~150 bytes a file)
    this.configs = parts.configs.length ? parts.configs.slice() : NO_CONFIGS;
    this.snapshotNames = parts.snapshotNames.length ? parts.snapshotNames.slice() : NO_SNAPSHOTS;
    const { refs, sources, macroCalls, vars } = parts;
    const { slots, at } = allocate(HEADER + refs.length * REF + sources.length * SOURCE + macroCalls.length * MACRO + vars.length * VAR);
    this.slots = slots;
    this.at = at;
    const strings: string[] = [];
    let i = at;
    slots[i++] = refs.length;
    slots[i++] = sources.length;
    slots[i++] = macroCalls.length;
    slots[i++] = vars.length;
    // a string as (start, end) of the text when it is written there, else (-2, index into strings); (-1, 0): none
    const put = (value: string | undefined, from: number) => {
      if (value === undefined) { slots[i++] = -1; slots[i++] = 0; }
      else if (from >= 0 && text.startsWith(value, from)) { slots[i++] = from; slots[i++] = from + value.length; }
      else { slots[i++] = -2; slots[i++] = strings.push(value) - 1; }
    };
    for (const r of refs) {
      put(r.name, r.start + 1);
      put(r.packageName, -1);
      put(r.version, -1);
      slots[i++] = r.start; slots[i++] = r.end; slots[i++] = r.callStart; slots[i++] = r.callEnd; slots[i++] = r.conditional ? 1 : 0;
    }
    for (const u of sources) {
      put(u.source, u.sourceStart + 1);
      put(u.table, u.tableStart + 1);
      slots[i++] = u.sourceStart; slots[i++] = u.sourceEnd; slots[i++] = u.tableStart; slots[i++] = u.tableEnd;
      slots[i++] = u.callStart; slots[i++] = u.callEnd; slots[i++] = u.conditional ? 1 : 0;
    }
    for (const m of macroCalls) {
      put(m.name, m.end - m.name.length);
      put(m.namespace, m.start);
      slots[i++] = m.start; slots[i++] = m.end;
    }
    for (const v of vars) {
      put(v.name, v.start + 1);
      slots[i++] = v.hasDefault ? 1 : 0; slots[i++] = v.conditional ? 1 : 0; slots[i++] = v.start; slots[i++] = v.end;
    }
    this.strings = strings.length ? strings : NO_STRINGS;
  }

  get refs(): RefUse[] {
    const s = this.slots;
    const out: RefUse[] = [];
    for (let k = 0, i = this.at + HEADER; k < s[this.at]; k++, i += REF) {
      out.push({ name: this.str(i)!, packageName: this.str(i + 2), version: this.str(i + 4), start: s[i + 6], end: s[i + 7], callStart: s[i + 8], callEnd: s[i + 9], conditional: s[i + 10] ? true : undefined });
    }
    return out;
  }

  get sources(): SourceUse[] {
    const s = this.slots;
    const out: SourceUse[] = [];
    for (let k = 0, i = this.at + HEADER + s[this.at] * REF; k < s[this.at + 1]; k++, i += SOURCE) {
      out.push({ source: this.str(i)!, table: this.str(i + 2)!, sourceStart: s[i + 4], sourceEnd: s[i + 5], tableStart: s[i + 6], tableEnd: s[i + 7], callStart: s[i + 8], callEnd: s[i + 9], conditional: s[i + 10] ? true : undefined });
    }
    return out;
  }

  get macroCalls(): MacroUse[] {
    const s = this.slots;
    const out: MacroUse[] = [];
    for (let k = 0, i = this.at + HEADER + s[this.at] * REF + s[this.at + 1] * SOURCE; k < s[this.at + 2]; k++, i += MACRO) {
      const namespace = this.str(i + 2);
      out.push(namespace === undefined ? { name: this.str(i)!, start: s[i + 4], end: s[i + 5] } : { name: this.str(i)!, namespace, start: s[i + 4], end: s[i + 5] });
    }
    return out;
  }

  get vars(): VarUse[] {
    const s = this.slots;
    const out: VarUse[] = [];
    for (let k = 0, i = this.at + HEADER + s[this.at] * REF + s[this.at + 1] * SOURCE + s[this.at + 2] * MACRO; k < s[this.at + 3]; k++, i += VAR) {
      out.push({ name: this.str(i)!, hasDefault: s[i + 2] === 1, conditional: s[i + 3] === 1, start: s[i + 4], end: s[i + 5] });
    }
    return out;
  }

  static fromWire(text: string, w: WireAnalysis, slots: Int32Array): Analysis {
    const a = new Analysis(text, w.localNames.length ? new Set(w.localNames) : NO_NAMES, w.problems.length ? w.problems : NO_PROBLEMS, undefined, w.scansText ? text : '');
    if (w.language) a.language = w.language;
    a.config = w.config;
    markIntegralFloats(a.config, w.floats);
    a.configs = w.configs.length ? w.configs : NO_CONFIGS;
    a.snapshotNames = w.snapshotNames.length ? w.snapshotNames : NO_SNAPSHOTS;
    a.slots = slots;
    a.at = w.at;
    a.strings = w.strings.length ? w.strings : NO_STRINGS;
    return a;
  }

  get slotCount(): number {
    const s = this.slots;
    const at = this.at;
    return HEADER + s[at] * REF + s[at + 1] * SOURCE + s[at + 2] * MACRO + s[at + 3] * VAR;
  }

  toWire(into: Int32Array, at: number): WireAnalysis {
    const length = this.slotCount;
    into.set(this.slots.subarray(this.at, this.at + length), at);
    return {
      at, length, strings: this.strings, localNames: [...this.localNames], problems: this.problems, language: this.language,
      config: this.config, floats: integralFloatPlaces(this.config), configs: this.configs, snapshotNames: this.snapshotNames, scansText: this.scanned === this.text,
    };
  }

  /** The count without making the objects (a hot check on every file). */
  get varCount(): number {
    return this.slots[this.at + 3];
  }

  get scan(): ScannedTemplate {
    return scanTemplate(this.scanned);
  }

  get calls(): JinjaCall[] {
    return findCalls(this.scanned, scanTemplate(this.scanned));
  }

  private str(i: number): string | undefined {
    const from = this.slots[i];
    if (from === -1) return undefined;
    return from === -2 ? this.strings[this.slots[i + 1]] : this.text.slice(from, this.slots[i + 1]);
  }
}

/**
 * An analysis as the read-ahead worker sends it: its slots copied into the chunk's one transferred buffer at `at`, and
 * its few other values (structured-cloned; most files have no strings, local names or problems).
 */
export interface WireAnalysis {
  at: number;
  length: number;
  strings: readonly string[];
  localNames: string[];
  problems: JinjaProblem[];
  language?: 'sql' | 'python';
  config: Record<string, Literal>;
  /** Where the config's integral floats are (`x=1.0`, `x=[1.0]`), whose marks (yamlFloats.ts) do not travel in a clone. */
  floats: IntegralFloatPlaces;
  configs: ConfigUse[];
  snapshotNames: Array<{ name: string; start: number; end: number }>;
  /** Whether the blocks come from the text (else none: a Python model). */
  scansText: boolean;
}

/** The wire form of an analysis made by analyzeModelFile/packAnalysis, its slots copied into `into` at `at`. */
export function toWire(a: ModelFileAnalysis, into: Int32Array, at: number): WireAnalysis {
  return (a as Analysis).toWire(into, at);
}

/** The length of an analysis' slots (the room toWire needs). */
export function wireLength(a: ModelFileAnalysis): number {
  return (a as Analysis).slotCount;
}

/** An analysis back from its wire form and the buffer its slots travelled in (kept as they are: no copy). */
export function fromWire(text: string, w: WireAnalysis, slots: Int32Array): ModelFileAnalysis {
  return Analysis.fromWire(text, w, slots);
}

/** An analysis from its parts (Python models are read by pythonModel.ts; `scanned` is the text holding Jinja). */
export function packAnalysis(text: string, localNames: ReadonlySet<string>, problems: JinjaProblem[], parts: AnalysisParts, scanned = text): ModelFileAnalysis {
  return new Analysis(text, localNames, problems, parts, scanned);
}

const DBT_CALLS = new Set(['ref', 'source', 'var']);
const NO_ARGS: JinjaCall['args'] = [];

/** The local names of the many files that bind none: one shared set, not one per file. */
const NO_NAMES: ReadonlySet<string> = new Set();

export function analyzeModelFile(text: string): ModelFileAnalysis {
  return analyzeTemplate(text, false);
}

/**
 * A macro file's calls, refs and sources, read as a model's, but each `{% macro %}` is a template of its own (dbt
 * compiles a macro alone): a call of a sibling macro is a macro call resolved through dbt's namespaces, not a local name.
 */
export function analyzeMacroFile(text: string): ModelFileAnalysis {
  return analyzeTemplate(text, true);
}

function analyzeTemplate(text: string, macroFile: boolean): ModelFileAnalysis {
  const scan = scanTemplate(text);
  const calls = findCalls(text, scan);
  const bindings = templateBindings(text, scan);
  if (macroFile) for (const m of bindings.macros) if (!bindings.macros.some((x) => x.params.includes(m.name))) bindings.names.delete(m.name);
  const conditional = conditionalBlocks(scan);
  const a: AnalysisParts = { refs: [], sources: [], macroCalls: [], vars: [], configs: [], config: {}, snapshotNames: [] };
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
          setIntegralFloatMark(a.config, arg.key, Number.isInteger(arg.value) && /^[-+]?[\d_]*\.?[\d_]*[.eE]/.test(text.slice(arg.valueStart, arg.valueEnd)));
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
  return new Analysis(text, bindings.names.size ? bindings.names : NO_NAMES, scan.problems.length ? scan.problems : NO_PROBLEMS, a, text);
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
