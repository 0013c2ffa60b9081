// Keys for the S3 client that outlive the vended ones: session keys from a catalog are replaced through the
// catalog before they expire, so a long read or multipart write never signs a request with a dead key.
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import type { S3Options } from './storage';

export interface S3Keys { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiresAtMs?: number }

/** The catalog could not give new keys and the old ones have expired. */
export class CredentialRefreshError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CredentialRefreshError';
  }
}

/** Keys are replaced when less than half their life (at most five minutes) is left: requests signed just before
 * the switch still reach S3 while the old key works, and a two-second test key refreshes each second. */
const MAX_MARGIN_MS = 5 * 60_000;

export class RefreshingCredentials {
  private current: S3Keys;
  private obtainedAt: number;
  private pending: Promise<S3Keys> | undefined;
  /** How many times new keys were fetched (for logs and tests). */
  refreshes = 0;

  constructor(initial: S3Keys, private readonly fetch: () => Promise<S3Keys>, private readonly now: () => number = Date.now) {
    this.current = initial;
    this.obtainedAt = now();
  }

  /** The provider the S3 client calls before signing each request; it caches, so the SDK must not memoize it. */
  provider(): NonNullable<S3ClientConfig['credentials']> {
    const provide = async () => {
      const keys = await this.keys();
      return { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey, sessionToken: keys.sessionToken };
    };
    // The SDK would otherwise treat keys without an `expiration` as constant; ours decides when to refresh.
    return Object.assign(provide, { memoized: true });
  }

  /** The keys to sign with now: fresh ones first when the current ones are near expiry. */
  async keys(): Promise<S3Keys> {
    if (!this.due()) return this.current;
    try {
      return await this.renew();
    } catch (e) {
      // The catalog may be briefly away: keys that still work are used while they last.
      if (this.current.expiresAtMs !== undefined && this.now() < this.current.expiresAtMs) return this.current;
      throw e;
    }
  }

  /** Fetches new keys now (once for all concurrent callers), e.g. after S3 refused the current ones. */
  renew(): Promise<S3Keys> {
    this.pending ??= this.fetch().then((keys) => {
      this.current = keys;
      this.obtainedAt = this.now();
      this.refreshes++;
      return keys;
    }, (e: unknown) => {
      throw e instanceof CredentialRefreshError ? e : new CredentialRefreshError(`cannot refresh the vended S3 credentials: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }).finally(() => { this.pending = undefined; });
    return this.pending;
  }

  private due(): boolean {
    const expires = this.current.expiresAtMs;
    if (expires === undefined) return false;
    const margin = Math.min(MAX_MARGIN_MS, Math.max(0, (expires - this.obtainedAt) / 2));
    return this.now() >= expires - margin;
  }
}

/** Refreshing keys for S3 options that carry a refresher and keys; undefined for static or ambient credentials. */
export function refreshingCredentialsOf(options: S3Options): RefreshingCredentials | undefined {
  const refresh = options.refreshCredentials;
  if (!refresh || !options.accessKeyId || !options.secretAccessKey) return undefined;
  return new RefreshingCredentials(keysOf(options)!, async () => {
    const keys = keysOf(await refresh());
    if (!keys) throw new CredentialRefreshError('cannot refresh the vended S3 credentials: the catalog returned no S3 keys');
    return keys;
  });
}

function keysOf(o: S3Options): S3Keys | undefined {
  if (!o.accessKeyId || !o.secretAccessKey) return undefined;
  return { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey, sessionToken: o.sessionToken, expiresAtMs: o.credentialsExpireAtMs };
}
