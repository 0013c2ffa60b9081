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
