// The local Polaris-compatible Iceberg REST catalog: node:http + find-my-way over a warehouse folder.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from 'find-my-way';
import { parseJson, stringifyJson } from '../../util/json';
import { IcebergError } from '../../iceberg/errors';
import { partitionSpecFromJson, schemaFromJson, sortOrderFromJson, tableMetadataToJson } from '../../iceberg/metadata-json';
import { tableRequirementFromJson, tableUpdateFromJson } from '../../iceberg/updates-json';
import type { TableIdentifier, TableMetadata } from '../../iceberg/spec';
import { storageFor } from '../../storage/factory';
import { s3OptionsFromProperties } from '../../storage/s3';
import { namespaceFromParam, namespaceToPath, tableDisplayName } from '../names';
import { badRequest, notAuthorized, notImplemented, RestError, toRestError } from './rest-error';
import { OAuthError, TokenIssuer } from './tokens';
import { WarehouseStore } from './warehouse-store';
import { TableService, type LoadedTable, type TableChange } from './table-service';
import { ENDPOINTS, ROUTES, type RouteName } from './routes';
import { checkContentType, RequestGuard } from './request-guard';
import { publicTableConfig, staticVendor, type CredentialVendor } from './vended-credentials';
import { IdempotencyStore, type Outcome } from './idempotency';

export interface LocalCatalogOptions {
  /** The folder holding table data and the catalog's state. */
  warehouse: string;
  /** The catalog name clients pass as `warehouse` in /v1/config; default `floe`. */
  name?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** When both are set, every route but the token endpoint needs a bearer token from them. */
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
  /** Where new tables go when neither request nor namespace names a location (e.g. `s3://iceberg-gold`); default the warehouse. */
  baseLocation?: string;
  /** Further local folders (or s3:// prefixes) where tables may be placed besides the warehouse and base location. */
  allowedLocations?: string[];
  /** Returned as LoadTableResult.config, and as storage-credentials when a client asks for vended credentials (e.g. s3.endpoint, s3.access-key-id). The server also writes S3 metadata with it. */
  tableConfig?: Record<string, string>;
  /** Makes the storage keys vended for a table location (e.g. short-lived keys from STS); default `tableConfig`'s keys. */
  vendCredentials?: CredentialVendor;
  /** How long the default vended keys are said to last (`s3.session-token-expires-at-ms`); default 3600. */
  credentialTtlSeconds?: number;
  /** How long an Idempotency-Key is honoured (advertised as `idempotency-key-lifetime`); default 1800; 0 turns keys off. */
  idempotencyKeyLifetimeSeconds?: number;
  /** Largest table metadata file the catalog reads, on register and on load; default 64 MiB. */
  maxMetadataBytes?: number;
  /** Byte budget of the parsed-metadata cache (by file size); default 64 MiB. */
  metadataCacheBytes?: number;
  /** Request body limit in bytes; default 16 MiB (413 beyond). */
  maxBodyBytes?: number;
  /** Access log: one line per request, no bodies or tokens. */
  log?: (line: string) => void;
}

export interface LocalCatalog {
  /** The catalog base URI, e.g. `http://127.0.0.1:8181/api/catalog`. */
  uri: string;
  port: number;
  /** The catalog name (the `warehouse` to ask /v1/config for). */
  name: string;
  close(): Promise<void>;
}

interface Request {
  params: Record<string, string | undefined>;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  rawBody: string;
}
/** An answer: `body` is serialized on sending unless `json` already holds it, as pieces of UTF-8 JSON. */
interface Reply { status: number; body?: unknown; json?: Uint8Array[]; remember?: Outcome['table'] }
type Handler = (req: Request) => Promise<Reply>;

/** The routes that honour an Idempotency-Key: the spec's mutations. */
const IDEMPOTENT = new Set<RouteName>([
  'createNamespace', 'dropNamespace', 'updateNamespace', 'createTable', 'commitTable', 'dropTable', 'registerTable', 'renameTable', 'commitTransaction',
]);

/** A handler's answer as an outcome to remember: errors included (deterministic 4xx are final, 5xx are not kept). */
async function outcomeOf(answer: Promise<Reply>, context: string): Promise<Outcome> {
  try {
    const reply = await answer;
    if (reply.remember) return { status: reply.status, table: reply.remember };
    return reply.json ? { status: reply.status, transient: reply } : { status: reply.status, body: reply.body };
  } catch (e) {
    const err = toRestError(e, context);
    return { status: err.status, body: err.body() };
  }
}

const API = '/api/catalog';

/** Starts the catalog; resolves once it listens. */
export async function startLocalCatalog(opts: LocalCatalogOptions): Promise<LocalCatalog> {
  const name = opts.name ?? 'floe';
  const store = new WarehouseStore(opts.warehouse);
  const tableConfig = opts.tableConfig ?? {};
  const s3 = s3OptionsFromProperties(tableConfig);
  const tables = new TableService({ store, baseLocation: opts.baseLocation, allowedLocations: opts.allowedLocations, maxMetadataBytes: opts.maxMetadataBytes, metadataCacheBytes: opts.metadataCacheBytes, storageFor: (uri) => storageFor(uri, { s3 }) });
  const issuer = opts.clientId && opts.clientSecret ? new TokenIssuer(opts.clientId, opts.clientSecret, opts.tokenTtlSeconds) : undefined;
  const openIssuer = new TokenIssuer(undefined, undefined, opts.tokenTtlSeconds);
  const maxBody = opts.maxBodyBytes ?? 16 * 1024 * 1024;
  const vend = opts.vendCredentials ?? staticVendor(tableConfig, opts.credentialTtlSeconds ?? 3600);
  const idempotencyLifetime = opts.idempotencyKeyLifetimeSeconds ?? 1800;
  const idempotency = idempotencyLifetime > 0 ? new IdempotencyStore({ lifetimeMs: idempotencyLifetime * 1000 }) : undefined;
  const handlers = makeHandlers({ name, store, tables, tableConfig, vend, idempotencyLifetime });

  const router = Router({ ignoreTrailingSlash: true, maxParamLength: 4096 });
  for (const [route, spec] of Object.entries(ROUTES) as [RouteName, (typeof ROUTES)[RouteName]][]) {
    for (const p of spec.paths) router.on(spec.method, `${API}${p}`, () => undefined, { route });
  }

  let guard: RequestGuard | undefined; // set once listening, when the port is known
  const server = http.createServer((req, res) => {
    void serve(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    let reply: Reply;
    let oauth: OAuthError | undefined;
    try {
      guard!.checkSource(req.headers);
      const match = router.find(method as Router.HTTPMethod, url.pathname);
      const route = (match?.store as { route?: RouteName } | null)?.route;
      if (!match || !route) {
        throw url.pathname.startsWith(`${API}/v1/`) ? notImplemented(`${method} ${url.pathname}`) : new RestError(404, 'NotFoundException', `No such route: ${method} ${url.pathname}`);
      }
      const rawBody = await readBody(req, maxBody);
      if (route === 'token') {
        if (rawBody.length > 0) checkContentType(req.headers, 'application/x-www-form-urlencoded');
        // Without configured credentials any client gets a token, so profiles copied from a secured catalog still work.
        reply = { status: 200, body: (issuer ?? openIssuer).issue(new URLSearchParams(rawBody), req.headers.authorization) };
      } else {
        if (issuer && !issuer.verify(req.headers.authorization)) throw notAuthorized('Not authorized: a valid bearer token is required');
        if (rawBody.length > 0) checkContentType(req.headers, 'application/json');
        const params = { ...match.params } as Record<string, string | undefined>;
        if (params.prefix !== undefined && params.prefix !== name) {
          throw new RestError(404, 'NotFoundException', `Unable to find catalog ${params.prefix} (this server serves ${name})`);
        }
        let body: unknown;
        if (rawBody.length > 0) {
          try { body = parseJson(rawBody); } catch { throw badRequest('Request body is not valid JSON'); }
        }
        const request: Request = { params, query: url.searchParams, headers: req.headers, body, rawBody };
        const key = req.headers['idempotency-key'];
        if (idempotency && typeof key === 'string' && IDEMPOTENT.has(route)) {
          const apply = () => outcomeOf(handlers[route](request), `${method} ${url.pathname}`);
          const { outcome } = await idempotency.once(key, `${method} ${url.pathname}${url.search}\n${rawBody}`, apply);
          reply = await handlers.replay(request, outcome);
        } else {
          reply = await handlers[route](request);
        }
      }
    } catch (e) {
      if (e instanceof OAuthError) {
        oauth = e;
        reply = { status: e.status, body: e.body() };
      } else {
        const err = toRestError(e, `${method} ${url.pathname}`);
        reply = { status: err.status, body: err.body() };
      }
    }
    // A client that went away mid-request is its own doing: logged as such (499, as nginx does), never as a 500.
    if (reply.status !== 413 && clientGone(req, res)) {
      opts.log?.(`${method} ${url.pathname} -> 499 client closed the request`);
      res.destroy();
      return;
    }
    // Serialized before anything is logged or sent, so the log names the status the client really gets.
    let pieces: (string | Uint8Array)[];
    try {
      pieces = method === 'HEAD' ? [] : reply.json ?? (reply.body === undefined ? [] : [stringifyJson(reply.body)]);
    } catch (e) {
      const err = toRestError(e, `${method} ${url.pathname}`);
      reply = { status: err.status, body: err.body() };
      pieces = [stringifyJson(reply.body)];
    }
    const detail = oauth ? ` ${oauth.error}` : reply.status >= 500 ? ` ${(reply.body as { error?: { message?: string } })?.error?.message ?? ''}` : '';
    const length = pieces.reduce((n, p) => n + (typeof p === 'string' ? Buffer.byteLength(p) : p.byteLength), 0);
    res.writeHead(reply.status, length ? { 'content-type': 'application/json', 'content-length': length } : {});
    for (const p of pieces) res.write(p);
    res.end();
    opts.log?.(`${method} ${url.pathname} -> ${reply.status}${detail}`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  guard = new RequestGuard(opts.host ?? '127.0.0.1', address.port);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    uri: `http://${host}:${address.port}${API}`,
    port: address.port,
    name,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** True when the client aborted the request or closed its connection before the answer. */
function clientGone(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  return req.readableAborted || res.destroyed || res.writableEnded || !!req.socket?.destroyed;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.reject(new RestError(413, 'BadRequestException', `Request body of ${declared} bytes exceeds the limit of ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new RestError(413, 'BadRequestException', `Request body exceeds the limit of ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// --- handlers ---

interface HandlerContext {
  name: string; store: WarehouseStore; tables: TableService; tableConfig: Record<string, string>; vend: CredentialVendor; idempotencyLifetime: number;
}

function makeHandlers(c: HandlerContext): Record<Exclude<RouteName, 'token'>, Handler> & { replay(req: Request, outcome: Outcome): Promise<Reply> } {
  const { store, tables } = c;
  const ns = (req: Request) => namespaceFromParam(req.params.namespace ?? '');
  const tableId = (req: Request): TableIdentifier => ({ namespace: ns(req), name: req.params.table ?? '' });

  const loadResult = async (t: LoadedTable, req: Request, id: TableIdentifier): Promise<Reply> => {
    // Storage secrets only when the caller asks for vended credentials (as Polaris); with auth on, every caller
    // here already showed a valid token.
    const delegation = String(req.headers['x-iceberg-access-delegation'] ?? '').split(',').map((d) => d.trim());
    const vend = delegation.includes('vended-credentials') && Object.keys(c.tableConfig).length > 0;
    const body: Record<string, unknown> = { config: publicTableConfig(c.tableConfig) };
    if (t.metadataLocation) body['metadata-location'] = t.metadataLocation;
    if (vend) {
      const vended = await c.vend(t.metadata.location);
      // Where Iceberg's Java client asks for new keys (relative to the catalog URI); Floe uses the advertised route.
      const refresh = `v1/${encodeURIComponent(c.name)}/namespaces/${namespaceToPath(id.namespace)}/tables/${encodeURIComponent(id.name)}/credentials`;
      body.config = { ...publicTableConfig(c.tableConfig), ...vended, 'client.refresh-credentials-endpoint': refresh };
      body['storage-credentials'] = [{ prefix: t.metadata.location, config: vended }];
    }
    const onlyRefs = req.query.get('snapshots') === 'refs';
    const reply = tableReply(body, onlyRefs ? { metadata: refsOnly(t.metadata) } : t);
    return t.metadataLocation ? { ...reply, remember: { metadataLocation: t.metadataLocation, kind: 'load', id } } : reply;
  };

  return {
    config: async (req) => {
      const warehouse = req.query.get('warehouse');
      if (warehouse && warehouse !== c.name) throw new RestError(404, 'NotFoundException', `Unable to find warehouse ${warehouse} (this server serves ${c.name})`);
      // Token requests go to the non-deprecated path; relative to the catalog URI (as Iceberg clients resolve it),
      // so a client behind a proxy keeps going through the proxy.
      const overrides = { prefix: c.name, 'oauth2-server-uri': 'oauth/tokens' };
      const idempotency = c.idempotencyLifetime > 0 ? { 'idempotency-key-lifetime': `PT${c.idempotencyLifetime}S` } : {};
      return { status: 200, body: { defaults: {}, overrides, endpoints: ENDPOINTS, ...idempotency } };
    },

    replay: async (req, outcome) => {
      if (outcome.transient !== undefined) return outcome.transient as Reply;
      if (!outcome.table) return { status: outcome.status, body: outcome.body };
      const { metadataLocation, kind, id } = outcome.table;
      const t = await tables.loadFile(id, metadataLocation);
      return kind === 'commit' ? tableReply({ 'metadata-location': metadataLocation }, t) : loadResult(t, req, id);
    },

    listNamespaces: async (req) => {
      const parent = req.query.get('parent');
      const all = await store.listNamespaces(parent ? namespaceFromParam(parent) : []);
      const p = page(all, (n) => n.join('\u001f'), req.query);
      return { status: 200, body: withToken({ namespaces: p.items }, p.next) };
    },
    createNamespace: async (req) => {
      const body = obj(req.body, 'create namespace request');
      const namespace = stringArray(body.namespace, 'namespace');
      const properties = stringMap(body.properties ?? {}, 'properties');
      await store.withCatalogLock(async () => {
        if (properties.location !== undefined) await tables.checkNamespaceLocation(properties.location);
        await store.createNamespace(namespace, properties);
      });
      return { status: 200, body: { namespace, properties } };
    },
    loadNamespace: async (req) => ({ status: 200, body: { namespace: ns(req), properties: await store.loadNamespace(ns(req)) } }),
    namespaceExists: async (req) => {
      await store.requireNamespace(ns(req));
      return { status: 204 };
    },
    dropNamespace: async (req) => {
      // Under the catalog lock: a table created concurrently is either seen (409 not empty) or refused (404).
      await store.withCatalogLock(() => store.dropNamespace(ns(req)));
      return { status: 204 };
    },
    updateNamespace: async (req) => {
      const body = obj(req.body, 'update namespace properties request');
      const removals = body.removals === undefined ? [] : stringArray(body.removals, 'removals', true);
      const updates = stringMap(body.updates ?? {}, 'updates');
      if (updates.location === undefined) return { status: 200, body: await store.updateNamespace(ns(req), removals, updates) };
      return store.withCatalogLock(async () => {
        await tables.checkNamespaceLocation(updates.location);
        return { status: 200, body: await store.updateNamespace(ns(req), removals, updates) };
      });
    },

    listTables: async (req) => {
      const namespace = ns(req);
      const names = await store.listTables(namespace);
      const p = page(names, (n) => n, req.query);
      return { status: 200, body: withToken({ identifiers: p.items.map((name) => ({ namespace, name })) }, p.next) };
    },
    createTable: async (req) => {
      const body = obj(req.body, 'create table request');
      if (typeof body.name !== 'string') throw badRequest('create table request: "name" is required');
      if (body.location !== undefined && typeof body.location !== 'string') throw badRequest('create table request: "location" must be a string');
      const request = specParse(() => ({
        name: body.name as string,
        location: body.location as string | undefined,
        schema: schemaFromJson(body.schema),
        spec: body['partition-spec'] ? partitionSpecFromJson(body['partition-spec']) : undefined,
        order: body['write-order'] ? sortOrderFromJson(body['write-order']) : undefined,
        properties: stringMap(body.properties ?? {}, 'properties'),
      }));
      return loadResult(await tables.create(ns(req), request, body['stage-create'] === true), req, { namespace: ns(req), name: request.name });
    },
    loadTable: async (req) => loadResult(await tables.load(tableId(req)), req, tableId(req)),
    tableExists: async (req) => {
      await store.requireNamespace(ns(req));
      if (!(await store.readPointer(tableId(req)))) throw new RestError(404, 'NoSuchTableException', `Table does not exist: ${tableDisplayName(tableId(req))}`);
      return { status: 204 };
    },
    commitTable: async (req) => {
      const change = tableChange(req.body, tableId(req));
      const out = await tables.commit(change);
      return { ...tableReply({ 'metadata-location': out.metadataLocation }, out), remember: { metadataLocation: out.metadataLocation, kind: 'commit', id: change.id } };
    },
    dropTable: async (req) => {
      await store.requireNamespace(ns(req));
      await tables.drop(tableId(req), req.query.get('purgeRequested') === 'true');
      return { status: 204 };
    },
    reportMetrics: async () => ({ status: 204 }),
    loadCredentials: async (req) => {
      const { metadata } = await tables.load(tableId(req));
      const credentials = Object.keys(c.tableConfig).length > 0 ? [{ prefix: metadata.location, config: await c.vend(metadata.location) }] : [];
      return { status: 200, body: { 'storage-credentials': credentials } };
    },
    registerTable: async (req) => {
      const body = obj(req.body, 'register table request');
      if (typeof body.name !== 'string' || typeof body['metadata-location'] !== 'string') {
        throw badRequest('register table request: "name" and "metadata-location" are required');
      }
      const id = { namespace: ns(req), name: body.name };
      return loadResult(await tables.register(id, body['metadata-location'], body.overwrite === true), req, id);
    },
    renameTable: async (req) => {
      const body = obj(req.body, 'rename table request');
      await tables.rename(identifier(body.source, 'source'), identifier(body.destination, 'destination'));
      return { status: 204 };
    },
    commitTransaction: async (req) => {
      const body = obj(req.body, 'commit transaction request');
      if (!Array.isArray(body['table-changes'])) throw badRequest('commit transaction request: "table-changes" must be an array');
      const changes = body['table-changes'].map((ch, i) => {
        const o = obj(ch, `table-changes[${i}]`);
        return tableChange(o, identifier(o.identifier, `table-changes[${i}].identifier`));
      });
      await tables.commitTransaction(changes);
      return { status: 204 };
    },
  };
}

function tableChange(raw: unknown, id: TableIdentifier): TableChange {
  const body = obj(raw, 'commit table request');
  if (!Array.isArray(body.requirements ?? []) || !Array.isArray(body.updates ?? [])) throw badRequest('commit request: "requirements" and "updates" must be arrays');
  return specParse(() => ({
    id,
    requirements: ((body.requirements ?? []) as unknown[]).map(tableRequirementFromJson),
    updates: ((body.updates ?? []) as unknown[]).map(tableUpdateFromJson),
  }));
}

/** Runs a parse of request content; spec violations become 400 rather than 500. */
function specParse<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof IcebergError) throw badRequest(`Invalid request: ${e.message}`);
    throw e;
  }
}

/** Only the snapshots that refs point at, for `?snapshots=refs`. */
/**
 * A 200 answer of `fields` plus the table's `metadata`, sent as the JSON bytes the table service has when it has
 * them: large metadata was serialized off the event loop, and serializing it again here held the loop for 380 ms
 * per 11.6 MB. (`snapshots=refs` answers are serialized here; without the history they are small.)
 */
function tableReply(fields: Record<string, unknown>, t: { metadata: TableMetadata; metadataJson?: Uint8Array }): Reply {
  const metadata = t.metadataJson ?? stringifyJson(tableMetadataToJson(t.metadata));
  const rest = stringifyJson(fields).slice(1); // `"k":v,...}` or `}`
  return { status: 200, json: [Buffer.from('{"metadata":'), typeof metadata === 'string' ? Buffer.from(metadata) : metadata, Buffer.from(`${rest === '}' ? '' : ','}${rest}`)] };
}

/** The metadata with only the snapshots some branch or tag references (`snapshots=refs`). */
function refsOnly(m: TableMetadata): TableMetadata {
  const keep = new Set(Object.values(m.refs).map((r) => r['snapshot-id']));
  return { ...m, snapshots: m.snapshots.filter((s) => keep.has(s['snapshot-id'])) };
}

/** Pages a sorted list; the token is the last key of the previous page, so concurrent inserts do not shift pages. */
function page<T>(all: T[], key: (t: T) => string, query: URLSearchParams): { items: T[]; next?: string } {
  const token = query.get('pageToken');
  const sizeText = query.get('pageSize');
  const size = sizeText ? Number(sizeText) : undefined;
  if (size !== undefined && (!Number.isInteger(size) || size < 1)) throw badRequest(`Invalid pageSize: ${sizeText}`);
  let start = 0;
  if (token) {
    const after = Buffer.from(token, 'base64url').toString('utf8');
    start = all.findIndex((t) => key(t) > after);
    if (start < 0) start = all.length;
  }
  if (size === undefined) return { items: all.slice(start) };
  const items = all.slice(start, start + size);
  const more = start + size < all.length;
  return { items, next: more ? Buffer.from(key(items[items.length - 1]), 'utf8').toString('base64url') : undefined };
}

function withToken<T extends object>(body: T, next: string | undefined): T {
  return next ? { ...body, 'next-page-token': next } : body;
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw badRequest(`${what}: expected a JSON object`);
  return v as Record<string, unknown>;
}

function stringArray(v: unknown, what: string, allowEmpty = false): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string') || (!allowEmpty && v.length === 0)) {
    throw badRequest(`${what}: expected a${allowEmpty ? 'n' : ' non-empty'} array of strings`);
  }
  return v as string[];
}

function stringMap(v: unknown, what: string): Record<string, string> {
  const o = obj(v, what);
  for (const [k, x] of Object.entries(o)) if (typeof x !== 'string') throw badRequest(`${what}: value of ${k} must be a string`);
  return o as Record<string, string>;
}

function identifier(v: unknown, what: string): TableIdentifier {
  const o = obj(v, what);
  if (typeof o.name !== 'string') throw badRequest(`${what}: "name" is required`);
  return { namespace: stringArray(o.namespace, `${what}.namespace`), name: o.name };
}
