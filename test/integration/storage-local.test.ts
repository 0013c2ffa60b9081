import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalStorage } from '../../server/src/storage/local';
import { StorageError } from '../../server/src/storage/storage';

const dir = mkdtempSync(path.join(tmpdir(), 'floe-local-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const storage = new LocalStorage();
const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

test('writes, reads and ranges through plain paths and file:// URIs', async () => {
  const p = path.join(dir, 'a', 'b', 'x.txt');
  await storage.write(p, bytes('hello world'));
  assert.equal(text(await storage.read(pathToFileURL(p).href)), 'hello world');
  assert.equal(text(await storage.read(`file:${p}`)), 'hello world');
  assert.equal(text(await storage.readRange(p, 6, 11)), 'world');
  assert.equal(await storage.size(p), 11);
  assert.equal(await storage.exists(p), true);
});

test('ifAbsent refuses to replace an existing file', async () => {
  const p = path.join(dir, 'meta', 'v1.metadata.json');
  await storage.write(p, bytes('first'), { ifAbsent: true });
  await assert.rejects(storage.write(p, bytes('second'), { ifAbsent: true }), (e: unknown) => e instanceof StorageError && e.kind === 'exists' && e.message.includes(p));
  assert.equal(text(await storage.read(p)), 'first');
  await storage.write(p, bytes('third'));
  assert.equal(text(await storage.read(p)), 'third');
});

test('concurrent ifAbsent writes: exactly one wins', async () => {
  const p = path.join(dir, 'race', 'v2.metadata.json');
  const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => storage.write(p, bytes(`w${i}`), { ifAbsent: true })));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  assert.deepEqual((await storage.list(path.join(dir, 'race') + '/')).map(({ uri, size }) => ({ uri, size })), [{ uri: p, size: 2 }]);
});

test('missing files are not-found errors naming the file', async () => {
  const p = path.join(dir, 'nope.parquet');
  await assert.rejects(storage.read(p), (e: unknown) => e instanceof StorageError && e.kind === 'not-found' && e.message.includes(p));
  await assert.rejects(storage.localPath(p), (e: unknown) => e instanceof StorageError && e.kind === 'not-found');
  assert.equal(await storage.exists(p), false);
});

test('lists recursively by prefix, and deletes', async () => {
  const base = path.join(dir, 'list');
  for (const f of ['data/1.parquet', 'data/2.parquet', 'metadata/v1.metadata.json']) await storage.write(path.join(base, f), bytes('x'));
  assert.deepEqual((await storage.list(path.join(base, 'data') + '/')).map((o) => path.relative(base, o.uri)), ['data/1.parquet', 'data/2.parquet']);
  assert.deepEqual((await storage.list(path.join(base, 'meta'))).map((o) => path.relative(base, o.uri)), ['metadata/v1.metadata.json']);
  const asUris = await storage.list(pathToFileURL(base).href + '/');
  assert.ok(asUris.every((o) => o.uri.startsWith('file:///')));
  await storage.delete(path.join(base, 'data/1.parquet'));
  assert.equal((await storage.list(base + '/')).length, 2);
});
