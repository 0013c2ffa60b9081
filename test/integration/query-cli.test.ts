// The built floe CLI: usage errors exit 2, failures exit 1 with one message and no stack, stdout only the result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseQueryArgs, referencedTables } from '../../server/src/cli/commands/query';
import { DuckSession } from '../../server/src/engine/session';

const repoRoot = path.resolve(__dirname, '../..');
const cli = path.join(repoRoot, 'dist/cli.js');
const fixture = path.resolve(repoRoot, '../shared/fixtures/iceberg/data/persistent/partition_integer');
const floe = (...args: string[]) => spawnSync(process.execPath, [cli, 'query', ...args], { encoding: 'utf8', env: { ...process.env, FLOE_DEBUG: '' } });
const built = { skip: !existsSync(cli) && 'dist/cli.js is not built (npm run build)' };

test('arguments parse, repeated flags included', () => {
  const a = parseQueryArgs(['--catalog', 'http://h/api/catalog', '--warehouse', 'w', '--credential', 'id:se:cret', '--table', 'a=/x', '--table', 'ns.b=s3://b/t', '--snapshot', 'a=9223372036854775807', '--format=csv', 'SELECT 1']);
  assert.deepEqual(a.credential, { clientId: 'id', clientSecret: 'se:cret' });
  assert.deepEqual(a.tables, [{ name: 'a', location: '/x' }, { name: 'ns.b', location: 's3://b/t' }]);
  assert.equal(a.snapshots.get('a'), 9223372036854775807n);
  assert.equal(a.format, 'csv');
  assert.equal(a.sql, 'SELECT 1');
  for (const bad of [[], ['--format', 'xml', 'SELECT 1'], ['--table', 'x', 'SELECT 1'], ['--snapshot', 'a=b', 'SELECT 1'], ['--catalog', 'u', 'SELECT 1'], ['--bogus', 'SELECT 1']]) {
    assert.throws(() => parseQueryArgs(bad), /usage: floe query/, JSON.stringify(bad));
  }
});

test('prints only the result on stdout', built, () => {
  const r = floe('--table', `t=${fixture}`, '--format', 'csv', 'SELECT user_id, partition_col FROM t ORDER BY 1');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'user_id,partition_col\r\n12345,42\r\n67890,1337\r\n');
});

test('--table names may be plain, namespace.table or a.b.table', built, () => {
  const r = floe('--table', `t=${fixture}`, '--table', `ns.t=${fixture}`, '--table', `a.b.t=${fixture}`, '--format', 'csv',
    'SELECT (SELECT count(*) FROM t) + (SELECT count(*) FROM ns.t) + (SELECT count(*) FROM a.b.t) AS n');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'n\r\n6\r\n');
});

test('a usage mistake exits 2 with the usage line', built, () => {
  const r = floe('--format', 'xml', 'SELECT 1');
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /usage: floe query/);
});

test('a missing table exits 1 with a message naming it and no stack trace', built, () => {
  const r = floe('--table', 't=/nonexistent/table', 'SELECT * FROM t');
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /no Iceberg table here.*\/nonexistent\/table/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('SQL errors exit 1 with DuckDB\'s message', built, () => {
  const r = floe('--table', `t=${fixture}`, 'SELECT nope FROM t');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /nope/);
});

test('catalog table references are found in SELECT, DESCRIBE, SUMMARIZE and EXPLAIN', async () => {
  const session = await DuckSession.open();
  try {
    const cases: [string, string[]][] = [
      ['SELECT * FROM sales.orders o JOIN "a.b"."c d" USING (k)', ['sales.orders', 'a.b.c d']],
      ['DESCRIBE sales.orders', ['sales.orders']],
      ['SUMMARIZE sales.orders', ['sales.orders']],
      ['EXPLAIN ANALYZE SELECT * FROM s.t', ['s.t']],
      ['WITH q AS (SELECT 1) SELECT * FROM q, t1', []],
      ['SELECT * FROM information_schema.tables, main.x, pg_catalog.pg_class', []],
    ];
    for (const [sql, expected] of cases) {
      assert.deepEqual((await referencedTables(session, sql)).map((r) => `${r.schema}.${r.table}`), expected, sql);
    }
  } finally {
    session.close();
  }
});
