// Base64 decoding for results that arrive as base64 Arrow IPC.

const BASE64_CODES = (() => {
  const table = new Uint8Array(128);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/** Base64 to bytes; hand-written because atob plus a charCode loop doubles the load time of 10 MB results. */
export function base64ToBytes(b64: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (native) return native(b64);
  let end = b64.length;
  while (end > 0 && b64.charCodeAt(end - 1) === 61) end--; // '=' padding
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 4 <= end; i += 4) {
    const n = (BASE64_CODES[b64.charCodeAt(i)] << 18) | (BASE64_CODES[b64.charCodeAt(i + 1)] << 12) | (BASE64_CODES[b64.charCodeAt(i + 2)] << 6) | BASE64_CODES[b64.charCodeAt(i + 3)];
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  const rest = end - i;
  if (rest >= 2) {
    const n = (BASE64_CODES[b64.charCodeAt(i)] << 18) | (BASE64_CODES[b64.charCodeAt(i + 1)] << 12) | (rest === 3 ? BASE64_CODES[b64.charCodeAt(i + 2)] << 6 : 0);
    out[o++] = n >> 16;
    if (rest === 3) out[o++] = (n >> 8) & 255;
  }
  return out;
}
