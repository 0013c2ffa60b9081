// Runs one dbt snapshot into its Iceberg table: the first run creates the table; a later run reads the table at its
// current Iceberg snapshot, computes in DuckDB the versions to close and to insert (snapshot-sql.ts), and commits them
// as ONE merge keyed on dbt_scd_id (writeTable's merge: the new rows plus an equality-delete file of their
// dbt_scd_ids, so each closed version's old row is deleted and its closed copy added in the same commit; inserted
// versions have new dbt_scd_ids and delete nothing). Why equality deletes: that merge is what the writer already
// commits atomically with optimistic concurrency, dbt_scd_id names exactly one version, and only the changed rows are
// written (a copy-on-write rewrite would rewrite every file holding a closed version). The commit requires the table to
// be still at the snapshot it was computed from; if another writer moved it, the run is computed again (3 tries). A run
// with nothing to change commits nothing (no empty Iceberg snapshot): the table stays where it was.
import path from 'node:path';
import type { ModelNode } from '../project/project';
import type { TableIdentifier } from '../iceberg/spec';
import { writeTable } from '../engine/write/write-table';
import { WriteError } from '../engine/write/write-error';
import { queryColumns } from '../engine/write/query-columns';
import { registerIcebergTable } from '../engine/read/register-table';
import { ensureNamespace } from '../catalog/ensure-namespace';
import { namespaceDisplayName } from '../catalog/names';
import { quoteIdent, quoteLiteral } from '../sql/quote';
import { lakehouseStorage } from './lakehouse';
import type { ModelRun } from './model-chain';
import { ModelRunError } from './run-error';
import { snapshotSpecOf, SnapshotConfigError, type SnapshotSpec } from './snapshot-config';
import { duplicateKeysSql, firstSnapshotSql, snapshotChangesSql, snapshotTimeOf, sessionTime, type SnapshotSqlInput } from './snapshot-sql';

export interface SnapshotResult {
  /** namespace.table */
  table: string;
  /** The table's current Iceberg snapshot after the run (the new one, or the unchanged one). */
  snapshotId: string;
  /** created: first run; merged: versions closed and inserted; unchanged: nothing committed. */
  outcome: 'created' | 'merged' | 'unchanged';
  /** Rows inserted (new versions and deletion records). */
  inserted: number;
  /** Current versions closed (dbt_valid_to set). */
  closed: number;
}

const ATTEMPTS = 3;

/** Runs the snapshot `node` in `run` (its upstream built in the run first). */
export async function runSnapshot(run: ModelRun, node: ModelNode, options: { signal?: AbortSignal; now?: Date } = {}): Promise<SnapshotResult> {
  const compiled = run.compile(node.file, node);
  let spec: SnapshotSpec;
  try {
    spec = snapshotSpecOf(node.name, compiled.config, run.lakehouse.layerLocations, run.project.target.schema);
  } catch (e) {
    if (e instanceof SnapshotConfigError) throw new ModelRunError(`${e.message} (${path.relative(run.project.root, node.file)})`);
    throw e;
  }
  await run.buildUpstream(compiled, [node.name]);
  const sourceColumns = await run.mapErrors(node.file, compiled.sql, compiled, () => queryColumns(run.session, compiled.sql)).then((cs) => cs.map((c) => c.name));
  checkColumns(node.name, spec, sourceColumns);
  const input: SnapshotSqlInput = { spec, sourceSql: compiled.sql, sourceColumns, now: options.now ? snapshotTimeOf(options.now) : await sessionTime(run.session) };
  await checkUniqueKey(run, node, input);
  const { catalog } = run.lakehouse;
  await ensureNamespace(catalog, spec.table.namespace);
  const table = `${namespaceDisplayName(spec.table.namespace)}.${spec.table.name}`;
  for (let attempt = 1; ; attempt++) {
    try {
      return await snapshotOnce(run, spec, input, table, options.signal);
    } catch (e) {
      if (e instanceof WriteError && (e.kind === 'conflict' || e.kind === 'table-exists') && attempt < ATTEMPTS) continue;
      throw e;
    }
  }
}

async function snapshotOnce(run: ModelRun, spec: SnapshotSpec, input: SnapshotSqlInput, table: string, signal?: AbortSignal): Promise<SnapshotResult> {
  const { lakehouse, session } = run;
  const common = { session, catalog: lakehouse.catalog, storageFactory: lakehouseStorage(lakehouse), table: spec.table, signal };
  const loaded = await loadIfExists(run, spec.table);
  if (!loaded) {
    const r = await writeTable({ ...common, sql: firstSnapshotSql(input), mode: 'create', location: spec.location });
    return { table, snapshotId: r.snapshotId.toString(), outcome: 'created', inserted: Number(r.rows), closed: 0 };
  }
  const targetView = [run.schema, `__floe_snapshot_target_${spec.table.name}`] as [string, string];
  const relation = await registerIcebergTable(session, targetView, loaded, { s3: lakehouse.s3, tableName: table });
  const target = { relation: targetView.map(quoteIdent).join('.'), columns: relation.schema.fields.map((f) => f.name) };
  const { validFrom, validTo, scdId } = spec.meta;
  const missing = [scdId, validFrom, validTo].filter((c) => !target.columns.some((t) => t.toLowerCase() === c.toLowerCase()));
  if (missing.length) {
    throw new ModelRunError(`${table} exists but has no ${missing.join(', ')} column${missing.length > 1 ? 's' : ''}, so it is not this snapshot's table (was it written by something else, or were snapshot_meta_column_names changed since its first run?); nothing was written`);
  }
  // The changes are computed once into a table of the run, so what is counted is what is written.
  const changes = `${quoteIdent(run.schema)}.${quoteIdent(`__floe_snapshot_changes_${spec.table.name}`)}`;
  try {
    await session.run(`CREATE OR REPLACE TABLE ${changes} AS ${snapshotChangesSql(input, target)}`);
  } catch (e) {
    throw new ModelRunError(`computing the changes to ${table} failed: ${e instanceof Error ? e.message : String(e)}; nothing was written`, undefined, { cause: e });
  }
  try {
    const scd = quoteIdent(spec.meta.scdId);
    const counted = await session.query(`SELECT count(*) FILTER (WHERE ${scd} IN (SELECT ${scd} FROM ${target.relation}))::VARCHAR, count(*)::VARCHAR FROM ${changes}`);
    const closed = Number(counted.rows[0][0]), total = Number(counted.rows[0][1]);
    const current = relation.snapshotId;
    if (total === 0) return { table, snapshotId: current?.toString() ?? '', outcome: 'unchanged', inserted: 0, closed: 0 };
    const r = await writeTable({ ...common, sql: `SELECT * FROM ${changes}`, mode: 'merge', uniqueKey: [spec.meta.scdId], computedFrom: current ?? null });
    return { table, snapshotId: r.snapshotId.toString(), outcome: 'merged', inserted: total - closed, closed };
  } finally {
    await session.run(`DROP TABLE IF EXISTS ${changes}`);
  }
}

async function loadIfExists(run: ModelRun, id: TableIdentifier) {
  return (await run.lakehouse.catalog.tableExists(id)) ? run.lakehouse.catalog.loadTable(id) : undefined;
}

/** check_cols must name columns of the query (dbt selects them from it). */
function checkColumns(name: string, spec: SnapshotSpec, columns: string[]): void {
  if (!Array.isArray(spec.checkCols)) return;
  const missing = spec.checkCols.filter((c) => !columns.some((x) => x.toLowerCase() === c.toLowerCase()));
  if (missing.length) throw new ModelRunError(`snapshot ${name}: check_cols names ${missing.map((c) => `'${c}'`).join(', ')}, which the snapshot's query does not return (it returns ${columns.join(', ')})`);
}

/**
 * A unique_key that is not unique would close and insert the same version twice (dbt's MERGE fails or duplicates
 * rows, by adapter): refused before anything is written, naming a few of the keys.
 */
async function checkUniqueKey(run: ModelRun, node: ModelNode, input: SnapshotSqlInput): Promise<void> {
  const dups = await run.session.query(duplicateKeysSql(input));
  if (!dups.rows.length) return;
  const shown = dups.rows.map((r) => `(${r.map((v) => (v === null ? 'NULL' : quoteLiteral(String(v)))).join(', ')})`).join(', ');
  throw new ModelRunError(`snapshot ${node.name}: unique_key ${input.spec.uniqueKey.join(', ')} is not unique in the snapshot's query: ${shown} occur more than once; nothing was written`);
}
