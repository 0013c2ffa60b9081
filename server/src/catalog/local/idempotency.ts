// Idempotency-Key for the local catalog's mutations (Iceberg REST spec): a request repeating a key whose first
// try was finalized gets that outcome back without being applied again; one arriving while the first still runs
// waits for it. 5xx outcomes are not finalized, so a retry runs again. Memory is bounded by entry count and bytes:
// outcomes are small (a table answer is kept as its metadata location and rebuilt on replay), the oldest finalized
// keys give way first, and keys expire after the advertised lifetime plus a grace period.
import { createHash } from 'node:crypto';
import { RestError } from './rest-error';

/** What a finalized request answered: a status with a small body, or a table answer to rebuild from its metadata file. */
export interface Outcome {
  status: number;
  body?: unknown;
  table?: { metadataLocation: string; kind: 'commit' | 'load'; id: { namespace: string[]; name: string } };
  /** An answer that is passed on but not remembered (nothing was applied, e.g. a staged create). */
  transient?: unknown;
}

interface Entry { fingerprint: string; expiresAt: number; bytes: number; outcome?: Outcome; running?: Promise<Outcome> }

export interface IdempotencyLimits {
  lifetimeMs: number;
  /** Keys remembered at most (default 10,000). */
  maxEntries?: number;
  /** Bytes of remembered outcomes at most (default 16 MiB); a single outcome over 1/64 of it is not remembered. */
  maxBytes?: number;
  now?: () => number;
}

const GRACE_MS = 60_000;
const ENTRY_OVERHEAD = 256;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly now: () => number;

  constructor(private readonly limits: IdempotencyLimits) {
    this.maxEntries = limits.maxEntries ?? 10_000;
    this.maxBytes = limits.maxBytes ?? 16 * 1024 * 1024;
    this.now = limits.now ?? Date.now;
  }

  /** Keys remembered now (finalized or running). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Applies the request once per key. `request` identifies it (method, path, body): a key sent again with another
   * request is refused, as the spec forbids reusing a key for a different operation.
   */
  async once(key: string, request: string, apply: () => Promise<Outcome>): Promise<{ outcome: Outcome; replayed: boolean }> {
    if (!UUID.test(key)) throw new RestError(400, 'BadRequestException', 'Idempotency-Key must be a UUID (UUIDv7 per the REST spec)');
    this.sweep();
    const fingerprint = createHash('sha256').update(request).digest('base64url');
    const known = this.entries.get(key);
    if (known && known.fingerprint !== fingerprint) {
      throw new RestError(422, 'BadRequestException', 'Idempotency-Key was already used for a different request');
    }
    if (known?.outcome) return { outcome: known.outcome, replayed: true };
    if (known?.running) return { outcome: await known.running, replayed: true };
    const entry: Entry = { fingerprint, expiresAt: this.now() + this.limits.lifetimeMs + GRACE_MS, bytes: ENTRY_OVERHEAD + key.length };
    entry.running = apply();
    this.entries.set(key, entry);
    let outcome: Outcome;
    try {
      outcome = await entry.running;
    } catch (e) {
      this.entries.delete(key);
      throw e;
    }
    entry.running = undefined;
    const size = outcome.transient === undefined ? ENTRY_OVERHEAD + key.length + JSON.stringify(outcome).length : Infinity;
    if (outcome.status >= 500 || size > this.maxBytes / 64) {
      this.entries.delete(key);
    } else {
      entry.outcome = outcome;
      entry.bytes = size;
      this.bytes += size;
      this.evict();
    }
    return { outcome, replayed: false };
  }

  /** Drops expired keys; entries are in arrival order and share one lifetime, so the expired ones lead. */
  private sweep(): void {
    const now = this.now();
    for (const [key, e] of this.entries) {
      if (e.expiresAt > now) break;
      if (e.running) continue;
      this.forget(key, e);
    }
  }

  /** Oldest finalized keys give way when there are too many or they hold too many bytes. */
  private evict(): void {
    for (const [key, e] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) return;
      if (!e.running) this.forget(key, e);
    }
  }

  private forget(key: string, e: Entry): void {
    this.entries.delete(key);
    if (e.outcome) this.bytes -= e.bytes;
  }
}
