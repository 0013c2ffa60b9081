// Who may talk to the local catalog: it runs on a machine with a browser, so a web page must not be able to drive
// it. A page can send "simple" cross-origin POSTs (text/plain, forms) and, through DNS rebinding, reach loopback
// under its own host name. So bodies must be JSON (which a page cannot send without a CORS preflight we never
// grant), a foreign Origin is refused, and the Host header must name this server.
import net from 'node:net';
import type http from 'node:http';
import { RestError } from './rest-error';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

export class RequestGuard {
  private readonly hosts: Set<string>;
  private readonly wildcard: boolean;

  /** `boundHost` as given to listen (IPv6 with or without brackets), `port` the port actually bound. */
  constructor(boundHost: string, private readonly port: number) {
    const bound = boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost;
    this.wildcard = WILDCARDS.has(bound);
    this.hosts = new Set([...LOOPBACK_NAMES, bound.toLowerCase()].map((h) => `${h}:${port}`));
  }

  /** Throws 403 when the Host header does not name this server or the Origin is another site. */
  checkSource(headers: http.IncomingHttpHeaders): void {
    const host = String(headers.host ?? '').toLowerCase();
    if (!this.isOwnHost(host)) throw new RestError(403, 'ForbiddenException', `Host '${host}' is not this catalog (expected one of ${[...this.hosts].join(', ')})`);
    const origin = headers.origin;
    if (origin === undefined) return;
    let originHost: string | undefined;
    try {
      const u = new URL(origin);
      originHost = u.protocol === 'http:' ? u.host.toLowerCase() : undefined;
    } catch {
      originHost = undefined;
    }
    if (!originHost || !this.isOwnHost(originHost.includes(':') && !originHost.endsWith(']') ? originHost : `${originHost}:80`)) {
      throw new RestError(403, 'ForbiddenException', `Requests from web pages are not accepted (Origin '${origin}')`);
    }
  }

  private isOwnHost(host: string): boolean {
    if (this.hosts.has(host)) return true;
    if (!this.wildcard) return false;
    // Bound to every address: any IP literal or localhost names this machine; a DNS name could be a rebinding.
    const m = /^(\[[0-9a-f:.]+\]|[^:]+):(\d+)$/.exec(host);
    if (!m || Number(m[2]) !== this.port) return false;
    const name = m[1].replace(/^\[|\]$/g, '');
    return name === 'localhost' || net.isIP(name) !== 0;
  }
}

/** Throws 415 unless the request body is of the media type the route takes. */
export function checkContentType(headers: http.IncomingHttpHeaders, expected: string): void {
  const type = String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== expected) {
    throw new RestError(415, 'BadRequestException', `Unsupported Content-Type '${type || '(none)'}': request bodies must be ${expected}`);
  }
}
