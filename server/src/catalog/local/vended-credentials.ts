// Which table config keys are storage secrets: these are sent only to a caller that asks for vended credentials
// (X-Iceberg-Access-Delegation: vended-credentials); endpoint, region and path style are sent to every caller.
const SECRET_KEY = /secret|token|password|access-key|key-id|credential|session/i;

/** The table config without its secrets. */
export function publicTableConfig(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !SECRET_KEY.test(k)));
}

/** Makes the storage config a caller gets with vended credentials for the table at `location`. */
export type CredentialVendor = (location: string) => Promise<Record<string, string>>;

/**
 * The catalog's own S3 keys, vended with when clients must come back for new ones (`s3.session-token-expires-at-ms`,
 * Iceberg's per-provider expiry): clients then exercise the same refresh path as against Polaris's STS keys.
 */
export function staticVendor(config: Record<string, string>, ttlSeconds: number): CredentialVendor {
  return async () => (config['s3.access-key-id']
    ? { ...config, 's3.session-token-expires-at-ms': String(Date.now() + ttlSeconds * 1000) }
    : { ...config });
}
