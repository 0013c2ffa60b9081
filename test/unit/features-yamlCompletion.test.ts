// Completion at the | cursor of a schema YAML file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject, file, cursor } from '../helpers/projectTexts';
import { completions } from '../../server/src/features/completion';

const YAML = 'models/zz_probe.yml'; // after schema.yml, so schema.yml's docs win
const MACRO = { 'macros/tests.sql': '{% test is_positive(model, column_name) %}select 1{% endtest %}\n' };

function complete(textWithBar: string, extra: Record<string, string> = {}, bound?: Record<string, Array<{ name: string; type: string }>>) {
  const { text, offset } = cursor(textWithBar);
  const p = makeProject({ [YAML]: text, ...MACRO, ...extra });
  for (const [m, cols] of Object.entries(bound ?? {})) p.boundColumns.set(m, cols);
  return completions(p, file(YAML), offset);
}

/** Completion labels at | include `expected` (in order, when `ordered`) and exclude `absent`. */
function check(textWithBar: string, expected: string[], absent: string[] = [], bound?: Record<string, Array<{ name: string; type: string }>>) {
  const labels = complete(textWithBar, {}, bound).map((c) => c.label);
  for (const e of expected) assert.ok(labels.includes(e), `${e} missing from ${JSON.stringify(labels)}`);
  for (const a of absent) assert.ok(!labels.includes(a), `${a} should not be offered in ${JSON.stringify(labels)}`);
}

test('model names under models:, undocumented first, materialization as detail', () => {
  check('version: 2\nmodels:\n  - name: |', ['stg_orders', 'mart_customers', 'stg_customers'], ['country_codes', 'bronze']);
  check('models:\n- name: stg|', ['stg_orders']);
  const items = complete('models:\n  - name: |').sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label));
  assert.deepEqual(items.map((i) => i.label), ['mart_customers', 'stg_orders', 'stg_customers']);
  assert.equal(items[0].detail, 'model · external');
  assert.equal(items[2].detail, 'model · view · in YAML');
});

test("a model's columns under its columns:, types as detail", () => {
  const bound = { stg_orders: [{ name: 'order_id', type: 'BIGINT' }, { name: 'status', type: 'VARCHAR' }] };
  check('models:\n  - name: stg_customers\n    columns:\n      - name: x\n  - name: stg_orders\n    description: d\n    columns:\n      - name: |', ['order_id', 'status'], ['customer_id', 'stg_orders'], bound);
  const items = complete('models:\n  - name: stg_orders\n    columns:\n      - name: |', {}, bound);
  assert.deepEqual(items.map((i) => [i.label, i.detail]), [['order_id', 'BIGINT'], ['status', 'VARCHAR']]);
  // Without bound columns, the YAML-declared ones.
  check('models:\n  - name: stg_customers\n    columns:\n      - name: |', ['customer_id', 'email']);
});

test('generic tests under tests: / data_tests:, with snippets for their arguments', () => {
  const model = 'models:\n  - name: stg_orders\n    data_tests:\n      - |';
  check(model, ['not_null', 'unique', 'accepted_values', 'relationships', 'is_positive']);
  check('models:\n  - name: stg_orders\n    columns:\n      - name: id\n        tests:\n          - not_null\n          - |', ['unique', 'is_positive']);
  check('sources:\n  - name: bronze\n    tables:\n      - name: orders\n        columns:\n          - name: id\n            data_tests:\n              - |', ['not_null']);
  const av = complete(model).find((c) => c.label === 'accepted_values')!;
  assert.equal(av.insertText, 'accepted_values:\n    arguments:\n      values: [$1]');
  assert.equal(av.snippet, true);
  assert.equal(complete(model).find((c) => c.label === 'not_null')!.snippet, false);
});

test("models in ref(' and sources, tables in source(' of a relationships to:", () => {
  const rel = 'models:\n  - name: stg_orders\n    columns:\n      - name: customer_id\n        data_tests:\n          - relationships:\n              arguments:\n';
  check(`${rel}                to: ref('|`, ['stg_customers', 'country_codes']);
  check(`${rel}                to: "{{ ref('stg|') }}"`, ['stg_customers']);
  check(`${rel}                to: source('|`, ['bronze'], ['stg_customers']);
  check(`${rel}                to: source('bronze', '|`, ['customers', 'orders'], ['bronze']);
});

test('config: keys and values under a model', () => {
  check('models:\n  - name: stg_orders\n    config:\n      |', ['materialized', 'polaris_namespace', 'partition_by']);
  check('models:\n  - name: stg_orders\n    config:\n      tags: [a]\n      mat|', ['materialized']);
  check('models:\n  - name: stg_orders\n    config:\n      materialized: |', ['view', 'incremental']);
  const key = complete('models:\n  - name: stg_orders\n    config:\n      |').find((c) => c.label === 'polaris_table')!;
  assert.equal(key.insertText, 'polaris_table: ');
  assert.equal(key.documentation, 'Iceberg table name in the Polaris catalog');
});

test('nothing where nothing fits: descriptions, comments, other keys', () => {
  check('models:\n  - name: stg_orders\n    description: |', [], ['stg_orders', 'not_null']);
  check('models:\n  # - name: |', [], ['stg_orders']);
  check('sources:\n  - name: |', [], ['stg_orders']);
});

test('broken and mid-edit YAML returns [] without throwing', () => {
  for (const t of ['|', ':\n|', '- - - |', 'models:\n  - name: [\n    |', 'models: {\n  - name: "|', '\t\tmodels:\n\t- name: |x', 'models:\n  - name: stg_orders\n    columns:\n      - name: |\n  bad: : :']) {
    assert.doesNotThrow(() => complete(t));
  }
  assert.deepEqual(complete('|'), []);
  assert.deepEqual(complete('models:\n  - name: [\n    |'), []);
});
