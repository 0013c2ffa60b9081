// Iceberg column names are case-sensitive, DuckDB's are not. Names that differ in more than case stay as written;
// names equal ignoring case (legal in Iceberg) are made distinct, `<name>__<field id>` for all but the oldest, with
// a warning naming the table and the columns, and every column keeps its own values (matched by field id).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckSession } from '../../server/src/engine/session';
import { tableRelation } from '../../server/src/engine/read/register-table';
import { parseQueryArgs, runQuery } from '../../server/src/cli/commands/query';
import type { Schema } from '../../server/src/iceberg/spec';
import { writeTestTable } from '../helpers/iceberg-table';

const dir = mkdtempSync(path.join(tmpdir(), 'floe-case-names-'));
/** DuckDB will not write two names equal ignoring case; the footer is patched to them afterwards (same length). */
const rename = (from: string, to: string) => (bytes: Buffer) => {
  const out = Buffer.from(bytes);
  for (let at = out.indexOf(from); at >= 0; at = out.indexOf(from, at + 1)) out.write(to, at);
  return out;
};

const flat: Schema = { type: 'struct', 'schema-id': 0, fields: [
  { id: 1, name: 'user_id', required: false, type: 'int' },
  { id: 2, name: 'USER_ID', required: false, type: 'int' },
  { id: 3, name: 'uSeR_Id_1', required: false, type: 'int' },
  { id: 4, name: 'user_id__2', required: false, type: 'int' },
] };
const flatFile = (n: number) => ({
  select: `SELECT ${n * 10 + 1} AS user_id, ${n * 10 + 2} AS USER_IX, ${n * 10 + 3} AS "uSeR_Id_1", ${n * 10 + 4} AS user_id__2`,
  fieldIds: '{user_id: 1, USER_IX: 2, uSeR_Id_1: 3, user_id__2: 4}',
  patch: rename('USER_IX', 'USER_ID'),
});
const roots: Record<string, string> = {};

before(async () => {
  roots.one = await writeTestTable(path.join(dir, 'one'), { schema: flat, files: [flatFile(0)] });
  roots.many = await writeTestTable(path.join(dir, 'many'), { schema: flat, files: [0, 1, 2, 3, 4, 5].map(flatFile) });
  roots.nested = await writeTestTable(path.join(dir, 'nested'), {
    schema: { type: 'struct', 'schema-id': 0, fields: [
      { id: 1, name: 'id', required: false, type: 'int' },
      { id: 2, name: 's', required: false, type: { type: 'struct', fields: [
        { id: 3, name: 'inner_x', required: false, type: 'int' },
        { id: 4, name: 'INNER_X', required: false, type: 'int' },
      ] } },
    ] },
    files: [{ select: `SELECT 1 AS id, {'inner_x': 5, 'INNER_Y': 6} AS s`, fieldIds: '{id: 1, s: {__duckdb_field_id: 2, inner_x: 3, INNER_Y: 4}}', patch: rename('INNER_Y', 'INNER_X') }],
  });
  roots.distinct = await writeTestTable(path.join(dir, 'distinct'), {
    schema: { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'user_id', required: false, type: 'int' }, { id: 2, name: 'uSeR_Id_1', required: false, type: 'int' }] },
    files: [{ select: 'SELECT 1 AS user_id, 2 AS "uSeR_Id_1"', fieldIds: '{user_id: 1, uSeR_Id_1: 2}' }],
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function read(root: string, sql: string) {
  const relation = await tableRelation(root, { tableName: 'db.users' });
  const session = await DuckSession.open();
  try {
    await session.registerView('t', relation.sql);
    return { relation, described: (await session.query('DESCRIBE t')).rows.map((r) => [r[0], r[1]]), rows: (await session.query(sql)).rows };
  } finally {
    session.close();
  }
}

for (const layout of ['one', 'many']) {
  test(`columns equal ignoring case each keep their own values (${layout === 'one' ? 'one file' : 'six files'})`, async () => {
    // USER_ID__2 would be user_id__2's name ignoring case: an underscore more.
    const r = await read(roots[layout], 'SELECT "user_id", "USER_ID__2_", "uSeR_Id_1", "user_id__2" FROM t ORDER BY 1');
    assert.deepEqual(r.described.map((d) => d[0]), ['user_id', 'USER_ID__2_', 'uSeR_Id_1', 'user_id__2']);
    assert.deepEqual(r.rows.map((row) => row.map(Number)), Array.from({ length: layout === 'one' ? 1 : 6 }, (_, n) => [n * 10 + 1, n * 10 + 2, n * 10 + 3, n * 10 + 4]));
    assert.deepEqual(r.relation.warnings, [
      'table db.users has columns whose names differ only by case, which DuckDB cannot tell apart: reading "USER_ID" (field id 2) as "USER_ID__2_"',
    ]);
  });
}

test('struct fields equal ignoring case are renamed the same way and keep their values', async () => {
  const r = await read(roots.nested, 'SELECT s FROM t');
  assert.deepEqual(r.described, [['id', 'INTEGER'], ['s', 'STRUCT(inner_x INTEGER, INNER_X__4 INTEGER)']]);
  assert.deepEqual(r.rows, [[{ inner_x: 5, INNER_X__4: 6 }]]);
  assert.match(r.relation.warnings[0], /"s\.INNER_X" \(field id 4\) as "s\.INNER_X__4"/);
});

test('names that differ in more than case stay as written, with no warning', async () => {
  const r = await read(roots.distinct, 'SELECT "user_id", "uSeR_Id_1" FROM t');
  assert.deepEqual(r.described, [['user_id', 'INTEGER'], ['uSeR_Id_1', 'INTEGER']]);
  assert.deepEqual(r.rows, [[1, 2]]);
  assert.deepEqual(r.relation.warnings, []);
});

test('floe query warns about renamed columns, naming the table', async () => {
  const warnings: string[] = [];
  const out = JSON.parse(await runQuery(parseQueryArgs(['--table', `db.users=${roots.one}`, '--format', 'json', 'SELECT "USER_ID__2_" FROM db.users']), (w) => warnings.push(w)));
  assert.deepEqual(out.rows, [[2]]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^table db\.users has columns whose names differ only by case.*"USER_ID" \(field id 2\) as "USER_ID__2_"/);
});
