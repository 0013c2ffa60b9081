// floe/explorer/*: the catalog explorer tree. The client renders; the server makes every catalog call and
// answers with ready-to-show nodes. All requests are sent by the client (maintenance progress is the one notification back). int64 values travel as strings.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

/** A `floe.catalogs` setting entry as the client reads it (the secret is never in it). */
export interface CatalogSettingEntry {
  name: string;
  uri: string;
  warehouse?: string;
  clientId?: string;
  realm?: string;
  scope?: string;
  /** Legacy `client_id:client_secret` with `${env:VAR}` support; resolved by the server, never logged. */
  credential?: string;
}

/** Where a node sits: enough for the server to compute its children statelessly. */
export interface NodeRef {
  /** Connection id, e.g. `local:/abs/project`, `profile:/abs/project:prod`, `setting:My Polaris`. */
  connection: string;
  kind: NodeKind;
  namespace?: string[];
  table?: string;
  /** A "Load more…" node's continuation token, or the token to pass when listing children. */
  pageToken?: string;
  /** Snapshot nodes: the id as a decimal string (int64). */
  snapshotId?: string;
  /** Nested column nodes (struct, list, map): the field id whose children to list. */
  fieldId?: number;
}

export type NodeKind =
  | 'connection' | 'namespace' | 'table'
  | 'columns' | 'column' | 'partitionSpec' | 'partitionField' | 'sortOrder' | 'sortField'
  | 'snapshots' | 'snapshot' | 'properties' | 'property'
  | 'loadMore' | 'error' | 'empty';

/** Why a connection (or a listing) failed, as the tree shows it. */
export type NodeState = 'unreachable' | 'unauthorized' | 'forbidden' | 'not-found' | 'error';

export interface ExplorerNode {
  ref: NodeRef;
  /** Stable id for the tree (unique per node). */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  /** A codicon id, e.g. `database`, `folder`, `table`. */
  icon: string;
  collapsible: boolean;
  /** Shown expanded from the start (the active target's connection); others load only when the user expands them. */
  expanded?: boolean;
  /** For menus (`viewItem == floe.table`): `floe.<kind>` plus flags such as `floe.connection.remote`. */
  contextValue: string;
  /** Set on error nodes: what went wrong, for the connection's state and the status bar. */
  state?: NodeState;
}

export interface ConnectionInfo {
  id: string;
  label: string;
  kind: 'local' | 'profile' | 'setting';
  /** The catalog of a project's active target (profiles.yml `target:`): listed first and connected by default. */
  active?: boolean;
  uri?: string;
  warehouse?: string;
  clientId?: string;
  realm?: string;
  scope?: string;
  /** Key under which the client keeps this connection's client secret in SecretStorage. */
  secretKey?: string;
}

export interface ConnectionsParams {
  catalogs: CatalogSettingEntry[];
}
export interface ConnectionsResult {
  connections: ConnectionInfo[];
  nodes: ExplorerNode[];
}

/** floe/explorer/connections: the top-level connection nodes (profiles, settings, local lakehouse). */
export namespace ExplorerConnectionsRequest {
  export const method = 'floe/explorer/connections' as const;
  export const type = new RequestType<ConnectionsParams, ConnectionsResult, void>(method);
}

export interface ChildrenParams {
  ref: NodeRef;
}
export interface ChildrenResult {
  nodes: ExplorerNode[];
  /** For a connection: its state after this call ('connected' or why not). */
  connectionState?: { state: 'connected' } | { state: NodeState; reason: string };
}

/** floe/explorer/children: a node's children; errors come back as an error node, never as a failed request. */
export namespace ExplorerChildrenRequest {
  export const method = 'floe/explorer/children' as const;
  export const type = new RequestType<ChildrenParams, ChildrenResult, void>(method);
}

export interface SetCredentialParams {
  connection: string;
  /** The client secret from SecretStorage; kept in server memory only. Empty to forget it. */
  clientSecret: string;
  /** For connections whose config names no client id (profiles.yml targets). */
  clientId?: string;
}

/** floe/explorer/setCredential: hand the server a connection's secret (memory only) and drop its cached client. */
export namespace ExplorerSetCredentialRequest {
  export const method = 'floe/explorer/setCredential' as const;
  export const type = new RequestType<SetCredentialParams, void, void>(method);
}

/** floe/explorer/retry: forget a connection's cached client (and local server failure) so the next call reconnects. */
export namespace ExplorerRetryRequest {
  export const method = 'floe/explorer/retry' as const;
  export const type = new RequestType<{ connection: string }, void, void>(method);
}

export interface TableParams {
  connection: string;
  namespace: string[];
  table: string;
}

export type ActionResult = { ok: true } | { error: string };

/** floe/explorer/metadata: the table's current metadata JSON (int64 exact), for a read-only document. */
export namespace ExplorerMetadataRequest {
  export const method = 'floe/explorer/metadata' as const;
  export const type = new RequestType<TableParams, { json: string; metadataLocation?: string } | { error: string }, void>(method);
}

/** floe/explorer/createNamespace. */
export namespace ExplorerCreateNamespaceRequest {
  export const method = 'floe/explorer/createNamespace' as const;
  export const type = new RequestType<{ connection: string; namespace: string[] }, ActionResult, void>(method);
}

/** floe/explorer/dropTable: the client has already asked for a confirmation naming the table. */
export namespace ExplorerDropTableRequest {
  export const method = 'floe/explorer/dropTable' as const;
  export const type = new RequestType<TableParams & { purge?: boolean }, ActionResult, void>(method);
}

/** A file the client should write (it opens the result for the user to review and save). */
export interface FileEdit {
  /** Absolute file path. */
  file: string;
  /** The whole new text of the file. */
  text: string;
  /** 'create': the file does not exist yet; 'replace': its current text is replaced (comments kept). */
  mode: 'create' | 'replace';
}

export type SourceRefResult =
  /** A sources YAML maps the table: the Jinja to copy or insert. */
  | { mapped: true; source: string; table: string; jinja: string }
  /** None does: the mapping to add (append to an existing sources file or create one). */
  | { mapped: false; source: string; table: string; jinja: string; edit: FileEdit }
  | { error: string };

/** floe/explorer/sourceRef: the `{{ source('…', '…') }}` for a catalog table, or the YAML mapping to add. */
export namespace ExplorerSourceRefRequest {
  export const method = 'floe/explorer/sourceRef' as const;
  export const type = new RequestType<TableParams & { projectHint?: string }, SourceRefResult, void>(method);
}

export type StagingModelResult =
  | { model: FileEdit; sourceYaml?: FileEdit; modelName: string }
  | { error: string };

/** floe/explorer/stagingModel: scaffold `stg_<table>.sql` listing every column, plus its source YAML entry if missing. */
export namespace ExplorerStagingModelRequest {
  export const method = 'floe/explorer/stagingModel' as const;
  export const type = new RequestType<TableParams & { projectHint?: string }, StagingModelResult, void>(method);
}

/** floe/explorer/startLocal: start the local lakehouse over `<folder>/.floe/warehouse`. */
export namespace ExplorerStartLocalRequest {
  export const method = 'floe/explorer/startLocal' as const;
  export const type = new RequestType<{ folder: string }, { uri: string } | { error: string }, void>(method);
}

/** The argument the explorer passes to the `floe.previewTable` command (implemented by the preview feature). */
export interface PreviewTableArgs {
  /** Explorer connection id (see ConnectionInfo.id). */
  connection: string;
  /** Dotted table name, e.g. `demo.bronze.orders`. */
  table: string;
  namespace: string[];
  name: string;
  /** Preview as of this snapshot (decimal int64 string). */
  snapshotId?: string;
}

/** Key under which the client keeps a connection's client secret in SecretStorage: one per catalog principal. */
export function secretKeyOf(uri: string, warehouse: string | undefined, clientId: string | undefined): string {
  return `floe.catalog.secret:${uri}|${warehouse ?? ''}|${clientId ?? ''}`;
}

/** A table maintenance operation the explorer offers (the same as `floe table optimize|expire-snapshots|rewrite-manifests`). */
export type MaintenanceAction = 'optimize' | 'expireSnapshots' | 'rewriteManifests';

export interface MaintenanceParams extends TableParams {
  action: MaintenanceAction;
  /** Only say what would change. */
  dryRun: boolean;
  /** Names this run in its progress notifications. */
  progressToken: string;
  /** optimize: size of the files written, in bytes. */
  targetFileSizeBytes?: number;
  /** expireSnapshots: snapshots older than this may expire. */
  olderThanMs?: number;
  /** expireSnapshots: each branch keeps at least its last N snapshots. */
  retainLast?: number;
}

export type MaintenanceResult =
  /** `changes` false: there was nothing to do. `lines`: per partition or file, for the output channel; `overview`: what a confirmation shows instead of them. */
  | { summary: string; lines: string[]; changes: boolean; overview?: string[] }
  | { error: string; cancelled?: boolean };

/** floe/explorer/maintenance: runs (or dry-runs) a maintenance operation on a table; cancelling the request cancels it before its commit. */
export namespace ExplorerMaintenanceRequest {
  export const method = 'floe/explorer/maintenance' as const;
  export const type = new RequestType<MaintenanceParams, MaintenanceResult, void>(method);
}

export interface MaintenanceProgressParams {
  progressToken: string;
  message: string;
  /** 0–100 when known. */
  percent?: number;
}

/** floe/explorer/maintenanceProgress: sent by the server while a maintenance request runs. */
export namespace ExplorerMaintenanceProgressNotification {
  export const method = 'floe/explorer/maintenanceProgress' as const;
  export const type = new NotificationType<MaintenanceProgressParams>(method);
}
