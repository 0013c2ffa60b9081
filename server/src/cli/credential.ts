// The catalog client credential for CLI commands: --credential, else FLOE_CATALOG_CREDENTIAL. The variable keeps the
// secret off the command line, where every local user can read it (ps, /proc/<pid>/cmdline).
import { parseCredential, type ClientCredentials } from '../catalog/oauth';
import { UsageError } from './command';

export const CREDENTIAL_ENV = 'FLOE_CATALOG_CREDENTIAL';

/** The credential given on the command line, else the one in the environment; a malformed variable is a usage error. */
export function catalogCredential(given: ClientCredentials | undefined, env: NodeJS.ProcessEnv = process.env): ClientCredentials | undefined {
  if (given) return given;
  const text = env[CREDENTIAL_ENV];
  if (!text) return undefined;
  const credential = parseCredential(text);
  if (!credential) throw new UsageError(`${CREDENTIAL_ENV} must be CLIENT_ID:CLIENT_SECRET`);
  return credential;
}
