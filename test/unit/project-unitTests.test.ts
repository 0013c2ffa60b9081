// dbt unit tests without I/O: `unit_tests:` read with the offsets of each part, fixture rows as dbt reads them (dict,
// csv with empty/null cells as NULL, fixture files), the typed input SQL and the multiset comparison with its diff, the
// diagnostics at their YAML text, and selection (test_type:unit/data) and build order (unit tests before their model).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject, file } from '../helpers/projectTexts';
import { fileDiagnostics } from '../../server/src/features/diagnostics';
import { fits } from '../../server/src/features/unitTestDiagnostics';
import { fixtureData, parseInput, projectUnitTests } from '../../server/src/project/unitTests';
import { compareRows, inferredType, rowsSql, withInputs } from '../../server/src/run/unit-test-sql';
import { selectNodes } from '../../server/src/selection/select';
import { selectableGraph } from '../../server/src/selection/graph';
import { buildOrder } from '../../server/src/run/build';
import { modelLenses } from '../../server/src/features/codeLens';

const YAML = 'models/unit.yml';
const MODELS = {
  'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n        columns:\n          - {name: id, data_type: integer}\n          - {name: amount, data_type: decimal(10,2)}\n          - {name: day, data_type: date}\n',
  'models/stg.sql': "select id, amount, day from {{ source('raw', 'orders') }}",
  'models/other.sql': 'select 1 as x',
  'models/mart.sql': "select id, sum(amount) as total from {{ ref('stg') }} group by id",
};

function unitYaml(...tests: string[]): string {
  return ['version: 2', 'unit_tests:', ...tests, ''].join('\n');
}

function project(yaml: string, extra: Record<string, string> = {}) {
  return makeProject({ ...MODELS, [YAML]: yaml, ...extra });
}

/** The unit-test diagnostics of the YAML as [code, the text they point at]. */
function diagnostics(yaml: string, extra: Record<string, string> = {}, setUp?: (p: ReturnType<typeof project>) => void): Array<[string, string]> {
  const p = project(yaml, extra);
  setUp?.(p);
  return fileDiagnostics(p, file(YAML)).filter((d) => d.code.startsWith('unit-test')).map((d) => [d.code, yaml.slice(d.start, d.end)]);
}

const GOOD = [
  '  - name: sums_amounts',
  '    model: mart',
  '    given:',
  "      - input: ref('stg')",
  '        rows:',
  '          - {id: 1, amount: 2.50}',
  '          - {id: 1, amount: 1.50}',
  '    expect:',
  '      rows:',
  '        - {id: 1, total: 4.00}',
].join('\n');

test('unit tests are read with stable ids, their model, inputs and expect, and offsets at their YAML text', () => {
  const yaml = unitYaml(GOOD);
  const [t] = projectUnitTests(project(yaml));
  assert.equal(t.id, 'unit:mart.sums_amounts');
  assert.equal(yaml.slice(t.decl.nameSpan.start, t.decl.nameSpan.end), 'sums_amounts');
  assert.equal(yaml.slice(t.decl.modelSpan!.start, t.decl.modelSpan!.end), 'mart');
  assert.equal(yaml.slice(t.decl.given[0].inputSpan.start, t.decl.given[0].inputSpan.end), "ref('stg')");
  assert.equal(yaml.slice(t.decl.given[0].rowSpans[1].cells[1].start, t.decl.given[0].rowSpans[1].cells[1].end), '1.50');
  const data = fixtureData(project(yaml), file(YAML), t.decl.expect!);
  // 4.00 is PyYAML's float 4.0, which dbt prints `4.0`.
  assert.deepEqual(data, { kind: 'rows', columns: ['id', 'total'], rows: [['1', '4.0']], rowSpans: [{ start: yaml.indexOf('{id: 1, total'), end: yaml.indexOf('{id: 1, total') + '{id: 1, total: 4.00}'.length, file: file(YAML) }] });
  const off = unitYaml(GOOD.replace('model: mart', 'model: mart\n    config: {enabled: false}'));
  // a unit test of a model that is turned off is off too, as in dbt (no "model not found")
  assert.deepEqual(diagnostics(off.replace("config: {enabled: false}", "config: {tags: [x]}"), { 'models/mart.sql': "{{ config(enabled=false) }}\nselect * from {{ ref('stg') }}" }), []);
  assert.deepEqual(projectUnitTests(project(off)), [], 'config: enabled: false leaves it out, as dbt does');
});

test('csv rows: quotes, commas inside quotes, empty and null cells are NULL; fixture files from tests/fixtures', () => {
  const yaml = unitYaml(
    '  - name: csv_rows', '    model: stg', '    given:', "      - input: source('raw', 'orders')", '        format: csv', '        rows: |',
    '          id,amount,note', '          1,2.5,"a, b"', '          2,,null', '          3,"",""""', '    expect:', '      format: csv', '      fixture: expected_rows',
  );
  const p = project(yaml, { 'tests/fixtures/expected_rows.csv': 'id,amount\n1,2.50\n' });
  const [t] = projectUnitTests(p);
  const given = fixtureData(p, file(YAML), t.decl.given[0]);
  assert.ok('kind' in given && given.kind === 'rows');
  assert.deepEqual(given.columns, ['id', 'amount', 'note']);
  assert.deepEqual(given.rows, [['1', '2.5', 'a, b'], ['2', null, null], ['3', null, '"']]);
  assert.equal(yaml.slice(given.rowSpans[1].start, given.rowSpans[1].end), '2,,null');
  const expected = fixtureData(p, file(YAML), t.decl.expect!);
  assert.ok('kind' in expected && expected.kind === 'rows');
  assert.deepEqual(expected.rows, [['1', '2.50']]);
  assert.equal(p.entry(file('tests/fixtures/expected_rows.csv'))?.kind, 'fixture', 'a fixture, not a singular test');
});

test('input calls: ref (with package and version), source, this; anything else is not an input', () => {
  assert.deepEqual(parseInput("ref('a')"), { kind: 'ref', name: 'a' });
  assert.deepEqual(parseInput("ref('pkg', 'a', v=2)"), { kind: 'ref', name: 'a', packageName: 'pkg', version: '2' });
  assert.deepEqual(parseInput("{{ source('s', 't') }}"), { kind: 'source', source: 's', table: 't' });
  assert.deepEqual(parseInput('this'), { kind: 'this' });
  assert.equal(parseInput('stg'), undefined);
});

test('input SQL: every upstream column, cast to its type, missing ones NULL of their type; no rows is a typed empty relation', () => {
  const columns = [{ name: 'id', type: 'INTEGER' }, { name: 'amount', type: 'DECIMAL(10,2)' }];
  assert.equal(rowsSql(columns, ['amount'], [["2.5"]]), `select cast(null as INTEGER) as "id", cast('2.5' as DECIMAL(10,2)) as "amount"`);
  assert.equal(rowsSql(columns, [], []), 'select cast(null as INTEGER) as "id", cast(null as DECIMAL(10,2)) as "amount" where false');
  assert.equal(rowsSql(columns, ['ID'], [["1"], ["it's"]]).split('\n')[2], `select cast('it''s' as INTEGER) as "id", cast(null as DECIMAL(10,2)) as "amount"`);
  assert.equal(withInputs([{ name: 'i1', sql: 'select 1' }], 'with a as (select 1) select * from a;'), 'with "i1" as (\nselect 1\n)\nselect * from (\nwith a as (select 1) select * from a\n) as floe_unit_actual');
  assert.deepEqual([inferredType(['1', null]), inferredType(['1.5', '2']), inferredType(['true']), inferredType(['x']), inferredType([null])], ['BIGINT', 'DOUBLE', 'BOOLEAN', 'VARCHAR', 'VARCHAR']);
});

test('rows compare as multisets: order does not matter, duplicates do; the diff marks expected-only - and actual-only +', () => {
  assert.equal(compareRows(['a'], [['1'], ['2']], [['2'], ['1']]).equal, true);
  assert.equal(compareRows(['a'], [['1'], ['1']], [['1']]).equal, false);
  const d = compareRows(['id', 'total'], [['1', '6.00'], ['2', null]], [['2', null], ['1', '5.50']]);
  assert.equal(d.equal, false);
  assert.equal(d.diffText, ['  id | total', '+ 1  | 5.50', '- 1  | 6.00', '  2  | NULL'].join('\n'));
  assert.equal(d.expectedText, 'id | total\n1  | 6.00\n2  | NULL');
  assert.equal(d.actualText, 'id | total\n1  | 5.50\n2  | NULL');
});

test('a clean unit test has no diagnostics', () => {
  assert.deepEqual(diagnostics(unitYaml(GOOD)), []);
});

test('diagnostics at the YAML text: unknown model, unknown and unused inputs, a missing input, a missing fixture file', () => {
  assert.deepEqual(diagnostics(unitYaml(GOOD.replace('model: mart', 'model: marts'))), [['unit-test-model', 'marts']]);
  assert.deepEqual(diagnostics(unitYaml(GOOD.replace("input: ref('stg')", "input: ref('nope')"))), [['unit-test-input', "ref('nope')"], ['unit-test-missing-input', 'given']]);
  assert.deepEqual(diagnostics(unitYaml(GOOD.replace("input: ref('stg')", "input: ref('other')"))), [['unit-test-input-unused', "ref('other')"], ['unit-test-missing-input', 'given']]);
  // a ref a macro makes is an upstream too, as dbt renders it (aspects' unit tests)
  const viaMacro = { 'macros/via.sql': "{% macro other_ids() %}select x from {{ ref('other') }}{% endmacro %}", 'models/mart.sql': "select id, sum(amount) as total from {{ ref('stg') }} where id not in ({{ other_ids() }}) group by id" };
  const both = GOOD.replace("    expect:", "      - input: ref('other')\n        rows: []\n    expect:");
  assert.deepEqual(diagnostics(unitYaml(both), viaMacro), []);
  assert.deepEqual(diagnostics(unitYaml(GOOD.replace("input: ref('stg')", 'input: stg'))), [['unit-test-input', 'stg'], ['unit-test-missing-input', 'given']]);
  const fixture = GOOD.replace("        rows:\n          - {id: 1, amount: 2.50}\n          - {id: 1, amount: 1.50}", '        format: csv\n        fixture: stg_rows');
  assert.deepEqual(diagnostics(unitYaml(fixture)), [['unit-test-fixture', 'stg_rows']]);
  assert.deepEqual(diagnostics(unitYaml(fixture), { 'tests/fixtures/stg_rows.csv': 'id,amount\n1,2\n' }), []);
  const message = fileDiagnostics(project(unitYaml(fixture)), file(YAML)).find((d) => d.code === 'unit-test-fixture')?.message;
  assert.equal(message, "fixture file 'stg_rows.csv' not found in tests/fixtures");
});

test('diagnostics: values that do not fit the upstream column type, columns the upstream lacks, expected columns the model does not produce', () => {
  const yaml = unitYaml(
    '  - name: types', '    model: stg', '    given:', "      - input: source('raw', 'orders')", '        rows:',
    "          - {id: one, amount: 2.5, day: '2024-13'}", '          - {id: 2, colour: red}', '    expect:', '      rows:', '        - {id: 1, totl: 3}',
  );
  // The model's output columns are known once bound; until then expected columns are not judged. Columns declared
  // only in YAML may be a few of the source's (jaffle-shop's): a column missing there is not reported...
  assert.deepEqual(diagnostics(yaml), [['unit-test-value-type', 'one'], ['unit-test-value-type', "'2024-13'"]]);
  // ...until the catalog gives the source's schema
  const fromCatalog = (p: ReturnType<typeof project>) => p.schemaCache.remember([{ table: p.resolveSource({ source: 'raw', table: 'orders' })!.icebergTable, columns: [{ name: 'id', type: 'INTEGER' }, { name: 'amount', type: 'DECIMAL(10,2)' }, { name: 'day', type: 'DATE' }] }]);
  assert.deepEqual(diagnostics(yaml, {}, fromCatalog), [['unit-test-input-column', 'colour'], ['unit-test-value-type', 'one'], ['unit-test-value-type', "'2024-13'"]]);
  assert.deepEqual(diagnostics(yaml, {}, (p) => p.boundColumns.set('stg', [{ name: 'id', type: 'INTEGER' }, { name: 'amount', type: 'DECIMAL(10,2)' }])).slice(-1), [['unit-test-expect-column', 'totl']]);
  assert.deepEqual([fits('12', 'BIGINT'), fits('1.5', 'INTEGER'), fits('1e3', 'DOUBLE'), fits('yes', 'BOOLEAN'), fits('2024-01-02 03:04:05', 'TIMESTAMP'), fits('x', 'VARCHAR')], [true, false, true, true, true, true]);
});

test('selection: unit tests are unit_test nodes, children of their model; test_type:unit and test_type:data split them', () => {
  const p = project(unitYaml(GOOD), { 'models/schema.yml': 'version: 2\nmodels:\n  - name: mart\n    columns:\n      - name: id\n        data_tests: [not_null]\n' });
  const names = (select: string) => selectNodes(p, { select: [select] }).nodes.map((n) => `${n.resourceType}:${n.name}`);
  assert.deepEqual(names('test_type:unit'), ['unit_test:sums_amounts']);
  assert.deepEqual(names('test_type:data'), ['test:not_null_mart_id']);
  assert.deepEqual(names('mart'), ['model:mart', 'test:not_null_mart_id', 'unit_test:sums_amounts']);
  assert.deepEqual(names('resource_type:unit_test'), ['unit_test:sums_amounts']);
  const order = buildOrder(selectableGraph(p), selectNodes(p, { select: ['+mart'] }).nodes).map((n) => `${n.resourceType}:${n.name}`);
  assert.ok(order.indexOf('unit_test:sums_amounts') < order.indexOf('model:mart'), `unit test before its model: ${order.join(', ')}`);
  assert.ok(order.indexOf('model:stg') < order.indexOf('unit_test:sums_amounts'), order.join(', '));
});

test('the Test (N) lens of a model counts its unit tests too (Test Model runs them)', () => {
  const p = project(unitYaml(GOOD));
  assert.deepEqual(modelLenses(p, file('models/mart.sql')).map((l) => l.title), ['▶ Preview', 'Test (1)']);
});

test('a versioned model: the unit test runs on every version, or those versions: include names, minus exclude', () => {
  const files = {
    'models/dim_v1.sql': 'select 1 as id', 'models/dim_v2.sql': 'select 1 as id, 2 as extra',
    'models/dim.yml': 'version: 2\nmodels:\n  - name: dim\n    latest_version: 2\n    versions:\n      - v: 1\n      - v: 2\n',
  };
  const t = (versions: string) => unitYaml('  - name: t', '    model: dim', ...(versions ? [`    versions: ${versions}`] : []), '    given: []', '    expect: {rows: []}');
  assert.deepEqual(projectUnitTests(project(t(''), files)).map((u) => [u.id, u.version]), [['unit:dim.t_v1', '1'], ['unit:dim.t_v2', '2']]);
  assert.deepEqual(projectUnitTests(project(t('{include: [2]}'), files)).map((u) => u.id), ['unit:dim.t_v2']);
  assert.deepEqual(projectUnitTests(project(t('{exclude: [2]}'), files)).map((u) => u.id), ['unit:dim.t_v1']);
  const graph = selectableGraph(project(t(''), files));
  assert.deepEqual([...graph.nodes.values()].filter((n) => n.resourceType === 'unit_test').map((n) => [n.name, n.parents]), [['t_v1', ['model.shop.dim.v1']], ['t_v2', ['model.shop.dim.v2']]]);
});

test("an unquoted YAML date in a dict row is the date as written (PyYAML's date prints so), which fits a DATE column (teamster's kipptaf)", () => {
  const yaml = unitYaml(
    '  - name: dates', '    model: stg', '    given:', "      - input: source('raw', 'orders')", '        rows:',
    '          - {id: 1, day: 2024-03-10}', '          - {id: 2, day: 2024-12-31}', '    expect:', '      rows:', '        - {id: 1}',
  );
  assert.deepEqual(diagnostics(yaml), []);
  const p = project(yaml);
  const data = fixtureData(p, file(YAML), projectUnitTests(p)[0].decl.given[0]);
  assert.ok(!('message' in data) && data.kind === 'rows');
  assert.deepEqual(data.rows.map((r) => r[1]), ['2024-03-10', '2024-12-31']);
});

test('a unit test cell holding a list or mapping with an int past 2**53 is its JSON with every digit (it was rounded)', () => {
  const yaml = unitYaml(
    '  - name: big_cells',
    '    model: mart',
    "    given:\n      - input: ref('stg')\n        rows: []",
    '    expect:\n      rows:\n        - {id: 1, total: [9007199254740993, 2]}',
  );
  const p = project(yaml);
  const t = projectUnitTests(p).find((u) => u.decl.name === 'big_cells')!;
  const data = fixtureData(p, file(YAML), t.decl.expect!);
  assert.deepEqual('rows' in data && data.rows, [['1', '[9007199254740993,2]']]);
});
