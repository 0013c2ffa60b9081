import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuckDbError } from '../../server/src/sql/errors';

/** Expected: kind, the text underlined in `sql`, and a substring of the message. */
function check(sql: string, duckdbMessage: string, expected: { kind: string; at?: string; message: string }) {
  const e = parseDuckDbError(duckdbMessage, sql);
  const at = e.offset === undefined ? undefined : sql.slice(e.offset, e.offset + (e.length ?? 0));
  assert.equal(e.kind, expected.kind);
  assert.equal(at, expected.at, `${sql}: underlined ${JSON.stringify(at)}`);
  assert.ok(e.message.includes(expected.message), e.message);
  assert.ok(!/LINE \d+:/.test(e.message), 'the excerpt is not part of the message');
}

test('positions come from the LINE excerpt and caret', () => {
  const sql = 'select idd\nfrom t';
  check(sql, `Binder Error: Referenced column "idd" not found in FROM clause!\nCandidate bindings: "id"\n\nLINE 1: select idd\n               ^`, {
    kind: 'binder', at: 'idd', message: 'Candidate bindings: "id"',
  });
  const q2 = 'select 1\r\nfrom t\r\nwhere nope = 1';
  check(q2, 'Binder Error: Referenced column "nope" not found in FROM clause!\n\nLINE 3: where nope = 1\n              ^', {
    kind: 'binder', at: 'nope', message: 'not found',
  });
  const q3 = 'select 1\rfrom t\rwhere nope = 1';
  check(q3, 'Binder Error: x\n\nLINE 3: where nope = 1\n              ^', { kind: 'binder', at: 'nope', message: 'x' });
});

test('a dotted name is underlined whole', () => {
  const sql = 'select * from "bronze".customer';
  check(sql, 'Catalog Error: Table with name customer does not exist!\n\nLINE 1: select * from "bronze".customer\n                      ^', {
    kind: 'catalog', at: '"bronze".customer', message: 'does not exist',
  });
});

test('truncated excerpts of long lines and wide characters', () => {
  const sql = `select ${'id, '.repeat(40)} nope, ${'name, '.repeat(30)} id from t`;
  const msg = 'Binder Error: Referenced column "nope" not found in FROM clause!\n\nLINE 1: ..., id, id, id, id, id, id, id, id, id, id, id, id, id, id, id,  nope, name, name, name, name, name, name, name, name, name...\n                                                                          ^';
  check(sql, msg, { kind: 'binder', at: 'nope', message: 'nope' });
  const wide = "select 'ééé😀😀' as a, nope from t";
  check(wide, "Binder Error: nope\n\nLINE 1: select 'ééé😀😀' as a, nope from t\n                               ^", { kind: 'binder', at: 'nope', message: 'nope' });
  const cjk = "select '日本語日本語' as a, nope from t";
  check(cjk, "Binder Error: nope\n\nLINE 1: select '日本語日本語' as a, nope from t\n                                    ^", { kind: 'binder', at: 'nope', message: 'nope' });
});

test('syntax errors, end of input, and long candidate lists trimmed', () => {
  check('selec 1', 'Parser Error: syntax error at or near "selec"\n\nLINE 1: selec 1\n        ^', { kind: 'syntax', at: 'selec', message: 'syntax error' });
  check('select 1 from t where', 'Parser Error: syntax error at end of input', { kind: 'syntax', at: '', message: 'end of input' });
  const candidates = Array.from({ length: 40 }, (_, i) => `\t+(T${i}, T${i}) -> T${i}`).join('\n');
  const e = parseDuckDbError(`Binder Error: No function matches '+(VARCHAR, INTEGER_LITERAL)'.\n\tCandidate functions:\n${candidates}\n\nLINE 1: select name + 1\n                    ^`, 'select name + 1');
  assert.ok(e.message.split('\n').length <= 9, e.message);
  assert.equal(e.offset, 12);
  check('select 1', 'Invalid Input Error: something without a position', { kind: 'binder', at: undefined, message: 'without a position' });
});

test('a USING column missing on one side of the join is placed inside USING ( ), which DuckDB does not point at', () => {
  const sql = 'select o.id\nfrom t o\njoin c using (id, "Nope")';
  check(sql, 'Binder Error: Column "Nope" does not exist on left side of join!', { kind: 'binder', at: 'Nope', message: 'left side of join' });
  check('select 1 from a join b on true', 'Binder Error: Column "x" does not exist on left side of join!', { kind: 'binder', at: undefined, message: 'left side' });
});
