// Issue 17: `floe write` creates missing namespaces as dbt creates schemas, and `floe catalog namespaces|tables` does
// what the explorer does, through the real CLI against the real local catalog over HTTP (with OAuth2 credentials taken
// from FLOE_CATALOG_CREDENTIAL, never argv).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { runFloe, type CliRun } from '../helpers/floe-cli';
import { copyDemo } from '../helpers/demo-copy';

const ID = 'ops';
const SECRET = 'Catalog-0bjects-S3cret';
let server: TestCatalog;
const env = () => ({ FLOE_CATALOG_CREDENTIAL: `${ID}:${SECRET}` });
const cat = () => ['--catalog', server.uri, '--warehouse', server.name];
const floe = (...args: string[]) => runFloe(args, env());
const ok = (r: CliRun) => { assert.equal(r.code, 0, r.err); assert.ok(!(r.out + r.err).includes(SECRET)); return r; };

before(async () => { server = await startTestCatalog({ clientId: ID, clientSecret: SECRET }); });
after(async () => { await server?.close(); });

test('floe write --mode create into a missing nested namespace creates it and its parents', async () => {
  const write = ok(await floe('write', ...cat(), '--mode', 'create', 'lake.gold.orders', 'SELECT range AS id, range * 2 AS total FROM range(3)'));
  assert.equal(JSON.parse(write.out).table, 'lake.gold.orders');
  assert.match(write.err, /created namespace lake\n.*created namespace lake\.gold\n/s);
  // Writing again into the now existing namespace creates nothing.
  const again = ok(await floe('write', ...cat(), '--mode', 'append', 'lake.gold.orders', 'SELECT 9::BIGINT AS id, 18::BIGINT AS total'));
  assert.doesNotMatch(again.err, /created namespace/);
  const listed = ok(await floe('catalog', 'namespaces', 'list', '--recursive', ...cat(), '--format', 'json'));
  assert.deepEqual(JSON.parse(listed.out).filter((ns: string[]) => ns[0] === 'lake'), [['lake'], ['lake', 'gold']]);
});

test('floe catalog: namespaces and tables listed, created and dropped; snapshots and schema as text and JSON', async () => {
  const created = ok(await floe('catalog', 'namespaces', 'create', 'ops.staging.deep', ...cat()));
  assert.equal(created.out, 'created namespace ops\ncreated namespace ops.staging\ncreated namespace ops.staging.deep\n');
  const twice = await floe('catalog', 'namespaces', 'create', 'ops.staging.deep', ...cat());
  assert.equal(twice.code, 1);
  assert.match(twice.err, /namespace ops\.staging\.deep already exists/);
  ok(await floe('catalog', 'namespaces', 'create', 'ops.staging.deep', '--if-not-exists', ...cat()));
  assert.equal(ok(await floe('catalog', 'namespaces', 'list', 'ops', ...cat())).out, 'ops.staging\n');

  ok(await floe('write', ...cat(), '--mode', 'create', 'ops.events', "SELECT 1 AS id, 'a' AS name, {'k': 2, 'tags': ['x']} AS attrs"));
  ok(await floe('write', ...cat(), '--mode', 'append', 'ops.events', "SELECT 2 AS id, 'b' AS name, {'k': 3, 'tags': ['y']} AS attrs"));
  assert.equal(ok(await floe('catalog', 'tables', 'list', 'ops', ...cat())).out, 'ops.events\n');
  assert.deepEqual(JSON.parse(ok(await floe('catalog', 'tables', 'list', 'ops', ...cat(), '--format', 'json')).out), [{ namespace: ['ops'], name: 'events' }]);

  const snapshots = JSON.parse(ok(await floe('catalog', 'tables', 'snapshots', 'ops.events', ...cat(), '--format', 'json')).out);
  assert.equal(snapshots.length, 2);
  assert.deepEqual(snapshots.map((s: { operation: string; current: boolean }) => [s.operation, s.current]), [['append', false], ['append', true]]);
  assert.equal(snapshots[1].parent_snapshot_id, snapshots[0].snapshot_id);
  assert.match(snapshots[0].snapshot_id, /^\d+$/);
  const snapshotText = ok(await floe('catalog', 'tables', 'snapshots', 'ops.events', ...cat())).out.trim().split('\n');
  assert.equal(snapshotText.length, 2);
  assert.match(snapshotText[1], new RegExp(`^${snapshots[1].snapshot_id}  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC  append  \\+1 records  \\(current\\)$`));

  const schema = JSON.parse(ok(await floe('catalog', 'tables', 'schema', 'ops.events', ...cat(), '--format', 'json')).out);
  assert.equal(schema.type, 'struct');
  assert.deepEqual(schema.fields.map((f: { name: string }) => f.name), ['id', 'name', 'attrs']);
  assert.equal(schema.fields[2].type.type, 'struct');
  const schemaText = ok(await floe('catalog', 'tables', 'schema', 'ops.events', ...cat())).out;
  assert.match(schemaText, /^1  id  int  optional\n2  name  string  optional\n3  attrs  struct<k: int, tags: list<string>>  optional\n  \d+  k  int  optional\n  \d+  tags  list<string>  optional\n    \d+  element  string  optional\n$/);

  const notEmpty = await floe('catalog', 'namespaces', 'drop', 'ops', ...cat());
  assert.equal(notEmpty.code, 1);
  assert.match(notEmpty.err, /namespace ops/);
  assert.doesNotMatch(notEmpty.err, /\bat \S+:\d+/);
  assert.equal(ok(await floe('catalog', 'tables', 'drop', 'ops.events', '--purge', ...cat())).out, 'dropped table ops.events and purged its files\n');
  assert.equal(ok(await floe('catalog', 'tables', 'list', 'ops', ...cat())).out, '');
  const missing = await floe('catalog', 'tables', 'schema', 'ops.events', ...cat());
  assert.equal(missing.code, 1);
  assert.match(missing.err, /ops\.events/);
  for (const ns of ['ops.staging.deep', 'ops.staging', 'ops']) ok(await floe('catalog', 'namespaces', 'drop', ns, ...cat()));
  assert.ok(!JSON.parse(ok(await floe('catalog', 'namespaces', 'list', ...cat(), '--format', 'json')).out).some((ns: string[]) => ns[0] === 'ops'));
});

test('floe catalog tables create: an empty table from a column list, typed as DuckDB reads it, then written to', async () => {
  const created = ok(await floe('catalog', 'tables', 'create', 'ddl.events', '--columns', 'id BIGINT, "Amount" DECIMAL(18,2), ts TIMESTAMPTZ, tags VARCHAR[]', ...cat()));
  assert.equal(created.out, 'created namespace ddl\ncreated table ddl.events (4 columns, no snapshots yet)\n');
  const schema = ok(await floe('catalog', 'tables', 'schema', 'ddl.events', ...cat())).out;
  assert.match(schema, /^1  id  long  optional\n2  Amount  decimal\(18, ?2\)  optional\n3  ts  timestamptz  optional\n4  tags  list<string>  optional\n  \d+  element  string  optional\n$/);
  assert.equal(ok(await floe('catalog', 'tables', 'snapshots', 'ddl.events', ...cat())).out, 'ddl.events has no snapshots\n');
  ok(await floe('write', ...cat(), '--mode', 'append', 'ddl.events', "SELECT 1::BIGINT AS id, 2.50::DECIMAL(18,2) AS \"Amount\", TIMESTAMPTZ '2026-01-01 00:00:00+00' AS ts, ['a'] AS tags"));
  assert.equal(JSON.parse(ok(await floe('catalog', 'tables', 'snapshots', 'ddl.events', ...cat(), '--format', 'json')).out).length, 1);
  const bad = await floe('catalog', 'tables', 'create', 'ddl.bad', '--columns', 'id NOT_A_TYPE', ...cat());
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--columns is not a column list DuckDB reads/);
  assert.equal((await floe('catalog', 'tables', 'create', 'ddl.events', '--columns', 'id BIGINT', ...cat())).code, 1, 'an existing table is not replaced');
  ok(await floe('catalog', 'tables', 'drop', 'ddl.events', '--purge', ...cat()));
  ok(await floe('catalog', 'namespaces', 'drop', 'ddl', ...cat()));
});

test('floe catalog: usage errors exit 2, a missing credential is refused, and a project folder (given, or the current one) means its lakehouse', async () => {
  for (const args of [['catalog', 'tables'], ['catalog', 'tables', 'show', 'a.b', ...cat()], ['catalog', 'tables', 'schema', 'nodots', ...cat()],
    ['catalog', 'namespaces', 'create', 'a..b', ...cat()], ['catalog', 'namespaces', 'list', '--catalog', server.uri], ['catalog', 'namespaces', 'list', ...cat(), '--credential', `${ID}:${SECRET}`]]) {
    const r = await floe(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, /usage: floe catalog/);
  }
  const refused = await runFloe(['catalog', 'namespaces', 'list', ...cat()], { FLOE_CATALOG_CREDENTIAL: '' });
  assert.equal(refused.code, 1);
  assert.match(refused.err, /401|unauthori[sz]ed/i);

  const demo = copyDemo();
  try {
    const r = ok(await runFloe(['catalog', 'namespaces', 'create', 'silver', '--project-dir', demo]));
    assert.equal(r.out, 'created namespace silver\n');
    assert.equal(ok(await runFloe(['catalog', 'namespaces', 'list'], {}, demo)).out, 'silver\n');
  } finally {
    fs.rmSync(demo, { recursive: true, force: true });
  }
});
