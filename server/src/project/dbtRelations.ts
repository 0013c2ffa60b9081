// Relations as dbt names them (a node's relation_name, what ref/source/this render to in dbt's compiled SQL): database,
// schema and alias through the project's generate_database_name / generate_schema_name / generate_alias_name (its own,
// a package's for its nodes, else dbt's defaults), a source's database/schema/identifier from its YAML, written with
// the adapter's quote and include policies and the project's `quoting:`. Floe's own engine names relations its way
// (compile.ts's defaultRelationName); this is for the SQL Floe hands to dbt users (target/compiled, compiled_code).
import path from 'node:path';
import { CompilerError, firstLine, type RenderHooks } from '../jinja/environment';
import { explainRenderError } from '../jinja/renderMessages';
import { environmentOf, renderSetting, settingsHooks } from './jinjaEnvironment';
import type { Quoting } from './dbtProjectFile';
import type { DbtProject, ModelNode } from './project';
import type { SourceTable } from './schemaYaml';
import { duckdbExternalLocation } from './duckdbSources';

export interface DbtRelation {
  database?: string;
  schema?: string;
  identifier: string;
  /** The relation's own quoting (a source's `quoting:`), over the project's. */
  quoting?: Quoting;
  /** What the relation renders as instead of its parts (a dbt-duckdb source's `external_location`). */
  external?: string;
}

type Part = 'database' | 'schema' | 'identifier';
const PARTS: Part[] = ['database', 'schema', 'identifier'];

/** `always`: the adapter's render quotes every included part whatever the quoting configs say (dbt-clickhouse). */
interface AdapterPolicy { quoteChar: string; quote: Record<Part, boolean>; include: Record<Part, boolean>; always?: boolean }

const ALL = { database: true, schema: true, identifier: true };
const NONE = { database: false, schema: false, identifier: false };

/** Each adapter's Relation class defaults (dbt-adapters: quote_character, quote_policy, include_policy). */
function policyOf(adapter: string): AdapterPolicy {
  switch (adapter) {
    case 'snowflake': return { quoteChar: '"', quote: NONE, include: ALL };
    case 'bigquery': case 'databricks': return { quoteChar: '`', quote: ALL, include: ALL };
    case 'spark': return { quoteChar: '`', quote: NONE, include: { database: false, schema: true, identifier: true } };
    // dbt-clickhouse: no database level; ClickHouseRelation.render backticks each part
    case 'clickhouse': return { quoteChar: '`', quote: ALL, include: { database: false, schema: true, identifier: true }, always: true };
    // dbt-sqlite: a schema is an attached database file; the path (the profile's database) is never written
    case 'sqlite': return { quoteChar: '"', quote: { database: false, schema: false, identifier: true }, include: { database: false, schema: true, identifier: true } };
    default: return { quoteChar: '"', quote: ALL, include: ALL };
  }
}

/** A relation as dbt renders it: included parts joined by dots, each quoted where the policy says (default < project < its own). */
export function renderDbtRelation(project: DbtProject, r: DbtRelation): string {
  if (r.external !== undefined) return r.external;
  const policy = policyOf(project.target.adapter ?? project.target.type);
  const quote = policy.always ? policy.quote : { ...policy.quote, ...project.settings.quoting, ...r.quoting };
  const out: string[] = [];
  for (const part of PARTS) {
    const value = r[part];
    if (!policy.include[part] || value === undefined || value === null) continue;
    out.push(quote[part] ? `${policy.quoteChar}${value}${policy.quoteChar}` : value);
  }
  return out.join('.');
}

/** dbt's name for an ephemeral model read by a ref: the CTE dbt injects (`__dbt__cte__<alias>`). */
export function ephemeralCteName(relation: DbtRelation): string {
  return `__dbt__cte__${relation.identifier}`;
}

const nodeRelations = new WeakMap<DbtProject, { version: number; byFile: Map<string, DbtRelation> }>();

/**
 * A model's, seed's or snapshot's relation as dbt resolves it at parse time. `hooks` are the render under way when a
 * ref asks (so a nested render leaves its context as it was). Throws a CompilerError when a naming macro fails.
 */
export function dbtNodeRelation(project: DbtProject, node: ModelNode, hooks?: RenderHooks): DbtRelation {
  let kept = nodeRelations.get(project);
  if (kept?.version !== project.version) nodeRelations.set(project, (kept = { version: project.version, byFile: new Map() }));
  const key = `${node.file}\u0000${node.kind}\u0000${node.name}`;
  let relation = kept.byFile.get(key);
  if (!relation) kept.byFile.set(key, (relation = resolveNodeRelation(project, node, hooks)));
  return relation;
}

/** A node's dbt unique id (`model.pkg.name`, `.v2` for a version) and its path in its package, as dbt's manifest has them. */
export function dbtNodeIdentity(project: DbtProject, node: ModelNode): { uniqueId: string; originalPath: string; name: string; version?: { model: string; v: string } } {
  const version = node.kind === 'model' ? project.versionOf(node.name) : undefined;
  const name = version?.model ?? node.name;
  const root = project.packages.find((p) => p.name === node.packageName)?.root ?? project.root;
  const originalPath = path.relative(root, node.file).split(path.sep).join('/');
  return { uniqueId: `${node.kind}.${node.packageName}.${name}${version ? `.v${version.v}` : ''}`, originalPath, name, version };
}

function resolveNodeRelation(project: DbtProject, node: ModelNode, hooks: RenderHooks | undefined): DbtRelation {
  const config = project.configOf(node);
  const { uniqueId, originalPath, name, version } = dbtNodeIdentity(project, node);
  const entry = project.entry(node.file);
  const fqn = [node.packageName, ...(entry?.folders ?? []), ...(version ? [version.model, `v${version.v}`] : [node.name])];
  // What dbt's naming macros see of the node (its parsed node object): the fields macros read in practice.
  const nodeValue = {
    name, resource_type: node.kind, package_name: node.packageName, unique_id: uniqueId,
    fqn, path: [...(entry?.folders ?? []), path.basename(node.file)].join('/'), original_file_path: originalPath, version: version?.v ?? null, config, tags: config.tags ?? [],
  };
  const ask = (component: Part, custom: unknown) => generatedName(project, node, component, custom, nodeValue, hooks);
  const database = node.kind === 'snapshot' && typeof config.target_database === 'string' ? config.target_database : ask('database', config.database);
  const schema = node.kind === 'snapshot' && typeof config.target_schema === 'string' ? config.target_schema : ask('schema', config.schema);
  return { database: database || undefined, schema: schema || undefined, identifier: ask('identifier', config.alias) };
}

/**
 * A name dbt's generate_database_name / generate_schema_name / generate_alias_name macro gives a node (`owner`: its
 * package, which resolves the macro, and name), from its custom config value; `nodeValue` is what the macro sees of it.
 */
function generatedName(project: DbtProject, owner: { packageName: string; name: string }, component: Part, custom: unknown, nodeValue: object, hooks?: RenderHooks): string {
  const macro = component === 'identifier' ? 'generate_alias_name' : `generate_${component}_name`;
  // dbt renders a config's Jinja (`+schema: "{{ var('s') }}"`) before the macro sees it
  const value = typeof custom === 'string' ? renderSetting(project, owner.packageName, owner.name, custom) : undefined;
  if (typeof custom === 'string' && value === undefined) throw new CompilerError(`${owner.name}'s ${component === 'identifier' ? 'alias' : component} config '${custom}' could not be rendered, so dbt's name for its relation is unknown`);
  const custom_ = value !== undefined && value.trim() !== '' ? value : null;
  try {
    // the node's package resolves the macro: its own override first (dbt's package_updaters), then the root's, dbt's
    const context = hooks ? { ...hooks, packageName: owner.packageName } : settingsHooks(project, owner.packageName, owner.name);
    const text = environmentOf(project).renderString(`{{ ${macro}(__floe_custom, __floe_node) }}`, context, { __floe_custom: custom_, __floe_node: nodeValue });
    return text.trim();
  } catch (e) {
    throw new CompilerError(`${macro} failed for ${owner.name}, so dbt's name for its relation is unknown: ${explainRenderError(firstLine(e))}`);
  }
}

/** dbt's default schema of a data test's node (its audit schema, where `store_failures` writes). */
export const DBT_TEST_SCHEMA = 'dbt_test__audit';

/**
 * A data test node's relation as dbt's manifest has it: the database and schema the project's naming macros give it
 * (its schema config, by default `dbt_test__audit`, as a custom schema: `main_dbt_test__audit`), its name as alias.
 */
export function dbtTestRelation(project: DbtProject, test: { packageName: string; name: string; uniqueId: string; fqn: string[]; originalPath: string; config: Record<string, unknown> }): DbtRelation {
  const nodeValue = {
    name: test.name, resource_type: 'test', package_name: test.packageName, unique_id: test.uniqueId, fqn: test.fqn,
    original_file_path: test.originalPath, config: test.config, tags: test.config.tags ?? [],
  };
  const ask = (component: Part, custom: unknown) => generatedName(project, test, component, custom, nodeValue);
  return { database: ask('database', test.config.database) || undefined, schema: ask('schema', test.config.schema) || undefined, identifier: test.name };
}

/** A source table's relation as dbt names it: the source's database (else the target's) and schema, the table's identifier. */
export function dbtSourceRelation(project: DbtProject, table: SourceTable): DbtRelation {
  const pkg = project.entry(table.file)?.packageName ?? project.name;
  const rendered = (text: string) => renderSetting(project, pkg, table.sourceName, text)?.trim() ?? text;
  const r = table.relation;
  const relation: DbtRelation = {
    database: r.database !== undefined ? rendered(r.database) : project.target.database,
    schema: rendered(r.schema), identifier: rendered(r.identifier), quoting: r.quoting,
  };
  if ((project.target.adapter ?? project.target.type) !== 'duckdb' || !table.adapterConfig) return relation;
  const name = `source '${table.sourceName}.${table.name}'`;
  // dbt renders a source's meta and config as it reads the YAML, and stops when one does not render
  const renderedValue = (key: string, v: unknown): unknown => {
    if (typeof v !== 'string') return v;
    const out = renderSetting(project, pkg, table.sourceName, v);
    if (out !== undefined) return out;
    try {
      environmentOf(project).renderString(v, settingsHooks(project, pkg, table.sourceName));
    } catch (e) {
      throw new CompilerError(`The ${key} of ${name} does not render: ${firstLine(e)}`);
    }
    return v;
  };
  const config = Object.fromEntries(Object.entries(table.adapterConfig).map(([k, v]) => [k, renderedValue(k, v)]));
  try {
    const external = duckdbExternalLocation({ name: table.name, identifier: relation.identifier, schema: relation.schema!, database: relation.database, tags: [...(table.tags ?? [])].sort(), config });
    return external === undefined ? relation : { ...relation, external };
  } catch (e) {
    throw new CompilerError(`dbt-duckdb cannot name ${name}: ${firstLine(e)}`);
  }
}
