// A dbt snapshot's config read as dbt reads it (strategy, unique_key, updated_at, check_cols, hard_deletes /
// invalidate_hard_deletes, snapshot_meta_column_names, dbt_valid_to_current) and where it is written: the Iceberg
// table under target_schema / schema (or polaris_namespace; else the profile target's schema, as dbt 1.9 does), named
// by alias or the snapshot's name. Pure; a config dbt
// would refuse is an error naming the snapshot and the key.
import type { ModelConfig } from '../project/config';
import type { TableIdentifier } from '../iceberg/spec';

export type HardDeletes = 'ignore' | 'invalidate' | 'new_record';

/** The names of the columns dbt adds, after snapshot_meta_column_names. */
export interface SnapshotMetaColumns {
  validFrom: string;
  validTo: string;
  scdId: string;
  updatedAt: string;
  isDeleted: string;
}

export interface SnapshotSpec {
  table: TableIdentifier;
  /** Base location for a new table (the layer's bucket or folder), when configured. */
  location?: string;
  strategy: 'timestamp' | 'check';
  /** Each a column name or, as dbt allows, an SQL expression over the query's columns. */
  uniqueKey: string[];
  /** timestamp: the column (or expression) saying when a row changed; check: optional, else the run's time. */
  updatedAt?: string;
  /** check: the columns compared, or every column of the query. */
  checkCols?: string[] | 'all';
  hardDeletes: HardDeletes;
  meta: SnapshotMetaColumns;
  /** SQL for dbt_valid_to on current rows in place of NULL (dbt_valid_to_current). */
  validToCurrent?: string;
}

export class SnapshotConfigError extends Error {}

const HARD_DELETES: readonly HardDeletes[] = ['ignore', 'invalidate', 'new_record'];

/**
 * The snapshot's spec from its effective config; layer locations as for gold models. `targetSchema` (the profile
 * target's schema) is where a snapshot naming no schema goes, as in dbt 1.9.
 */
export function snapshotSpecOf(name: string, config: ModelConfig, layerLocations: Record<string, string> = {}, targetSchema?: string): SnapshotSpec {
  const bad = (message: string) => new SnapshotConfigError(`snapshot ${name}: ${message}`);
  const namespaceText = str(config.polaris_namespace) ?? str(config.target_schema) ?? str(config.schema) ?? str(targetSchema);
  if (!namespaceText) throw bad('names no target_schema or schema, so there is no catalog namespace to write it to: add schema=\'snapshots\' (or target_schema) to its config');
  const tableName = str(config.polaris_table) ?? str(config.alias) ?? name;
  const strategy = str(config.strategy);
  if (strategy !== 'timestamp' && strategy !== 'check') {
    throw bad(strategy === undefined ? "has no strategy: set strategy='timestamp' (with updated_at) or strategy='check' (with check_cols)" : `strategy '${strategy}' is not one dbt knows: use 'timestamp' or 'check'`);
  }
  const uniqueKey = (Array.isArray(config.unique_key) ? config.unique_key.map(String) : config.unique_key === undefined || config.unique_key === null ? [] : [String(config.unique_key)]).map((k) => k.trim()).filter(Boolean);
  if (!uniqueKey.length) throw bad('has no unique_key: name the column (or list of columns) that identifies a row');
  const updatedAt = str(config.updated_at);
  if (strategy === 'timestamp' && !updatedAt) throw bad("uses strategy 'timestamp' but has no updated_at: name the column that says when a row last changed");
  let checkCols: string[] | 'all' | undefined;
  if (strategy === 'check') {
    const given = config.check_cols;
    if (given === 'all') checkCols = 'all';
    else if (Array.isArray(given) && given.length > 0) checkCols = given.map(String);
    else if (typeof given === 'string' && given.trim() !== '') checkCols = [given.trim()];
    else throw bad(`uses strategy 'check' but check_cols is ${given === undefined ? 'missing' : `'${String(given)}'`}: give a list of columns or 'all'`);
  }
  return {
    table: { namespace: namespaceText.split('.').filter(Boolean), name: tableName },
    location: locationOf(layerLocations, namespaceText, str(config.target_schema) ?? str(config.schema), tableName),
    strategy, uniqueKey, updatedAt, checkCols,
    hardDeletes: hardDeletesOf(config, bad),
    meta: metaColumnsOf(config.snapshot_meta_column_names, bad),
    validToCurrent: str(config.dbt_valid_to_current),
  };
}

/** hard_deletes wins; invalidate_hard_deletes: true is the older spelling of hard_deletes: invalidate. */
function hardDeletesOf(config: ModelConfig, bad: (m: string) => Error): HardDeletes {
  const given = str(config.hard_deletes);
  if (given !== undefined) {
    if (!(HARD_DELETES as readonly string[]).includes(given)) throw bad(`hard_deletes '${given}' is not one of ${HARD_DELETES.join(', ')}`);
    return given as HardDeletes;
  }
  return config.invalidate_hard_deletes === true || config.invalidate_hard_deletes === 'true' ? 'invalidate' : 'ignore';
}

/** The columns dbt adds to a snapshot's table, by its config (dbt's names when the config is not one dbt accepts). */
export function snapshotAddedColumns(config: ModelConfig): Array<{ name: string; type: string }> {
  let meta: SnapshotMetaColumns;
  try {
    meta = metaColumnsOf(config.snapshot_meta_column_names, (m) => new SnapshotConfigError(m));
  } catch {
    meta = metaColumnsOf(undefined, (m) => new SnapshotConfigError(m));
  }
  const newRecord = str(config.hard_deletes) === 'new_record';
  return [
    { name: meta.scdId, type: 'VARCHAR' }, { name: meta.updatedAt, type: 'TIMESTAMP' }, { name: meta.validFrom, type: 'TIMESTAMP' }, { name: meta.validTo, type: 'TIMESTAMP' },
    ...(newRecord ? [{ name: meta.isDeleted, type: 'VARCHAR' }] : []),
  ];
}

function metaColumnsOf(given: unknown, bad: (m: string) => Error): SnapshotMetaColumns {
  const names = typeof given === 'object' && given !== null && !Array.isArray(given) ? given as Record<string, unknown> : {};
  const known = ['dbt_valid_from', 'dbt_valid_to', 'dbt_scd_id', 'dbt_updated_at', 'dbt_is_deleted'];
  for (const key of Object.keys(names)) if (!known.includes(key)) throw bad(`snapshot_meta_column_names has '${key}'; it renames ${known.join(', ')}`);
  const pick = (key: string) => str(names[key]) ?? key;
  const meta = { validFrom: pick('dbt_valid_from'), validTo: pick('dbt_valid_to'), scdId: pick('dbt_scd_id'), updatedAt: pick('dbt_updated_at'), isDeleted: pick('dbt_is_deleted') };
  const all = Object.values(meta);
  if (new Set(all.map((n) => n.toLowerCase())).size !== all.length) throw bad(`snapshot_meta_column_names gives two columns the same name (${all.join(', ')})`);
  return meta;
}

function locationOf(layers: Record<string, string>, namespaceText: string, schema: string | undefined, table: string): string | undefined {
  const base = layers[namespaceText] ?? layers[schema ?? ''];
  return base ? `${base.replace(/\/+$/, '')}/${table}` : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}
