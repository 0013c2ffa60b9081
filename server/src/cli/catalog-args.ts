// Which catalog a `floe catalog` subcommand talks to: --catalog URI with --warehouse NAME (the secret only from
// FLOE_CATALOG_CREDENTIAL, never argv), else the lakehouse of the dbt project in --project-dir (default: the current
// folder), local or from its profile, exactly as `floe run` would use it.
import type { Catalog } from '../catalog/catalog';
import { connectRestCatalog } from '../catalog/rest-client';
import { UsageError } from './command';
import { catalogCredential } from './credential';
import { loadProject, withLakehouse } from './project-args';

export const CATALOG_OPTIONS = {
  catalog: { type: 'string' }, warehouse: { type: 'string' }, 'project-dir': { type: 'string' },
} as const;

export const CATALOG_USAGE = '[--catalog URI --warehouse NAME | --project-dir DIR]';

export interface CatalogFlags {
  catalog?: string;
  warehouse?: string;
  'project-dir'?: string;
}

/** Runs `body` with the catalog the flags name; a project's local catalog server stops afterwards. */
export async function withCatalog<T>(flags: CatalogFlags, usage: string, body: (catalog: Catalog) => Promise<T>): Promise<T> {
  if (flags.catalog !== undefined) {
    if (flags['project-dir'] !== undefined) throw new UsageError(`give --catalog or --project-dir, not both\n${usage}`);
    if (!flags.warehouse) throw new UsageError(`--catalog needs --warehouse NAME\n${usage}`);
    return body(await connectRestCatalog({ uri: flags.catalog, warehouse: flags.warehouse, credential: catalogCredential(undefined) }));
  }
  if (flags.warehouse !== undefined) throw new UsageError(`--warehouse goes with --catalog URI\n${usage}`);
  const project = loadProject(flags['project-dir'] ?? '.', usage);
  return withLakehouse(project, (lakehouse) => body(lakehouse.catalog));
}
