// target/catalog.json in dbt's shape (catalog schema v1): each model's, seed's and source's columns with their types
// and positions. Tables in the lakehouse (sources, gold models, seeded seeds) are described from their current Iceberg
// schema; views and unseeded seeds by DuckDB binding them in one run, as dbt-duckdb describes its relations (a view of
// another adapter's project is not: its SQL is that adapter's). A relation the lakehouse does not have (a source never
// loaded, a view over one) is left out and counted, as dbt's catalog lists what the warehouse has; one that cannot be
// described otherwise is an entry in `errors`, never a failed command.
import type { DbtProject } from '../project/project';
import type { TableIdentifier } from '../iceberg/spec';
import { selectableGraph, type SelectableNode } from '../selection/graph';
import { duckTypeOf } from '../engine/types';
import { currentSchema } from '../explorer/nodes';
import type { Lakehouse } from '../run/lakehouse';
import { CatalogError } from '../catalog/catalog';
import { ModelRun, parseTableIdentifier } from '../run/model-chain';
import { goldTargetOf, seedTargetOf } from '../run/gold-target';
import { artifactMetadata, type InvocationInfo } from './metadata';
import { relationOf, sourceRelationOf } from './manifest';
import { collectPages } from '../catalog/paging';
import { sqlDialect } from '../features/binding';

export const CATALOG_SCHEMA = 'https://schemas.getdbt.com/dbt/catalog/v1.json';

type Columns = Record<string, { type: string; index: number; name: string; comment: string | null }>;

/** catalog.json, and how many relations it leaves out because the lakehouse does not have them. */
export interface BuiltCatalog {
  catalog: Record<string, unknown>;
  absent: number;
}

export async function buildCatalog(project: DbtProject, lakehouse: Lakehouse, invocation: InvocationInfo): Promise<BuiltCatalog> {
  const nodes: Record<string, unknown> = {};
  const sources: Record<string, unknown> = {};
  const errors: string[] = [];
  let absent = 0;
  const run = await ModelRun.open(project, lakehouse);
  const tables = new LakehouseTables(lakehouse);
  // another adapter's SQL is not DuckDB's: its views exist in its warehouse, not here, so they are not described
  const describeViews = sqlDialect(project) !== 'other';
  try {
    for (const n of selectableGraph(project).nodes.values()) {
      if (!['model', 'seed', 'source'].includes(n.resourceType) || n.config.materialized === 'ephemeral') continue;
      try {
        const described = await describe(run, n, tables, describeViews);
        if (!described) {
          absent++;
          continue;
        }
        const relation = n.resourceType === 'source' ? sourceRelationOf(project, n) : relationOf(project, n);
        const entry = {
          metadata: { type: described.type, schema: relation.schema, name: relation.alias, database: relation.database, comment: null, owner: null },
          columns: described.columns, stats: {}, unique_id: n.id,
        };
        (n.resourceType === 'source' ? sources : nodes)[n.id] = entry;
      } catch (e) {
        // what the lakehouse does not have (a source never loaded, a view over one) is absent, as from dbt's catalog
        if (isNotFound(e)) absent++;
        else errors.push(`${n.id}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  } finally {
    await run.close();
  }
  return { catalog: { metadata: artifactMetadata(CATALOG_SCHEMA, invocation), nodes, sources, errors: errors.length ? errors : null }, absent };
}

/** A relation's columns, or undefined when the lakehouse does not have it (nor, for a view, is it described here). */
async function describe(run: ModelRun, n: SelectableNode, tables: LakehouseTables, describeViews: boolean): Promise<{ type: string; columns: Columns } | undefined> {
  const { lakehouse } = run;
  const table = icebergTableOf(run, n);
  if (table && await tables.has(table)) {
    const schema = currentSchema((await lakehouse.catalog.loadTable(table)).metadata);
    return { type: 'ICEBERG TABLE', columns: Object.fromEntries((schema?.fields ?? []).map((f, i) => [f.name, { type: duckTypeOf(f.type), index: i + 1, name: f.name, comment: f.doc ?? null }])) };
  }
  const model = n.modelNode;
  if (n.resourceType === 'source' || !model || (model.kind !== 'seed' && !describeViews)) return undefined;
  const relation = run.relationName({ kind: model.kind, name: model.name });
  if (model.kind === 'seed') await run.buildUpstream({ upstream: [{ kind: 'seed', name: model.name, relation, file: model.file }] } as Parameters<ModelRun['buildUpstream']>[0]);
  else await run.registerModel(model, run.compile(model.file));
  const described = await run.session.query(`DESCRIBE ${relation}`);
  return {
    type: 'VIEW',
    columns: Object.fromEntries(described.rows.map((row, i) => [String(row[0]), { type: String(row[1]), index: i + 1, name: String(row[0]), comment: null }])),
  };
}

/**
 * Which tables the lakehouse has, read one namespace listing at a time (a project of thousands of sources asks once per
 * schema, not once per table); a namespace that cannot be listed is asked table by table.
 */
class LakehouseTables {
  private readonly namespaces = new Map<string, Promise<Set<string> | undefined>>();

  constructor(private readonly lakehouse: Lakehouse) {}

  async has(id: TableIdentifier): Promise<boolean> {
    const key = id.namespace.join('\u001f');
    let listed = this.namespaces.get(key);
    if (!listed) this.namespaces.set(key, listed = this.list(id.namespace));
    const names = await listed;
    // names compared ignoring case (a catalog may fold them): loading the table then says whether it is there
    return names ? names.has(id.name.toLowerCase()) : this.lakehouse.catalog.tableExists(id);
  }

  private async list(namespace: string[]): Promise<Set<string> | undefined> {
    try {
      return new Set((await collectPages((token) => this.lakehouse.catalog.listTables(namespace, token))).map((t) => t.name.toLowerCase()));
    } catch (e) {
      return isNotFound(e) ? new Set() : undefined;
    }
  }
}

/** Whether an error, or one it was caused by, is the catalog's "no such table" (or namespace). */
function isNotFound(e: unknown): boolean {
  for (let c = e; c instanceof Error; c = c.cause) if (c instanceof CatalogError && c.kind === 'not-found') return true;
  return false;
}

function icebergTableOf(run: ModelRun, n: SelectableNode): TableIdentifier | undefined {
  if (n.resourceType === 'source') {
    const r = sourceRelationOf(run.project, n);
    return parseTableIdentifier(`${r.schema}.${r.alias}`);
  }
  const target = n.resourceType === 'seed' ? seedTargetOf(n.name, n.config, run.lakehouse.layerLocations) : goldTargetOf(n.name, n.config, run.lakehouse.layerLocations);
  return target?.table;
}
