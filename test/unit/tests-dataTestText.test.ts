// What the Test Explorer shows for data test results (failure text, sample table, warnings), the run summary, and
// which tests "Floe: Test Model" picks for a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DataTestInfo, DataTestResult } from '../../server/src/protocol/dataTests';
import { failureText, failingRows, isInside, sampleTable, summarize, terminalText, testsForFile, warningText } from '../../client/src/tests/dataTestText';

const P = 'file:///ws/demo';

function info(id: string, subject: string, uri = `${P}/models/schema.yml`): DataTestInfo {
  const label = id.split('.').pop()!;
  return { id, label, kind: label, subject, severity: 'error', uri, range: { start: { line: 3, character: 6 }, end: { line: 3, character: 20 } } };
}

function result(id: string, status: DataTestResult['status'], extra: Partial<DataTestResult> = {}): DataTestResult {
  return { id, status, failures: status === 'pass' ? '0' : '2', sql: 'select 1', ms: 5, ...extra };
}

test('failing-row counts read naturally and stay exact past 2^53', () => {
  const check = (failures: string, expected: string) => assert.equal(failingRows(failures), expected);
  check('1', '1 failing row');
  check('0', '0 failing rows');
  check('1234', '1,234 failing rows');
  check('9007199254740993', '9,007,199,254,740,993 failing rows');
});

test('sample rows become an aligned text table; NULLs, newlines and long cells stay on one short line', () => {
  const check = (sample: Parameters<typeof sampleTable>[0], expected: string[]) => assert.equal(sampleTable(sample, 12), expected.join('\n'));
  check({ columns: ['status', 'n'], rows: [['returned', '3'], ['lost', '12']] }, [
    'status   | n',
    '---------+---',
    'returned | 3',
    'lost     | 12',
  ]);
  check({ columns: ['note'], rows: [['a\nb'], [undefined as unknown as string], ['abcdefghijklmnopq']] }, [
    'note',
    '------------',
    'a b',
    'NULL',
    'abcdefghijk…',
  ]);
  assert.equal(sampleTable(undefined), '');
  assert.equal(sampleTable({ columns: [], rows: [] }), '');
});

test('a failure message leads with the server reason (count added when it lacks one), then the sample', () => {
  const sample = { columns: ['status'], rows: [['lost']] };
  const test_ = { label: 'accepted_values(status)', subject: 'stg_orders' };
  const check = (r: Partial<DataTestResult>, expected: string[]) => assert.equal(failureText(result('t', 'fail', r), test_), expected.join('\n'));
  check({ failures: '3', message: 'accepted_values(status) on stg_orders.status: 3 failing rows (models/schema.yml:32)', sample }, [
    'accepted_values(status) on stg_orders.status: 3 failing rows (models/schema.yml:32)',
    '',
    'Sample:\nstatus\n------\nlost',
  ]);
  check({ failures: '1234', message: 'stg_orders.status: 1,234 failing rows' }, ['stg_orders.status: 1,234 failing rows']);
  check({ failures: '3', message: 'status outside the list at line 13 failing rows' }, ['status outside the list at line 13 failing rows: 3 failing rows']);
  check({ failures: '1' }, ['accepted_values(status) on stg_orders: 1 failing row']);
  assert.equal(failureText(result('x', 'fail', { failures: '2' }), undefined), '2 failing rows');
});

test('a warning line says it is a warning, with the count', () => {
  assert.equal(warningText(result('t', 'warn', { failures: '4' }), { label: 'not_null(email)', subject: 'stg_customers' }),
    'WARN not_null(email) on stg_customers: 4 failing rows (severity warn)');
});

test('the summary counts each status, and tests without a result as skipped', () => {
  const s = summarize([result('a', 'pass'), result('b', 'fail'), result('c', 'warn'), result('d', 'error'), result('e', 'pass')], 7);
  assert.deepEqual({ ...s, results: s.results.length }, { passed: 2, failed: 1, warned: 1, errored: 1, skipped: 2, results: 5 });
});

test('test output uses CRLF line ends (it is a terminal)', () => {
  assert.equal(terminalText('a\nb\r\nc\n'), 'a\r\nb\r\nc\r\n');
});

test('Test Model picks the tests about the model of a .sql file, or the tests declared in the file', () => {
  const tests = [
    info('stg_orders.order_id.not_null', 'stg_orders'),
    info('stg_orders.status.accepted_values', 'stg_orders', `${P}/models/staging/schema.yml`),
    info('stg_customers.customer_id.unique', 'stg_customers'),
    info('bronze.orders.id.not_null', 'source:bronze.orders', `${P}/models/sources.yml`),
    info('assert_positive_revenue', 'tests/assert_positive_revenue.sql', `${P}/tests/assert_positive_revenue.sql`),
  ];
  const check = (file: string, expected: string[]) => assert.deepEqual(testsForFile(tests, `${P}/${file}`).map((t) => t.id), expected);
  check('models/staging/stg_orders.sql', ['stg_orders.order_id.not_null', 'stg_orders.status.accepted_values']);
  check('models/schema.yml', ['stg_orders.order_id.not_null', 'stg_customers.customer_id.unique']);
  check('models/sources.yml', ['bronze.orders.id.not_null']);
  check('tests/assert_positive_revenue.sql', ['assert_positive_revenue']);
  check('models/marts/mart_revenue.sql', []);
  // VS Code and the server may escape the same URI differently.
  assert.deepEqual(testsForFile([info('m.a.not_null', 'm', 'file:///c%3A/p/schema.yml')], 'file:///c:/p/schema.yml').length, 1);
});

test('a file belongs to the project folder it is in, not to a sibling with a longer name', () => {
  const check = (uri: string, root: string, expected: boolean) => assert.equal(isInside(uri, root), expected, `${uri} in ${root}`);
  check(`${P}/models/schema.yml`, P, true);
  check(P, P, true);
  check(`${P}/`, `${P}/`, true);
  check(`${P}-shop/models/schema.yml`, P, false);
  check('file:///c%3A/ws/p/models/a.sql', 'file:///c:/ws/p', true);
  check('file:///ws/%E0%A4%A/x.sql', 'file:///ws', true); // a malformed escape is compared as written
});
