// The Catalog interface: what the engine and the UI need from an Iceberg REST catalog.
import { redactUriUserinfo } from './redact';
import type { PartitionSpec, Schema, SortOrder, TableIdentifier, TableMetadata, TableRequirement, TableUpdate } from '../iceberg/spec';

export interface LoadTableResult {
  metadataLocation?: string;
  metadata: TableMetadata;
  /** Table config from the catalog, e.g. vended s3.access-key-id, s3.secret-access-key, s3.session-token. */
  config: Record<string, string>;
  /** Vended credentials per location prefix (REST `storage-credentials`); the best match is already merged into config. */
  storageCredentials?: { prefix: string; config: Record<string, string> }[];
  /** When the vended keys expire: fetches the table's config with fresh ones (loadCredentials), for storage to call. */
  credentialRefresher?: { scope: string; refresh(): Promise<Record<string, string>> };
}

export interface CreateTableRequest {
  name: string;
  schema: Schema;
  location?: string;
  partitionSpec?: PartitionSpec;
  writeOrder?: SortOrder;
  stageCreate?: boolean;
  properties?: Record<string, string>;
}

export interface Page<T> { items: T[]; nextPageToken?: string }

export interface Catalog {
  /** A display name: the catalog URI plus warehouse, for messages. */
  readonly name: string;
  listNamespaces(parent?: string[], pageToken?: string): Promise<Page<string[]>>;
  createNamespace(namespace: string[], properties?: Record<string, string>): Promise<void>;
  loadNamespace(namespace: string[]): Promise<Record<string, string>>;
  dropNamespace(namespace: string[]): Promise<void>;
  listTables(namespace: string[], pageToken?: string): Promise<Page<TableIdentifier>>;
  tableExists(id: TableIdentifier): Promise<boolean>;
  loadTable(id: TableIdentifier): Promise<LoadTableResult>;
  createTable(namespace: string[], request: CreateTableRequest): Promise<LoadTableResult>;
  commitTable(id: TableIdentifier, requirements: TableRequirement[], updates: TableUpdate[]): Promise<{ metadataLocation: string; metadata: TableMetadata }>;
  dropTable(id: TableIdentifier, purge?: boolean): Promise<void>;
  renameTable(from: TableIdentifier, to: TableIdentifier): Promise<void>;
  registerTable(id: TableIdentifier, metadataLocation: string): Promise<LoadTableResult>;
}

export type CatalogErrorKind =
  | 'unreachable' | 'unauthorized' | 'forbidden' | 'not-found' | 'already-exists'
  | 'commit-conflict' | 'commit-state-unknown' | 'bad-request' | 'not-implemented' | 'server-error'
  | 'not-empty';

/** A typed catalog error carrying the catalog URI and the table or namespace it concerns. */
export class CatalogError extends Error {
  constructor(
    readonly kind: CatalogErrorKind,
    message: string,
    readonly details: { uri?: string; table?: string; status?: number; type?: string } = {},
    options?: { cause?: unknown },
  ) {
    // Messages name catalog URIs, which may carry a password (http://user:pw@host): never show it.
    super(redactUriUserinfo(message), options);
    this.name = 'CatalogError';
  }
}
