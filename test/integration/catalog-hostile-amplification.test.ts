// Issue 13, item 5: a small request cannot grow into huge metadata or memory: metadata is written compactly,
// schema nesting and property sizes are capped (400), and the parsed-metadata cache keeps to a byte budget.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { raw, SCHEMA_JSON } from '../helpers/raw-http';
import { MetadataCache } from '../../server/src/catalog/local/metadata-cache';
import { parseTableMetadata } from '../../server/src/iceberg/metadata-json';

let server: TestCatalog;
let P: string;

before(async () => {
  server = await startTestCatalog();
  P = `/v1/${server.name}`;
  assert.equal((await raw(server.uri, { path: `${P}/namespaces`, body: { namespace: ['db'] } })).status, 200);
});
after(async () => {
  await server?.close();
});

/** A struct nested `depth` levels deep, with `width` long columns at each level. */
function nested(depth: number, width: number): unknown {
  let id = 1;
  const level = (d: number): unknown[] => {
    const fields: unknown[] = Array.from({ length: width }, (_, i) => ({ id: id++, name: `column_${d}_${i}`, required: false, type: 'long' }));
    if (d < depth) fields.push({ id: id++, name: `child_${d}`, required: false, type: { type: 'struct', fields: level(d + 1) } });
    return fields;
  };
  return { type: 'struct', 'schema-id': 0, fields: level(1) };
}

test('a deeply nested create is written compactly; deeper than 100 levels is refused', async () => {
  const body = { name: 'deep', schema: nested(95, 12) };
  const bodyBytes = Buffer.byteLength(JSON.stringify(body));
  const r = await raw(server.uri, { path: `${P}/namespaces/db/tables`, body });
  assert.equal(r.status, 200, r.text.slice(0, 300));
  const fileBytes = statSync(r.json['metadata-location']).size;
  console.log(`amplification: ${bodyBytes} byte create -> ${fileBytes} byte metadata file (${(fileBytes / bodyBytes).toFixed(2)}x)`);
  assert.ok(fileBytes < 1.5 * bodyBytes, `metadata ${fileBytes} bytes for a ${bodyBytes}-byte request`);
  const tooDeep = await raw(server.uri, { path: `${P}/namespaces/db/tables`, body: { name: 'deeper', schema: nested(150, 1) } });
  assert.equal(tooDeep.status, 400, tooDeep.text.slice(0, 300));
  assert.match(tooDeep.json.error.message, /nested more than 100 levels/);
});

test('table and namespace properties are capped at 1 MiB; the table keeps working', async () => {
  assert.equal((await raw(server.uri, { path: `${P}/namespaces/db/tables`, body: { name: 'props', schema: SCHEMA_JSON } })).status, 200);
  const big = 'v'.repeat(600 * 1024);
  assert.equal((await raw(server.uri, { path: `${P}/namespaces/db/tables/props`, body: { updates: [{ action: 'set-properties', updates: { a: big } }] } })).status, 200, 'under the cap');
  const over = await raw(server.uri, { path: `${P}/namespaces/db/tables/props`, body: { updates: [{ action: 'set-properties', updates: { b: big } }] } });
  assert.equal(over.status, 400, over.text.slice(0, 300));
  assert.match(over.json.error.message, /properties take \d+ bytes, over the limit of 1048576/);
  assert.equal((await raw(server.uri, { path: `${P}/namespaces/db/tables/props` })).status, 200);
  const ns = await raw(server.uri, { path: `${P}/namespaces`, body: { namespace: ['fat'], properties: { a: big, b: big } } });
  assert.equal(ns.status, 400, ns.text.slice(0, 300));
  assert.equal((await raw(server.uri, { path: `${P}/namespaces`, body: { namespace: ['fat'], properties: { a: big } } })).status, 200);
  const nsUpdate = await raw(server.uri, { path: `${P}/namespaces/fat/properties`, body: { updates: { b: big } } });
  assert.equal(nsUpdate.status, 400, nsUpdate.text.slice(0, 300));
});

test('the metadata cache keeps to its byte budget and re-reads what it evicted', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'floe-cache-'));
  try {
    const created = await raw(server.uri, { path: `${P}/namespaces/db/tables`, body: { name: 'cached', schema: SCHEMA_JSON, properties: { pad: 'p'.repeat(20_000) } } });
    const text = await import('node:fs/promises').then((fs) => fs.readFile(created.json['metadata-location'], 'utf8'));
    const files = Array.from({ length: 10 }, (_, i) => {
      const f = path.join(dir, `${i}.metadata.json`);
      writeFileSync(f, text);
      return f;
    });
    const budget = 5 * statSync(files[0]).size;
    const cache = new MetadataCache(budget);
    let parses = 0;
    const get = (f: string) => cache.get(f, async () => { parses++; return { metadata: parseTableMetadata(text, f) }; });
    for (const f of files) await get(f);
    assert.equal(parses, 10);
    assert.ok(cache.cachedBytes <= budget, `${cache.cachedBytes} bytes cached, budget ${budget}`);
    for (const f of files.slice(-4)) await get(f);
    assert.equal(parses, 10, 'recent files are hits');
    await get(files[0]);
    assert.equal(parses, 11, 'the oldest was evicted and is read again');
    const huge = path.join(dir, 'huge.metadata.json');
    writeFileSync(huge, text + ' '.repeat(budget));
    await get(huge);
    await get(huge);
    assert.equal(parses, 13, 'a file over a quarter of the budget is never cached');
    assert.ok(cache.cachedBytes <= budget);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
