// One HTTP exchange with a catalog; network failures become CatalogError('unreachable') naming the URI.
// node:http with keep-alive agents rather than fetch: a catalog round trip is on every table read, and
// fetch's per-request overhead was ~0.5 ms of a ~1.5 ms loadTable against the local catalog (docs/benchmarks.md).
import http from 'node:http';
import https from 'node:https';
import { CatalogError } from './catalog';

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse { status: number; text: string; headers: http.IncomingHttpHeaders }

/** Thrown for failures after the request may have reached the server (timeouts, resets): a commit's outcome is unknown. */
export class MaybeSentError extends CatalogError {}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

const RETRY_ON = new Set(['ECONNRESET', 'EPIPE']);

const agents = {
  'http:': new http.Agent({ keepAlive: true, keepAliveMsecs: 1000, maxSockets: 16 }),
  'https:': new https.Agent({ keepAlive: true, keepAliveMsecs: 1000, maxSockets: 16 }),
};

const MAX_REDIRECTS = 5;

/** Sends a request, following redirects as fetch did (a catalog behind a proxy may answer 301/307 to https). */
export async function send(req: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  let current = req;
  for (let hops = 0; ; hops++) {
    const res = await sendRetryingReads(current, timeoutMs);
    const next = hops < MAX_REDIRECTS ? redirected(current, res) : undefined;
    if (!next) return res;
    current = next;
  }
}

/** The request a 3xx asks for, or undefined: 307/308 keep method and body; 301/302/303 follow reads only. */
function redirected(req: HttpRequest, res: HttpResponse): HttpRequest | undefined {
  const location = res.headers.location;
  if (!location || ![301, 302, 303, 307, 308].includes(res.status)) return undefined;
  const keep = res.status === 307 || res.status === 308;
  if (!keep && req.method !== 'GET' && req.method !== 'HEAD') return undefined;
  const url = new URL(location, req.url);
  const headers = { ...req.headers };
  // Credentials go only to the origin they were meant for.
  if (url.origin !== new URL(req.url).origin) {
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
  }
  return { ...req, url: url.toString(), headers };
}

async function sendRetryingReads(req: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  try {
    return await sendOnce(req, timeoutMs);
  } catch (e) {
    // A pooled keep-alive socket the server closed (e.g. it restarted): safe to retry reads once on a new socket.
    if ((req.method === 'GET' || req.method === 'HEAD') && e instanceof SendError && RETRY_ON.has(e.code ?? '')) {
      return sendOnce(req, timeoutMs);
    }
    throw e;
  }
}

class SendError extends MaybeSentError {
  constructor(message: string, uri: string, cause: unknown, readonly code: string | undefined) {
    super('unreachable', message, { uri }, { cause });
  }
}

function sendOnce(req: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  const url = new URL(req.url);
  const where = url.origin;
  const transport = url.protocol === 'https:' ? https : http;
  const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
  const headers: Record<string, string | number> = { ...req.headers };
  if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const fail = (e: unknown) => finish(() => {
      const code = (e as NodeJS.ErrnoException)?.code;
      if (code && NOT_SENT.has(code)) {
        reject(new CatalogError('unreachable', `Cannot reach the catalog at ${where} (${code})`, { uri: req.url }, { cause: e }));
      } else {
        const why = code ?? (e as Error)?.message ?? String(e);
        reject(new SendError(`Lost the connection to the catalog at ${where} (${why})`, req.url, e, code));
      }
    });
    const request = transport.request(url, { method: req.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish(() => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), headers: res.headers })));
      res.on('error', fail);
      res.on('aborted', () => fail(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
    });
    request.on('error', fail);
    const timer = setTimeout(() => {
      fail(new Error(`no answer within ${timeoutMs} ms`));
      request.destroy();
    }, timeoutMs);
    request.end(req.body);
  });
}
