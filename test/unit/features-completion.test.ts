// Completion at the | cursor of a model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject, file, cursor } from '../helpers/projectTexts';
import { completionAnswer, completions, MAX_LISTED } from '../../server/src/features/completion';

const MODEL = 'models/marts/probe.sql';

/** Completion labels at | include `expected` (and exclude `absent`). */
function check(textWithBar: string, expected: string[], absent: string[] = []) {
  const { text, offset } = cursor(textWithBar);
  const p = makeProject({ [MODEL]: text });
  const labels = completions(p, file(MODEL), offset).map((c) => c.label);
  for (const e of expected) assert.ok(labels.includes(e), `${e} missing from ${JSON.stringify(labels)}`);
  for (const a of absent) assert.ok(!labels.includes(a), `${a} should not be offered`);
}

test("models inside ref('", () => {
  check("select * from {{ ref('|') }}", ['stg_customers', 'stg_orders', 'mart_customers', 'country_codes'], ['probe']);
  check("select * from {{ ref('stg_|", ['stg_customers']);
});

test("sources and tables inside source('", () => {
  check("select * from {{ source('|') }}", ['bronze']);
  check("select * from {{ source('bronze', '|') }}", ['customers', 'orders'], ['bronze']);
});

test('config keys and values, vars, macros', () => {
  check('{{ config(|) }}', ['materialized', 'polaris_namespace', 'on_schema_change']);
  check("{{ config(materialized='|') }}", ['view', 'table', 'external', 'incremental', 'ephemeral']);
  check("{{ var('|') }}", ['region']);
  check('select {{ cents| }}', ['cents_to_dollars', 'ref', 'source']);
});

test('columns in scope from sources and upstream models (YAML or bound schemas)', () => {
  check("select | from {{ source('bronze', 'customers') }}", ['customer_id', 'email']);
  check("select c.| from {{ ref('stg_customers') }} c", ['customer_id', 'email']);
  check("with x as (select * from {{ source('bronze', 'customers') }})\nselect x.| from x", ['customer_id', 'email']);
  check("select | from {{ ref('country_codes') }}", ['code', 'population']);
});

test('nothing in Jinja comments', () => {
  const { text, offset } = cursor("{# {{ ref('|') }} #}");
  assert.deepEqual(completions(makeProject({ [MODEL]: text }), file(MODEL), offset), []);
});

test('columns in scope in a model of ~900 KB (the analysis limit is 1 MB)', () => {
  const filler = `-- ${'padding '.repeat(12)}\n`.repeat(9_000);
  assert.ok(filler.length > 800_000);
  check(`${filler}with x as (select * from {{ source('bronze', 'customers') }})\nselect x.| from x`, ['customer_id', 'email']);
});

test("a package's macros after `{{ package.`", () => {
  const { text, offset } = cursor('select {{ pk.| }}');
  const p = makeProject({
    [MODEL]: text,
    'dbt_packages/pk/dbt_project.yml': 'name: pk\n',
    'dbt_packages/pk/macros/star.sql': "{% macro star(from, except=[]) %}{{ return(adapter.dispatch('star', 'pk')(from, except)) }}{% endmacro %}\n"
      + '{% macro default__star(from, except) %}*{% endmacro %}\n{% test not_empty(model) %}select 1{% endtest %}\n',
  });
  const items = completions(p, file(MODEL), offset);
  assert.deepEqual(items.map((c) => [c.label, c.kind, c.detail]), [['star', 'macro', 'macro star(from, except)']]);
  const partial = cursor('select {{ pk.st| }}');
  const p2 = makeProject({ [MODEL]: partial.text, 'dbt_packages/pk/dbt_project.yml': 'name: pk\n', 'dbt_packages/pk/macros/star.sql': '{% macro star(from) %}*{% endmacro %}\n' });
  assert.deepEqual(completions(p2, file(MODEL), partial.offset).map((c) => [c.label, c.replaceStart]), [['star', partial.offset - 2]]);
  // not a package: no SQL columns or macros of the project after `{{ this.` or `{{ adapter.`
  check('select {{ adapter.| }}', [], ['cents_to_dollars', 'customer_id']);
});

test("in a hook's template: tables in source('bronze', '|', models in ref('|'), nothing in its SQL", () => {
  check(`{{ config(pre_hook="delete from {{ this }} where id in (select id from {{ source('bronze', '|') }})") }}\nselect 1`, ['customers', 'orders'], ['bronze', 'customer_id']);
  check(`{{ config(post_hook=["insert into t select * from {{ ref('|') }}"]) }}\nselect 1`, ['stg_customers', 'country_codes']);
  const hook = cursor(`{{ config(pre_hook="select {{ source('bronze', 'cu|') }}") }}\nselect 1`);
  const item = completions(makeProject({ [MODEL]: hook.text }), file(MODEL), hook.offset).find((c) => c.label === 'customers')!;
  assert.deepEqual([item.replaceStart, item.replaceEnd], [hook.offset - 2, hook.offset]);
  const { text, offset } = cursor(`{{ config(pre_hook="delete from |") }}\nselect 1`);
  assert.deepEqual(completions(makeProject({ [MODEL]: text }), file(MODEL), offset), []);
});

test('a list read from a model still to bind or a source schema still being read is incomplete; otherwise complete', () => {
  const { text, offset } = cursor("select s.|, o.x from {{ ref('stg_customers') }} as s, {{ source('bronze', 'orders') }} as o\n");
  const p = makeProject({ [MODEL]: text });
  const answer = (bind: string[], sources: string[], at = offset) => completionAnswer(p, file(MODEL), at, {
    bind: (node) => bind.includes(node.name),
    sourceSchema: (_project, table) => sources.includes(table.name),
  });
  assert.deepEqual(answer([], []).items.map((c) => c.label), ['customer_id', 'email']);
  assert.equal(answer([], []).incomplete, false);
  assert.equal(answer(['stg_customers'], []).incomplete, true);
  // only what the list reads counts: another model's bind, or the source read by `o.`, not by `s.`
  assert.equal(answer(['mart_customers'], ['orders']).incomplete, false);
  const atO = text.indexOf('o.x') + 2;
  assert.equal(answer([], ['orders'], atO).incomplete, true);
  assert.equal(answer([], ['customers'], atO).incomplete, false);
  // through the upstream model: stg_customers' select list reads source bronze.customers, whose schema gives its types
  assert.equal(answer([], ['customers']).incomplete, true);
});

test('a list longer than the cap: the best matches of the typed text first, incomplete until it narrows', () => {
  const macros = Array.from({ length: 700 }, (_, i) => `{% macro helper_${i}() %}1{% endmacro %}`).join('\n');
  const p = makeProject({ 'macros/many.sql': macros, [MODEL]: 'select {{ h }}\n' });
  const at = (typed: string) => {
    const text = `select {{ ${typed} }}\n`;
    p.updateFile(file(MODEL), text);
    return completionAnswer(p, file(MODEL), text.indexOf(' }}'));
  };
  const all = at('helper_');
  assert.equal(all.items.length, MAX_LISTED);
  assert.equal(all.incomplete, true);
  assert.ok(all.items.slice(0, 100).every((c) => c.label.startsWith('helper_')), 'names starting with the typed text first');
  const some = at('helper_6');
  assert.equal(some.incomplete, false);
  assert.equal(some.items.filter((c) => c.label.startsWith('helper_6')).length, 111);
  assert.ok(some.items.every((c) => /h.*e.*l.*p.*e.*r.*_.*6/.test(c.label)), 'only names holding the typed characters in order');
});
