// Which lakehouse a project talks to: the Polaris catalog named by the profile's plugin block, or, with none
// configured, the local lakehouse (the embedded catalog server over <project>/.floe/warehouse).
import type { Catalog } from '../catalog/catalog';
import { connectRestCatalog } from '../catalog/rest-client';
import { credentialFromEnv, type ClientCredentials } from '../catalog/oauth';
import { startLocalCatalog, type LocalCatalog } from '../catalog/local/server';
import type { DbtProject } from '../project/project';
import type { S3Options } from '../storage/storage';
import { s3OptionsForTable, s3PropertiesOf } from '../storage/s3';
import { storageFor } from '../storage/factory';
import type { StorageFactory } from '../engine/write/write-table';
import { localWarehouseOf, s3OptionsOf } from './lakehouse-settings';

export { localWarehouseOf, s3OptionsOf };

export interface Lakehouse {
  catalog: Catalog;
  kind: 'local' | 'remote';
  /** The catalog base URI and warehouse (catalog name), for messages and the explorer. */
  uri: string;
  warehouse: string;
  /** Base S3 options from profiles.yml; a catalog's vended credentials override them per table. */
  s3: S3Options;
  /** Where new tables of each layer go (schema or namespace → base location), from `vars: floe_locations`. */
  layerLocations: Record<string, string>;
}

export interface LakehouseOptions {
  /** OAuth2 client credentials for a remote catalog (the extension passes them from SecretStorage). */
  credential?: ClientCredentials;
  realm?: string;
  log?: (line: string) => void;
}

/** Local catalog servers started by this process, one per warehouse folder, shared by every caller. */
const localServers = new Map<string, Promise<LocalCatalog>>();

/** Starts (once per process) the local catalog server over a warehouse folder, bound to 127.0.0.1. */
export function localCatalogServer(warehouse: string, s3: S3Options = {}, log?: (line: string) => void): Promise<LocalCatalog> {
  let server = localServers.get(warehouse);
  if (!server) {
    server = startLocalCatalog({ warehouse, host: '127.0.0.1', port: 0, log, tableConfig: s3PropertiesOf(s3) });
    server.catch(() => localServers.delete(warehouse));
    localServers.set(warehouse, server);
  }
  return server;
}

/** Stops every local catalog server this process started. */
export async function stopLocalCatalogServers(): Promise<void> {
  const servers = [...localServers.values()];
  localServers.clear();
  await Promise.all(servers.map(async (s) => (await s.catch(() => undefined))?.close()));
}

/** Connects to the project's lakehouse; the local one is started on demand. */
export async function openLakehouse(project: DbtProject, options: LakehouseOptions = {}): Promise<Lakehouse> {
  const settings = project.target.catalog;
  const layerLocations = layerLocationsOf(project.vars());
  const s3 = s3OptionsOf(settings);
  if (settings?.catalogUri) {
    const warehouse = settings.warehouse ?? '';
    const credential = options.credential ?? credentialFromEnv();
    const catalog = await connectRestCatalog({ uri: settings.catalogUri, warehouse, credential, realm: options.realm, log: options.log });
    return { catalog, kind: 'remote', uri: settings.catalogUri, warehouse, s3, layerLocations };
  }
  const server = await localCatalogServer(localWarehouseOf(project.root), s3, options.log);
  const catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name, log: options.log });
  return { catalog, kind: 'local', uri: server.uri, warehouse: server.name, s3, layerLocations };
}

/** Storage for a table the lakehouse writes: the profile's S3 options, overridden by the catalog's vended ones. */
export function lakehouseStorage(lakehouse: Pick<Lakehouse, 's3'>): StorageFactory {
  return (location, config, refresher) => storageFor(location, { s3: s3OptionsForTable(config, lakehouse.s3, refresher) });
}

function layerLocationsOf(vars: Record<string, unknown>): Record<string, string> {
  const raw = vars.floe_locations;
  if (!raw || typeof raw !== 'object') return {};
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}
