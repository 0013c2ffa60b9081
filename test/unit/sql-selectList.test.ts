import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectItemsAt, cteSelectItems } from '../../server/src/sql/selectList';
import { outline } from '../../server/src/sql/outline';

/** `|` marks the cursor; items render as their name, `*`/`t.*` for stars, `?` when the text does not decide. */
function check(marked: string, expected: string[]) {
  const at = marked.indexOf('|');
  const sql = marked.slice(0, at) + marked.slice(at + 1);
  const got = selectItemsAt(sql, at).map((i) => (i.star ? `${i.star.qualifier ? i.star.qualifier + '.' : ''}*` : i.name ?? '?'));
  assert.deepEqual(got, expected, marked);
}

test('output names: aliases, columns, qualified columns, implicit aliases', () => {
  check('select id, c.name, upper(name) as "Upper Name", credit * 2 doubled, count(*) from t c |', ['id', 'name', 'Upper Name', 'doubled', '?']);
  check('select distinct on (a) a, b::int, case when x then 1 end, interval 3 day from t|', ['a', '?', '?', '?']);
  check('select all "Q" from t|', ['Q']);
  check('from t select a, b|', ['a', 'b']);
});

test('stars, qualified stars and COLUMNS()', () => {
  check('select *, o.*, * exclude (x), columns(\'a.*\') from t o|', ['*', 'o.*', '*', '*']);
});

test('the block around the cursor, not an outer or inner one', () => {
  check('select a from (select b, c from u|) s', ['b', 'c']);
  check('select a, (select max(x) m from u) as mx from t|', ['a', 'mx']);
  check('select a from t union all select b|', ['b']);
});

test('the columns of each CTE, as far as the text tells', () => {
  const o = outline('with a as (select 1 as x, y from t), b as (select * from a) select 1');
  assert.deepEqual(o.ctes.map((c) => cteSelectItems(o, c).map((i) => i.name ?? (i.star ? '*' : '?'))), [['x', 'y'], ['*']]);
});

test('junk never throws', () => {
  for (const s of ['select', 'select ,,', 'select (', 'select a as', 'with a as (select', ')select*']) for (let i = 0; i <= s.length; i++) selectItemsAt(s, i);
});
