// target/manifest.json in dbt's shape (manifest schema v12, as dbt 1.8–1.11 write it), from the project model and
// the selection graph: nodes (models, seeds, snapshots, analyses, data tests), sources, parent and child maps, with
// dbt's unique ids, fqn, depends_on, config and, for models compiled in this invocation, compiled_code; macros, docs
// blocks and exposures from manifest-resources.ts, semantic models, metrics and saved queries from manifest-semantic.ts.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { DbtProject } from '../project/project';
import { projectUnitTests } from '../project/unitTests';
import { selectableGraph, YAML_RESOURCE_TYPES, type SelectableNode } from '../selection/graph';
import { goldTargetOf, seedTargetOf } from '../run/gold-target';
import { snapshotSpecOf } from '../run/snapshot-config';
import { dbtNodeRelation, dbtSourceRelation, dbtTestRelation, renderDbtRelation } from '../project/dbtRelations';
import { CompilerError } from '../jinja/environment';
import { renderSetting } from '../project/jinjaEnvironment';
import type { Column } from '../project/types';
import type { DataTest } from '../project/dataTests';
import { artifactMetadata, type InvocationInfo } from './metadata';
import { docsJson, exposuresJson, groupsJson, macroDependencies, macrosJson } from './manifest-resources';
import { semanticLayerJson } from './manifest-semantic';
import { withPyFloats } from '../project/yamlFloats';
import { PyFloat } from '../jinja/pyFloat';
import { genericTestFileName, genericTestName } from '../project/testNames';

export const MANIFEST_SCHEMA = 'https://schemas.getdbt.com/dbt/manifest/v12.json';

type Json = Record<string, unknown>;

/** The manifest; `compiled` maps a model's unique id to the SQL this invocation compiled for it. */
export function buildManifest(project: DbtProject, invocation: InvocationInfo, compiled: ReadonlyMap<string, string> = new Map()): Json {
  const graph = selectableGraph(project);
  const nodes: Json = {};
  const sources: Json = {};
  const unitTests: Json = {};
  for (const n of graph.nodes.values()) {
    if (YAML_RESOURCE_TYPES.has(n.resourceType)) continue;
    if (n.resourceType === 'source') sources[n.id] = sourceJson(project, n);
    else if (n.resourceType === 'unit_test') unitTests[n.id] = unitTestJson(project, n);
    else nodes[n.id] = nodeJson(project, n, compiled.get(n.id));
  }
  const exposures = exposuresJson(project, graph);
  const semantic = semanticLayerJson(project, graph);
  const { groups, group_map } = groupsJson(project, graph);
  const parentMap: Record<string, string[]> = {};
  for (const n of graph.nodes.values()) if (!YAML_RESOURCE_TYPES.has(n.resourceType)) parentMap[n.id] = [...n.parents].sort();
  // Exposures and the semantic layer are graph members too: their parents are what they depend on.
  for (const [id, e] of Object.entries({ ...exposures, ...semantic.semantic_models, ...semantic.metrics, ...semantic.saved_queries })) {
    parentMap[id] = [...(e as { depends_on: { nodes: string[] } }).depends_on.nodes].sort();
  }
  // Children are the parents turned round, so the two maps always agree.
  const childMap: Record<string, string[]> = Object.fromEntries(Object.keys(parentMap).map((id) => [id, []]));
  for (const [id, parents] of Object.entries(parentMap)) for (const p of parents) childMap[p]?.push(id);
  for (const id of Object.keys(childMap)) childMap[id].sort();
  return {
    metadata: {
      ...artifactMetadata(MANIFEST_SCHEMA, invocation),
      project_name: project.name,
      project_id: createHash('md5').update(project.name).digest('hex'),
      user_id: null,
      send_anonymous_usage_stats: false,
      adapter_type: project.target.adapter ?? 'duckdb',
    },
    nodes, sources,
    macros: macrosJson(project), docs: docsJson(project), exposures, metrics: semantic.metrics, groups, selectors: {}, disabled: {},
    parent_map: parentMap, child_map: childMap, group_map,
    saved_queries: semantic.saved_queries, semantic_models: semantic.semantic_models, unit_tests: unitTests,
  };
}

/** A unit test as dbt's manifest has it (UnitTestDefinition): its fixtures as declared, and the model it depends on. */
function unitTestJson(project: DbtProject, n: SelectableNode): Json {
  const t = projectUnitTests(project).find((u) => u.id === n.test?.id);
  const fixture = (f: { format: string; rows?: unknown; fixture?: string } | undefined) => ({ rows: f?.rows ?? null, format: f?.format ?? 'dict', fixture: f?.fixture ?? null });
  const d = t?.decl;
  return {
    model: t?.model ?? '', name: n.name, resource_type: 'unit_test', package_name: n.packageName, path: n.path, original_file_path: n.path,
    unique_id: n.id, fqn: n.fqn, description: d?.description ?? '',
    given: (d?.given ?? []).map((g) => ({ input: g.input, ...fixture(g) })), expect: fixture(d?.expect),
    overrides: d ? { macros: d.overrides.macros, vars: d.overrides.vars, env_vars: d.overrides.envVars } : null,
    depends_on: { macros: [], nodes: n.parents }, config: { tags: n.tags, meta: {}, enabled: true }, checksum: null, schema: project.target.schema ?? null,
    created_at: 0, versions: d?.versions ? { include: d.versions.include ?? null, exclude: d.versions.exclude ?? null } : null, version: null,
  };
}

/** Where a node lives, as dbt names relations: Iceberg namespace and table for written nodes, else the profile's schema. */
export function relationOf(project: DbtProject, n: SelectableNode): { database: string; schema: string; alias: string } {
  const database = databaseOf(project);
  const alias = typeof n.config.alias === 'string' ? n.config.alias : n.name;
  const target = n.resourceType === 'model' ? goldTargetOf(n.name, n.config, {}) : n.resourceType === 'seed' ? seedTargetOf(n.name, n.config, {})
    : n.resourceType === 'snapshot' ? snapshotTargetOf(n, project.target.schema) : undefined;
  if (target) return { database, schema: target.table.namespace.join('.'), alias: target.table.name };
  if (n.resourceType === 'test' && n.test?.kind !== 'unit') {
    try {
      const r = dbtTestRelation(project, { packageName: n.packageName, name: n.name, uniqueId: n.id, fqn: n.fqn, originalPath: n.path, config: n.config });
      if (r.schema) return { database: r.database ?? database, schema: r.schema, alias: r.identifier };
    } catch {
      // a naming macro that fails: dbt's defaults below (a model's compile reports the macro's error)
    }
  }
  // Not written by Floe: where dbt would put it (the project's generate_schema_name and generate_alias_name included).
  if (n.modelNode) {
    try {
      const r = dbtNodeRelation(project, n.modelNode);
      if (r.schema) return { database: r.database ?? database, schema: r.schema, alias: r.identifier };
    } catch {
      // a naming macro that fails: dbt's defaults below (the compile reports the macro's error)
    }
  }
  // dbt's default generate_schema_name: the target schema, suffixed with a custom schema.
  const custom = typeof n.config.schema === 'string' && n.config.schema ? `_${n.config.schema}` : '';
  return { database, schema: `${project.target.schema}${custom}`, alias };
}

/** A snapshot's Iceberg table (undefined when its config names none: the run reports why). */
function snapshotTargetOf(n: SelectableNode, targetSchema: string): { table: { namespace: string[]; name: string } } | undefined {
  try {
    return snapshotSpecOf(n.name, n.config, {}, targetSchema);
  } catch {
    return undefined;
  }
}

/** `database.schema.alias` as dbt writes relation_name: quoted as the adapter and the project's `quoting:` say. */
export function relationName(project: DbtProject, r: { database: string; schema: string; alias: string }): string {
  return renderDbtRelation(project, { database: r.database, schema: r.schema, identifier: r.alias });
}

function nodeJson(project: DbtProject, n: SelectableNode, compiledCode: string | undefined): Json {
  const file = n.test ? n.test.file : n.modelNode?.file ?? path.join(project.root, n.path);
  const text = project.entry(file)?.text ?? '';
  const relation = relationOf(project, n);
  const doc = n.resourceType === 'test' ? undefined : project.doc(n.name);
  const base: Json = {
    database: relation.database,
    schema: relation.schema,
    name: n.name,
    resource_type: n.resourceType,
    package_name: n.packageName,
    path: pathInResourceFolder(project, n),
    original_file_path: n.path,
    unique_id: n.id,
    fqn: n.fqn,
    alias: relation.alias,
    checksum: { name: 'sha256', checksum: createHash('sha256').update(text).digest('hex') },
    // a node here is enabled (its `enabled` may be the Jinja that said so)
    config: n.resourceType === 'test' && n.test ? testConfigJson(n, n.test) : { ...configJson(n), enabled: true, tags: n.tags },
    tags: n.tags,
    description: doc?.description ?? '',
    columns: columnsJson(doc?.columns ?? []),
    meta: {},
    group: typeof n.config.group === 'string' ? n.config.group : null,
    docs: { show: true, node_color: null },
    patch_path: n.patchPath ? `${n.packageName}://${n.patchPath}` : null,
    build_path: null,
    unrendered_config: {},
    created_at: Date.now() / 1000,
    relation_name: n.resourceType === 'test' || n.config.materialized === 'ephemeral' ? null : relationName(project, relation),
    raw_code: n.test?.kind !== 'singular' && n.test ? genericTestRawCode(n.test) : n.modelNode?.definition?.text ?? text,
  };
  // a generic test whose name dbt cuts for its file: that file name is its alias (config too)
  const fileName = n.test && n.test.kind !== 'singular' && n.test.kind !== 'unit' ? genericTestFileName(n.test) : undefined;
  if (fileName !== undefined && fileName !== n.name) {
    base.alias = fileName;
    (base.config as Json).alias = fileName;
  }
  if (n.resourceType === 'seed') return { ...base, depends_on: { macros: [] }, root_path: project.root };
  base.language = file.endsWith('.py') ? 'python' : 'sql';
  const entry = project.entry(file);
  const compiledFields = {
    refs: (n.modelNode?.definition?.refs ?? (entry ? project.refsOf(entry) : [])).map((r) => ({ name: r.name, package: r.packageName ?? null, version: null })),
    sources: (n.modelNode?.definition?.sources ?? (entry ? project.sourcesOf(entry) : [])).map((s) => [s.source, s.table]),
    metrics: [],
    depends_on: { macros: n.test?.kind === 'singular' || !n.test ? macroDependencies(project, text, 0, text.length, n.packageName) : [], nodes: n.parents },
    compiled_path: null,
    compiled: compiledCode !== undefined,
    compiled_code: compiledCode ?? null,
    extra_ctes_injected: false,
    extra_ctes: [],
    contract: { enforced: false, alias_types: true, checksum: null },
  };
  if (n.resourceType === 'model') return { ...base, ...compiledFields, access: 'protected', constraints: [], version: null, latest_version: null, deprecation_date: null };
  if (n.resourceType !== 'test' || !n.test) return { ...base, ...compiledFields };
  const t = n.test;
  if (t.kind === 'singular') return { ...base, ...compiledFields };
  const attached = n.parents[0] ?? null;
  return {
    ...base, ...compiledFields,
    refs: t.target?.kind === 'model' ? [{ name: t.target.name, package: null, version: null }] : [],
    sources: t.target?.kind === 'source' ? [[t.target.source, t.target.table]] : [],
    column_name: t.column ?? t.columnExpression ?? null,
    file_key_name: t.target?.kind === 'source' ? `sources.${t.target.source}` : t.target ? `models.${t.target.name}` : null,
    attached_node: attached,
    test_metadata: { name: t.kind, kwargs: { ...t.args, ...(t.column ? { column_name: t.column } : {}) }, namespace: null },
  };
}

function sourceJson(project: DbtProject, n: SelectableNode): Json {
  const { source, table } = n.source!;
  const declared = project.resolveSource({ source, table });
  const { database, schema, alias: identifier } = sourceRelationOf(project, n);
  return {
    database, schema, name: table, resource_type: 'source', package_name: n.packageName,
    path: n.path, original_file_path: n.path, unique_id: n.id, fqn: n.fqn,
    source_name: source, source_description: '', loader: '', identifier,
    quoting: { database: null, schema: null, identifier: null, column: null },
    loaded_at_field: declared?.loadedAtField ?? null, freshness: declared?.freshness ?? null, external: null,
    description: declared?.description ?? '', columns: columnsJson(declared?.columns ?? []),
    meta: {}, source_meta: {}, tags: n.tags, config: { enabled: true, tags: n.tags },
    patch_path: null, unrendered_config: {}, relation_name: declared ? sourceRelationName(project, declared, { database, schema, alias: identifier }) : relationName(project, { database, schema, alias: identifier }),
    created_at: Date.now() / 1000,
  };
}

/**
 * A source's relation_name: a DuckDB source's external_location as dbt-duckdb renders it (as compiled SQL reads it),
 * else its database.schema.identifier; null where the location does not render (dbt would stop; compiling a model
 * that reads it reports why).
 */
function sourceRelationName(project: DbtProject, table: NonNullable<ReturnType<DbtProject['resolveSource']>>, r: { database: string; schema: string; alias: string }): string | null {
  try {
    const external = dbtSourceRelation(project, table).external;
    return external ?? relationName(project, r);
  } catch (e) {
    if (e instanceof CompilerError) return null;
    throw e;
  }
}

/**
 * A source's relation: the Iceberg table its meta.iceberg_table names; else, as dbt's manifest has it, its YAML's
 * database (the target's without one), schema and identifier with their Jinja rendered (flow-models'
 * `schema: {{ "FLOW_DEV" if var(...) else "FLOW" }}`).
 */
export function sourceRelationOf(project: DbtProject, n: SelectableNode): { database: string; schema: string; alias: string } {
  const table = project.resolveSource(n.source!);
  if (table && table.icebergTable === `${table.relation.schema}.${table.relation.identifier}`) {
    const pkg = project.entry(table.file)?.packageName ?? project.name;
    const rendered = (text: string) => renderSetting(project, pkg, table.sourceName, text)?.trim() ?? text;
    const { database, schema, identifier } = table.relation;
    return { database: database !== undefined ? rendered(database) : databaseOf(project), schema: rendered(schema), alias: rendered(identifier) };
  }
  const id = (table?.icebergTable ?? `${n.source!.source}.${n.source!.table}`).split('.');
  return { database: databaseOf(project), schema: id.slice(0, -1).join('.'), alias: id[id.length - 1] };
}

function databaseOf(project: DbtProject): string {
  return project.target.catalog?.warehouse ?? project.target.database;
}

function columnsJson(columns: Column[]): Json {
  return Object.fromEntries(columns.map((c) => [c.name, {
    name: c.name, description: c.description ?? '', meta: {}, data_type: c.type ?? null, constraints: [], quote: null, tags: [],
  }]));
}

const HOOK_KEYS = new Set(['pre-hook', 'post-hook', 'pre_hook', 'post_hook']);

/** Hooks as written (a copy). */
function copyHooks(v: unknown): unknown {
  return Array.isArray(v) ? v.map(copyHooks) : v && typeof v === 'object' ? { ...v } : v;
}

/**
 * The node's config as JSON (Floe's config values are YAML/Jinja literals already), a copy; integral floats as
 * PyFloats, written `1.0`; its hooks as dbt's manifest has them: `pre-hook`/`post-hook` lists of {sql, transaction,
 * index}, however the project wrote them (a string, a list, a dict with `transaction`, `pre_hook=` in config()).
 */
function configJson(n: SelectableNode): Json {
  // values written in Jinja are rendered already (configRender.ts); hooks stay as written, rendered when they run
  const copy = (v: unknown): unknown => (v instanceof PyFloat || typeof v !== 'object' || v === null ? v
      : Array.isArray(v) ? v.map(copy) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)])));
  const raw = withPyFloats(n.config ?? {}) as Record<string, unknown>;
  const config = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, HOOK_KEYS.has(k) ? copyHooks(v) : copy(v)])) as Json;
  for (const [dash, underscore] of [['pre-hook', 'pre_hook'], ['post-hook', 'post_hook']]) {
    const hooks = [config[dash], config[underscore]].flatMap((v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]));
    delete config[underscore];
    if (hooks.length || dash in config) config[dash] = hooks.map(hookJson);
  }
  return config;
}

/**
 * A data test's config as dbt writes it: every key of its TestConfig, in its order, with dbt's defaults (severity
 * 'ERROR' when the project sets none, else as written: `warn` stays lowercase), then the test's own values.
 */
function testConfigJson(n: SelectableNode, test: DataTest): Json {
  const own: Record<string, unknown> = { ...configJson(n), enabled: true, tags: n.tags };
  delete own.severity;
  const defaults: Record<string, unknown> = {
    enabled: true, alias: null, schema: null, database: null, tags: [], meta: {}, group: null, materialized: 'test',
    severity: test.severityText ?? 'ERROR', store_failures: null, store_failures_as: null, where: null, limit: null,
    fail_calc: 'count(*)', warn_if: '!= 0', error_if: '!= 0',
  };
  return { ...defaults, ...own };
}

function hookJson(h: unknown): Json {
  if (h === null || typeof h !== 'object' || Array.isArray(h)) return { sql: String(h), transaction: true, index: null };
  const o = h as Json;
  return { sql: String(o.sql ?? ''), transaction: o.transaction !== false, index: typeof o.index === 'number' ? o.index : null };
}

/** The raw_code dbt gives a generic test: the test macro called with its kwargs, and the alias of a cut name. */
function genericTestRawCode(t: DataTest): string {
  const dot = t.kind.lastIndexOf('.');
  const macro = dot < 0 ? `test_${t.kind}` : `${t.kind.slice(0, dot)}.test_${t.kind.slice(dot + 1)}`;
  const fileName = genericTestFileName(t);
  return `{{ ${macro}(**_dbt_generic_test_kwargs) }}${fileName !== genericTestName(t) ? `{{ config(alias="${fileName}") }}` : ''}`;
}

/** dbt's `path`: relative to the resource folder (`marts/mart_revenue.sql` under models/); a generic test's its name. */
function pathInResourceFolder(project: DbtProject, n: SelectableNode): string {
  if (n.test && n.test.kind !== 'singular') return `${genericTestFileName(n.test)}.sql`;
  const settings = project.settings;
  // a YAML snapshot: its YAML file's path in whichever folder dbt read it from, then `<name>.sql` (dbt's compiled_path)
  if (isYamlSnapshot(n)) {
    const all = [settings.modelPaths, settings.seedPaths, settings.snapshotPaths, settings.analysisPaths, settings.macroPaths, settings.testPaths].flat();
    return `${inFolder(n.path, all)}/${n.name}.sql`;
  }
  const folders = n.resourceType === 'seed' ? settings.seedPaths : n.resourceType === 'snapshot' ? settings.snapshotPaths
    : n.resourceType === 'test' ? settings.testPaths : n.resourceType === 'analysis' ? settings.analysisPaths : settings.modelPaths;
  return inFolder(n.path, folders);
}

function inFolder(file: string, folders: string[]): string {
  for (const folder of folders) {
    const prefix = `${folder.replace(/\/+$/, '')}/`;
    if (file.startsWith(prefix)) return file.slice(prefix.length);
  }
  return file;
}

const isYamlSnapshot = (n: SelectableNode) => n.resourceType === 'snapshot' && /\.ya?ml$/.test(n.path);

/**
 * Where dbt writes a node's compiled SQL under <target-path>/<subdirectory>/<package>/ (get_target_write_path): its
 * file's path when the node is its file's only one, else that path, then the node's path (a generic test's, a YAML
 * snapshot's: `snapshots/snaps.yml/snaps.yml/orders_snapshot.sql`).
 */
export function targetWritePath(project: DbtProject, n: SelectableNode): string {
  const own = pathInResourceFolder(project, n);
  return path.posix.basename(own) === path.posix.basename(n.path) ? n.path : path.posix.join(n.path, own);
}
