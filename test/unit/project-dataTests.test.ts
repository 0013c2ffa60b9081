// The project's data tests: stable ids and labels, source and singular tests (severity from config()), the
// relationships target parser, and which tests a model selector picks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectDataTests, parseRelationTarget } from '../../server/src/project/dataTests';
import { selectDataTests } from '../../server/src/run/data-test-selection';
import { makeProject, file } from '../helpers/projectTexts';

const SCHEMA = [
  'version: 2',
  'models:',
  '  - name: stg_customers',
  '    columns:',
  '      - name: customer_id',
  '        data_tests: [unique, not_null]',
  '      - name: country',
  '        tests:',
  "          - accepted_values: {values: ['NL']}",
  "          - accepted_values: {values: ['DE'], config: {severity: warn}}",
  '  - name: mart_customers',
  '    tests: [unique]',
].join('\n');

const project = () => makeProject({
  'models/schema.yml': SCHEMA,
  'models/sources.yml': 'version: 2\nsources:\n  - name: bronze\n    tables:\n      - name: orders\n        columns:\n          - name: id\n            tests: [not_null]\n',
  'tests/assert_emails.sql': "{{ config(severity='warn') }}\nselect * from {{ ref('stg_customers') }} where email not like '%@%'\n",
  'tests/orders/assert_orders.sql': "select * from {{ ref('stg_orders') }} where false\n",
});

test('ids, labels, subjects and severities of generic, source and singular tests', () => {
  const tests = projectDataTests(project());
  assert.deepEqual(tests.map((t) => [t.id, t.label, t.subject, t.severity]), [
    ['stg_customers.customer_id.unique', 'unique(customer_id)', 'stg_customers', 'error'],
    ['stg_customers.customer_id.not_null', 'not_null(customer_id)', 'stg_customers', 'error'],
    ['stg_customers.country.accepted_values', 'accepted_values(country)', 'stg_customers', 'error'],
    [tests[3].id, 'accepted_values(country)', 'stg_customers', 'warn'],
    ['mart_customers.unique', 'unique(mart_customers)', 'mart_customers', 'error'],
    ['source:bronze.orders.id.not_null', 'not_null(id)', 'source:bronze.orders', 'error'],
    ['singular:tests/assert_emails.sql', 'assert_emails', 'tests/assert_emails.sql', 'warn'],
    ['singular:tests/orders/assert_orders.sql', 'assert_orders', 'tests/orders/assert_orders.sql', 'error'],
  ]);
  assert.match(tests[3].id, /^stg_customers\.country\.accepted_values~[0-9a-f]{6}$/);
  assert.equal(tests[0].file, file('models/schema.yml'));
  // Stable: the same ids after an unrelated edit.
  const p = project();
  const before = projectDataTests(p).map((t) => t.id);
  p.updateFile(file('models/schema.yml'), `# a comment\n${SCHEMA}`);
  assert.deepEqual(projectDataTests(p).map((t) => t.id), before);
});

test('test-paths in dbt_project.yml are honoured', () => {
  const p = makeProject({ 'dbt_project.yml': 'name: shop\nprofile: shop\ntest-paths: ["checks"]\n', 'checks/assert_x.sql': 'select 1 where false\n', 'tests/ignored.sql': 'select 1\n' });
  assert.deepEqual(projectDataTests(p).filter((t) => t.kind === 'singular').map((t) => t.id), ['singular:checks/assert_x.sql']);
});

test('relationships to: ref() with or without a package, source(), inside {{ }} or not', () => {
  assert.deepEqual(parseRelationTarget("ref('stg_customers')"), { kind: 'model', name: 'stg_customers' });
  assert.deepEqual(parseRelationTarget('ref("pkg", "m")'), { kind: 'model', name: 'm' });
  assert.deepEqual(parseRelationTarget("{{ source('bronze', 'orders') }}"), { kind: 'source', source: 'bronze', table: 'orders' });
  assert.equal(parseRelationTarget('stg_customers'), undefined);
  assert.equal(parseRelationTarget(undefined), undefined);
  // a version, as a number or a string, with either keyword
  assert.deepEqual(parseRelationTarget("ref('dim', v=2)"), { kind: 'model', name: 'dim', version: '2' });
  assert.deepEqual(parseRelationTarget("{{ ref('pkg', 'dim', version = '1') }}"), { kind: 'model', name: 'dim', version: '1' });
  assert.equal(parseRelationTarget("ref('dim', w=2)"), undefined);
});

test('a selector picks the tests of the selected models and the singular tests that ref them', () => {
  const p = project();
  const ids = (selector?: string) => selectDataTests(p, projectDataTests(p), selector).tests.map((t) => t.id);
  assert.equal(ids().length, 8);
  assert.deepEqual(ids('stg_customers'), ['stg_customers.customer_id.unique', 'stg_customers.customer_id.not_null', 'stg_customers.country.accepted_values', ids('stg_customers')[3], 'singular:tests/assert_emails.sql']);
  assert.deepEqual(ids('tag:gold'), ['mart_customers.unique']);
  assert.deepEqual(ids('stg_orders'), ['singular:tests/orders/assert_orders.sql']);
  assert.deepEqual(ids('stg_custmers'), []);
  assert.match(selectDataTests(p, projectDataTests(p), 'stg_custmers').problems[0].message, /'stg_custmers' does not match any enabled nodes\. Did you mean 'stg_customers'\?/);
});

test("dbt_project.yml's data_tests: config sets severity, where and enabled by folder; what a test declares wins", () => {
  const p = makeProject({
    'dbt_project.yml': [
      'name: shop', 'profile: shop',
      'data_tests:', '  shop:', '    +severity: warn', '    staging:', "      +where: \"country <> 'XX'\"",
      '    orders:', '      +enabled: false',
    ].join('\n'),
    'models/staging/schema.yml': [
      'version: 2', 'models:', '  - name: stg_customers', '    columns:', '      - name: customer_id',
      '        data_tests:', '          - unique', '          - not_null:', '              config: {severity: error, where: "true"}',
      "          - accepted_values: {values: ['a'], config: {enabled: false}}",
    ].join('\n'),
    'models/marts/schema.yml': 'version: 2\nmodels:\n  - name: mart_customers\n    tests: [unique]\n',
    'tests/orders/assert_orders.sql': "select * from {{ ref('stg_orders') }} where false\n",
    'tests/assert_any.sql': "select 1 where false\n",
  });
  assert.deepEqual(projectDataTests(p).map((t) => [t.id, t.severity, t.where ?? null]), [
    ['mart_customers.unique', 'warn', null],
    ['stg_customers.customer_id.unique', 'warn', "country <> 'XX'"],
    ['stg_customers.customer_id.not_null', 'error', 'true'],
    ['singular:tests/assert_any.sql', 'warn', null],
  ]);
});
