// Which catalog a `floe catalog` subcommand talks to: --catalog URI with --warehouse NAME (the secret only from
// FLOE_CATALOG_CREDENTIAL, never argv), else the lakehouse of the dbt project in --project-dir (default: the current
// folder; --target and --profiles-dir pick the profile's output), local or from its profile, as `floe run` uses it.
import type { Catalog } from '../catalog/catalog';
import { connectRestCatalog } from '../catalog/rest-client';
import { UsageError } from './command';
import { catalogCredential } from './credential';
import { withLakehouse } from './project-args';
import { dbtProject } from './dbt-args';

export const CATALOG_OPTIONS = {
  catalog: { type: 'string' }, warehouse: { type: 'string' }, 'project-dir': { type: 'string' }, 'profiles-dir': { type: 'string' }, target: { type: 'string', short: 't' },
} as const;

export const CATALOG_USAGE = '[--catalog URI --warehouse NAME | --project-dir DIR [--target NAME] [--profiles-dir DIR]]';

export interface CatalogFlags {
  catalog?: string;
  warehouse?: string;
  'project-dir'?: string;
  'profiles-dir'?: string;
  target?: string;
}

/** Runs `body` with the catalog the flags name; a project's local catalog server stops afterwards. */
export async function withCatalog<T>(flags: CatalogFlags, usage: string, body: (catalog: Catalog) => Promise<T>): Promise<T> {
  if (flags.catalog !== undefined) {
    const projectFlag = (['project-dir', 'profiles-dir', 'target'] as const).find((f) => flags[f] !== undefined);
    if (projectFlag) throw new UsageError(`--${projectFlag} names a project's lakehouse: give it or --catalog, not both\n${usage}`);
    if (!flags.warehouse) throw new UsageError(`--catalog needs --warehouse NAME\n${usage}`);
    return body(await connectRestCatalog({ uri: flags.catalog, warehouse: flags.warehouse, credential: catalogCredential(undefined) }));
  }
  if (flags.warehouse !== undefined) throw new UsageError(`--warehouse goes with --catalog URI\n${usage}`);
  const project = dbtProject(flags, usage);
  return withLakehouse(project, (lakehouse) => body(lakehouse.catalog));
}
