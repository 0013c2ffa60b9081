// dbt seed into the lakehouse: a seed with a namespace is loaded into its Iceberg table, read as dbt-duckdb reads the
// CSV (seed-sql.ts: delimiter, column_types). As dbt seed: a new table is created; an existing one has its rows replaced
// (dbt's truncate + insert) when the CSV still has the table's columns, and a CSV whose columns changed fails, naming
// the changes, unless --full-refresh, which replaces the table's schema and rows (dbt's drop and re-create). Both are
// one atomic Iceberg overwrite: readers never see the table missing or empty, and earlier snapshots stay readable.
// quote_columns: false (dbt-duckdb writes the header's names unquoted) refuses a name that would need quoting, as the
// CREATE TABLE would; true or unset keeps every name as written.
import path from 'node:path';
import type { ModelNode } from '../project/project';
import type { Schema } from '../iceberg/spec';
import { formatType } from '../iceberg/types';
import { writeTable } from '../engine/write/write-table';
import { queryColumns } from '../engine/write/query-columns';
import type { QueryColumn } from '../engine/write/write-schema';
import { ensureNamespace } from '../catalog/ensure-namespace';
import { namespaceDisplayName } from '../catalog/names';
import { lakehouseStorage } from './lakehouse';
import type { ModelRun } from './model-chain';
import { ModelRunError } from './run-error';
import { seedTargetOf } from './gold-target';
import { seedSqlOf } from './seed-sql';

export type SeedLoad =
  | { loaded: false; csv: string }
  | { loaded: true; csv: string; table: string; mode: 'created' | 'replaced'; rows: string; snapshotId: string; operation: string };

/** Loads the seed into its table, or says it has none (models then read the CSV). */
export async function loadSeed(run: ModelRun, seed: ModelNode, options: { fullRefresh?: boolean; signal?: AbortSignal } = {}): Promise<SeedLoad> {
  const { project, lakehouse } = run;
  const config = project.configOf(seed);
  const csv = path.relative(project.root, seed.file);
  const target = seedTargetOf(seed.name, config, lakehouse.layerLocations);
  if (!target) return { loaded: false, csv };
  const sql = seedSqlOf(project, seed);
  const columns = await queryColumns(run.session, sql);
  if (config.quote_columns === false) checkUnquotedNames(seed.name, csv, columns);
  await ensureNamespace(lakehouse.catalog, target.table.namespace);
  const table = `${namespaceDisplayName(target.table.namespace)}.${target.table.name}`;
  const existing = await lakehouse.catalog.tableExists(target.table) ? await lakehouse.catalog.loadTable(target.table) : undefined;
  if (existing && !options.fullRefresh) {
    const schema = existing.metadata.schemas.find((s) => s['schema-id'] === existing.metadata['current-schema-id']);
    const changes = schema ? columnChanges(schema, columns) : [];
    if (changes.length) {
      throw new ModelRunError(`seed ${seed.name}: the columns of ${csv} changed since it was loaded into ${table} (${changes.join('; ')}): run floe seed --full-refresh --select ${seed.name} to replace the table with the new columns`);
    }
  }
  const r = await writeTable({
    session: run.session, catalog: lakehouse.catalog, storageFactory: lakehouseStorage(lakehouse), table: target.table, sql,
    mode: existing ? 'overwrite' : 'create', location: target.location, partitionBy: target.partitionBy, signal: options.signal,
  });
  return { loaded: true, csv, table, mode: existing ? 'replaced' : 'created', rows: r.rows.toString(), snapshotId: r.snapshotId.toString(), operation: r.operation };
}

/** What differs between the table's columns and the CSV's, in words; empty when dbt's insert would fit. */
function columnChanges(schema: Schema, columns: QueryColumn[]): string[] {
  const out: string[] = [];
  const byName = new Map(schema.fields.map((f) => [f.name.toLowerCase(), f]));
  const csvNames = new Set(columns.map((c) => c.name.toLowerCase()));
  const added = columns.filter((c) => !byName.has(c.name.toLowerCase())).map((c) => c.name);
  const dropped = schema.fields.filter((f) => !csvNames.has(f.name.toLowerCase())).map((f) => f.name);
  if (added.length) out.push(`new: ${added.join(', ')}`);
  if (dropped.length) out.push(`gone: ${dropped.join(', ')}`);
  for (const c of columns) {
    const f = byName.get(c.name.toLowerCase());
    if (f && JSON.stringify(f.type) !== JSON.stringify(c.type)) out.push(`${c.name} was ${formatType(f.type)}, is now ${formatType(c.type)}`);
  }
  return out;
}

/** dbt-duckdb creates the table with the header's names unquoted: one that needs quoting is an error there too. */
function checkUnquotedNames(name: string, csv: string, columns: QueryColumn[]): void {
  const bad = columns.map((c) => c.name).filter((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
  if (bad.length) {
    throw new ModelRunError(`seed ${name}: quote_columns is false, but ${csv} has column names that only work quoted: ${bad.map((n) => `'${n}'`).join(', ')}; set quote_columns: true or rename them`);
  }
}
