// OAuth2 client-credentials tokens for the local catalog (the shape of Polaris's /v1/oauth/tokens).
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface TokenGrant { access_token: string; token_type: 'bearer'; expires_in: number; issued_token_type: string; scope: string }

/** OAuth's own error shape, which the token endpoint answers with (not the catalog error shape). */
export class OAuthError extends Error {
  constructor(readonly status: number, readonly error: string, readonly description: string) {
    super(description);
  }
  body() { return { error: this.error, error_description: this.description }; }
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

export class TokenIssuer {
  private readonly tokens = new Map<string, number>();

  /** Without clientId and clientSecret, every client is accepted. */
  constructor(private readonly clientId: string | undefined, private readonly clientSecret: string | undefined, private readonly ttlSeconds = 3600) {}

  /** Exchanges a client-credentials form (credentials in the form or in Basic auth) for a bearer token. */
  issue(form: URLSearchParams, authorization: string | undefined): TokenGrant {
    const grant = form.get('grant_type');
    // Iceberg's Java client refreshes by exchanging its current token for a new one.
    if (grant === TOKEN_EXCHANGE) {
      if (!this.verify(`Bearer ${form.get('subject_token') ?? ''}`)) throw new OAuthError(401, 'invalid_grant', 'The subject token is invalid or expired');
      return this.grant(form.get('scope'));
    }
    if (grant !== 'client_credentials') throw new OAuthError(400, 'unsupported_grant_type', `Unsupported grant_type: ${grant ?? '(missing)'}`);
    let id = form.get('client_id') ?? undefined;
    let secret = form.get('client_secret') ?? undefined;
    if (authorization?.startsWith('Basic ')) {
      const [u, ...rest] = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':');
      try {
        id = decodeURIComponent(u);
        secret = decodeURIComponent(rest.join(':'));
      } catch {
        throw new OAuthError(400, 'invalid_request', 'The Basic authorization header is not valid form-encoding');
      }
    }
    const open = this.clientId === undefined || this.clientSecret === undefined;
    if (!open && (!id || !secret || !same(id, this.clientId!) || !same(secret, this.clientSecret!))) {
      throw new OAuthError(401, 'invalid_client', 'The client is not authorized');
    }
    return this.grant(form.get('scope'));
  }

  private grant(scope: string | null): TokenGrant {
    this.sweep();
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, Date.now() + this.ttlSeconds * 1000);
    return {
      access_token: token, token_type: 'bearer', expires_in: this.ttlSeconds,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', scope: scope ?? 'PRINCIPAL_ROLE:ALL',
    };
  }

  /** True for an unexpired token from this issuer in a `Bearer` header. */
  verify(authorization: string | undefined): boolean {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const expiry = m ? this.tokens.get(m[1]) : undefined;
    return expiry !== undefined && expiry > Date.now();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [t, exp] of this.tokens) if (exp <= now) this.tokens.delete(t);
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
