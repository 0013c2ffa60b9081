// Hover at the | cursor of a schema YAML file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject, file, cursor } from '../helpers/projectTexts';
import { hover } from '../../server/src/features/hover';

const YAML = 'models/zz_probe.yml';
const MACRO = { 'macros/tests.sql': '{% test is_positive(model, column_name) %}select 1{% endtest %}\n' };

/** Hover markdown at | matches every pattern, and covers `covers` (the hovered text); undefined when `patterns` is null. */
function check(textWithBar: string, patterns: RegExp[] | null, covers?: string) {
  const { text, offset } = cursor(textWithBar);
  const h = hover(makeProject({ [YAML]: text, ...MACRO }), file(YAML), offset);
  if (patterns === null) return assert.equal(h, undefined, JSON.stringify(h));
  assert.ok(h, `no hover at ${JSON.stringify(textWithBar)}`);
  for (const p of patterns) assert.match(h.markdown, p);
  if (covers) assert.equal(text.slice(h.start, h.end), covers);
}

const TESTS = "models:\n  - name: mart_customers\n    data_tests:\n      - unique\n    columns:\n      - name: customer_id\n        data_tests:\n          - not_null\n";

test("a model's name: materialization, gold Iceberg table, columns and data tests count", () => {
  check(`${TESTS.replace('name: mart_customers', 'name: mart_cu|stomers')}`,
    [/model mart_customers/, /materialized: `external`/, /Materializes Iceberg table `demo\.gold\.mart_customers`/, /2 data tests/], 'mart_customers');
  check('models:\n  - name: stg_cus|tomers\n', [/model stg_customers/, /materialized: `view`/, /\| customer_id \| BIGINT \|/i, /0 data tests/], 'stg_customers');
  check('models:\n  - name: nope|\n', [/no model of this name/]);
});

test("a generic test's name says what it checks", () => {
  check(`${TESTS.replace('- not_null', '- not_n|ull')}`, [/test not_null/, /No row has a null/], 'not_null');
  check('models:\n  - name: m\n    data_tests:\n      - accepted_va|lues:\n          arguments:\n            values: [a]\n', [/one of a given list/], 'accepted_values');
  check('models:\n  - name: m\n    data_tests:\n      - is_pos|itive\n', [/Custom generic test from `macros\/tests\.sql`/]);
  check('models:\n  - name: m\n    data_tests:\n      - no_such|_test\n', [/Unknown generic test/]);
});

test("ref('x') and source('s', 't') in a relationships to: describe the model or source", () => {
  const rel = 'models:\n  - name: stg_orders\n    columns:\n      - name: customer_id\n        data_tests:\n          - relationships:\n              arguments:\n';
  check(`${rel}                to: ref('stg_c|ustomers')\n                field: customer_id\n`, [/model stg_customers/, /Cleaned customers\./], "ref('stg_customers')");
  check(`${rel}                to: source('bronze', 'cust|omers')\n`, [/source bronze\.customers/, /demo\.bronze\.bronze_customers/, /`customer_id` BIGINT/i]);
});

test('nothing on descriptions, keys, comments and broken YAML', () => {
  check('models:\n  - name: stg_customers\n    descri|ption: x\n', null);
  check('models:\n  - name: stg_customers\n    description: stg_cus|tomers\n', null);
  check('# models:\n#  - name: stg_cus|tomers\n', null);
  for (const t of ['|', 'models:\n  - name: [|', 'models: {{{|', '  - - name: |x', 'to: ref(|']) assert.doesNotThrow(() => check(t, null));
});
