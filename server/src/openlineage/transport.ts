// Sends OpenLineage events in order, in the background, best effort: the run never waits on the endpoint while it works,
// and the first failure (refused, an HTTP error, no answer within the timeout) is reported once, naming the endpoint,
// after which the rest of the invocation's events are dropped rather than each waiting out its own timeout.
// node:http with no keep-alive, so a lingering socket never holds the CLI open after its run.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { displayUrl, endpointUrl, type LineageTransport } from './config';

export class LineageSender {
  private queue: Promise<void> = Promise.resolve();
  private failure: string | undefined;
  private readonly inflight = new AbortController();
  private closing = false;
  private queued = 0;
  sent = 0;

  constructor(private readonly transport: LineageTransport, private readonly warn: (message: string) => void) {}

  /** Queues one event; returns at once. */
  send(event: unknown): void {
    if (this.failure) return;
    const body = JSON.stringify(event);
    this.queued++;
    this.queue = this.queue.then(async () => {
      if (this.failure) return;
      try {
        await this.deliver(body);
        this.sent++;
      } catch (e) {
        if (this.closing) {
          this.failure = 'closed';
          this.warn(`OpenLineage: ${this.queued - this.sent} event(s) not delivered to ${displayUrl(this.transport)} when the run ended were dropped`);
          return;
        }
        this.failure = e instanceof Error ? e.message : String(e);
        this.warn(`OpenLineage: could not send lineage to ${displayUrl(this.transport)} (${this.failure}); the run goes on without lineage`);
      }
    });
  }

  /** Waits for queued events, at most one timeout's worth; what is still pending then is dropped. */
  async close(): Promise<void> {
    const limit = this.transport.type === 'http' ? this.transport.timeoutMs : 1000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.queue, new Promise<void>((resolve) => { timer = setTimeout(resolve, limit); })]);
    clearTimeout(timer);
    this.closing = true;
    this.inflight.abort();
    await this.queue;
  }

  private lastStamp = '';
  private sameStamp = 0;

  /** `<file>-YYYYMMDD-HHMMSS.ffffff.json` as the Python client names them (local time); events within a millisecond get distinct microseconds. */
  private timestamped(file: string): string {
    const d = new Date();
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
    this.sameStamp = stamp === this.lastStamp ? this.sameStamp + 1 : 0;
    this.lastStamp = stamp;
    return `${file}-${stamp}${p(this.sameStamp, 3)}.json`;
  }

  private deliver(body: string): Promise<void> {
    const t = this.transport;
    if (t.type === 'file') return t.append ? fs.promises.appendFile(t.file, `${body}\n`) : fs.promises.writeFile(this.timestamped(t.file), `${body}\n`);
    const url = endpointUrl(t);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    if (t.apiKey) headers.authorization = `Bearer ${t.apiKey}`;
    return new Promise((resolve, reject) => {
      const request = (url.protocol === 'https:' ? https : http).request(url, { method: 'POST', headers, agent: false, signal: this.inflight.signal }, (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`HTTP ${status}`));
        });
      });
      request.setTimeout(t.timeoutMs, () => request.destroy(new Error(`no answer within ${t.timeoutMs / 1000}s`)));
      request.on('error', (e: NodeJS.ErrnoException) => reject(new Error(e.code && e.code !== 'ABORT_ERR' ? e.code : e.message)));
      request.end(body);
    });
  }
}
