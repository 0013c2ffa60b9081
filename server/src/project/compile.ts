// Compiles one model: renders its Jinja with the project's dbt context and reports the upstream
// relations the SQL reads, so the binder and the preview can stand them in.
import { splitKeywords, CompilerError, type RenderHooks } from '../jinja/environment';
import { relationValue } from '../jinja/dbtContext';
import { didYouMean } from '../util/suggest';
import { environmentOf, varValue } from './jinjaEnvironment';
export { varValue } from './jinjaEnvironment';
import { renderTemplate, type RenderProblem } from '../jinja/render';
import { SourceMap } from '../jinja/sourceMap';
import type { Literal } from '../jinja/calls';
import { mergeConfigs, type ModelConfig } from './config';
import { modelName, type DbtProject, type ModelNode } from './project';
import type { SourceTable } from './schemaYaml';
import type { Column } from './types';
import { quoteIdent } from '../sql/quote';
import { recordEnvReads } from '../jinja/dbtContext';
import { dbtNodeIdentity, dbtNodeRelation, dbtSourceRelation, ephemeralCteName, renderDbtRelation } from './dbtRelations';
import { envValueHash, flattenSegments, renderCacheOf, unflattenSegments, type KeptRender } from './renderCache';
import { pyFloatAt, withPyFloats } from './yamlFloats';
import { fileConfig } from './branchConfig';
import { PyFloat } from '../jinja/pyFloat';

/** How a singular test's unknown ref or source is worded: dbt warns, disables that test and goes on. */
export const SKIPPED_TEST = '; dbt warns and skips this test';

export interface UpstreamRelation {
  kind: 'model' | 'seed' | 'snapshot' | 'source';
  /** Model name, or `source.table` for sources. */
  name: string;
  /** The relation text as it appears in the compiled SQL, e.g. "stg_orders" or "bronze"."orders". */
  relation: string;
  /** Known columns, when the project knows them (YAML, CSV, cache or an earlier bind). */
  columns?: Column[];
  /** False when the columns come only from schema YAML, which dbt does not require to list every column. */
  columnsComplete?: boolean;
  /** For sources: the Iceberg table identifier (namespace.table). */
  icebergTable?: string;
  /** For sources: the source and table names as called. */
  sourceTable?: [string, string];
  /** For models: the file that defines it. */
  file?: string;
  /** A ref or source the project does not define, stood in for (CompileOptions.stubMissing): its columns are unknown. */
  missing?: boolean;
}

export interface CompiledModel {
  sql: string;
  map: SourceMap;
  problem?: RenderProblem;
  /** Effective config, including values only known after rendering. */
  config: ModelConfig;
  upstream: UpstreamRelation[];
  /** The render read `execute` (false at compile time in Floe), so macros may have left SQL out. */
  parseTime?: boolean;
  /** With dbt's names: the ephemeral models its refs read as `__dbt__cte__` CTEs, in the order first read. */
  ephemerals?: ModelNode[];
}

export interface CompileOptions {
  /** How relations are written in the SQL; the default quotes the model name, and source.table. */
  relationName?: (target: { kind: UpstreamRelation['kind']; name: string; source?: string; table?: string }) => string;
  /** The node to compile when its file alone does not say (a snapshot defined in YAML). */
  node?: ModelNode;
  /**
   * A ref or source the project does not define renders as a relation of that name with unknown columns (marked
   * `missing`) instead of failing the render, so the binder can still check what does not read it.
   */
  stubMissing?: boolean;
  /** A unit test's `overrides:`: vars, macros (by name or `package.name`, each returning its value) and env vars. */
  overrides?: RenderOverrides;
  /**
   * 'dbt': ref, source and this render as dbt names them (dbtRelations.ts; ephemeral models as `__dbt__cte__` names),
   * for the SQL Floe writes for dbt users; Floe's engine reads its own names (the default).
   */
  naming?: 'dbt';
}

export interface RenderOverrides {
  vars?: Record<string, unknown>;
  macros?: Record<string, unknown>;
  envVars?: Record<string, string>;
}

/**
 * Rendering is linear but slow (nunjucks); beyond this size a request could stall the editor, so the language server
 * sets it as its limit (setRenderSizeLimit). The CLI renders a model of any size, as dbt does: spellbook's NFT
 * metadata models (up to 1.4 MB of literal rows) are compiled and run like any other.
 */
export const EDITOR_RENDER_SIZE = 512 * 1024;
let maxRenderSize = Number.POSITIVE_INFINITY;

/** Models larger than this (characters) are not rendered: a `too-large` problem (an info) instead. */
export function setRenderSizeLimit(chars: number): void {
  maxRenderSize = chars;
}


export function defaultRelationName(target: { kind: UpstreamRelation['kind']; name: string; source?: string; table?: string }): string {
  return target.kind === 'source' ? `${quoteIdent(target.source!)}.${quoteIdent(target.table!)}` : quoteIdent(target.name);
}


/**
 * A model's compiled SQL as dbt's compile writes it (target/compiled, the manifest's compiled_code): dbt reads a model
 * file stripped of its leading and trailing whitespace and renders that, so whitespace the file begins or ends with is
 * not in its output. Floe renders the whole file (its offsets are the editor's), so that whitespace, where it came
 * through the render as written (no `{%-`/`-%}` took it), is cut here.
 */
export function asDbtCompiled(fileText: string, sql: string): string {
  const body = fileText.trim();
  if (!body) return '';
  const lead = fileText.slice(0, fileText.indexOf(body));
  const trail = fileText.slice(lead.length + body.length);
  let out = lead && !/^\{[{%#]-/.test(body) && sql.startsWith(lead) ? sql.slice(lead.length) : sql;
  if (trail && !/-[}%#]\}$/.test(body) && out.endsWith(trail)) out = out.slice(0, out.length - trail.length);
  return out;
}

const MAX_KEPT_RENDERS = 2000;
const compiledByProject = new WeakMap<DbtProject, Map<string, { version: number; text: string; compiled: CompiledModel }>>();

/**
 * Compiles the model file (optionally with unsaved text). Never throws: problems are returned as data. A render is
 * kept until the project changes (diagnostics and binding both compile every model); upstream columns are read live,
 * as binding models teaches the project their schemas.
 */
export function compileModel(project: DbtProject, file: string, options: CompileOptions = {}): CompiledModel {
  if (options.relationName || options.node || options.stubMissing || options.overrides || options.naming) return renderModel(project, file, options);
  let kept = compiledByProject.get(project);
  if (!kept) compiledByProject.set(project, (kept = new Map()));
  const text = project.entry(file)?.text;
  let hit = kept.get(file);
  if (!hit || hit.version !== project.version || hit.text !== text) {
    // Kept renders on disk serve a file's first render in this process; later ones follow the user's edits.
    const disk = hit ? undefined : renderCacheOf(project);
    const fromDisk = disk && text !== undefined ? disk.get(project, file, text) : undefined;
    let compiled = fromDisk && restore(project, fromDisk);
    if (!compiled) {
      const { value, envRead } = recordEnvReads(() => renderModel(project, file, options));
      compiled = value;
      // the editor's size limit is the editor's: a render it skipped is not kept for the CLI, which has none
      if (disk && text !== undefined && compiled.problem?.code !== 'too-large') disk.set(project, file, text, keep(compiled, envRead));
    }
    hit = { version: project.version, text: text ?? '', compiled };
    // the most recent renders only: a 10,000-model project's would hold tens of MB
    kept.delete(file);
    if (kept.size >= MAX_KEPT_RENDERS) kept.delete(kept.keys().next().value!);
    kept.set(file, hit);
  }
  return { ...hit.compiled, config: { ...hit.compiled.config }, upstream: [...hit.compiled.upstream] };
}

function renderModel(project: DbtProject, file: string, options: CompileOptions): CompiledModel {
  const entry = project.entry(file);
  const analysis = options.node?.definition ?? entry?.analysis;
  if (!entry || !analysis) throw new CompilerError(`${file} is not a model file of the project at ${project.root}`);
  const node: ModelNode | undefined = options.node ?? project.nodeOfFile(file);
  const name = node?.name ?? modelName(file);
  const relationName = options.relationName ?? defaultRelationName;
  const upstream = new Map<string, UpstreamRelation>();
  const rendered: ModelConfig = {};
  const target = project.target;
  // an analysis' or singular test's: its config() calls, those in an if/for as dbt's parse renders them
  const staticConfig = node ? project.configOf(node) : fileConfig(project, file, entry.packageName, name, analysis);
  const dbtNames = options.naming === 'dbt';
  const ephemerals: ModelNode[] = [];
  // A node's relation: Floe's name, or dbt's (an ephemeral upstream as the CTE dbt injects for it).
  const nodeRelation = (n: ModelNode, floeName: string, current = false): { text: string; fields: Record<string, unknown> } => {
    if (!dbtNames) return { text: floeName, fields: { name: n.name, identifier: n.name, schema: target.schema, database: target.database } };
    const r = dbtNodeRelation(project, n, current ? undefined : hooks);
    if (!current && project.configValueOf(n, 'materialized') === 'ephemeral') {
      if (!ephemerals.includes(n)) ephemerals.push(n);
      const cte = ephemeralCteName(r);
      return { text: cte, fields: { identifier: cte, name: cte } };
    }
    return { text: renderDbtRelation(project, r), fields: { database: r.database, schema: r.schema, identifier: r.identifier, name: r.identifier } };
  };
  // A naming macro that fails is the model's problem (reported before rendering), never a throw.
  let thisRelation: ReturnType<typeof nodeRelation> | undefined;
  let namingProblem: string | undefined;
  try {
    thisRelation = node ? nodeRelation(node, relationName({ kind: 'model', name }), true) : undefined;
  } catch (e) {
    if (!(e instanceof CompilerError)) throw e;
    namingProblem = e.message;
  }
  const thisName = thisRelation?.text ?? relationName({ kind: 'model', name });
  // Where the last unknown ref or source was called: nunjucks reports a hook's error without a usable position.
  let missingAt: { start: number; end: number } | undefined;
  const stubRelation = (target: { kind: 'model' | 'source'; name: string; source?: string; table?: string }, parts: Record<string, string>) => {
    const rel = relationName(target);
    upstream.set(`${target.kind}:${target.name}`, { kind: target.kind, name: target.name, relation: rel, missing: true });
    return relationValue(rel, { name: target.table ?? target.name, ...parts });
  };
  // dbt warns about a singular test's unknown ref or source (one its render makes, as in a loop) and skips that test.
  const skipped = entry.kind === 'test' ? SKIPPED_TEST : '';
  const hooks: RenderHooks = {
    packageName: entry.packageName,
    adapterSpellings: dbtNames,
    ref(args) {
      // version= / v= pick a model version; Floe resolves versioned refs to the model of that name.
      const { positional, named } = splitKeywords(args);
      const refName = String(positional[positional.length - 1] ?? '');
      const pkg = positional.length > 1 ? String(positional[0]) : undefined;
      const version = named.version ?? named.v;
      const resolved = project.resolveRef({ name: refName, packageName: pkg, version: version === undefined ? undefined : String(version) });
      const disabled = !resolved && project.isDisabledRef({ name: refName, version: version === undefined ? undefined : String(version) });
      // dbt's compile fails on a ref to a disabled node (its TargetNotFoundError); dbt's names have none to give.
      if (disabled && dbtNames && node) {
        const use = analysis.refs.find((r) => r.name === refName);
        missingAt = use && { start: use.start + 1, end: use.end - 1 };
        const { uniqueId, originalPath } = dbtNodeIdentity(project, node);
        throw new CompilerError(`${node.kind[0].toUpperCase()}${node.kind.slice(1)} '${uniqueId}' (${originalPath}) depends on a node named '${refName}' ` +
          `${version === undefined ? '' : `with version '${String(version)}' `}${pkg === undefined ? '' : `in package or project '${pkg}' `}which is disabled`);
      }
      // A disabled model still has a relation name; whether this node may use it is the static check's call.
      if (disabled) return relationValue(relationName({ kind: 'model', name: refName }), { identifier: refName, schema: target.schema, database: target.database });
      if (!resolved && options.stubMissing) return stubRelation({ kind: 'model', name: refName }, { identifier: refName, schema: target.schema, database: target.database });
      if (!resolved) {
        const use = analysis.refs.find((r) => r.name === refName);
        missingAt = use && { start: use.start + 1, end: use.end - 1 };
        throw new CompilerError(`Model '${refName}' not found (referenced by ${name})${skipped}.${didYouMean(refName, project.modelNames())}`);
      }
      const rel = nodeRelation(resolved, relationName({ kind: resolved.kind, name: resolved.name }));
      upstream.set(`${resolved.kind}:${resolved.name}`, nodeUpstream(project, resolved, rel.text));
      return relationValue(rel.text, rel.fields);
    },
    source(args) {
      const { positional } = splitKeywords(args);
      const [s, t] = positional.map(String);
      const table: SourceTable | undefined = project.resolveSource({ source: s, table: t });
      if (!table && options.stubMissing) return stubRelation({ kind: 'source', name: `${s}.${t}`, source: s, table: t }, { identifier: t, schema: s, database: target.database });
      if (!table) {
        const use = analysis.sources.find((x) => x.source === s && x.table === t);
        const defined = project.sourceDefinitions(s);
        const hint = defined.length ? didYouMean(t, defined.flatMap((d) => d.tables.map((x) => x.name))) : didYouMean(s, project.sourceNames());
        missingAt = use && { start: use.callStart, end: use.callEnd };
        throw new CompilerError(`Source '${s}.${t}' not found (referenced by ${name}): declare it under sources: in a schema YAML file${skipped}.${hint}`);
      }
      if (dbtNames) {
        const r = dbtSourceRelation(project, table);
        const text = renderDbtRelation(project, r);
        upstream.set(`source:${s}.${t}`, sourceUpstream(project, table, text, [s, t]));
        return relationValue(text, { database: r.database, schema: r.schema, identifier: r.identifier, name: r.identifier });
      }
      const rel = relationName({ kind: 'source', name: `${s}.${t}`, source: s, table: t });
      upstream.set(`source:${s}.${t}`, sourceUpstream(project, table, rel, [s, t]));
      return relationValue(rel, { name: t, identifier: t, schema: s, database: target.database });
    },
    config(args) {
      const { named } = splitKeywords(args);
      Object.assign(rendered, named);
      return '';
    },
    configValue: (key) => (key in rendered ? rendered[key] : pyFloatAt(staticConfig, key)) ?? undefined,
    // varValue renders a string var's Jinja as dbt does (`refund_source: "{{ source('shopify', 'refund') }}"`); never a default.
    var: (args) => {
      const key = String(args[0]);
      return options.overrides?.vars && key in options.overrides.vars ? pyFloatAt(options.overrides.vars, key) : varValue(project, args, name, entry.packageName);
    },
    this: relationValue(thisName, thisRelation?.fields ?? { name, identifier: name, schema: target.schema, database: target.database }),
    target: { ...target, profile_name: target.profile },
    extra: { project_name: project.name, model: { name, config: withPyFloats(staticConfig) } },
  };
  if (options.overrides) {
    const globals = (environmentOf(project).env as unknown as { globals: Record<string, unknown> }).globals;
    hooks.overrides = overriddenGlobals((g) => globals[g], options.overrides);
  }
  if (analysis.language === 'python') {
    const problem = { code: 'python-model' as const, message: `${name} is a Python model: Floe indexes its refs and shows it in lineage, but does not run Python models (run it with dbt)`, start: 0, end: 0 };
    return { sql: '', map: new SourceMap([], 0), problem, config: staticConfig, upstream: [] };
  }
  if (analysis.text.length > maxRenderSize) {
    const problem = { code: 'too-large' as const, message: `Model is too large for Floe to render while you edit (${Math.round(analysis.text.length / 1024)} KB; the limit is ${Math.round(maxRenderSize / 1024)} KB): its Jinja and SQL are not checked`, start: 0, end: 0 };
    return { sql: '', map: new SourceMap([], 0), problem, config: staticConfig, upstream: [] };
  }
  if (namingProblem) return { sql: '', map: new SourceMap([], 0), problem: { code: 'jinja-render', message: namingProblem, start: 0, end: 0 }, config: staticConfig, upstream: [] };
  const env = environmentOf(project);
  const result = renderTemplate(env, analysis.text, analysis.scan, hooks);
  if (result.problem && missingAt && /^(Model|Source) '.*' not found \(referenced by |^\w+ '[^']*' \(.*\) depends on a node named '.*' which is disabled$/.test(result.problem.message)) result.problem = { ...result.problem, ...missingAt };
  const config = mergeConfigs(staticConfig, pythonStrings(rendered) as Record<string, Literal>);
  // The seed writes location='s3://.../{{ this.name }}': render Jinja inside string config values too.
  for (const [key, value] of Object.entries(config)) {
    if (typeof value !== 'string' || !value.includes('{{')) continue;
    try {
      config[key] = env.renderString(value, hooks);
    } catch {
      // Left as written; the render problem (if any) is reported on the template itself.
    }
  }
  return { sql: result.sql, map: result.map, problem: result.problem, config, upstream: [...upstream.values()], parseTime: result.parseTime, ...(dbtNames ? { ephemerals } : {}) };
}

/** A ref's upstream; its columns are read live, as binding teaches the project schemas. */
function nodeUpstream(project: DbtProject, node: ModelNode, relation: string): UpstreamRelation {
  return {
    kind: node.kind,
    name: node.name,
    relation,
    get columns() {
      return project.columnsOfNode(node);
    },
    get columnsComplete() {
      return node.kind === 'seed' || project.boundColumns.has(node.name);
    },
    file: node.file,
  };
}

function sourceUpstream(project: DbtProject, table: SourceTable, relation: string, called: [string, string]): UpstreamRelation {
  return {
    kind: 'source',
    name: `${called[0]}.${called[1]}`,
    relation,
    get columns() {
      return project.columnsOfSource(table);
    },
    get columnsComplete() {
      return !!project.schemaCache.get(project.sourceIcebergTable(table));
    },
    icebergTable: project.sourceIcebergTable(table),
    sourceTable: called,
  };
}

/** A render as kept on disk: plain data, the env vars it read hashed (only default renders are kept: no stand-ins). */
function keep(compiled: CompiledModel, envRead: Map<string, string | null>): KeptRender {
  return {
    sql: compiled.sql,
    segments: flattenSegments(compiled.map.segments),
    outputLength: compiled.map.outputLength,
    ...(compiled.problem ? { problem: compiled.problem } : {}),
    config: compiled.config,
    upstream: compiled.upstream.map((u) => ({ kind: u.kind, name: u.name, relation: u.relation, file: u.file, icebergTable: u.icebergTable, source: u.sourceTable })),
    ...(compiled.parseTime ? { parseTime: true } : {}),
    env: Object.fromEntries([...envRead].map(([k, v]) => [k, envValueHash(v)])),
  };
}

/** A kept render with its upstreams found again in the project; undefined (render again) when one is gone. */
function restore(project: DbtProject, kept: KeptRender): CompiledModel | undefined {
  const upstream: UpstreamRelation[] = [];
  for (const u of kept.upstream) {
    if (u.kind === 'source') {
      const table = u.source && project.resolveSource({ source: u.source[0], table: u.source[1] });
      if (!table) return undefined;
      upstream.push(sourceUpstream(project, table, u.relation, u.source!));
    } else {
      const node = project.nodes(u.name).find((n) => n.kind === u.kind && n.file === u.file);
      if (!node) return undefined;
      upstream.push(nodeUpstream(project, node, u.relation));
    }
  }
  return { sql: kept.sql, map: new SourceMap(unflattenSegments(kept.segments), kept.outputLength), problem: kept.problem, config: kept.config as ModelConfig, upstream, parseTime: kept.parseTime };
}

/** Jinja's safe strings (`incremental_predicates=[...]` built in Jinja) as the plain strings dbt's Python sees. */
function pythonStrings(value: unknown): unknown {
  if (value instanceof String) return String(value);
  if (value instanceof PyFloat) return value.valueOf();
  if (Array.isArray(value)) return value.map(pythonStrings);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pythonStrings(v)]));
  return value;
}

/**
 * Globals that carry a unit test's overrides: each overridden macro returns its value (`is_incremental: true`; a
 * `package.name` key replaces it in the package's namespace), and env_var() answers the overridden env vars first.
 */
function overriddenGlobals(globalOf: (name: string) => unknown, overrides: RenderOverrides): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides.macros ?? {})) {
    const dot = key.indexOf('.');
    if (dot < 0) { out[key] = () => value; continue; }
    const [pkg, macro] = [key.slice(0, dot), key.slice(dot + 1)];
    const ns = (out[pkg] ?? globalOf(pkg) ?? {}) as Record<string, unknown>;
    out[pkg] = { ...ns, [macro]: () => value };
  }
  const envVars = overrides.envVars ?? {};
  if (Object.keys(envVars).length) {
    const original = globalOf('env_var') as (...a: unknown[]) => unknown;
    out.env_var = (...a: unknown[]) => {
      const key = String(splitKeywords(a).positional[0]);
      return key in envVars ? envVars[key] : original(...a);
    };
  }
  return out;
}
