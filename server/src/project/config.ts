// Model config: the keys Floe understands, value validation, and dbt's precedence
// (config() in the model > schema YAML > dbt_project.yml, most specific folder first; tags accumulate).
import type { Literal } from '../jinja/calls';

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

/** dbt keys Floe does not act on but accepts without a warning. */
const KNOWN_DBT_KEYS = new Set(['database', 'pre_hook', 'post_hook', 'pre-hook', 'post-hook', 'meta', 'docs', 'persist_docs', 'full_refresh',
  'contract', 'grants', 'group', 'access', 'sql_header', 'batch_size', 'event_time', 'lookback', 'begin', 'strategy', 'updated_at',
  'check_cols', 'target_schema', 'target_database', 'quote_columns', 'column_types', 'delimiter', 'options', 'description', 'quoting',
  'snapshot_meta_column_names', 'invalidate_hard_deletes', 'hard_deletes', 'severity', 'store_failures', 'where', 'limit', 'warn_if', 'error_if']);

export interface ConfigProblem {
  severity: 'error' | 'warning';
  code: 'config-unknown-key' | 'config-invalid-value';
  message: string;
}

export function isKnownConfigKey(key: string): boolean {
  return key in CONFIG_KEYS || KNOWN_DBT_KEYS.has(key);
}

/** Checks one key and its value; `value` is undefined when it is not a literal (then only the key is checked). */
export function checkConfigEntry(key: string, value: Literal | undefined, isLiteral: boolean): ConfigProblem | undefined {
  const spec = CONFIG_KEYS[key];
  if (!spec) {
    if (KNOWN_DBT_KEYS.has(key)) return undefined;
    return { severity: 'warning', code: 'config-unknown-key', message: `Unknown config key '${key}'. Allowed: ${Object.keys(CONFIG_KEYS).join(', ')}` };
  }
  if (!isLiteral) return undefined;
  const bad = (what: string) => ({ severity: 'error' as const, code: 'config-invalid-value' as const, message: `Invalid value for '${key}': ${what}` });
  switch (spec.kind) {
    case 'string':
      if (typeof value !== 'string') return bad(`expected a string${spec.values ? ` (one of ${spec.values.map((v) => `'${v}'`).join(', ')})` : ''}`);
      if (spec.values && !spec.values.includes(value)) return bad(`'${value}' is not one of ${spec.values.map((v) => `'${v}'`).join(', ')}`);
      return undefined;
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
      mergeKey(out, k.replace(/^\+/, ''), v as Literal);
    }
  }
  return out;
}

/** Merges configs from least to most specific. */
export function mergeConfigs(...layers: Array<ModelConfig | undefined>): ModelConfig {
  const out: ModelConfig = {};
  for (const layer of layers) if (layer) for (const [k, v] of Object.entries(layer)) mergeKey(out, k, v);
  return out;
}

function mergeKey(out: ModelConfig, key: string, value: Literal): void {
  if (key === 'tags') {
    const prev = out.tags === undefined ? [] : Array.isArray(out.tags) ? out.tags : [out.tags];
    const next = Array.isArray(value) ? value : [value];
    out.tags = [...new Set([...prev, ...next])];
  } else {
    out[key] = value;
  }
}
