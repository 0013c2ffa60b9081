// Hostile names from the catalog: namespaces, tables and columns with quotes, semicolons, spaces, SQL comments
// and unicode are written and read back through DuckDB as identifiers and paths, never as SQL; names that would
// escape the local catalog's warehouse (slashes, `..`, dot-files, NUL) and locations outside it are refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { CatalogError, type Catalog } from '../../server/src/catalog/catalog';
import { DuckSession, quoteIdent } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import '../../server/src/engine/read/default-planner';

let server: TestCatalog;
let catalog: Catalog;
let session: DuckSession;

before(async () => {
  server = await startTestCatalog();
  catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  session = await DuckSession.open();
});
after(async () => {
  session?.close();
  await server?.close();
});

const HOSTILE = [
  `it's`, `say "hi"`, `semi;colon`, `x"; DROP TABLE t; --`, `'); SELECT 1; --`, `a b`, `ünïcødé_表_🧊`, `$1`, `per%cent`, `back\`tick`, `ns.dotted`,
];

test('hostile namespace, table and column names round-trip as data, never as SQL', async () => {
  const seen: string[] = [];
  for (const [i, name] of HOSTILE.entries()) {
    const ns = [`ns ${name}`];
    await catalog.createNamespace(ns);
    const id = { namespace: ns, name };
    const col = `col ${name}`;
    await writeTable({ session, catalog, table: id, mode: 'create', sql: `SELECT ${i}::INTEGER AS ${quoteIdent(col)}, ${quoteIdent(name)}::VARCHAR AS label FROM (SELECT 1 AS ${quoteIdent(name)})` });
    await writeTable({ session, catalog, table: id, mode: 'append', sql: `SELECT ${i + 100}::INTEGER AS ${quoteIdent(col)}, 'second' AS label` });
    const loaded = await catalog.loadTable(id);
    assert.ok(loaded.metadata.location.startsWith(server.warehouse), `${name}: table lives in the warehouse: ${loaded.metadata.location}`);
    // Registered as schema.table in DuckDB, the way floe query exposes catalog tables.
    await registerIcebergTable(session, [ns[0], name], loaded);
    const r = await session.query(`SELECT ${quoteIdent(col)}, label FROM ${quoteIdent(ns[0])}.${quoteIdent(name)} ORDER BY 1`);
    assert.deepEqual(r.rows, [[i, '1'], [i + 100, 'second']], name);
    assert.deepEqual(r.columns.map((c) => c.name), [col, 'label']);
    assert.deepEqual((await catalog.listTables(ns)).items.map((t) => t.name), [name]);
    seen.push(name);
  }
  // Semicolons and comment markers inside strings are data: the write keeps them (a regex once stripped them).
  const notes = { namespace: ['ns it\'s'], name: 'notes' };
  await writeTable({ session, catalog, table: notes, mode: 'create', sql: `SELECT 'a; -- b' AS "v; --", 'c;' AS w;  -- trailing` });
  await registerIcebergTable(session, 'notes', await catalog.loadTable(notes));
  const back = await session.query('SELECT * FROM notes');
  assert.deepEqual([back.columns.map((c) => c.name), back.rows], [['v; --', 'w'], [['a; -- b', 'c;']]]);
  // Nothing ran as SQL: the session still has only what it registered, and every table is still there.
  assert.equal(seen.length, HOSTILE.length);
  for (const name of HOSTILE) assert.ok(await catalog.tableExists({ namespace: [`ns ${name}`], name }), name);
});

test('names that would escape the warehouse are refused with 400 and create nothing outside it', async () => {
  const escaping = ['..', '.', '../outside', 'a/b', 'a\\b', '.hidden', 'nul\u0000byte', 'tab\u0009', '/abs', `..${path.sep}..${path.sep}etc`];
  await catalog.createNamespace(['safe']);
  const schema = { type: 'struct' as const, 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'long' as const }] };
  for (const name of escaping) {
    await assert.rejects(catalog.createNamespace([name]), (e: unknown) => e instanceof CatalogError && e.kind === 'bad-request' && /Invalid namespace name/.test(e.message), `namespace ${JSON.stringify(name)}`);
    await assert.rejects(catalog.createNamespace(['safe', name]), (e: unknown) => e instanceof CatalogError && e.kind === 'bad-request', `nested namespace ${JSON.stringify(name)}`);
    await assert.rejects(catalog.createTable(['safe'], { name, schema }), (e: unknown) => e instanceof CatalogError && e.kind === 'bad-request' && /Invalid table name/.test(e.message), `table ${JSON.stringify(name)}`);
  }
  assert.ok(!existsSync(path.join(server.warehouse, '..', 'outside')));
  assert.ok(!existsSync(path.join(path.dirname(server.warehouse), '.floe-catalog')));
  // A location outside the warehouse is refused too (403), whatever the name.
  await assert.rejects(catalog.createTable(['safe'], { name: 'elsewhere', schema, location: path.join(path.dirname(server.warehouse), 'stolen') }),
    (e: unknown) => e instanceof CatalogError && e.kind === 'forbidden' && /must live under/.test(e.message));
  await assert.rejects(catalog.createTable(['safe'], { name: 'sneaky', schema, location: `${server.warehouse}/../stolen` }),
    (e: unknown) => e instanceof CatalogError && e.kind === 'forbidden');
  // Raw paths with encoded traversal are refused, not resolved (and never a 500).
  for (const p of ['/v1/floe/namespaces/..', '/v1/floe/namespaces/..%2F..%2Fetc', '/v1/floe/namespaces/safe%1F..', '/v1/floe/namespaces/safe/tables/..%2F..%2Fpasswd', '/v1/floe/namespaces/%2E%2E/tables/x']) {
    // node:http sends the path as written (fetch would resolve the dots before sending).
    const url = new URL(server.uri);
    const status = await new Promise<number>((resolve, reject) => {
      http.get({ host: url.hostname, port: url.port, path: `${url.pathname}${p}` }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
    });
    // 501 is the router declining a path it cannot match (a bare `..` segment): refused all the same.
    assert.ok([400, 404, 501].includes(status), `${p} -> ${status}`);
  }
});
