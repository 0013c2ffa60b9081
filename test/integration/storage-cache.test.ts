// The on-disk file cache: one download per file across concurrent callers, atomic fill, size-checked reuse.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileCache } from '../../server/src/storage/cache';

const dir = mkdtempSync(path.join(tmpdir(), 'floe-cache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function downloader(content: string, counter: { n: number }, opts: { fail?: boolean } = {}) {
  return async (temp: string, onBytes: (n: number) => void) => {
    counter.n++;
    await new Promise((r) => setTimeout(r, 20));
    if (opts.fail) {
      writeFileSync(temp, content.slice(0, 2));
      throw new Error('connection reset');
    }
    writeFileSync(temp, content);
    onBytes(content.length);
    return content.length;
  };
}

test('concurrent requests for one file share a single download', async () => {
  const cache = new FileCache(path.join(dir, 'a'));
  const counter = { n: 0 };
  const progress: number[] = [];
  const off = cache.onProgress((p) => progress.push(p.bytes));
  const heard: number[] = [];
  const paths = await Promise.all(Array.from({ length: 5 }, (_, i) => cache.get({ uri: 's3://b/x.parquet', size: 5 }, downloader('hello', counter), i === 4 ? (p) => heard.push(p.bytes) : undefined)));
  off();
  assert.deepEqual(heard, [5], 'a caller joining a running download hears its progress');
  assert.equal(counter.n, 1);
  assert.equal(new Set(paths).size, 1);
  assert.equal(readFileSync(paths[0], 'utf8'), 'hello');
  assert.deepEqual(progress, [5]);
  assert.ok(paths[0].endsWith('.parquet'));
});

test('a cached file is reused by a new cache over the same folder (another preview, another process)', async () => {
  const counter = { n: 0 };
  await new FileCache(path.join(dir, 'b')).get({ uri: 's3://b/y.parquet' }, downloader('abc', counter));
  await new FileCache(path.join(dir, 'b')).get({ uri: 's3://b/y.parquet' }, downloader('abc', counter));
  assert.equal(counter.n, 1);
});

test('a copy of the wrong size is fetched again; a different ETag is a different entry', async () => {
  const cache = new FileCache(path.join(dir, 'c'));
  const counter = { n: 0 };
  const p1 = await cache.get({ uri: 's3://b/z.parquet', size: 3 }, downloader('abc', counter));
  writeFileSync(p1, 'ab');
  await cache.get({ uri: 's3://b/z.parquet', size: 3 }, downloader('abc', counter));
  assert.equal(counter.n, 2);
  const p2 = await cache.get({ uri: 's3://b/z.parquet', etag: '"v2"' }, downloader('xyz', counter));
  assert.notEqual(p1, p2);
});

test('a failed download leaves nothing behind and the next call retries', async () => {
  const cache = new FileCache(path.join(dir, 'd'));
  const counter = { n: 0 };
  await assert.rejects(cache.get({ uri: 's3://b/f.parquet' }, downloader('hello', counter, { fail: true })), /connection reset/);
  const leftovers = readdirSync(path.join(dir, 'd'), { recursive: true }).filter((n) => String(n).includes('.parquet'));
  assert.deepEqual(leftovers, []);
  const p = await cache.get({ uri: 's3://b/f.parquet' }, downloader('hello', counter));
  assert.equal(readFileSync(p, 'utf8'), 'hello');
});
