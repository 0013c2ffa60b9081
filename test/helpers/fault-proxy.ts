// A fault-injecting HTTP proxy on loopback, for tests: forwards to a target (moto S3 or a catalog) and, when the
// test's plan says so, resets the connection mid-upload, answers 500 / 503 SlowDown / 429, adds latency, or
// forwards a request and then loses the answer (502 after the target applied it).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | { kind: 'reset' }                      // read part of the body, then drop the connection
  | { kind: 'status'; status: 409 | 500 | 502 | 503 | 429 | 419; s3Code?: string }
  | { kind: 'latency'; ms: number }        // then forward
  | { kind: 'lost-response' }              // forward, let the target answer, then reply 502
  | { kind: 'hold'; until: Promise<unknown> }; // forward once `until` settles (something else happens first)

export interface ProxiedRequest {
  method: string; path: string; contentLength: number; headers: http.IncomingHttpHeaders;
  /** The status the target answered with, once it has (also when the answer was then lost). */
  status?: number;
}

export interface FaultProxy {
  /** e.g. http://127.0.0.1:40125 */
  url: string;
  /** Decides per request; undefined forwards it untouched. Replace at any time. */
  plan: (req: ProxiedRequest) => Fault | undefined;
  /** Faults injected so far, by kind (status faults as `status-NNN`). */
  injected: Map<string, number>;
  /** Requests seen, faulted or not. */
  requests: ProxiedRequest[];
  /** Resolves once no forwarded request awaits the target's answer (a request whose client died still reaches the target). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the proxy in front of `target` (scheme://host:port); every request is forwarded unless the plan injects a fault. Error bodies are S3 XML or Iceberg REST JSON; `upstreamHost` sends the target's Host. */
export async function startFaultProxy(target: string, opts: { errorBody?: 's3' | 'iceberg'; upstreamHost?: boolean } = {}): Promise<FaultProxy> {
  const upstream = new URL(target);
  const proxy: FaultProxy = {
    url: '',
    plan: () => undefined,
    injected: new Map(),
    requests: [],
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))),
    close: async () => undefined,
  };
  let inFlight = 0;
  const idleWaiters: (() => void)[] = [];
  const count = (k: string) => proxy.injected.set(k, (proxy.injected.get(k) ?? 0) + 1);

  const server = http.createServer((req, res) => {
    const info: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', contentLength: Number(req.headers['content-length'] ?? 0), headers: req.headers };
    proxy.requests.push(info);
    const fault = proxy.plan(info);
    if (!fault) return forward(req, res, false, info);
    count(fault.kind === 'status' ? `status-${fault.status}` : fault.kind);
    switch (fault.kind) {
      case 'reset': {
        // Let some bytes of the upload through so the client is mid-body, then cut the socket.
        let seen = 0;
        const cut = () => req.socket.destroy();
        if (info.contentLength === 0) return cut();
        req.on('data', (chunk: Buffer) => { seen += chunk.length; if (seen >= Math.min(info.contentLength / 2, 64 * 1024)) cut(); });
        req.on('end', cut);
        return;
      }
      case 'status': {
        req.resume();
        req.on('end', () => {
          const code = fault.s3Code ?? (fault.status === 503 ? 'SlowDown' : fault.status === 429 ? 'TooManyRequests' : 'InternalError');
          const body = opts.errorBody === 'iceberg'
            ? JSON.stringify({ error: { message: `${code} (injected by the fault proxy)`, type: code, code: fault.status } })
            : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected by the fault proxy</Message></Error>`;
          res.writeHead(fault.status, { 'content-type': opts.errorBody === 'iceberg' ? 'application/json' : 'application/xml', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        });
        return;
      }
      case 'latency':
        setTimeout(() => forward(req, res, false, info), fault.ms);
        return;
      case 'hold':
        req.pause();
        void fault.until.then(() => forward(req, res, false, info), () => forward(req, res, false, info));
        return;
      case 'lost-response':
        forward(req, res, true, info);
        return;
    }
  });

  function forward(req: http.IncomingMessage, res: http.ServerResponse, loseAnswer: boolean, info: ProxiedRequest): void {
    inFlight++;
    const up = http.request({
      host: upstream.hostname, port: upstream.port, method: req.method, path: req.url,
      // As a reverse proxy does by default: the local catalog only answers to its own Host (S3 keeps the signed one).
      headers: opts.upstreamHost ? { ...req.headers, host: upstream.host } : req.headers,
    }, (upRes) => {
      info.status = upRes.statusCode;
      if (loseAnswer) {
        // The target has applied the request; its answer never reaches the client.
        upRes.resume();
        upRes.on('end', () => { res.writeHead(502, { 'content-type': 'text/plain' }); res.end('bad gateway (injected)'); });
        return;
      }
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => { if (!res.headersSent) res.writeHead(502); res.end(); });
    up.on('close', () => {
      if (--inFlight === 0) for (const w of idleWaiters.splice(0)) w();
    });
    // A client that dies mid-body must not leave the target waiting for the rest; a whole request goes through.
    let whole = false;
    req.on('end', () => { whole = true; });
    req.on('close', () => { if (!whole) up.destroy(); });
    req.pipe(up);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
  return proxy;
}
