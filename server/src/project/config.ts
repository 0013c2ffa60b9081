// Model config: the keys Floe understands, value validation, and dbt's precedence
// (config() in the model > schema YAML > dbt_project.yml, most specific folder first; tags accumulate).
import type { Literal } from '../jinja/calls';
import { closest } from '../util/suggest';
import { carryMark } from './yamlFloats';

export type ModelConfig = Record<string, Literal>;

interface KeySpec {
  description: string;
  values?: string[];
  kind: 'string' | 'string-or-list' | 'any' | 'boolean';
}

export const CONFIG_KEYS: Record<string, KeySpec> = {
  materialized: { kind: 'string', values: ['view', 'table', 'external', 'incremental', 'ephemeral'], description: 'How the model is built' },
  schema: { kind: 'string', description: 'Schema (namespace) suffix for the relation' },
  tags: { kind: 'string-or-list', description: 'Tags for selection' },
  alias: { kind: 'string', description: 'Relation name instead of the model name' },
  location: { kind: 'string', description: 'Where an external model writes its files' },
  format: { kind: 'string', values: ['parquet', 'csv', 'json'], description: 'File format of an external model' },
  polaris_namespace: { kind: 'string', description: 'Iceberg namespace in the Polaris catalog, e.g. demo.gold' },
  polaris_table: { kind: 'string', description: 'Iceberg table name in the Polaris catalog' },
  partition_by: { kind: 'any', description: 'Iceberg partition spec: col, year(col), month(col), day(col), hour(col), bucket(N, col), truncate(W, col) or void(col); e.g. ["month(order_date)", "bucket(16, customer_id)"]' },
  unique_key: { kind: 'string-or-list', description: 'Key columns for incremental merges' },
  incremental_strategy: { kind: 'string', values: ['append', 'merge', 'delete+insert', 'microbatch'], description: 'How incremental runs apply new rows' },
  on_schema_change: { kind: 'string', values: ['ignore', 'fail', 'append_new_columns', 'sync_all_columns'], description: 'What incremental runs do when columns change' },
  enabled: { kind: 'boolean', description: 'Whether the model is part of the project' },
};

/** dbt keys Floe does not act on but accepts without a warning: dbt core's and the adapters' (model, seed, snapshot, test). */
const KNOWN_DBT_KEYS = new Set([
  // dbt core
  'database', 'pre_hook', 'post_hook', 'pre-hook', 'post-hook', 'meta', 'docs', 'persist_docs', 'full_refresh', 'contract', 'grants', 'group',
  'access', 'sql_header', 'batch_size', 'event_time', 'lookback', 'begin', 'concurrent_batches', 'strategy', 'updated_at', 'check_cols',
  'target_schema', 'target_database', 'quote_columns', 'column_types', 'delimiter', 'options', 'description', 'quoting',
  'snapshot_meta_column_names', 'invalidate_hard_deletes', 'hard_deletes', 'dbt_valid_to_current', 'severity', 'store_failures',
  'store_failures_as', 'where', 'limit', 'warn_if', 'error_if', 'fail_calc', 'on_configuration_change', 'incremental_predicates',
  'merge_update_columns', 'merge_exclude_columns', 'packages', 'python_version', 'imports', 'submission_method', 'catalog', 'catalog_name',
  'freshness', 'loaded_at_field', 'predicates', 'persist_docs', 'unique_id', 'docs', 'column_name', 'dbt_utils', 'schema_name',
  // DuckDB
  'plugin', 'glue_register', 'glue_database', 'per_thread_output', 'overwrite_or_ignore', 'partitioned_by', 'file_format', 'use_iceberg',
  // Snowflake
  'transient', 'cluster_by', 'automatic_clustering', 'copy_grants', 'secure', 'snowflake_warehouse', 'query_tag', 'table_format',
  'external_volume', 'base_location_root', 'base_location_subpath', 'target_lag', 'refresh_mode', 'initialize', 'tmp_relation_type',
  'row_access_policy', 'table_tag', 'change_tracking', 'iceberg', 'warehouse', 'data_retention_time_in_days', 'max_data_extension_time_in_days',
  // BigQuery
  'labels', 'partition_expiration_days', 'require_partition_filter', 'kms_key_name', 'hours_to_expiration', 'policy_tags', 'partitions',
  'grant_access_to', 'enable_refresh', 'refresh_interval_minutes', 'max_staleness', 'resource_tags', 'dataproc_cluster_name',
  'notebook_template_id', 'enable_list_inference', 'intermediate_format', 'storage_uri', 'job_execution_timeout_seconds', 'job_retries',
  'labels_from_meta', 'dataset', 'project', 'friendly_name',
  // Redshift, Postgres
  'dist', 'sort', 'sort_type', 'bind', 'backup', 'auto_refresh', 'indexes', 'unlogged', 'dist_key', 'sort_key',
  // Databricks, Spark
  'location_root', 'clustered_by', 'buckets', 'liquid_clustered_by', 'auto_liquid_cluster', 'tblproperties', 'zorder', 'databricks_tags',
  'compression', 'include_full_name_in_path', 'skip_matched_step', 'skip_not_matched_step', 'merge_with_schema_evolution', 'matched_condition',
  'not_matched_condition', 'not_matched_by_source_action', 'not_matched_by_source_condition', 'target_alias', 'source_alias', 'file_format',
  'databricks_compute', 'http_path', 'create_notebook', 'job_cluster_config', 'cluster_id', 'timeout', 'python_job_config', 'user_folder_for_python',
  // Athena, Trino, ClickHouse and others
  'table_type', 'external_location', 'bucketed_by', 'bucket_count', 'write_compression', 'field_delimiter', 'lf_tags_config', 's3_data_dir',
  's3_data_naming', 'table_properties', 'force_batch', 'properties', 'views_enabled', 'engine', 'order_by', 'primary_key', 'settings',
  'sharding_key', 'ttl', 'query_settings', 'materialization_type', 'views', 'on_cluster_clause',
]);

/** Materializations of dbt core and the common adapters (custom ones, defined in macros, are allowed too). */
const KNOWN_MATERIALIZATIONS = ['view', 'table', 'external', 'incremental', 'ephemeral', 'materialized_view', 'dynamic_table', 'snapshot',
  'seed', 'test', 'unit', 'streaming_table', 'microbatch'];

/**
 * A materialization the project or a package defines itself (`{% materialization name %}`) and dbt does not: dbt hands
 * it the model's SQL, which it may rewrite before running it (insert_by_period's `__PERIOD_FILTER__`).
 */
export function isOwnMaterialization(materialized: unknown, defined: ReadonlySet<string>): materialized is string {
  return typeof materialized === 'string' && defined.has(materialized) && !KNOWN_MATERIALIZATIONS.includes(materialized);
}

export interface ConfigProblem {
  severity: 'error' | 'warning';
  code: 'config-unknown-key' | 'config-invalid-value';
  message: string;
}

export function isKnownConfigKey(key: string): boolean {
  return key in CONFIG_KEYS || KNOWN_DBT_KEYS.has(key);
}

/**
 * Checks one key and its value; `value` is undefined when it is not a literal (then only the key is checked).
 * dbt accepts any config key and any materialization a macro defines, so only a likely typo (an unknown name
 * close to a known one) is a warning; a value of the wrong type for a key Floe acts on is an error.
 */
/** The materialization an 'Unknown materialized' warning of checkConfigEntry names, to drop it when a macro defines it. */
export function unknownMaterialization(problem: { code: string; message: string }): string | undefined {
  return problem.code === 'config-invalid-value' ? /^Unknown materialized '([^']*)'/.exec(problem.message)?.[1] : undefined;
}

export function checkConfigEntry(key: string, value: Literal | undefined, isLiteral: boolean): ConfigProblem | undefined {
  const spec = CONFIG_KEYS[key];
  if (!spec) {
    if (KNOWN_DBT_KEYS.has(key)) return undefined;
    // Only a near miss of a key Floe acts on: any other key may be an adapter's or one a macro reads (config.get).
    const near = closest(key, Object.keys(CONFIG_KEYS));
    return near ? { severity: 'warning', code: 'config-unknown-key', message: `Unknown config key '${key}'. Did you mean '${near}'?` } : undefined;
  }
  // dbt renders Jinja in YAML config values: the value is known only then.
  if (!isLiteral || (typeof value === 'string' && value.includes('{{'))) return undefined;
  const bad = (what: string) => ({ severity: 'error' as const, code: 'config-invalid-value' as const, message: `Invalid value for '${key}': ${what}` });
  switch (spec.kind) {
    case 'string': {
      if (typeof value !== 'string') return bad(`expected a string${spec.values ? ` (such as ${spec.values.map((v) => `'${v}'`).join(', ')})` : ''}`);
      const known = key === 'materialized' ? KNOWN_MATERIALIZATIONS : spec.values;
      if (!known || known.includes(value)) return undefined;
      const near = closest(value, known);
      return near ? { severity: 'warning', code: 'config-invalid-value', message: `Unknown ${key} '${value}'. Did you mean '${near}'?` } : undefined;
    }
    case 'string-or-list':
      if (typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))) return undefined;
      return bad('expected a string or a list of strings');
    case 'boolean':
      return typeof value === 'boolean' ? undefined : bad('expected true or false');
    default:
      return undefined;
  }
}

/** Folder configs from dbt_project.yml `models:` for a model at `folders` (relative to its model path). */
export function folderConfig(tree: unknown, projectName: string, folders: string[]): ModelConfig {
  const out: ModelConfig = {};
  if (!tree || typeof tree !== 'object') return out;
  let node: unknown = (tree as Record<string, unknown>)[projectName];
  const levels: unknown[] = [tree];
  if (node && typeof node === 'object') {
    levels.push(node);
    for (const folder of folders) {
      node = (node as Record<string, unknown>)[folder];
      if (!node || typeof node !== 'object') break;
      levels.push(node);
    }
  }
  for (const level of levels) {
    for (const [k, v] of Object.entries(level as Record<string, unknown>)) {
      if (!k.startsWith('+') && !(k in CONFIG_KEYS)) continue;
      if (!k.startsWith('+') && typeof v === 'object' && v !== null && !Array.isArray(v)) continue;
      mergeKey(out, k.replace(/^\+/, ''), v as Literal, level as object, k);
    }
  }
  return out;
}

/**
 * Whether a dbt_project.yml config tree has a key for every step of `path` under the project (a node's fqn), then
 * `last` when given (a node's own name: no fqn array made for each of 10k models).
 */
export function configTreeHas(tree: unknown, projectName: string, path: string[], last?: string): boolean {
  const step = (node: unknown, key: string): unknown => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined);
  let node = step(tree, projectName);
  for (const key of path) node = step(node, key);
  if (last !== undefined) node = step(node, last);
  return !!node && typeof node === 'object' && !Array.isArray(node);
}

/** Merges configs from least to most specific. */
export function mergeConfigs(...layers: Array<ModelConfig | undefined>): ModelConfig {
  const out: ModelConfig = {};
  for (const layer of layers) if (layer) for (const [k, v] of Object.entries(layer)) mergeKey(out, k, v, layer, k);
  return out;
}

/** Sets one key, keeping whether its value was written as an integral float (`+scale: 1.0`: Jinja prints 1.0). */
function mergeKey(out: ModelConfig, key: string, value: Literal, from: object, fromKey: string): void {
  if (key === 'tags') {
    const prev = out.tags === undefined ? [] : Array.isArray(out.tags) ? out.tags : [out.tags];
    const next = Array.isArray(value) ? value : [value];
    out.tags = [...new Set([...prev, ...next])];
  } else {
    out[key] = value;
    carryMark(from, fromKey, out, key);
  }
}
