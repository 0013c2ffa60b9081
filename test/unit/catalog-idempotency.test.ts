// Idempotency keys and refreshing vended keys without I/O: UUIDv7 and ISO-8601 durations, the local catalog's key
// store (replay, waiting on a running first try, expiry, bounded memory under a flood of keys), and when S3 keys renew.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoDurationMs, uuidv7 } from '../../server/src/catalog/idempotency-key';
import { IdempotencyStore, type Outcome } from '../../server/src/catalog/local/idempotency';
import { RestError } from '../../server/src/catalog/local/rest-error';
import { RefreshingCredentials, type S3Keys } from '../../server/src/storage/s3-credentials';

const key = (n: number) => `01939a3b-7c4e-7a11-9f00-${n.toString(16).padStart(12, '0')}`;

test('uuidv7 is a version 7, variant 10 UUID led by the time, so keys sort by creation', () => {
  const a = uuidv7(1_700_000_000_000);
  const b = uuidv7(1_700_000_000_001);
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(a.replace(/-/g, '').slice(0, 12), (1_700_000_000_000).toString(16).padStart(12, '0'));
  assert.ok(a < b);
  assert.notEqual(uuidv7(5), uuidv7(5), 'the rest is random');
});

test('isoDurationMs reads the durations a catalog advertises and refuses the rest', () => {
  const cases: [unknown, number | undefined][] = [
    ['PT30M', 1_800_000], ['PT24H', 86_400_000], ['P1D', 86_400_000], ['PT1H30M', 5_400_000], ['PT1800S', 1_800_000],
    ['PT0.5S', 500], ['pt1m', 60_000], ['P', undefined], ['PT', undefined], ['30M', undefined], ['', undefined], [30, undefined], [undefined, undefined],
  ];
  for (const [text, ms] of cases) assert.equal(isoDurationMs(text), ms, String(text));
});

test('a key runs once: a repeat replays the outcome, a concurrent repeat waits for the first try', async () => {
  const store = new IdempotencyStore({ lifetimeMs: 60_000 });
  let runs = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const apply = async (): Promise<Outcome> => {
    runs++;
    await gate;
    return { status: 200, body: { n: runs } };
  };
  const first = store.once(key(1), 'POST /t\n{}', apply);
  const second = store.once(key(1), 'POST /t\n{}', apply);
  release();
  assert.deepEqual(await first, { outcome: { status: 200, body: { n: 1 } }, replayed: false });
  assert.deepEqual(await second, { outcome: { status: 200, body: { n: 1 } }, replayed: true });
  assert.deepEqual((await store.once(key(1), 'POST /t\n{}', apply)).replayed, true);
  assert.equal(runs, 1);
});

test('5xx outcomes and thrown errors are not final; 4xx are; a key for another request is refused', async () => {
  const store = new IdempotencyStore({ lifetimeMs: 60_000 });
  let status = 503;
  const apply = async (): Promise<Outcome> => ({ status });
  assert.equal((await store.once(key(2), 'r', apply)).replayed, false);
  status = 409;
  assert.equal((await store.once(key(2), 'r', apply)).outcome.status, 409, 'the 503 was not kept: the retry ran');
  status = 200;
  assert.deepEqual(await store.once(key(2), 'r', apply), { outcome: { status: 409 }, replayed: true });
  await assert.rejects(store.once(key(3), 'r', async () => { throw new Error('boom'); }), /boom/);
  assert.equal((await store.once(key(3), 'r', apply)).outcome.status, 200, 'a throw was not kept');
  await assert.rejects(store.once(key(2), 'another', apply), (e: unknown) => e instanceof RestError && e.status === 422);
  await assert.rejects(store.once('x'.repeat(5000), 'r', apply), (e: unknown) => e instanceof RestError && e.status === 400);
});

test('keys expire after the lifetime and a grace period', async () => {
  let now = 0;
  const store = new IdempotencyStore({ lifetimeMs: 1000, now: () => now });
  let runs = 0;
  const apply = async (): Promise<Outcome> => ({ status: 204, body: { run: ++runs } });
  await store.once(key(4), 'r', apply);
  now = 50_000;
  assert.equal((await store.once(key(4), 'r', apply)).replayed, true, 'still inside lifetime + grace');
  now = 62_000;
  assert.equal((await store.once(key(4), 'r', apply)).replayed, false, 'expired: applied as a new request');
  assert.equal(runs, 2);
});

test('a flood of keys stays within the entry and byte bounds, the oldest giving way', async () => {
  const store = new IdempotencyStore({ lifetimeMs: 3_600_000, maxEntries: 1000, maxBytes: 1024 * 1024 });
  for (let i = 0; i < 20_000; i++) await store.once(key(i), `r${i}`, async () => ({ status: 200, body: { i } }));
  assert.ok(store.size <= 1000, `${store.size} keys kept`);
  assert.equal((await store.once(key(19_999), 'r19999', async () => ({ status: 200 }))).replayed, true, 'the newest are kept');
  // Large outcomes are bounded by bytes, and one over a 64th of the budget is not kept at all.
  const big = 'x'.repeat(8000);
  for (let i = 0; i < 1000; i++) await store.once(key(100_000 + i), `b${i}`, async () => ({ status: 200, body: big }));
  assert.ok(store.size * 8000 <= 1024 * 1024 + 8000 * 2, `${store.size} large outcomes kept`);
  const huge = 'x'.repeat(20_000);
  let runs = 0;
  for (let i = 0; i < 2; i++) await store.once(key(200_000), 'h', async () => { runs++; return { status: 200, body: huge }; });
  assert.equal(runs, 2, 'an outcome too large to keep is not replayed');
});

test('vended keys renew at half their life (at most five minutes before expiry), once for concurrent callers', async () => {
  let now = 0;
  let fetched = 0;
  const keys = (n: number, life: number): S3Keys => ({ accessKeyId: `AK${n}`, secretAccessKey: 's', expiresAtMs: now + life });
  const creds = new RefreshingCredentials(keys(0, 2000), async () => keys(++fetched, 2000), () => now);
  assert.equal((await creds.keys()).accessKeyId, 'AK0');
  now = 999;
  assert.equal((await creds.keys()).accessKeyId, 'AK0');
  now = 1000;
  const [a, b] = await Promise.all([creds.keys(), creds.keys()]);
  assert.equal(a.accessKeyId, 'AK1');
  assert.equal(b.accessKeyId, 'AK1');
  assert.equal(fetched, 1);

  // An hour-long key renews five minutes before it expires.
  now = 0;
  const long = new RefreshingCredentials(keys(0, 3_600_000), async () => keys(++fetched, 3_600_000), () => now);
  now = 3_600_000 - 300_001;
  assert.equal((await long.keys()).accessKeyId, 'AK0');
  now = 3_600_000 - 300_000;
  assert.notEqual((await long.keys()).accessKeyId, 'AK0');
});

test('a failed renewal keeps keys that still work and fails only once they expired; keys without expiry never renew', async () => {
  let now = 0;
  let fail = true;
  const creds = new RefreshingCredentials({ accessKeyId: 'AK0', secretAccessKey: 's', expiresAtMs: 2000 }, async () => {
    if (fail) throw new Error('catalog away');
    return { accessKeyId: 'AK1', secretAccessKey: 's', expiresAtMs: now + 2000 };
  }, () => now);
  now = 1500;
  assert.equal((await creds.keys()).accessKeyId, 'AK0');
  now = 2000;
  await assert.rejects(creds.keys(), /cannot refresh the vended S3 credentials: catalog away/);
  fail = false;
  assert.equal((await creds.keys()).accessKeyId, 'AK1');
  let calls = 0;
  const fixed = new RefreshingCredentials({ accessKeyId: 'AK', secretAccessKey: 's' }, async () => { calls++; return { accessKeyId: 'X', secretAccessKey: 's' }; }, () => now);
  now = 10 ** 12;
  assert.equal((await fixed.keys()).accessKeyId, 'AK');
  assert.equal(calls, 0);
});
