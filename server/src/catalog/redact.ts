// Masks secrets in any text before it is logged or shown: client secrets, bearer/basic credentials, tokens, S3 secret
// keys, passwords inside URIs.

const MASK = '***';

// key=value, key: value and "key": "value" where the key names a secret (client_secret, s3.secret-access-key, token, ...).
const SECRET_PAIR = /(["']?)([\w.-]*(?:secret|token|password|credential|session-key|private-key)[\w.-]*)\1(\s*[:=]\s*)(["']?)([^"'&\s,;}]+)\4/gi;
// Userinfo in a URI (http://user:password@host): the password, or a lone user part (often a token), is masked.
const URI_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@]+)@/gi;
const AUTH_HEADER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const FLAG = /(--(?:client-secret|credential|token)(?:=|\s+))(\S+)/gi;
// AWS secret access keys: 40 base64 characters standing alone.
const AWS_SECRET = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/** Returns text with every secret it can recognise replaced by ***. */
export function redact(text: string): string {
  return redactUriUserinfo(text)
    .replace(AUTH_HEADER, (_m, scheme: string) => `${scheme} ${MASK}`)
    .replace(FLAG, (_m, flag: string) => `${flag}${MASK}`)
    .replace(SECRET_PAIR, (m, q: string, key: string, sep: string, vq: string, value: string) => (/type$/i.test(key) || isPosition(sep, value) || isNodeId(key) ? m : `${q}${key}${q}${sep}${vq}${MASK}${vq}`))
    .replace(AWS_SECRET, (m) => (isRandomKey(m) ? MASK : m));
}

/**
 * `token_prices.sql:12:3: error: …` names a file (a dbt model named for tokens) and a line and column, not a secret:
 * a key followed straight by `:line:col`.
 */
const isPosition = (sep: string, value: string) => sep === ':' && /^\d+:\d+:?$/.test(value);

/**
 * `model.flow_models.bronze__complete_token_prices: Cannot load table …` names a dbt node (its unique id, three parts
 * or more) before its message, not a secret.
 */
const isNodeId = (key: string) => /^(?:model|seed|snapshot|source|test|analysis|unit_test|exposure|metric|semantic_model|saved_query|operation)\.[\w-]+\.[\w.-]+$/.test(key);

/**
 * A secret access key is random: upper and lower case letters and digits. Forty letters and slashes that are a path
 * (`models/balances/ethereum/genesis/genesis_balances.sql`) are not.
 */
const isRandomKey = (text: string) => /[A-Z]/.test(text) && /[a-z]/.test(text) && /\d/.test(text);

/** Masks only the password (or lone user part) inside URIs: safe on any message, it changes nothing else. */
export function redactUriUserinfo(text: string): string {
  return text.replace(URI_USERINFO, (_m, scheme: string, info: string) => `${scheme}${info.includes(':') ? `${info.slice(0, info.indexOf(':'))}:${MASK}` : MASK}@`);
}
