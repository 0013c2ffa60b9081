// A lock that works across processes: an O_EXCL lock file naming its owner, recovered when the owner died or it is stale.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

export interface LockOptions {
  /** Give up after this long (ms); the caller answers with a conflict. */
  timeoutMs?: number;
  /** A lock older than this (ms) is taken to be left by a crash. */
  staleMs?: number;
}

interface Owner { pid: number; host: string; token: string; at: number }

export class LockTimeoutError extends Error {
  constructor(readonly file: string) {
    super(`timed out waiting for lock ${file}`);
    this.name = 'LockTimeoutError';
  }
}

/** Takes the lock at `file`, runs `body`, and always releases it. */
export async function withFileLock<T>(file: string, body: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const release = await acquire(file, opts);
  try {
    return await body();
  } finally {
    await release();
  }
}

async function acquire(file: string, opts: LockOptions): Promise<() => Promise<void>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const staleMs = opts.staleMs ?? 60_000;
  const owner: Owner = { pid: process.pid, host: os.hostname(), token: randomUUID(), at: Date.now() };
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.writeFile(file, JSON.stringify(owner), { flag: 'wx' });
      return async () => {
        // Remove only our own lock: a stale-lock recovery may have replaced it.
        const current = await readOwner(file);
        if (current?.token === owner.token) await fs.rm(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    await recoverIfStale(file, staleMs);
    if (Date.now() > deadline) throw new LockTimeoutError(file);
    // Polling an exclusive-create lock; backoff grows to 20 ms with jitter so racers spread out.
    await delay(Math.min(20, 1 + attempt) + Math.random() * 3);
  }
}

async function readOwner(file: string): Promise<Owner | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function recoverIfStale(file: string, staleMs: number): Promise<void> {
  const owner = await readOwner(file);
  let stale: boolean;
  if (owner) {
    stale = Date.now() - owner.at > staleMs || (owner.host === os.hostname() && !alive(owner.pid));
  } else {
    // Unreadable: either half-written by a crash or just being written; judge by age.
    const stat = await fs.stat(file).catch(() => undefined);
    stale = !!stat && Date.now() - stat.mtimeMs > Math.min(staleMs, 2_000);
  }
  if (!stale) return;
  // Move it aside first, so only one recoverer removes it; then check we moved the stale lock, not a fresh one.
  const aside = `${file}.stale-${randomUUID()}`;
  try {
    await fs.rename(file, aside);
  } catch {
    return;
  }
  const moved = await readOwner(aside);
  if (owner && moved && moved.token !== owner.token) {
    await fs.link(aside, file).catch(() => undefined);
  }
  await fs.rm(aside, { force: true });
}
