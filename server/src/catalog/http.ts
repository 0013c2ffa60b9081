// One HTTP exchange with a catalog over fetch; network failures become CatalogError('unreachable') naming the URI.
import { CatalogError } from './catalog';

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse { status: number; text: string; headers: Headers }

/** Thrown for failures after the request may have reached the server (timeouts, resets): a commit's outcome is unknown. */
export class MaybeSentError extends CatalogError {}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

const RETRY_ON = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

export async function send(req: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  try {
    return await sendOnce(req, timeoutMs);
  } catch (e) {
    // A pooled keep-alive socket the server closed (e.g. it restarted): safe to retry reads once on a new socket.
    const code = errorCode((e as Error).cause);
    if ((req.method === 'GET' || req.method === 'HEAD') && code && RETRY_ON.has(code)) return sendOnce(req, timeoutMs);
    throw e;
  }
}

async function sendOnce(req: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  let res: Response;
  try {
    res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const code = errorCode(e);
    const where = new URL(req.url).origin;
    if (code && NOT_SENT.has(code)) {
      throw new CatalogError('unreachable', `Cannot reach the catalog at ${where} (${code})`, { uri: req.url }, { cause: e });
    }
    const why = code ?? ((e as Error)?.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e as Error)?.message ?? String(e));
    throw new MaybeSentError('unreachable', `Lost the connection to the catalog at ${where} (${why})`, { uri: req.url }, { cause: e });
  }
  return { status: res.status, text: await res.text(), headers: res.headers };
}

function errorCode(e: unknown): string | undefined {
  // undici wraps the socket error: TypeError('fetch failed', { cause: { code } }), sometimes an AggregateError inside.
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur; i++) {
    const c = cur as { code?: unknown; cause?: unknown; errors?: unknown[] };
    if (typeof c.code === 'string' && (c.code !== 'UND_ERR_SOCKET' || !c.cause)) return c.code;
    cur = c.cause ?? c.errors?.[0];
  }
  return (e as { cause?: { code?: string } })?.cause?.code;
}
