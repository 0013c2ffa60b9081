// Diagnostics of data tests in schema YAML, each at the test's own line: unknown generic tests (custom
// `{% test %}` macros are known), relationships to unknown models or sources, accepted_values without values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject, file } from '../helpers/projectTexts';
import { fileDiagnostics } from '../../server/src/features/diagnostics';

// In place of the project's schema.yml: a second entry for stg_customers would be dbt's duplicate-entry error.
const YAML = 'models/schema.yml';

/** Diagnostics of a YAML whose stg_customers.customer_id has `tests` (YAML list items), as [code, text at range, message?]. */
function check(tests: string[], expected: Array<[string, string, string?]>, extra: Record<string, string> = {}) {
  const text = ['version: 2', 'models:', '  - name: stg_customers', '    columns:', '      - name: customer_id', '        data_tests:', ...tests.map((t) => `          ${t}`), ''].join('\n');
  const p = makeProject({ [YAML]: text, ...extra });
  const got = fileDiagnostics(p, file(YAML)).map((d) => [d.code, text.slice(d.start, d.end), d.message]);
  assert.deepEqual(got.map((g, i) => (expected[i]?.[2] === undefined ? g.slice(0, 2) : g)), expected);
}

test('core tests with their arguments are clean', () => {
  check(['- not_null', '- unique', "- accepted_values: {values: [1, 2], quote: false}", "- relationships: {to: ref('mart_customers'), field: customer_id}",
    "- relationships:\n              arguments: {to: \"source('bronze', 'orders')\", field: id}"], []);
});

test('an unknown generic test is a warning with did-you-mean; {% test %} and test_ macros are known', () => {
  check(['- not_nul'], [['unknown-test', 'not_nul']]);
  assert.match(String(fileDiagnostics(makeProject({ [YAML]: 'models:\n  - name: stg_customers\n    tests: [uniqe]\n' }), file(YAML))[0]?.message), /Did you mean 'unique'\?/);
  check(['- is_positive', '- legacy_check', '- dbt_utils.expression_is_true'], [['unknown-test', 'dbt_utils.expression_is_true']], {
    'macros/tests.sql': '{% test is_positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}\n{% macro test_legacy_check(model) %}select 1{% endmacro %}\n',
  });
  const warnings = fileDiagnostics(makeProject({ [YAML]: 'models:\n  - name: stg_customers\n    tests: [nope]\n' }), file(YAML));
  assert.deepEqual(warnings.map((d) => d.severity), ['warning']);
});

test('relationships to an unknown model or source table (a warning, as dbt gives), or not written as ref()/source()', () => {
  check(["- relationships: {to: ref('stg_customer'), field: id}"], [['unknown-ref', 'relationships', "relationships: model 'stg_customer' not found; dbt warns and skips this test. Did you mean 'stg_customers'?"]]);
  check(["- relationships: {to: \"source('bronze', 'order')\", field: id}"], [['unknown-source', 'relationships', "relationships: source 'bronze' has no table 'order'; dbt warns and skips this test. Did you mean 'orders'?"]]);
  check(['- relationships: {to: stg_customers, field: id}'], [['test-relationships-to', 'relationships']]);
});

test('relationships to a versioned ref: a version the model has is clean, another is an unknown ref', () => {
  const versioned = { 'models/v.yml': 'version: 2\nmodels:\n  - name: dim\n    latest_version: 2\n    versions: [{v: 1}, {v: 2}]\n', 'models/dim_v1.sql': 'select 1 as id\n', 'models/dim_v2.sql': 'select 1 as id\n' };
  check(["- relationships: {to: \"ref('dim', v=1)\", field: id}", "- relationships: {to: \"{{ ref('dim', version='2') }}\", field: id}"], [], versioned);
  check(["- relationships: {to: \"ref('dim', v=3)\", field: id}"], [['unknown-ref', 'relationships', "relationships: model 'dim' version 3 not found; dbt warns and skips this test."]], versioned);
});

test('accepted_values without values, pointing at the test line', () => {
  check(['- not_null', '- accepted_values:\n              quote: false'], [['test-missing-values', 'accepted_values']]);
});
