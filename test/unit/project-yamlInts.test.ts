// Ints past 2**53 written in YAML keep every digit, as PyYAML's ints (Python's int has no size) do, in both loaders:
// schema YAML (yamlFloats.ts's loadYaml, also the read-ahead worker's strict parse) and dbt_project.yml / --vars /
// unit test overrides (yamlNodes.ts's toJs). Before, both read 9007199254740993 as the number 9007199254740992 and
// Jinja printed that, without an error. Small ints stay numbers; each expected output is what PyYAML 6 and Jinja2 give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { compileModel } from '../../server/src/project/compile';
import { loadYaml } from '../../server/src/project/yamlFloats';
import { parseToSend, receivedValue } from '../../server/src/project/yamlStrict';
import { varMarkdown } from '../../server/src/features/vars';
import { artifactJson } from '../../server/src/artifacts/json';
import { parseProfiles } from '../../server/src/project/profiles';
import { allDataTests } from '../../server/src/project/dataTests';
import { genericTestSql } from '../../server/src/run/data-test-sql';
import { customGenericTestSql } from '../../server/src/run/custom-generic-test';

const ROOT = '/virtual/ints';
const INTS = 'a: 9007199254740993\nb: -9007199254740993\nc: [9007199254740995, 2]\nd: 123456789012345678901234567890\ne: !!int 9007199254740997\nf: 0x20000000000001\ng: 017\nh: 1_000\ni: 1:30\nj: 9007199254740991\n';
const KEYS = 'abcdefghij';
const PYTHON = '9007199254740993|-9007199254740993|[9007199254740995, 2]|123456789012345678901234567890|9007199254740997|9007199254740993|15|1000|90|9007199254740991|';

function project(files: Record<string, string>): DbtProject {
  return DbtProject.fromTexts(ROOT, { 'dbt_project.yml': 'name: ints\nprofile: ints\n', 'models/m.sql': 'select 1 as id\n', ...files });
}

function compiled(p: DbtProject): string {
  const c = compileModel(p, `${ROOT}/models/m.sql`);
  assert.equal(c.problem, undefined, c.problem?.message);
  return c.sql;
}

const indented = (yaml: string, by: string) => `${yaml.replace(/^/gm, by).trimEnd()}\n`;

test('dbt_project.yml vars past 2**53 print every digit (plain, negative, !!int, hex, in a list); 017, 1_000 and 1:30 stay PyYAML ints', () => {
  const p = project({
    'dbt_project.yml': `name: ints\nprofile: ints\nvars:\n${indented(INTS, '  ')}`,
    'models/m.sql': `{% for k in '${KEYS}' %}{{ var(k) }}|{% endfor %}{{ var('a') + 1 }}`,
  });
  assert.equal(compiled(p), `${PYTHON}9007199254740994`);
  // small ints stay numbers, the big ones exact
  assert.equal(typeof p.vars().j, 'number');
  assert.equal(p.vars().a, 9007199254740993n);
  // the var's hover shows its digits (JSON.stringify threw on a bigint)
  assert.equal(varMarkdown(p, 'ints', { name: 'a', hasDefault: false, conditional: false, start: 0, end: 0 }), '**var a** = `9007199254740993`');
});

test('schema YAML (a model config meta) past 2**53 prints every digit; fromyaml too; a big int key keeps its digits', () => {
  const p = project({
    'models/m.sql': `{% for k in '${KEYS}' %}{{ config.get('meta')[k] }}|{% endfor %}{{ fromyaml('x: 9007199254740993')['x'] }} {{ config.get('meta')['k'] }}`,
    'models/m.yml': `version: 2\nmodels:\n  - name: m\n    config:\n      meta:\n${indented(`${INTS}k: {9007199254740993: x}\n`, '        ')}`,
  });
  assert.equal(compiled(p), `${PYTHON}9007199254740993 {9007199254740993: 'x'}`);
  const v = loadYaml(INTS) as Record<string, unknown>;
  assert.equal(v.a, 9007199254740993n);
  assert.equal(v.j, 9007199254740991);
});

test('a parse sent from the read-ahead worker keeps big ints exact (a structured clone of bigints)', () => {
  const copy = receivedValue(structuredClone(parseToSend('/s.yml', 'meta: {id: 9007199254740993, n: 1}\n'))) as { meta: Record<string, unknown> };
  assert.deepEqual(copy.meta, { id: 9007199254740993n, n: 1 });
});

test("artifacts write an int past 2**53 as a JSON number of its digits, as Python's json does (before: a string)", () => {
  assert.equal(artifactJson({ meta: { id: 9007199254740993n, ids: [-9007199254740993n, 1] }, s: "\u0000number:1", t: "\u0000string:\"x", u: "a\"\u0000number:5" }), '{"meta":{"id":9007199254740993,"ids":[-9007199254740993,1]},"s":"\\u0000number:1","t":"\\u0000string:\\"x","u":"a\\"\\u0000number:5"}');
});

test("a data test's arguments past 2**53 (schema YAML) are exact in its SQL: accepted_values and a {% test %} macro's min_value", () => {
  const p = project({
    'models/m.yml': 'version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_tests:\n          - accepted_values: {values: [9007199254740993, 7], quote: false}\n          - at_least: {min_value: 9007199254740995}\n',
    'macros/at_least.sql': '{% test at_least(model, column_name, min_value) %}select {{ column_name }} from {{ model }} where {{ column_name }} < {{ min_value }}{% endtest %}',
  });
  const tests = allDataTests(p);
  const accepted = tests.find((t) => t.kind === 'accepted_values')!;
  assert.deepEqual(genericTestSql({ kind: accepted.kind, column: accepted.column, args: accepted.args, relation: 'm' }),
    { sql: 'select "id" as value_field, count(*) as n_records from m as dbt_subquery where "id" not in (9007199254740993, 7) group by "id"' });
  const atLeast = tests.find((t) => t.kind === 'at_least')!;
  const custom = customGenericTestSql(p, { name: atLeast.kind, column: atLeast.column, args: atLeast.args, relation: 'm', relationName: () => 'm' });
  assert.equal('sql' in custom && custom.sql, 'select id from m where id < 9007199254740995');
});

test("schema YAML js-yaml refuses but PyYAML reads (a flow list closed at its key's indentation) keeps big ints and PyYAML's 017 too", () => {
  const p = project({
    'models/m.sql': "{{ config.get('meta') }}",
    'models/m.yml': 'version: 2\nmodels:\n  - name: m\n    config:\n      meta:\n        ids: [\n          9007199254740993, 017\n        ]\n',
  });
  assert.equal(compiled(p), "{'ids': [9007199254740993, 15]}");
});

test('profiles.yml with merge keys (<<: *prod): an int past 2**53 written in the output keeps its digits', () => {
  const { profiles } = parseProfiles('/x/profiles.yml', 'shop:\n  target: dev\n  outputs:\n    prod: &prod\n      type: duckdb\n      port: 9007199254740993\n    dev:\n      <<: *prod\n      schema: d\n      port: 9007199254740995\n');
  const outputs = (profiles as Record<string, { outputs: Record<string, Record<string, unknown>> }>).shop.outputs;
  assert.equal(outputs.prod.port, 9007199254740993n);
  assert.equal(outputs.dev.port, 9007199254740995n);
});
