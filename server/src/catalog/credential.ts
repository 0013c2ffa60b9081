// A catalog's OAuth2 client credentials as the CLI and the environment give them: parsing only, no I/O, so the editor's
// start (the explorer's connections) reads them without loading the HTTP client (node:http, node:https).

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  /** Default `PRINCIPAL_ROLE:ALL`. */
  scope?: string;
  /** Default: the catalog config's `oauth2-server-uri`, and `<catalog uri>/v1/oauth/tokens` until the config is read. */
  tokenUri?: string;
}

/** `client_id:client_secret` (the CLI's --credential, the FLOE_CATALOG_CREDENTIAL variable); undefined when malformed. */
export function parseCredential(text: string): ClientCredentials | undefined {
  const i = text.indexOf(':');
  return i <= 0 ? undefined : { clientId: text.slice(0, i), clientSecret: text.slice(i + 1) };
}

/** FLOE_CATALOG_CREDENTIAL=client_id:client_secret, for CI and scripts. */
export function credentialFromEnv(env: NodeJS.ProcessEnv = process.env): ClientCredentials | undefined {
  return env.FLOE_CATALOG_CREDENTIAL ? parseCredential(env.FLOE_CATALOG_CREDENTIAL) : undefined;
}
