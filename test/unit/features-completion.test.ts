// Completion at the | cursor of a model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject, file, cursor } from '../helpers/projectTexts';
import { completions } from '../../server/src/features/completion';

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
