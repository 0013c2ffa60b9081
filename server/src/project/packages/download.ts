// HTTP(S) GETs for the hub's JSON and package tarballs, with errors that name the URL and say what failed.
import { PackageError } from './errors';
import { redactUrl } from './spec';

const TIMEOUT_MS = 60_000;
/** A dbt package tarball is a few MB; refuse anything far larger rather than fill the disk. */
const MAX_BYTES = 256 * 1024 * 1024;

export class HttpStatusError extends PackageError {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/** Failures worth another try (as dbt retries hub downloads): a dropped connection, a timeout, a 5xx answer. */
const TRANSIENT = /connection reset|timed out|no answer within|DNS lookup failed|answered 5\d\d|reading .* failed/;
const RETRY_DELAYS_MS = [300, 1500];

/** The body of a successful GET; `what` says what was being fetched ("the package hub", "tarball of dbt_utils"). */
export async function fetchBytes(url: string, what: string): Promise<Buffer> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchOnce(url, what);
    } catch (e) {
      if (attempt >= RETRY_DELAYS_MS.length || !(e instanceof PackageError) || !TRANSIENT.test(e.message)) throw e;
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
    }
  }
}

async function fetchOnce(url: string, what: string): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    throw new PackageError(`could not reach ${what} at ${redactUrl(url)}: ${networkReason(e)}`);
  }
  if (!response.ok) {
    throw new HttpStatusError(`${what} at ${redactUrl(url)} answered ${response.status} ${response.statusText}`.trimEnd(), response.status);
  }
  const length = Number(response.headers.get('content-length') ?? 0);
  if (length > MAX_BYTES) throw new PackageError(`${what} at ${redactUrl(url)} is ${length} bytes, more than the ${MAX_BYTES} a package may be`);
  try {
    const body = Buffer.from(await response.arrayBuffer());
    if (body.length > MAX_BYTES) throw new PackageError(`${what} at ${redactUrl(url)} is larger than the ${MAX_BYTES} bytes a package may be`);
    return body;
  } catch (e) {
    if (e instanceof PackageError) throw e;
    throw new PackageError(`reading ${what} from ${redactUrl(url)} failed: ${networkReason(e)}`);
  }
}

export async function fetchJson(url: string, what: string): Promise<unknown> {
  const body = await fetchBytes(url, what);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new PackageError(`${what} at ${redactUrl(url)} did not answer JSON`);
  }
}

/** The cause of a failed fetch in words: undici hides it under `cause`. */
function networkReason(e: unknown): string {
  const err = e as { name?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  const code = err?.cause?.code;
  const words: Record<string, string> = { ECONNREFUSED: 'connection refused', ENOTFOUND: 'host not found', EAI_AGAIN: 'host not found (DNS lookup failed)', ECONNRESET: 'connection reset', ETIMEDOUT: 'connection timed out' };
  if (code && words[code]) return words[code];
  return err?.cause?.message ?? (e instanceof Error ? e.message : String(e));
}
