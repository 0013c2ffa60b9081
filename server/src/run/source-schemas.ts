// Source schemas from the project's lakehouse (a Polaris catalog, or the local one) into the on-disk schema cache.
import { existsSync } from 'node:fs';
import type { DbtProject } from '../project/project';
import { catalogSchemaProvider } from '../project/catalogSchemas';
import type { Lakehouse } from './lakehouse';
import { localWarehouseOf } from './lakehouse-settings';

/** True when there is a lakehouse to ask: a configured catalog, or a local warehouse that has been written to. */
export function hasLakehouse(project: DbtProject): boolean {
  return !!project.target.catalog?.catalogUri || existsSync(localWarehouseOf(project.root));
}

/** Reads every source table's current schema and snapshot into the project's cache; returns how many were read. */
export async function refreshSourceSchemas(project: DbtProject, lakehouse: Lakehouse): Promise<number> {
  const tables = [...new Set(project.allSourceTables().map((t) => project.sourceIcebergTable(t)))];
  if (tables.length === 0) return 0;
  return project.schemaCache.refresh(catalogSchemaProvider(lakehouse.catalog), tables);
}
