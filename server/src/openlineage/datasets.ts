// What a project's nodes are as OpenLineage datasets. Tables in the lakehouse (sources, gold models, seeded seeds) are
// named as the catalog names them: namespace = the catalog's URI and warehouse (for the local lakehouse, its warehouse
// folder as a file URI, since its server's port changes per process), name = `namespace.table`. Views that live only
// in a run's DuckDB session are OpenLineage's in-memory datasets (`inmemory://`, `database.schema.alias`, as dbt names
// the relation); a seed not loaded into the catalog is its CSV file (`file`, the path).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DbtProject } from '../project/project';
import type { SelectableNode } from '../selection/graph';
import { goldTargetOf, seedTargetOf } from '../run/gold-target';
import { localWarehouseOf, type Lakehouse } from '../run/lakehouse';
import { relationOf, sourceRelationOf } from '../artifacts/manifest';
import { namespaceDisplayName } from '../catalog/names';
import type { LineageDataset } from './events';

/** The dataset namespace of the lakehouse's tables. */
export function lakehouseNamespace(project: DbtProject, lakehouse: Pick<Lakehouse, 'kind' | 'uri' | 'warehouse'>): string {
  if (lakehouse.kind === 'local') return pathToFileURL(localWarehouseOf(project.root)).href;
  const u = new URL(lakehouse.uri);
  u.username = '';
  u.password = '';
  u.search = '';
  u.hash = '';
  const base = u.toString().replace(/\/+$/, '');
  return lakehouse.warehouse ? `${base}/${encodeURIComponent(lakehouse.warehouse)}` : base;
}

/** The node as a dataset (undefined for tests and ephemeral models, which are not relations); fields as the project knows them. */
export function datasetOfNode(project: DbtProject, lakehouse: Lakehouse, n: SelectableNode): LineageDataset | undefined {
  const icebergNs = lakehouseNamespace(project, lakehouse);
  if (n.resourceType === 'source') {
    const r = sourceRelationOf(project, n);
    const declared = project.resolveSource(n.source!);
    return { namespace: icebergNs, name: `${r.schema}.${r.alias}`, fields: declared ? fieldsOf(project.columnsOfSource(declared)) : undefined };
  }
  if (!n.modelNode || n.config.materialized === 'ephemeral') return undefined;
  const fields = fieldsOf(project.columnsOfNode(n.modelNode));
  const target = n.resourceType === 'seed' ? seedTargetOf(n.name, n.config, lakehouse.layerLocations)
    : n.resourceType === 'model' ? goldTargetOf(n.name, n.config, lakehouse.layerLocations) : undefined;
  if (target) return { namespace: icebergNs, name: `${namespaceDisplayName(target.table.namespace)}.${target.table.name}`, fields };
  if (n.resourceType === 'seed') return { namespace: 'file', name: path.resolve(n.modelNode.file), fields };
  const r = relationOf(project, n);
  return { namespace: 'inmemory://', name: `${r.database}.${r.schema}.${r.alias}`, fields };
}

function fieldsOf(columns: { name: string; type?: string }[] | undefined): LineageDataset['fields'] {
  return columns?.map((c) => ({ name: c.name, type: c.type }));
}
