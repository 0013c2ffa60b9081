// Which table config keys are storage secrets: these are sent only to a caller that asks for vended credentials
// (X-Iceberg-Access-Delegation: vended-credentials); endpoint, region and path style are sent to every caller.
const SECRET_KEY = /secret|token|password|access-key|key-id|credential|session/i;

/** The table config without its secrets. */
export function publicTableConfig(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !SECRET_KEY.test(k)));
}
