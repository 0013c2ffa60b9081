// The on-run-start definitions made on a binding connection (hookPrelude.ts) in real DuckDB: one connection binding
// for two projects (the editor's multi-root, a worker's queue) gives each the definitions of its own hooks only, a
// refused definition leaves the rest, and binds prepared together answer as binds alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindModel } from '../../server/src/sql/binder';
import { bindModels } from '../../server/src/sql/bindBatch';
import { createBindConnection } from '../../server/src/sql/connection';
import { usePrelude } from '../../server/src/sql/hookPrelude';

const shop = ["CREATE TEMP TYPE status AS ENUM ('placed', 'shipped')", 'create or replace TEMP macro cents(x) as x / 100', 'CREATE TEMP SEQUENCE ids', 'create TEMP macro rows_of(n) as table select * from range(n)'];
const other = ["CREATE TEMP TYPE status AS ENUM ('on', 'off')"];
const USES_SHOP = "select 'shipped'::status as s, cents(250) as c, (select count(*) from rows_of(3)) as n";

const errorsOf = (r: { errors: Array<{ message: string }> }) => r.errors.map((e) => e.message);

test("one connection binds each project after its own hooks' definitions, and none of another's", async () => {
  const { connection, close } = await createBindConnection();
  try {
    const first = await bindModel(connection, USES_SHOP, [], { prelude: shop });
    assert.deepEqual(errorsOf(first), []);
    assert.deepEqual(first.columns.map((c) => c.type), ["ENUM('placed', 'shipped')", 'DOUBLE', 'BIGINT']);
    // a project without hooks: none of the first one's definitions
    const bare = await bindModel(connection, 'select cents(250) as c', [], {});
    assert.match(errorsOf(bare).join(), /cents does not exist/);
    const table = await bindModel(connection, 'select * from rows_of(3)', [], {});
    assert.match(errorsOf(table).join(), /rows_of does not exist/);
    // another's same-named type, with its own values
    const switched = await bindModel(connection, "select 'on'::status as s", [], { prelude: other });
    assert.deepEqual(switched.columns.map((c) => c.type), ["ENUM('on', 'off')"]);
    assert.deepEqual(errorsOf(await bindModel(connection, USES_SHOP, [], { prelude: shop })), []);
  } finally {
    close();
  }
});

test('a refused definition is reported and leaves the others made', async () => {
  const { connection, close } = await createBindConnection();
  try {
    const failures = await usePrelude(connection, ["CREATE TEMP TYPE broken AS ENUM ('a'", ...shop, 'create TEMP macro from_table() as table select * from audit.runs']);
    assert.deepEqual(failures.map((f) => [f.index, f.kind, f.unjudged]), [[0, 'syntax', false], [5, 'catalog', true]]);
    assert.deepEqual(errorsOf(await bindModel(connection, USES_SHOP, [], { prelude: ["CREATE TEMP TYPE broken AS ENUM ('a'", ...shop, 'create TEMP macro from_table() as table select * from audit.runs'] })), []);
  } finally {
    close();
  }
});

test('binds of two projects queued together answer as each bound alone', async () => {
  const batched = await createBindConnection();
  const alone = await createBindConnection();
  try {
    const requests = [
      { sql: USES_SHOP, upstream: [], options: { prelude: shop } },
      { sql: "select 'shipped'::status as s", upstream: [], options: { prelude: shop } },
      { sql: "select 'on'::status as s", upstream: [], options: { prelude: other } },
      { sql: 'select cents(1) as c', upstream: [], options: { prelude: other } },
      { sql: 'select cents(1) as c', upstream: [], options: { prelude: shop } },
    ];
    const together = await bindModels(batched.connection, requests);
    const separately = [];
    for (const r of requests) separately.push(await bindModel(alone.connection, r.sql, r.upstream, r.options));
    assert.deepEqual(together.map((r) => [r.columns, errorsOf(r)]), separately.map((r) => [r.columns, errorsOf(r)]));
    assert.deepEqual(together.map((r) => errorsOf(r).length), [0, 0, 0, 1, 0]);
  } finally {
    batched.close();
    alone.close();
  }
});
