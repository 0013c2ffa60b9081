// Removes secrets from text before it reaches the output channel.
// Stand-in until server/src/catalog/redact.ts (catalog engineer) lands; then this file re-exports it.

const patterns: Array<[RegExp, string]> = [
  // Authorization headers and bearer tokens.
  [/(authorization["']?\s*[:=]\s*["']?)(bearer|basic)\s+[^\s"',}]+/gi, '$1$2 ***'],
  [/\bbearer\s+[A-Za-z0-9\-._~+/]+=*/gi, 'Bearer ***'],
  // key=value or "key": "value" where the key names a secret.
  [
    /((?:client_secret|secret_access_key|secretAccessKey|s3_secret_access_key|access_token|refresh_token|password|credential|token|secret)["']?\s*[:=]\s*["']?)([^"'\s,&}]+)/gi,
    '$1***',
  ],
  // user:password@ in URLs.
  [/(\/\/[^/\s:@]+:)[^/\s@]+@/g, '$1***@'],
];

export function redactSecrets(text: string): string {
  let out = text;
  for (const [re, replacement] of patterns) out = out.replace(re, replacement);
  return out;
}
