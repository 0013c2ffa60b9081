// Where a model is materialized: the gold Iceberg table, its location and write mode, from the model's config.
import type { ModelConfig } from '../project/config';
import type { TableIdentifier } from '../iceberg/spec';
import type { OnSchemaChange, WriteMode } from '../engine/write/write-table';

export interface GoldTarget {
  table: TableIdentifier;
  /** Base location for a new table (the layer's bucket or folder), when configured. */
  location?: string;
  incremental: boolean;
  uniqueKey?: string[];
  partitionBy?: string | string[];
  /** dbt's on_schema_change for incremental models. */
  onSchemaChange?: OnSchemaChange;
}

const WRITTEN = new Set(['external', 'table', 'incremental']);
const ON_SCHEMA_CHANGE = new Set(['append_new_columns', 'ignore', 'fail', 'sync_all_columns']);

/** The gold table for a model, or undefined for views and ephemeral models (nothing to write). */
export function goldTargetOf(modelName: string, config: ModelConfig, layerLocations: Record<string, string>): GoldTarget | undefined {
  const materialized = String(config.materialized ?? 'view');
  if (!WRITTEN.has(materialized)) return undefined;
  const namespaceText = str(config.polaris_namespace) ?? str(config.schema);
  if (!namespaceText) return undefined;
  const namespace = namespaceText.split('.').filter(Boolean);
  const name = str(config.polaris_table) ?? str(config.alias) ?? modelName;
  const base = layerLocations[namespaceText] ?? layerLocations[str(config.schema) ?? ''];
  const uniqueKey = config.unique_key === undefined ? undefined : (Array.isArray(config.unique_key) ? config.unique_key.map(String) : [String(config.unique_key)]);
  const partitionBy = config.partition_by === undefined ? undefined : (Array.isArray(config.partition_by) ? config.partition_by.map(String) : String(config.partition_by));
  return {
    table: { namespace, name },
    location: base ? `${base.replace(/\/+$/, '')}/${name}` : undefined,
    incremental: materialized === 'incremental',
    uniqueKey,
    partitionBy,
    onSchemaChange: ON_SCHEMA_CHANGE.has(String(config.on_schema_change)) ? (String(config.on_schema_change) as OnSchemaChange) : undefined,
  };
}

/** In plain words, why a model has no gold table (undefined when it has one). */
export function whyNotWritten(modelName: string, config: ModelConfig): string | undefined {
  if (goldTargetOf(modelName, config, {})) return undefined;
  const materialized = String(config.materialized ?? 'view');
  if (materialized === 'view') return `${modelName} is a view (materialized='view'), so there is no Iceberg table to write; preview it instead, or set materialized='table' and a schema to write it`;
  if (materialized === 'ephemeral') return `${modelName} is ephemeral (inlined into the models that use it), so there is no table to write`;
  if (WRITTEN.has(materialized)) return `${modelName} is materialized as ${materialized} but names no schema: add schema='gold' (or polaris_namespace) to its config so Floe knows which catalog namespace to write it to`;
  return `${modelName} is materialized as ${materialized}, which Floe does not write; Floe writes table, incremental and external models into the catalog`;
}

/** create for a new table; for an existing one overwrite, or for incremental models append / merge on unique_key. */
export function writeModeOf(target: GoldTarget, exists: boolean): WriteMode {
  if (!exists) return 'create';
  if (!target.incremental) return 'overwrite';
  return target.uniqueKey?.length ? 'merge' : 'append';
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** The Iceberg table a seed is loaded into: like a table model, under its polaris_namespace or schema (none: not loaded). */
export function seedTargetOf(seedName: string, config: ModelConfig, layerLocations: Record<string, string>): GoldTarget | undefined {
  return goldTargetOf(seedName, { ...config, materialized: 'table' }, layerLocations);
}
