// dbt's snapshot logic as DuckDB SQL (pure text, no I/O), following dbt-adapters' build_snapshot_table,
// snapshot_staging_table, snapshot_merge_sql and the timestamp / check strategies:
// - first run: every row of the query with dbt_scd_id, dbt_updated_at, dbt_valid_from and dbt_valid_to (NULL, or
//   dbt_valid_to_current), plus dbt_is_deleted 'False' under hard_deletes: new_record;
// - later runs: the rows a MERGE on dbt_scd_id would touch, as whole rows: current versions closed (their
//   dbt_valid_to set; changed rows, and vanished ones under invalidate / new_record) and new versions (new and changed
//   rows, deletion records under new_record, returning rows). Floe writes them as one Iceberg merge keyed on
//   dbt_scd_id (see snapshot.ts). Identifiers are quoted; unique_key, updated_at and dbt_valid_to_current may be SQL
//   expressions as dbt allows, used as written.
import { quoteIdent as q, quoteLiteral } from '../sql/quote';
import type { SnapshotSpec } from './snapshot-config';

export interface SnapshotSqlInput {
  spec: SnapshotSpec;
  /** The snapshot's compiled query. */
  sourceSql: string;
  /** Its result columns. */
  sourceColumns: string[];
  /**
   * The run's time ('YYYY-MM-DD HH:MM:SS.ffffff'), one value for the whole run: dbt-duckdb's snapshot_get_time(), the
   * session's wall clock (`now()::timestamp`, SNAPSHOT_TIME_SQL), as the macro reads it in models.
   */
  now: string;
}

export interface ExistingSnapshot {
  /** The snapshot table as a relation of the session (read at one Iceberg snapshot). */
  relation: string;
  columns: string[];
}

const SRC = q('__floe_source');
const CUR = q('__floe_current');
const upd = q('__floe_upd');
const scd = q('__floe_scd');
const keyCol = (i: number) => q(`__floe_key_${i + 1}`);

/** The first run's rows. */
export function firstSnapshotSql(input: SnapshotSqlInput): string {
  const { spec } = input;
  const m = spec.meta;
  const u = updatedAtExpr(input);
  return `SELECT ${q('__floe_q')}.*, ${scdIdExpr(input, u)} AS ${q(m.scdId)}, ${u} AS ${q(m.updatedAt)}, ${u} AS ${q(m.validFrom)}, ${validToCurrent(spec, u)} AS ${q(m.validTo)}`
    + `${spec.hardDeletes === 'new_record' ? `, 'False' AS ${q(m.isDeleted)}` : ''}\nFROM (\n${input.sourceSql}\n) AS ${q('__floe_q')}`;
}

/** Keys that occur more than once in the query (at most 3 shown): a snapshot's unique_key must be unique. */
export function duplicateKeysSql(input: SnapshotSqlInput): string {
  const keys = input.spec.uniqueKey.map((k, i) => `${columnOrExpr(k, input.sourceColumns)} AS ${keyCol(i)}`);
  return `SELECT * FROM (SELECT ${keys.join(', ')} FROM (\n${input.sourceSql}\n) AS ${q('__floe_q')}) GROUP BY ALL HAVING count(*) > 1 LIMIT 3`;
}

/**
 * The rows of a later run, with the target's columns (new query columns after them): current versions to close and new
 * versions to insert. A new version whose dbt_scd_id the table already holds is left out, as MERGE's `when not matched`.
 */
export function snapshotChangesSql(input: SnapshotSqlInput, target: ExistingSnapshot): string {
  const { spec, sourceColumns } = input;
  const m = spec.meta;
  const T = target.relation;
  const has = (name: string) => target.columns.some((c) => c.toLowerCase() === name.toLowerCase());
  const newRecord = spec.hardDeletes === 'new_record';
  const wasDeleted = (alias: string) => (has(m.isDeleted) ? `coalesce(${alias}.${q(m.isDeleted)}, 'False') = 'True'` : 'false');
  const u = updatedAtExpr(input);
  const sourceKeys = spec.uniqueKey.map((k, i) => `${columnOrExpr(k, sourceColumns)} AS ${keyCol(i)}`).join(', ');
  const targetKeys = spec.uniqueKey.map((k, i) => `${columnOrExpr(k, target.columns)} AS ${keyCol(i)}`).join(', ');
  const join = (a: string, b: string) => spec.uniqueKey.map((_, i) => `${a}.${keyCol(i)} = ${b}.${keyCol(i)}`).join(' AND ');
  const changed = `(${rowChanged(input, target.columns)}${newRecord ? ` OR ${wasDeleted('c')}` : ''})`;
  const now = nowExpr(input.now);
  const vanished = `NOT EXISTS (SELECT 1 FROM ${SRC} AS s WHERE ${join('s', 'c')})${newRecord ? ` AND NOT ${wasDeleted('c')}` : ''}`;
  const sourceCols = sourceColumns.map((c) => `s.${q(c)}`).join(', ');
  const ctes = [
    `${SRC} AS (SELECT *, ${sourceKeys}, ${u} AS ${upd}, ${scdIdExpr(input, u)} AS ${scd} FROM (\n${input.sourceSql}\n) AS ${q('__floe_q')})`,
    `${CUR} AS (SELECT *, ${targetKeys} FROM ${T} WHERE ${isCurrent(spec, q(m.validTo))})`,
    // dbt's insertions and updates: new keys, and keys whose current version changed (or was a deletion record).
    `${q('__floe_changed')} AS (SELECT s.*, c.${q(m.scdId)} AS ${q('__floe_closes')} FROM ${SRC} AS s LEFT JOIN ${CUR} AS c ON ${join('s', 'c')} WHERE c.${keyCol(0)} IS NULL OR ${changed})`,
    `${q('__floe_closes')} AS (SELECT ${q('__floe_closes')} AS ${scd}, ${upd} AS ${q('__floe_to')} FROM ${q('__floe_changed')} WHERE ${q('__floe_closes')} IS NOT NULL`
      + (spec.hardDeletes === 'ignore' ? ')' : `\n  UNION ALL SELECT c.${q(m.scdId)}, ${now} FROM ${CUR} AS c WHERE ${vanished})`),
    `${q('__floe_inserts')} AS (SELECT ${sourceCols}, s.${scd} AS ${q(m.scdId)}, s.${upd} AS ${q(m.updatedAt)}, s.${upd} AS ${q(m.validFrom)}, ${validToCurrent(spec, `s.${upd}`)} AS ${q(m.validTo)}`
      + `${newRecord ? `, 'False' AS ${q(m.isDeleted)}` : ''} FROM ${q('__floe_changed')} AS s`
      + (newRecord
        ? `\n  UNION ALL BY NAME SELECT ${sourceColumns.map((c) => (has(c) ? `c.${q(c)}` : `NULL AS ${q(c)}`)).join(', ')}, md5(coalesce(CAST(c.${q(m.scdId)} AS VARCHAR), '') || '|' || coalesce(CAST(${now} AS VARCHAR), '')) AS ${q(m.scdId)}, ${now} AS ${q(m.updatedAt)}, ${now} AS ${q(m.validFrom)}, c.${q(m.validTo)} AS ${q(m.validTo)}, 'True' AS ${q(m.isDeleted)} FROM ${CUR} AS c WHERE ${vanished}`
        : '') + ')',
  ];
  const closed = `SELECT t.* REPLACE (x.${q('__floe_to')} AS ${q(m.validTo)}) FROM ${T} AS t JOIN ${q('__floe_closes')} AS x ON t.${q(m.scdId)} = x.${scd} WHERE ${isCurrent(spec, `t.${q(m.validTo)}`)}`;
  const inserted = `SELECT * FROM ${q('__floe_inserts')} AS i WHERE NOT EXISTS (SELECT 1 FROM ${T} AS t WHERE t.${q(m.scdId)} = i.${q(m.scdId)})`;
  return `WITH ${ctes.join(',\n')}\n${closed}\nUNION ALL BY NAME\n${inserted}`;
}

/** dbt's row_changed: timestamp compares dbt_valid_from with updated_at; check compares check_cols (all, or listed). */
function rowChanged(input: SnapshotSqlInput, targetColumns: string[]): string {
  const { spec, sourceColumns } = input;
  if (spec.strategy === 'timestamp') return `c.${q(spec.meta.validFrom)} < s.${upd}`;
  const checked = spec.checkCols === 'all' ? sourceColumns : spec.checkCols!;
  const inTarget = (c: string) => targetColumns.find((t) => t.toLowerCase() === c.toLowerCase());
  // A checked column the table lacks yet means every row changed (dbt's column_added).
  if (checked.some((c) => !inTarget(c))) return 'true';
  return checked.map((c) => `c.${q(inTarget(c)!)} IS DISTINCT FROM s.${q(columnName(c, sourceColumns))}`).join(' OR ');
}

function updatedAtExpr(input: SnapshotSqlInput): string {
  return input.spec.updatedAt === undefined ? nowExpr(input.now) : columnOrExpr(input.spec.updatedAt, input.sourceColumns);
}

/** dbt's snapshot_hash_arguments over the unique key and updated_at. */
function scdIdExpr(input: SnapshotSqlInput, updatedAt: string): string {
  const args = [...input.spec.uniqueKey.map((k) => columnOrExpr(k, input.sourceColumns)), updatedAt];
  return `md5(${args.map((a) => `coalesce(CAST(${a} AS VARCHAR), '')`).join(` || '|' || `)})`;
}

/** NULL typed as updated_at, or dbt_valid_to_current. */
function validToCurrent(spec: SnapshotSpec, updatedAt: string): string {
  const none = `nullif(${updatedAt}, ${updatedAt})`;
  return spec.validToCurrent === undefined ? none : `coalesce(${none}, ${spec.validToCurrent})`;
}

function isCurrent(spec: SnapshotSpec, validTo: string): string {
  return spec.validToCurrent === undefined ? `${validTo} IS NULL` : `(${validTo} = ${spec.validToCurrent} OR ${validTo} IS NULL)`;
}

/** A given instant as a run's time, in UTC ('YYYY-MM-DD HH:MM:SS.fff'): for runs told when they happen. */
export function snapshotTimeOf(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The query giving a run's time as dbt-duckdb's snapshot_get_time() has it: `now()::timestamp`, the wall clock of the
 * session's TimeZone (a run writing UTC on a machine west of it saw its own rows valid from the future).
 */
export const SNAPSHOT_TIME_SQL = "SELECT strftime(now()::TIMESTAMP, '%Y-%m-%d %H:%M:%S.%f')";

function nowExpr(now: string): string {
  return `CAST(${quoteLiteral(now)} AS TIMESTAMP)`;
}

/** A name among the columns (matched as DuckDB does, ignoring case), quoted; anything else is dbt's SQL expression. */
function columnOrExpr(text: string, columns: string[]): string {
  const found = columns.find((c) => c.toLowerCase() === text.toLowerCase());
  return found === undefined ? `(${text})` : q(found);
}

function columnName(text: string, columns: string[]): string {
  return columns.find((c) => c.toLowerCase() === text.toLowerCase()) ?? text;
}

/** A run's time read from its DuckDB session (SNAPSHOT_TIME_SQL). */
export async function sessionTime(session: { query(sql: string): Promise<{ rows: unknown[][] }> }): Promise<string> {
  return String((await session.query(SNAPSHOT_TIME_SQL)).rows[0][0]);
}
