// The Iceberg REST catalog client (Polaris-compatible): config + prefix, OAuth2, vended credentials, paging,
// lossless JSON and typed errors. Plain async methods over a small frozen context.
import type { TableIdentifier, TableMetadata, TableRequirement, TableUpdate } from '../iceberg/spec';
import { partitionSpecToJson, schemaToJson, sortOrderToJson, tableMetadataFromJson } from '../iceberg/metadata-json';
import { tableRequirementToJson, tableUpdateToJson } from '../iceberg/updates-json';
import { IcebergError } from '../iceberg/errors';
import { parseJson, stringifyJson } from '../util/json';
import { CatalogError, type Catalog, type CatalogErrorKind, type CreateTableRequest, type LoadTableResult, type Page } from './catalog';
import { MaybeSentError, send, type HttpRequest, type HttpResponse } from './http';
import { clientCredentials, staticToken, type ClientCredentials, type RequestSigner } from './oauth';
import { namespaceDisplayName, namespaceToPath, NAMESPACE_SEPARATOR, tableDisplayName } from './names';
import { redact } from './redact';
import { isoDurationMs, uuidv7 } from './idempotency-key';

export interface RestCatalogOptions {
  /** Base URI, e.g. `http://127.0.0.1:8181/api/catalog`. */
  uri: string;
  /** The catalog name (Polaris) sent as `warehouse` to /v1/config. */
  warehouse?: string;
  /** OAuth2 client credentials; or `token` for a fixed bearer token; or `signer` for anything else. */
  credential?: ClientCredentials;
  token?: string;
  signer?: RequestSigner;
  /** Sent as the `Polaris-Realm` header. */
  realm?: string;
  /** Ask for vended storage credentials on load and create (default true). */
  vendedCredentials?: boolean;
  /** pageSize sent on list calls; the server's default when unset. */
  pageSize?: number;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Receives one redacted line per request. */
  log?: (line: string) => void;
}

/** Routes every server is assumed to have when /v1/config lists no `endpoints` (the spec's defaults). */
const DEFAULT_ENDPOINTS = [
  'GET /v1/{prefix}/namespaces', 'POST /v1/{prefix}/namespaces', 'GET /v1/{prefix}/namespaces/{namespace}',
  'DELETE /v1/{prefix}/namespaces/{namespace}', 'POST /v1/{prefix}/namespaces/{namespace}/properties',
  'GET /v1/{prefix}/namespaces/{namespace}/tables', 'POST /v1/{prefix}/namespaces/{namespace}/tables',
  'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}', 'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}',
  'DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}', 'POST /v1/{prefix}/tables/rename',
  'POST /v1/{prefix}/namespaces/{namespace}/register', 'POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics',
  'POST /v1/{prefix}/transactions/commit',
];

/** Tries of a mutation sent with an Idempotency-Key whose answer was lost or a 5xx: a retry can never apply twice. */
const IDEMPOTENT_ATTEMPTS = 4;
const RETRY_STATUSES = new Set([500, 502, 503, 504]);
const LOAD_CREDENTIALS = 'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}/credentials';

interface Call {
  method: string;
  /** Route after the prefix, e.g. `/namespaces/{namespace}` with values filled in. */
  path: string;
  /** The endpoint template for the `endpoints` check. */
  endpoint: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  /** Names the table or namespace for messages. */
  subject: string;
  /** What the call does, for messages: "load table". */
  action: string;
  commit?: boolean;
  delegation?: boolean;
  /** A mutation the spec lets carry an Idempotency-Key (sent when the server advertises support). */
  idempotent?: boolean;
}

/** Connects: reads /v1/config (with auth) and returns a client bound to the warehouse's prefix. */
export async function connectRestCatalog(options: RestCatalogOptions): Promise<RestCatalog> {
  // Accept the base URI with or without the `/v1` suffix (profiles often carry `.../api/catalog/v1`).
  const uri = options.uri.replace(/\/+$/, '').replace(/\/v1$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const baseHeaders: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.realm) baseHeaders['Polaris-Realm'] = options.realm;
  const signer = options.signer
    ?? (options.credential ? clientCredentials(options.credential, uri, baseHeaders, timeoutMs, options.log)
      : options.token ? staticToken(options.token) : undefined);
  const ctx = { uri, timeoutMs, baseHeaders, signer, log: options.log, options };
  const res = await exchange(ctx, {
    method: 'GET', url: `${uri}/v1/config${options.warehouse ? `?warehouse=${encodeURIComponent(options.warehouse)}` : ''}`, headers: {},
  });
  const body = res.status === 200 ? safeParse(res.text) : undefined;
  if (res.status !== 200 || !body || typeof body !== 'object') {
    throw errorFromResponse(res, { uri, subject: options.warehouse ? `for warehouse ${options.warehouse}` : '', action: 'read the config' });
  }
  const config = body as { defaults?: Record<string, string>; overrides?: Record<string, string>; endpoints?: string[]; 'idempotency-key-lifetime'?: string };
  const properties = { ...(config.defaults ?? {}), ...(config.overrides ?? {}) };
  const endpoints = Array.isArray(config.endpoints) ? config.endpoints : DEFAULT_ENDPOINTS;
  // Token refreshes go where the server says (the spec deprecates the catalog's own /v1/oauth/tokens).
  const oauthUri = properties['oauth2-server-uri'];
  if (oauthUri) {
    const url = URL.canParse(oauthUri, `${uri}/`) ? new URL(oauthUri, `${uri}/`) : undefined;
    if (url && (url.protocol === 'https:' || url.protocol === 'http:')) signer?.useServerTokenUri?.(url.toString());
  }
  const idempotencyLifetimeMs = isoDurationMs(config['idempotency-key-lifetime']);
  return new RestCatalog(Object.freeze({
    ...ctx, properties, endpoints: new Set(endpoints), prefix: properties.prefix, idempotencyLifetimeMs, connection: uuidv7(),
  }));
}

interface Context {
  uri: string;
  timeoutMs: number;
  baseHeaders: Record<string, string>;
  signer?: RequestSigner;
  log?: (line: string) => void;
  options: RestCatalogOptions;
}

interface BoundContext extends Context {
  properties: Record<string, string>;
  endpoints: Set<string>;
  prefix?: string;
  /** From /v1/config `idempotency-key-lifetime`: the server honours Idempotency-Key for this long. */
  idempotencyLifetimeMs?: number;
  /** Tells this connection's tables apart from another's (storage clients with refreshing keys are kept per table). */
  connection: string;
}

export class RestCatalog implements Catalog {
  readonly name: string;

  constructor(private readonly ctx: Readonly<BoundContext>) {
    this.name = ctx.options.warehouse ? `${ctx.uri} (${ctx.options.warehouse})` : ctx.uri;
  }

  /** Catalog properties from /v1/config: defaults merged with overrides. */
  get properties(): Readonly<Record<string, string>> {
    return this.ctx.properties;
  }

  /** True when the server lists the endpoint, e.g. `POST /v1/{prefix}/transactions/commit`. */
  supports(endpoint: string): boolean {
    return this.ctx.endpoints.has(endpoint);
  }

  async listNamespaces(parent: string[] = [], pageToken?: string): Promise<Page<string[]>> {
    const body = await this.call({
      method: 'GET', path: '/namespaces', endpoint: 'GET /v1/{prefix}/namespaces', action: 'list namespaces',
      subject: parent.length ? `under namespace ${namespaceDisplayName(parent)}` : 'at the top level',
      query: { parent: parent.length ? parent.join(NAMESPACE_SEPARATOR) : undefined, ...this.paging(pageToken) },
    }) as { namespaces?: string[][]; 'next-page-token'?: string | null };
    return { items: body.namespaces ?? [], nextPageToken: body['next-page-token'] ?? undefined };
  }

  async createNamespace(namespace: string[], properties: Record<string, string> = {}): Promise<void> {
    await this.call({
      method: 'POST', path: '/namespaces', endpoint: 'POST /v1/{prefix}/namespaces', action: 'create', idempotent: true,
      subject: `namespace ${namespaceDisplayName(namespace)}`, body: { namespace, properties },
    });
  }

  async loadNamespace(namespace: string[]): Promise<Record<string, string>> {
    const body = await this.call({ ...this.nsRoute('GET', namespace, ''), action: 'load' }) as { properties?: Record<string, string> };
    return body.properties ?? {};
  }

  /** Sets and removes namespace properties. */
  async updateNamespaceProperties(namespace: string[], updates: Record<string, string>, removals: string[] = []): Promise<{ updated: string[]; removed: string[]; missing: string[] }> {
    return await this.call({ ...this.nsRoute('POST', namespace, '/properties'), action: 'update properties of', body: { updates, removals }, idempotent: true }) as { updated: string[]; removed: string[]; missing: string[] };
  }

  async dropNamespace(namespace: string[]): Promise<void> {
    await this.call({ ...this.nsRoute('DELETE', namespace, ''), action: 'drop', idempotent: true });
  }

  async listTables(namespace: string[], pageToken?: string): Promise<Page<TableIdentifier>> {
    const body = await this.call({ ...this.nsRoute('GET', namespace, '/tables'), action: 'list tables in', query: this.paging(pageToken) }) as
      { identifiers?: TableIdentifier[]; 'next-page-token'?: string | null };
    return { items: body.identifiers ?? [], nextPageToken: body['next-page-token'] ?? undefined };
  }

  async tableExists(id: TableIdentifier): Promise<boolean> {
    try {
      if (this.supports('HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}')) {
        await this.call({ ...this.tableRoute('HEAD', id), action: 'check' });
      } else {
        await this.loadTable(id);
      }
      return true;
    } catch (e) {
      if (e instanceof CatalogError && e.kind === 'not-found') return false;
      throw e;
    }
  }

  async loadTable(id: TableIdentifier): Promise<LoadTableResult> {
    const body = await this.call({ ...this.tableRoute('GET', id), action: 'load', delegation: true });
    return this.loadResult(body, id, () => this.loadTable(id));
  }

  /** Fresh vended storage credentials for a table (e.g. when the ones from loadTable expire); only where the server lists the route. */
  async loadCredentials(id: TableIdentifier): Promise<{ prefix: string; config: Record<string, string> }[]> {
    const route = this.tableRoute('GET', id);
    const body = await this.call({
      ...route, path: `${route.path}/credentials`, endpoint: `${route.endpoint}/credentials`, action: 'load credentials of',
    }) as { 'storage-credentials'?: { prefix: string; config: Record<string, string> }[] };
    return body['storage-credentials'] ?? [];
  }

  async createTable(namespace: string[], request: CreateTableRequest): Promise<LoadTableResult> {
    const body: Record<string, unknown> = { name: request.name, schema: schemaToJson(request.schema), 'stage-create': request.stageCreate === true };
    if (request.location) body.location = request.location;
    if (request.partitionSpec) body['partition-spec'] = partitionSpecToJson(request.partitionSpec);
    if (request.writeOrder) body['write-order'] = sortOrderToJson(request.writeOrder);
    if (request.properties) body.properties = request.properties;
    const id = { namespace, name: request.name };
    const res = await this.call({
      ...this.nsRoute('POST', namespace, '/tables'), subject: `table ${tableDisplayName(id)}`,
      action: request.stageCreate ? 'stage the creation of' : 'create', body, delegation: true, idempotent: !request.stageCreate,
    });
    // A staged table is not in the catalog yet: its keys are renewed by staging it again (nothing is committed).
    const reload = request.stageCreate ? () => this.createTable(namespace, request) : () => this.loadTable(id);
    return this.loadResult(res, id, reload);
  }

  async commitTable(id: TableIdentifier, requirements: TableRequirement[], updates: TableUpdate[]): Promise<{ metadataLocation: string; metadata: TableMetadata }> {
    const body = await this.call({
      ...this.tableRoute('POST', id), action: 'commit to', commit: true, idempotent: true,
      body: { identifier: id, requirements: requirements.map(tableRequirementToJson), updates: updates.map(tableUpdateToJson) },
    }) as { 'metadata-location': string; metadata: unknown };
    try {
      return { metadataLocation: body['metadata-location'], metadata: this.metadata(body.metadata, id, body['metadata-location']) };
    } catch (e) {
      // A success status with unusable metadata: the commit probably happened, so nothing may be cleaned up.
      if (e instanceof CatalogError) throw new CatalogError('commit-state-unknown', `The commit to table ${tableDisplayName(id)} may or may not have succeeded: ${e.message}`, e.details, { cause: e });
      throw e;
    }
  }

  /** Commits changes to several tables atomically (POST /transactions/commit). */
  async commitTransaction(changes: { id: TableIdentifier; requirements: TableRequirement[]; updates: TableUpdate[] }[]): Promise<void> {
    await this.call({
      method: 'POST', path: '/transactions/commit', endpoint: 'POST /v1/{prefix}/transactions/commit', action: 'commit a transaction on', commit: true, idempotent: true,
      subject: `tables ${changes.map((c) => tableDisplayName(c.id)).join(', ')}`,
      body: { 'table-changes': changes.map((c) => ({ identifier: c.id, requirements: c.requirements.map(tableRequirementToJson), updates: c.updates.map(tableUpdateToJson) })) },
    });
  }

  async dropTable(id: TableIdentifier, purge = false): Promise<void> {
    await this.call({ ...this.tableRoute('DELETE', id), action: 'drop', query: { purgeRequested: purge ? 'true' : undefined }, idempotent: true });
  }

  async renameTable(from: TableIdentifier, to: TableIdentifier): Promise<void> {
    await this.call({
      method: 'POST', path: '/tables/rename', endpoint: 'POST /v1/{prefix}/tables/rename', action: 'rename',
      subject: `table ${tableDisplayName(from)} to ${tableDisplayName(to)}`, body: { source: from, destination: to }, idempotent: true,
    });
  }

  async registerTable(id: TableIdentifier, metadataLocation: string): Promise<LoadTableResult> {
    const body = await this.call({
      ...this.nsRoute('POST', id.namespace, '/register'), subject: `table ${tableDisplayName(id)}`, action: 'register',
      body: { name: id.name, 'metadata-location': metadataLocation }, delegation: true, idempotent: true,
    });
    return this.loadResult(body, id, () => this.loadTable(id));
  }

  // --- plumbing ---

  private paging(pageToken?: string): Record<string, string | undefined> {
    return { pageToken, pageSize: this.ctx.options.pageSize ? String(this.ctx.options.pageSize) : undefined };
  }

  private nsRoute(method: string, namespace: string[], rest: string): Pick<Call, 'method' | 'path' | 'endpoint' | 'subject'> {
    return {
      method, path: `/namespaces/${namespaceToPath(namespace)}${rest}`,
      endpoint: `${method} /v1/{prefix}/namespaces/{namespace}${rest}`, subject: `namespace ${namespaceDisplayName(namespace)}`,
    };
  }

  private tableRoute(method: string, id: TableIdentifier): Pick<Call, 'method' | 'path' | 'endpoint' | 'subject'> {
    return {
      method, path: `/namespaces/${namespaceToPath(id.namespace)}/tables/${encodeURIComponent(id.name)}`,
      endpoint: `${method} /v1/{prefix}/namespaces/{namespace}/tables/{table}`, subject: `table ${tableDisplayName(id)}`,
    };
  }

  /** The answer of a table load, create or register; `reload` gets the same answer again (with fresh vended keys). */
  private loadResult(raw: unknown, id: TableIdentifier, reload: () => Promise<LoadTableResult>): LoadTableResult {
    const body = raw as { 'metadata-location'?: string; metadata: unknown; config?: Record<string, string>; 'storage-credentials'?: { prefix: string; config: Record<string, string> }[] };
    const metadata = this.metadata(body.metadata, id, body['metadata-location']);
    const credentials = Array.isArray(body['storage-credentials']) ? body['storage-credentials'] : undefined;
    const config = { ...(body.config ?? {}), ...(bestCredential(credentials, metadata.location)?.config ?? {}) };
    const result: LoadTableResult = {
      metadataLocation: body['metadata-location'] ?? undefined, metadata, config,
      ...(credentials ? { storageCredentials: credentials } : {}),
    };
    if (expiringKeys(config)) {
      result.credentialRefresher = {
        // A table dropped and made again elsewhere must not share the old one's storage client and refresher.
        scope: `${this.ctx.connection} ${tableDisplayName(id)} ${metadata.location}${body['metadata-location'] ? '' : ' (staged)'}`,
        refresh: () => this.refreshedConfig(id, metadata.location, config, reload, !body['metadata-location']),
      };
    }
    return result;
  }

  /** The table's config with new vended keys: from GET .../credentials where the server lists it, else a reload. */
  private async refreshedConfig(id: TableIdentifier, location: string, config: Record<string, string>, reload: () => Promise<LoadTableResult>, staged: boolean): Promise<Record<string, string>> {
    if (!staged && this.supports(LOAD_CREDENTIALS)) {
      const fresh = bestCredential(await this.loadCredentials(id), location);
      if (fresh) return { ...config, ...fresh.config };
    }
    const again = await reload();
    if (again.metadata.location !== location) {
      throw new CatalogError('server-error', `Cannot refresh the storage credentials of table ${tableDisplayName(id)}: its location moved from ${location} to ${again.metadata.location}`, { uri: this.ctx.uri, table: tableDisplayName(id) });
    }
    return again.config;
  }

  private metadata(raw: unknown, id: TableIdentifier, file?: string): TableMetadata {
    try {
      return tableMetadataFromJson(raw, file);
    } catch (e) {
      if (e instanceof IcebergError) {
        throw new CatalogError('server-error', `The catalog ${this.name} returned invalid metadata for table ${tableDisplayName(id)}: ${e.message}`, { uri: this.ctx.uri, table: tableDisplayName(id) }, { cause: e });
      }
      throw e;
    }
  }

  private async call(call: Call): Promise<unknown> {
    const { ctx } = this;
    if (!ctx.endpoints.has(call.endpoint) && call.method !== 'HEAD') {
      throw new CatalogError('not-implemented', `Cannot ${call.action} ${call.subject}: the catalog ${this.name} does not offer ${call.endpoint}`, { uri: ctx.uri, table: call.subject });
    }
    const prefix = ctx.prefix ? `/${ctx.prefix.split('/').map(encodeURIComponent).join('/')}` : '';
    const query = Object.entries(call.query ?? {}).filter(([, v]) => v !== undefined) as [string, string][];
    const url = `${ctx.uri}/v1${prefix}${call.path}${query.length ? `?${new URLSearchParams(query).toString()}` : ''}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.delegation && ctx.options.vendedCredentials !== false) headers['X-Iceberg-Access-Delegation'] = 'vended-credentials';
    // With a key the server applies the request at most once, so an answer that was lost may be asked for again.
    const lifetime = call.idempotent ? ctx.idempotencyLifetimeMs : undefined;
    if (lifetime !== undefined) headers['Idempotency-Key'] = uuidv7();
    const req: HttpRequest = { method: call.method, url, headers, body: call.body === undefined ? undefined : stringifyJson(call.body) };
    const started = Date.now();
    // A commit resent after a lost answer or a 5xx may have been applied by the earlier try: only a success is then
    // certain. A conflict or an error on the resend (a server that restarted has forgotten the key) leaves the outcome
    // unknown, so the writer keeps its files instead of deleting what the table may now reference.
    let earlierMayHaveApplied = false;
    for (let attempt = 1; ; attempt++) {
      let res: HttpResponse | undefined;
      let failure: unknown;
      try {
        res = await exchange(ctx, req);
      } catch (e) {
        failure = e;
      }
      const pause = 100 * 2 ** attempt;
      const retry = lifetime !== undefined && attempt < IDEMPOTENT_ATTEMPTS && Date.now() - started + pause < lifetime
        && (res ? RETRY_STATUSES.has(res.status) : failure instanceof MaybeSentError);
      if (retry) {
        ctx.log?.(redact(`${call.method} ${url}: ${res ? `HTTP ${res.status}` : (failure as Error).message}; retrying with the same Idempotency-Key`));
        earlierMayHaveApplied ||= !!call.commit;
        await new Promise((r) => setTimeout(r, pause));
        continue;
      }
      if (earlierMayHaveApplied && !(res && res.status >= 200 && res.status < 300)) {
        const what = res ? `HTTP ${res.status}` : (failure as Error).message;
        throw new CatalogError('commit-state-unknown', `The commit to ${call.subject} may or may not have succeeded: an earlier try's answer was lost, and the retry got ${what}`, { uri: url, table: call.subject, ...(res ? { status: res.status } : {}) }, failure ? { cause: failure } : undefined);
      }
      if (!res) throw this.sendFailure(call, url, failure);
      return this.answer(call, url, res);
    }
  }

  private sendFailure(call: Call, url: string, e: unknown): unknown {
    if (call.commit && e instanceof MaybeSentError) {
      return new CatalogError('commit-state-unknown', `The commit to ${call.subject} may or may not have succeeded: ${e.message}`, { uri: url, table: call.subject }, { cause: e });
    }
    if (e instanceof CatalogError && e.kind === 'unreachable') {
      return new CatalogError('unreachable', `Cannot ${call.action} ${call.subject}: ${e.message}`, { ...e.details, table: call.subject }, { cause: e });
    }
    return e;
  }

  private answer(call: Call, url: string, res: HttpResponse): unknown {
    if (res.status >= 200 && res.status < 300) {
      const body = res.text ? safeParse(res.text) : {};
      if (body !== undefined) return body;
      if (call.commit) throw new CatalogError('commit-state-unknown', `The commit to ${call.subject} may or may not have succeeded: the catalog ${this.name} answered ${res.status} with a body that is not JSON`, { uri: url, table: call.subject, status: res.status });
      throw new CatalogError('server-error', `Cannot ${call.action} ${call.subject}: the catalog ${this.name} answered ${res.status} with a body that is not JSON`, { uri: url, table: call.subject, status: res.status });
    }
    throw errorFromResponse(res, { uri: url, subject: call.subject, action: call.action, commit: call.commit, catalog: this.name });
  }
}

/** Sends one request through the signing hook; on 401/419 with refreshable credentials, re-signs and retries once. */
async function exchange(ctx: Context, req: HttpRequest): Promise<HttpResponse> {
  for (let attempt = 0; ; attempt++) {
    const signed: HttpRequest = { ...req, headers: { ...ctx.baseHeaders, ...req.headers } };
    try {
      await ctx.signer?.sign(signed);
    } catch (e) {
      // The request itself was never sent, so a failed token fetch never makes a commit's outcome unknown.
      if (e instanceof MaybeSentError) throw new CatalogError(e.kind, e.message, e.details, { cause: e });
      throw e;
    }
    const started = Date.now();
    const res = await send(signed, ctx.timeoutMs);
    ctx.log?.(redact(`${req.method} ${req.url} -> ${res.status} (${Date.now() - started} ms)`));
    // 419 is the spec's "authentication timeout": a new token may succeed, as after a 401.
    if ((res.status === 401 || res.status === 419) && attempt === 0 && ctx.signer?.invalidate()) continue;
    return res;
  }
}

/** The most specific vended credential whose prefix covers the location. */
function bestCredential(credentials: { prefix: string; config: Record<string, string> }[] | undefined, location: string) {
  return credentials?.filter((c) => location.startsWith(c.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
}

/** True when the config carries S3 keys with an expiry (`s3.session-token-expires-at-ms`, or older Polaris's `expiration-time`). */
function expiringKeys(config: Record<string, string>): boolean {
  return Boolean(config['s3.access-key-id'] && (config['s3.session-token-expires-at-ms'] ?? config['expiration-time']));
}

function safeParse(text: string): unknown {
  try {
    return parseJson(text);
  } catch {
    return undefined;
  }
}

const KIND_BY_STATUS: Record<number, CatalogErrorKind> = {
  400: 'bad-request', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 406: 'not-implemented',
  409: 'already-exists', 419: 'unauthorized', 422: 'bad-request', 501: 'not-implemented',
};

/** Maps a non-2xx answer and its spec error body to a CatalogError naming the catalog and the table or namespace. */
export function errorFromResponse(res: { status: number; text: string }, where: { uri: string; subject: string; action: string; commit?: boolean; catalog?: string }): CatalogError {
  const body = safeParse(res.text) as { error?: { message?: string; type?: string } | string; error_description?: string } | undefined;
  const error = typeof body?.error === 'object' ? body.error : undefined;
  const type = error?.type ?? (typeof body?.error === 'string' ? body.error : undefined);
  const serverMessage = error?.message ?? body?.error_description ?? (res.text.slice(0, 200) || `HTTP ${res.status}`);
  let kind: CatalogErrorKind = KIND_BY_STATUS[res.status] ?? (res.status >= 500 ? 'server-error' : 'bad-request');
  if (res.status === 409 && type === 'NamespaceNotEmptyException') kind = 'not-empty';
  if (where.commit && res.status === 409) kind = 'commit-conflict';
  if (where.commit && [500, 502, 503, 504].includes(res.status)) kind = 'commit-state-unknown';
  const catalog = where.catalog ?? where.uri;
  const message = `Cannot ${where.action}${where.subject ? ` ${where.subject}` : ''} in catalog ${catalog}: ${serverMessage} (HTTP ${res.status}${type ? ` ${type}` : ''})`;
  return new CatalogError(kind, redact(message), { uri: where.uri, table: where.subject, status: res.status, type });
}
