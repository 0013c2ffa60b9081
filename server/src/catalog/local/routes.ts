// The REST routes the local catalog serves, each under /v1/{prefix}/... and (for clients that skip the prefix) /v1/...
import type { HTTPMethod } from 'find-my-way';

type RouteSpec = { method: HTTPMethod; paths: string[] };

const both = (method: HTTPMethod, rest: string): RouteSpec => ({ method, paths: [`/v1/:prefix${rest}`, `/v1${rest}`] });
const NS = '/namespaces/:namespace';
const TABLE = `${NS}/tables/:table`;

export const ROUTES = {
  config: { method: 'GET', paths: ['/v1/config'] },
  // /oauth/tokens is what /v1/config names as `oauth2-server-uri`; /v1/oauth/tokens stays for older clients.
  token: { method: 'POST', paths: ['/oauth/tokens', '/v1/oauth/tokens'] },
  listNamespaces: both('GET', '/namespaces'),
  createNamespace: both('POST', '/namespaces'),
  loadNamespace: both('GET', NS),
  namespaceExists: both('HEAD', NS),
  dropNamespace: both('DELETE', NS),
  updateNamespace: both('POST', `${NS}/properties`),
  listTables: both('GET', `${NS}/tables`),
  createTable: both('POST', `${NS}/tables`),
  loadTable: both('GET', TABLE),
  tableExists: both('HEAD', TABLE),
  commitTable: both('POST', TABLE),
  dropTable: both('DELETE', TABLE),
  reportMetrics: both('POST', `${TABLE}/metrics`),
  loadCredentials: both('GET', `${TABLE}/credentials`),
  registerTable: both('POST', `${NS}/register`),
  renameTable: both('POST', '/tables/rename'),
  commitTransaction: both('POST', '/transactions/commit'),
} satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof ROUTES;

/** The `endpoints` list of /v1/config: "METHOD /v1/{prefix}/..." for every prefixed route. */
export const ENDPOINTS: string[] = Object.values(ROUTES as Record<string, RouteSpec>)
  .filter((r) => r.paths[0].startsWith('/v1/:prefix'))
  .map((r) => `${r.method} ${r.paths[0].replace(':prefix', '{prefix}').replace(':namespace', '{namespace}').replace(':table', '{table}')}`);
