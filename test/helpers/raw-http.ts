// Raw HTTP against a catalog, as a hostile or careless client sends it: any method, header (Host, Origin,
// Content-Type) or body, no client library in between.
import http from 'node:http';

export interface RawReply { status: number; headers: http.IncomingHttpHeaders; text: string; json: any }

export interface RawRequest {
  method?: string;
  /** Path below the catalog URI, e.g. `/v1/floe/namespaces`. */
  path: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON with content-type application/json unless headers say otherwise. */
  body?: unknown;
}

/** Sends one request to `<catalogUri><path>` and resolves with the status and body. */
export function raw(catalogUri: string, req: RawRequest): Promise<RawReply> {
  const url = new URL(`${catalogUri}${req.path}`);
  const headers: Record<string, string> = { ...(req.headers ?? {}) };
  let body: string | undefined;
  if (req.body !== undefined) {
    body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  return new Promise((resolve, reject) => {
    const r = http.request({ host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, path: url.pathname + url.search, method: req.method ?? (body === undefined ? 'GET' : 'POST'), headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { text += d; });
      res.on('end', () => {
        let json: unknown;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    r.on('error', reject);
    r.end(body);
  });
}

/** A one-column schema in REST JSON. */
export const SCHEMA_JSON = { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'long' }] };
