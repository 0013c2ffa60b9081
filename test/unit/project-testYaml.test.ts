// Generic tests in schema YAML: both keys (tests, data_tests), arguments direct or under `arguments:`, severity
// and where (direct or under `config:`), on models, columns and source tables, each at its own YAML line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWhole } from '../../server/src/project/schemaYaml';
import { LineIndex } from '../../server/src/project/lineIndex';

const FILE = '/p/models/schema.yml';

interface Expected { name: string; column?: string; args?: Record<string, unknown>; severity?: 'error' | 'warn'; where?: string; line: number }

/** Parses `yaml` and compares every test (models first, then source tables) with `expected`; `line` is 0-based. */
function check(yaml: string, expected: Expected[]) {
  const parsed = parseWhole(FILE, yaml);
  assert.deepEqual(parsed.problems, []);
  const lines = new LineIndex(yaml);
  const tests = [...parsed.models.flatMap((m) => m.tests), ...parsed.sources.flatMap((s) => s.tables.flatMap((t) => t.tests))];
  assert.deepEqual(
    tests.map((t) => ({ name: t.name, column: t.column, args: t.args, severity: t.severity ?? 'error', where: t.where, line: lines.positionAt(t.start).line, text: yaml.slice(t.start, t.end) })),
    expected.map((e) => ({ name: e.name, column: e.column, args: e.args ?? {}, severity: e.severity ?? 'error', where: e.where, line: e.line, text: e.name })),
  );
}

test('column tests under tests: and data_tests:, one per line, in order', () => {
  check([
    'models:',
    '  - name: stg_orders',
    '    columns:',
    '      - name: order_id',
    '        data_tests:',
    '          - unique',
    '          - not_null',
    '      - name: status',
    '        tests:',
    '          - not_null',
  ].join('\n'), [
    { name: 'unique', column: 'order_id', line: 5 },
    { name: 'not_null', column: 'order_id', line: 6 },
    { name: 'not_null', column: 'status', line: 9 },
  ]);
});

test('arguments directly under the test and under arguments: (dbt 1.10), config and direct severity/where', () => {
  check([
    'models:',
    '  - name: stg_orders',
    '    columns:',
    '      - name: status',
    '        data_tests:',
    '          - accepted_values:',
    "              values: ['placed', 'shipped']",
    '              quote: false',
    '              severity: warn',
    '          - accepted_values:',
    '              arguments:',
    "                values: ['completed']",
    '              config:',
    '                severity: warn',
    "                where: \"order_date > '2024-01-01'\"",
    '      - name: customer_id',
    '        tests:',
    '          - relationships:',
    "              to: ref('stg_customers')",
    '              field: customer_id',
    "              where: 'customer_id > 0'",
    '              config: {severity: error}',
  ].join('\n'), [
    { name: 'accepted_values', column: 'status', args: { values: ['placed', 'shipped'], quote: false }, severity: 'warn', line: 5 },
    { name: 'accepted_values', column: 'status', args: { values: ['completed'] }, severity: 'warn', where: "order_date > '2024-01-01'", line: 9 },
    { name: 'relationships', column: 'customer_id', args: { to: "ref('stg_customers')", field: 'customer_id' }, where: 'customer_id > 0', line: 17 },
  ]);
});

test('model-level tests are told from the columns\' tests, in flow style too, and source tables have tests', () => {
  check([
    'models:',
    '  - name: m',
    '    columns:',
    '      - name: id',
    '        tests: [unique]',
    '    tests:',
    '      - unique:',
    '          column_name: "id || name"',
    '  - name: n',
    '    columns: [{name: k, tests: [not_null]}]',
    'sources:',
    '  - name: bronze',
    '    tables:',
    '      - name: orders',
    '        data_tests:',
    '          - dbt_utils.expression_is_true:',
    "              expression: 'amount >= 0'",
    '        columns:',
    '          - name: order_id',
    '            data_tests: [not_null, unique]',
  ].join('\n'), [
    { name: 'unique', line: 6 },
    { name: 'unique', column: 'id', line: 4 },
    { name: 'not_null', column: 'k', line: 9 },
    { name: 'dbt_utils.expression_is_true', args: { expression: 'amount >= 0' }, line: 15 },
    { name: 'not_null', column: 'order_id', line: 19 },
    { name: 'unique', column: 'order_id', line: 19 },
  ]);
});

test('compact (unindented) lists and the test_name form', () => {
  check([
    'models:',
    '- name: m',
    '  columns:',
    '  - name: a',
    '    tests:',
    '    - not_null',
    '    - name: status_is_known',
    '      test_name: accepted_values',
    '      values: [x]',
    '  - name: b',
    '    tests:',
    '    - unique',
  ].join('\n'), [
    { name: 'not_null', column: 'a', line: 5 },
    { name: 'accepted_values', column: 'a', args: { values: ['x'] }, line: 7 },
    { name: 'unique', column: 'b', line: 11 },
  ]);
});
