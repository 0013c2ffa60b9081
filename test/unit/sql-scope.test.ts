import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scopeAt, cteSymbols, findRelation } from '../../server/src/sql/scope';
import { wrapWithLimit, cteUnderCursor, selectionQuery } from '../../server/src/sql/limit';

/** CPU milliseconds spent by `fn`: steadier than wall time on a machine shared with other jobs. */
function cpuMs(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
}

interface Expected {
  relations?: string[];
  ctes?: string[];
  prefix?: string;
  clause?: string;
}

/** `|` marks the cursor. Relations render as `kind text [as alias] [@level]`, the prefix as `a.b.|partial`. */
function check(marked: string, expected: Expected) {
  const offset = marked.indexOf('|');
  const sql = marked.slice(0, offset) + marked.slice(offset + 1);
  const s = scopeAt(sql, offset);
  const got: Expected = {};
  if (expected.relations) {
    got.relations = s.relations.map((r) => `${r.kind} ${r.text}${r.alias ? ` as ${r.alias}` : ''}${r.columnAliases ? `(${r.columnAliases.join(',')})` : ''}${r.level ? ` @${r.level}` : ''}`);
  }
  if (expected.ctes) got.ctes = s.ctes.map((c) => c.displayName);
  if (expected.prefix !== undefined) got.prefix = [...s.prefix.parts, ''].join('.') + '|' + s.prefix.partial;
  if (expected.clause) got.clause = s.clause;
  assert.deepEqual(got, expected, marked);
}

test('FROM and JOIN items with and without aliases', () => {
  check('select | from "bronze"."customers" c join orders as o on c.id = o.cid left join x', {
    relations: ['table "bronze"."customers" as c', 'table orders as o', 'table x'],
    clause: 'select',
  });
  check('select * from a, b bb, (select 1) s(x), read_parquet(\'f\') p where |', {
    relations: ['table a', 'table b as bb', 'subquery (select 1) as s(x)', "function read_parquet('f') as p"],
    clause: 'where',
  });
  check("select | from {{ ref('stg_orders') }} o cross join {{ source('bronze', 'customers') }}", {
    relations: ["jinja {{ ref('stg_orders') }} as o", "jinja {{ source('bronze', 'customers') }}"],
  });
  check('from t select |', { relations: ['table t'], clause: 'select' });
  check('select * from t natural join u using (id) group by |', { relations: ['table t', 'table u'], clause: 'group' });
});

test('CTEs are visible after their WITH and are marked as CTEs', () => {
  const sql = 'with a as (select 1 x), "B b" as (select * from a) select | from a join "B b" on true';
  check(sql, { ctes: ['a', 'B b'], relations: ['cte a', 'cte "B b"'] });
  check('with a as (select | from src), b as (select 2) select * from b', { ctes: ['a', 'b'], relations: ['table src'] });
  check('select 1; with a as (select 1) select 2; select |', { ctes: [] });
});

test('the innermost query block comes first, enclosing blocks follow with their level', () => {
  check('select * from t where exists (select 1 from u where u.id = |)', {
    relations: ['table u', 'table t @1'],
  });
  check('select (select max(|) from u) from t', { relations: ['table u', 'table t @1'] });
  check('select count(|) from t', { relations: ['table t'] });
  check('select a from t union all select | from u', { relations: ['table u'] });
});

test('the clause at the cursor, for choosing what to complete', () => {
  check('select * from |', { clause: 'from' });
  check('select * from t left join |', { clause: 'join' });
  check('select * from t join u on |', { clause: 'on' });
  check('select a, count(|) from t group by a', { clause: 'select' });
  check('select a from t group by a having |', { clause: 'having' });
  check('select a from t order by |', { clause: 'order' });
  check('select a from t where a in (select b from u where |)', { clause: 'where', relations: ['table u', 'table t @1'] });
});

test('the dotted prefix before the cursor', () => {
  check('select c.| from t c', { prefix: 'c.|' });
  check('select c.na| from t c', { prefix: 'c.|na' });
  check('select "my t".x| from t', { prefix: 'my t.|x' });
  check('select s.t.| from s.t', { prefix: 's.t.|' });
  check('select na|', { prefix: '|na' });
});

test('findRelation matches aliases and bare table names', () => {
  const sql = 'select * from "bronze"."Customers" join orders o on true';
  const s = scopeAt(sql, sql.length);
  assert.equal(findRelation(s, 'customers')?.text, '"bronze"."Customers"');
  assert.equal(findRelation(s, 'O')?.text, 'orders');
  assert.equal(findRelation(s, 'orders'), undefined);
});

test('document symbols list CTEs with ranges, nested ones too', () => {
  const sql = 'with a as (select 1),\n  b as (with c as (select 2) select * from c)\nselect * from b';
  const syms = cteSymbols(sql).map((s) => `${s.name}@${s.depth}:${sql.slice(s.start, s.end)}`);
  assert.deepEqual(syms, [
    'a@0:a as (select 1)',
    'b@0:b as (with c as (select 2) select * from c)',
    'c@1:c as (select 2)',
  ]);
  // `timestamp with time zone` is not a CTE
  assert.deepEqual(cteSymbols('select x::timestamp with time zone from t'), []);
});

test('junk input never throws, and a 1 MB line stays fast', () => {
  const junk = ['select (((', 'from', 'with', 'with a as (', 'select * from t join', ')))', "'", 'from (select', 'with a as (select 1), ,', '.'];
  for (const s of junk) for (let i = 0; i <= s.length; i++) scopeAt(s, i);
  const big = 'with a as (select 1) select ' + 'x, '.repeat(350_000) + 'y from a join b on a.id = b.id where ';
  let s: ReturnType<typeof scopeAt> | undefined;
  const ms = cpuMs(() => {
    s = scopeAt(big, big.length);
  });
  assert.deepEqual(s?.relations.map((r) => r.text), ['a', 'b']);
  assert.ok(ms < 1000, `${ms} ms`);
});

test('bounded fuzz: mutated models never make scopes or previews throw or stall', () => {
  const model = `{{ config(materialized='view') }}
with source as (select * from {{ source('bronze', 'customers') }} where "x" = 'a''b' /* c */),
renamed as (select id, $$ d $$ as s, e'\\n' from source s join "o" using (id) -- note
)
select r.id, (select max(v) from t where t.id = r.id) from renamed r order by 1 limit 10;`;
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const junk = ['(', ')', "'", '"', '$$', '/*', '--', '{{', '}}', ';', ',', '.', 'with', ' as ', 'select', '\u0000', '\uD83D', '\r'];
  for (let k = 0; k < 400; k++) {
    let s = model;
    for (let m = 0, count = 1 + rnd(4); m < count; m++) {
      const at = rnd(s.length + 1);
      const op = rnd(3);
      if (op === 0) s = s.slice(0, at);
      else if (op === 1) s = s.slice(0, at) + junk[rnd(junk.length)] + s.slice(at);
      else s = s.slice(0, at) + s.slice(at + rnd(20));
    }
    const ms = cpuMs(() => {
      for (let j = 0; j < 5; j++) scopeAt(s, rnd(s.length + 1));
      cteSymbols(s);
      wrapWithLimit(s, 100);
      cteUnderCursor(s, rnd(s.length + 1));
      selectionQuery(s, { start: rnd(s.length + 1), end: rnd(s.length + 1) });
    });
    assert.ok(ms < 250, `${ms} ms: ${s}`);
  }
  const huge = model.replace('select r.id', 'select r.id, ' + 'r.x + 1, '.repeat(120_000) + 'r.y');
  assert.ok(huge.length > 1_000_000);
  const ms = cpuMs(() => {
    scopeAt(huge, huge.length - 30);
    wrapWithLimit(huge, 100);
  });
  assert.ok(ms < 1500, `${ms} ms`);
});
