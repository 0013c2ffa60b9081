// Where a model reads one upstream column, and which output columns are NULL by construction: tables of SQL shapes,
// each with the spans (marked in the text) that must be found, on the in-memory project (stg_customers has
// customer_id and email; the source bronze.customers has the same names).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject, file } from '../helpers/projectTexts';
import { columnUses } from '../../server/src/features/columnUses';
import { provablyNullOutputs } from '../../server/src/features/provablyNull';

const M = 'models/marts/m.sql';

/** `sql` with uses marked «like this»; ambiguous ones ‹like this›. */
function checkUses(marked: string, column = 'email') {
  const sql = marked.replace(/[«»‹›]/g, '');
  const spans = (open: string, close: string) => {
    const out: number[] = [];
    let removed = 0;
    for (let i = 0; i < marked.length; i++) {
      if ('«»‹›'.includes(marked[i])) {
        if (marked[i] === open) out.push(i - removed);
        removed++;
      }
    }
    return out;
  };
  const p = makeProject({ [M]: sql });
  const up = p.resolveRef({ name: 'stg_customers' })!;
  const r = columnUses(p, p.entry(file(M))!.analysis!, up, column);
  assert.deepEqual(r.uses.map((u) => u.start), spans('«', '»'), `uses in ${sql}`);
  assert.deepEqual(r.ambiguous.map((u) => u.start), spans('‹', '›'), `ambiguous in ${sql}`);
  return r;
}

test('qualified and unqualified uses of the upstream column, never another relation\'s', () => {
  checkUses("select s.«email» from {{ ref('stg_customers') }} s");
  checkUses("select «email», upper(«email») as e from {{ ref('stg_customers') }}");
  // the source has an email too: qualified uses are told apart, an unqualified one is ambiguous
  checkUses("select s.«email», b.email from {{ ref('stg_customers') }} s join {{ source('bronze', 'customers') }} b on b.customer_id = s.customer_id where ‹email› is not null");
  // through a CTE that selects * from it, and not through one that does not
  checkUses("with c as (select * from {{ ref('stg_customers') }}) select c.«email» from c");
  checkUses("with c as (select «email» as mail from {{ ref('stg_customers') }}) select c.mail as email from c");
  // an alias named like the column is no use; a function of that name neither
  checkUses("select customer_id as email, email(1) from {{ ref('stg_customers') }}");
});

test('a bare select item names the output; select * passes the column through', () => {
  const r = checkUses("select «email», s.«email» as e2 from {{ ref('stg_customers') }} s");
  assert.deepEqual(r.uses.map((u) => u.namesOutput), [true, false]);
  assert.equal(checkUses("select * from {{ ref('stg_customers') }}").passesThrough, true);
  assert.equal(checkUses("with c as (select * from {{ ref('stg_customers') }}) select c.* from c").passesThrough, true);
  assert.equal(checkUses("select customer_id from {{ ref('stg_customers') }}").passesThrough, false);
});

function checkNulls(sql: string, expected: string[]) {
  const p = makeProject({ [M]: sql });
  assert.deepEqual(provablyNullOutputs(p, p.entry(file(M))!.analysis!).map((n) => n.column), expected, sql);
}

test('NULL by construction: literals and outer joins\' nullable sides, nothing a filter or coalesce may change', () => {
  checkNulls('select null as a, null::int as b, cast(null as varchar) as c, 1 as d', ['a', 'b', 'c']);
  const join = "from {{ ref('stg_customers') }} s left join {{ source('bronze', 'customers') }} b on b.customer_id = s.customer_id";
  checkNulls(`select s.email as left_side, b.email as right_side, coalesce(b.email, '') as fixed ${join}`, ['right_side']);
  checkNulls(`select b.email as right_side ${join} where b.email is not null`, []);
  checkNulls(`select s.email ${join.replace('left join', 'right join')}`, ['email']);
  checkNulls(`select b.email ${join.replace('left join', 'join')}`, []);
  // unqualified: only when one relation has the column (here both do)
  checkNulls(`select email ${join}`, []);
});
