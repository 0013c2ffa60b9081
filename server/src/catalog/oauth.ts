// Request signing for catalog calls: OAuth2 client credentials (cached, refreshed before expiry) or a static token.
import { CatalogError } from './catalog';
import { send, type HttpRequest } from './http';
import { parseJson } from '../util/json';
import { redact } from './redact';
import type { ClientCredentials } from './credential';

export { parseCredential, credentialFromEnv, type ClientCredentials } from './credential';

/** The one hook every catalog request passes through before it is sent. */
export interface RequestSigner {
  sign(req: HttpRequest): Promise<void>;
  /** Called after a 401 or 419: drop cached credentials; true when a retry may succeed. */
  invalidate(): boolean;
  /** The token endpoint the catalog's config names (`oauth2-server-uri`); used unless one was configured. */
  useServerTokenUri?(uri: string): void;
}


/** Signs with a fixed bearer token. */
export function staticToken(token: string): RequestSigner {
  return {
    async sign(req) { req.headers.authorization = `Bearer ${token}`; },
    invalidate: () => false,
  };
}

/** Fetches and caches client-credential tokens; refreshes them when less than half their life (max 5 min) is left. */
export function clientCredentials(creds: ClientCredentials, catalogUri: string, extraHeaders: Record<string, string>, timeoutMs: number, log?: (line: string) => void): RequestSigner {
  let tokenUri = creds.tokenUri ?? `${catalogUri.replace(/\/+$/, '')}/v1/oauth/tokens`;
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret, scope: creds.scope ?? 'PRINCIPAL_ROLE:ALL',
    });
    const res = await send({
      method: 'POST', url: tokenUri, body: form.toString(),
      headers: { ...extraHeaders, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    }, timeoutMs);
    log?.(redact(`POST ${tokenUri} (client ${creds.clientId}) -> ${res.status}`));
    let body: Record<string, unknown> = {};
    try { body = parseJson(res.text) as Record<string, unknown>; } catch { /* non-JSON error page */ }
    if (res.status !== 200 || typeof body.access_token !== 'string') {
      const err = body.error;
      const code = typeof err === 'string' ? err : (err as { type?: string })?.type;
      const why = typeof body.error_description === 'string' ? body.error_description : (err as { message?: string })?.message ?? `HTTP ${res.status}`;
      const kind = res.status === 401 || res.status === 400 && code === 'invalid_client' ? 'unauthorized' : res.status === 403 ? 'forbidden' : res.status >= 500 ? 'server-error' : 'unauthorized';
      throw new CatalogError(kind, `The catalog at ${tokenUri} refused the client credentials for '${creds.clientId}': ${why}${code ? ` (${code})` : ''}`, { uri: tokenUri, status: res.status, type: code });
    }
    const ttl = typeof body.expires_in === 'number' ? body.expires_in : 3600;
    // Renewed with half its life (at most five minutes) left, as vended S3 keys are: a request signed just before
    // still reaches the catalog with a live token.
    cached = { token: body.access_token, refreshAt: Date.now() + ttl * 1000 - Math.min(ttl * 500, 300_000) };
    return body.access_token;
  }

  return {
    async sign(req) {
      let token = cached && Date.now() < cached.refreshAt ? cached.token : undefined;
      if (!token) {
        pending ??= fetchToken().finally(() => { pending = undefined; });
        token = await pending;
      }
      req.headers.authorization = `Bearer ${token}`;
    },
    invalidate() {
      cached = undefined;
      return true;
    },
    useServerTokenUri(uri) {
      if (!creds.tokenUri) tokenUri = uri;
    },
  };
}
