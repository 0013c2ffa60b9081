// Live catalog clients per explorer connection: secrets in memory only, one client per connection, and a short
// table-metadata cache so expanding a table's sections does not reload it five times.
import type { Catalog, LoadTableResult } from '../catalog/catalog';
import type { TableIdentifier } from '../iceberg/spec';
import type { ConnectionInfo } from '../protocol/explorer';
import type { S3Options } from '../storage/storage';
import type { ConnectionConfig } from './connections';
import { credentialFromEnv } from '../catalog/credential';

export interface RegistryOptions {
  /** Page size for namespace and table listings; default 100. */
  pageSize?: number;
  /** How long loaded table metadata is reused; default 30 s. */
  tableTtlMs?: number;
  /** Per-request timeout; default 15 s. */
  timeoutMs?: number;
  /** Redacted request log lines. */
  log?: (line: string) => void;
  /** Starts (or returns) the local catalog for a warehouse folder; default the shared per-process server. */
  startLocal?: (warehouse: string, s3?: S3Options) => Promise<{ uri: string; name: string }>;
}

export class ConnectionRegistry {
  private configs = new Map<string, ConnectionConfig>();
  private readonly secrets = new Map<string, { secret: string; clientId?: string }>();
  private readonly catalogs = new Map<string, Promise<Catalog>>();
  private readonly tables = new Map<string, { at: number; result: Promise<LoadTableResult> }>();

  constructor(private readonly options: RegistryOptions = {}) {}

  /** Replaces the known connections; clients of changed connections are dropped. */
  setConnections(configs: ConnectionConfig[]): void {
    const next = new Map(configs.map((c) => [c.info.id, c]));
    for (const [id, old] of this.configs) {
      const now = next.get(id);
      if (!now || JSON.stringify(now.info) !== JSON.stringify(old.info)) this.forget(id);
    }
    this.configs = next;
  }

  connections(): ConnectionInfo[] {
    return [...this.configs.values()].map((c) => c.info);
  }

  config(id: string): ConnectionConfig | undefined {
    return this.configs.get(id);
  }

  /** Keeps a client secret (and, for profile targets, the client id) in memory; empty forgets it. Reconnects on next use. */
  setSecret(id: string, secret: string, clientId?: string): void {
    if (secret) this.secrets.set(id, { secret, clientId });
    else this.secrets.delete(id);
    this.forget(id);
  }

  /** Drops the cached client and table metadata, so the next call reconnects (Retry, Refresh). */
  forget(id: string): void {
    this.catalogs.delete(id);
    for (const key of this.tables.keys()) if (key.startsWith(`${id}\u001f`)) this.tables.delete(key);
  }

  /** The connection's catalog client, connecting on first use; a failed connect is not cached. */
  catalog(id: string): Promise<Catalog> {
    let c = this.catalogs.get(id);
    if (!c) {
      c = this.connect(id);
      this.catalogs.set(id, c);
      c.catch(() => { if (this.catalogs.get(id) === c) this.catalogs.delete(id); });
    }
    return c;
  }

  /** Loads a table (cached briefly); a failure is not cached. */
  loadTable(id: string, table: TableIdentifier): Promise<LoadTableResult> {
    const key = [id, ...table.namespace, table.name].join('\u001f');
    const ttl = this.options.tableTtlMs ?? 30_000;
    const hit = this.tables.get(key);
    if (hit && Date.now() - hit.at < ttl) return hit.result;
    const result = this.catalog(id).then((c) => c.loadTable(table));
    const entry = { at: Date.now(), result };
    this.tables.set(key, entry);
    result.catch(() => { if (this.tables.get(key) === entry) this.tables.delete(key); });
    return result;
  }

  /** Forgets every table's cached metadata (the view's Refresh), keeping the connected clients. */
  forgetTables(): void {
    this.tables.clear();
  }

  /** Forgets one table's cached metadata (after a drop or commit). */
  forgetTable(id: string, table: TableIdentifier): void {
    this.tables.delete([id, ...table.namespace, table.name].join('\u001f'));
  }

  private async connect(id: string): Promise<Catalog> {
    const config = this.configs.get(id);
    if (!config) throw new Error(`Unknown catalog connection '${id}'; refresh the Catalog view.`);
    const common = { pageSize: this.options.pageSize ?? 100, timeoutMs: this.options.timeoutMs ?? 15_000, log: this.options.log };
    // Loaded on the first connection: the language server starts without the catalog clients and their storage.
    const { connectRestCatalog } = await import('../catalog/rest-client.js');
    if (config.localWarehouse) {
      const { localCatalogServer } = await import('../run/lakehouse.js');
      const start = this.options.startLocal ?? ((w: string, s3?: S3Options) => localCatalogServer(w, s3, this.options.log));
      const server = await start(config.localWarehouse, config.localS3);
      return connectRestCatalog({ ...common, uri: server.uri, warehouse: server.name });
    }
    const { info } = config;
    const stored = this.secrets.get(id);
    const clientId = info.clientId ?? stored?.clientId;
    const credential = config.settingCredential
      ?? (clientId && stored ? { clientId, clientSecret: stored.secret, scope: info.scope } : undefined)
      ?? credentialFromEnv();
    return connectRestCatalog({ ...common, uri: info.uri!, warehouse: info.warehouse, realm: info.realm, credential });
  }
}

