// Issue 13, item 2: `register` reads only regular files inside the catalog's folders, checked before they are
// touched and size-capped; /dev/zero, /dev/stdin, a FIFO, a link out of the warehouse or a huge file neither kill,
// hang nor leak, and the same cap protects loads of a stored table.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { raw, SCHEMA_JSON } from '../helpers/raw-http';

const LIMIT = 1024 * 1024;
let server: TestCatalog;
let P: string;

before(async () => {
  server = await startTestCatalog({ maxMetadataBytes: LIMIT });
  P = `/v1/${server.name}`;
  assert.equal((await raw(server.uri, { path: `${P}/namespaces`, body: { namespace: ['db'] } })).status, 200);
});
after(async () => {
  await server?.close();
});

const register = (name: string, file: string) => raw(server.uri, { path: `${P}/namespaces/db/register`, body: { name, 'metadata-location': file } });

/** The catalog still answers, promptly. */
async function alive(): Promise<void> {
  const started = Date.now();
  assert.equal((await raw(server.uri, { path: `${P}/namespaces` })).status, 200);
  assert.ok(Date.now() - started < 2000);
}

test('paths outside the catalog\'s folders are refused before they are read: no crash, no hang, no oracle', async () => {
  for (const file of ['/dev/zero', '/dev/stdin', '/etc/passwd', '/etc/no-such-file', `${server.warehouse}/../x.metadata.json`, 'file:///etc/passwd']) {
    const started = Date.now();
    const r = await register('x', file);
    assert.equal(r.status, 403, `${file}: ${r.text}`);
    assert.match(r.json.error.message, /must live under/);
    assert.doesNotMatch(r.text, /position|got '|root:/, 'nothing about the file\'s content or existence');
    assert.ok(Date.now() - started < 2000, `${file} answered in ${Date.now() - started} ms`);
    await alive();
  }
  // Existing and missing files outside get the same answer.
  assert.equal((await register('x', '/etc/passwd')).text, (await register('x', '/etc/passwd')).text);
  assert.equal((await register('x', '/etc/passwd')).json.error.type, (await register('x', '/etc/nope')).json.error.type);
});

test('inside the warehouse: only regular files under the size cap, and links that leave it are refused', async () => {
  const dir = path.join(server.warehouse, 'imports', 'metadata');
  await mkdir(dir, { recursive: true });
  const fifo = path.join(dir, '00000-fifo.metadata.json');
  execFileSync('mkfifo', [fifo]);
  const link = path.join(dir, '00000-link.metadata.json');
  await symlink('/etc/passwd', link);
  const zeroLink = path.join(dir, '00000-zero.metadata.json');
  await symlink('/dev/zero', zeroLink);
  const huge = path.join(dir, '00000-huge.metadata.json');
  await writeFile(huge, '');
  await truncate(huge, 512 * 1024 * 1024); // sparse: 512 MB on paper, nothing on disk
  const cases: [string, RegExp][] = [
    [fifo, /not a regular file/],
    [dir, /not a regular file/],
    [link, /outside the catalog's folders/],
    [zeroLink, /outside the catalog's folders/],
    [huge, /536870912 bytes, over the catalog's limit of 1048576 bytes/],
  ];
  for (const [file, message] of cases) {
    const started = Date.now();
    const r = await register('x', file);
    assert.equal(r.status, 400, `${file}: ${r.text}`);
    assert.match(r.json.error.message, message);
    assert.ok(Date.now() - started < 2000, `${file} answered in ${Date.now() - started} ms`);
    await alive();
  }
  assert.equal((await raw(server.uri, { method: 'HEAD', path: `${P}/namespaces/db/tables/x` })).status, 404);
});

test('a stored table whose metadata file grew past the cap fails its load with a clear 500; the server lives on', async () => {
  const created = await raw(server.uri, { path: `${P}/namespaces/db/tables`, body: { name: 'grown', schema: SCHEMA_JSON } });
  assert.equal(created.status, 200, created.text);
  await truncate(created.json['metadata-location'], 64 * 1024 * 1024);
  const r = await raw(server.uri, { path: `${P}/namespaces/db/tables/grown` });
  assert.equal(r.status, 500, r.text);
  assert.match(r.json.error.message, /db\.grown.*67108864 bytes, over the catalog's limit/);
  await alive();
});
