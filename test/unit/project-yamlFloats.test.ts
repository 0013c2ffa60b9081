// YAML values as PyYAML reads them, where YAML 1.2 (`yaml`, js-yaml) reads otherwise, in the two loaders: schema YAML
// (yamlFloats.ts's loadYaml) and dbt_project.yml / --vars (yamlNodes.ts's toJs). `!!float 1` is the float 1.0; `1e3`
// and `1.0e3` are strings (PyYAML's floats have a dot and a signed exponent); keys that are numbers, floats, bools or
// None stay Python's keys for Jinja. Each expected output is what PyYAML 6 and Jinja2 3.1 give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { compileModel } from '../../server/src/project/compile';
import { integralFloatKeys, loadYaml } from '../../server/src/project/yamlFloats';
import { pythonKey } from '../../server/src/jinja/pyDictKeys';
import { pyRepr } from '../../server/src/jinja/pythonCompat';
import { fileDiagnostics } from '../../server/src/features/diagnostics';
import { parseToSend, receivedValue } from '../../server/src/project/yamlStrict';

const ROOT = '/virtual/floats';

/** `template` rendered in a project whose dbt_project.yml has `vars`. */
function rendered(vars: string, template: string, files: Record<string, string> = {}): string {
  const project = DbtProject.fromTexts(ROOT, { 'dbt_project.yml': `name: floats\nprofile: floats\nvars:\n${vars}`, 'models/m.sql': template, ...files });
  const compiled = compileModel(project, `${ROOT}/models/m.sql`);
  assert.equal(compiled.problem, undefined, compiled.problem?.message);
  return compiled.sql;
}

test('dbt_project.yml vars: !!float 1 is 1.0, 1e3 and 1.0e3 are strings, 1.0e+3 is 1000.0', () => {
  assert.equal(rendered("  a: !!float 1\n  b: 1e3\n  c: 1.0e3\n  d: 1.0e+3\n  e: !!float '1_000'\n", "{{ var('a') }} {{ var('b') }} {{ var('c') }} {{ var('d') }} {{ var('e') }} {{ var('b') is string }}"),
    '1.0 1e3 1.0e3 1000.0 1000.0 True');
});

test('dbt_project.yml vars: mapping keys that are floats, ints, bools and None print and look up as Python keys', () => {
  const vars = '  b: {1.0: x, 2: y}\n  h: {1.0: a, 1: b}\n  i: {true: a, 1: b}\n  n: {null: z}\n';
  assert.equal(rendered(vars, "{{ var('b') }} {{ var('b')[1] }} {{ var('b')[2.0] }} {{ var('h') }} {{ var('i') }} {{ var('i')[true] }} {{ var('n') }} {{ var('n')[none] }}"),
    "{1.0: 'x', 2: 'y'} x y {1.0: 'b'} {True: 'b'} b {None: 'z'} z");
  assert.equal(rendered(vars, "{{ tojson(var('b')) }} {{ var('b') | tojson }} {% for k, v in var('b').items() %}{{ k }}={{ v }} {% endfor %}"), '{"1.0": "x", "2": "y"} {"1.0": "x", "2": "y"} 1.0=x 2=y ');
});

test("a mapping's keys keep the order written, integer-like ones too (JavaScript lists them first), in both loaders", () => {
  assert.equal(rendered("  years: {2024: a, 2023: b, x: c, '7': d}\n", "{{ var('years') }} {% for k in var('years') %}{{ k }},{% endfor %}"), "{2024: 'a', 2023: 'b', 'x': 'c', '7': 'd'} 2024,2023,x,7,");
  const v = loadYaml('years:\n  2024: a\n  2023: b\n  x: c\n') as Record<string, unknown>;
  assert.equal(pyRepr(v), "{'years': {2024: 'a', 2023: 'b', 'x': 'c'}}");
});

test('schema YAML: !!float 1 and 1_0.0 are integral floats, 1e3 and 1.0e3 strings; a float key loads (js-yaml refused it as a complex key)', () => {
  const v = loadYaml('a: !!float 1\nb: 1_0.0\nc: 1e3\nd: 1.0e3\ne: {1.0: x, 2: y}\nf: -0.0\n') as Record<string, any>;
  assert.deepEqual(v, { a: 1, b: 10, c: '1e3', d: '1.0e3', e: { 1: 'x', 2: 'y' }, f: -0 });
  assert.deepEqual([...integralFloatKeys(v)!].sort(), ['a', 'b', 'f']);
  assert.ok(Object.is(v.f, -0));
  assert.deepEqual(Object.keys(v.e).map((k) => String(pythonKey(v.e, k))), ['1.0', '2']);
  // the model's YAML with a float key in its meta is no YAML error
  const project = DbtProject.fromTexts(ROOT, { 'dbt_project.yml': 'name: floats\nprofile: floats\n', 'models/m.sql': 'select 1 as id\n', 'models/m.yml': 'version: 2\nmodels:\n  - name: m\n    config:\n      meta: {1.0: x}\n' });
  assert.deepEqual(fileDiagnostics(project, `${ROOT}/models/m.yml`).map((d) => d.message), []);
});

test('a parse sent from the read-ahead worker keeps its float keys (a structured clone drops what is kept by identity)', () => {
  const copy = receivedValue(structuredClone(parseToSend('/s.yml', 'meta: {1.0: x, 2: y}\n'))) as { meta: Record<string, unknown> };
  assert.deepEqual(Object.entries(copy.meta).map(([k, v]) => [String(pythonKey(copy.meta, k)), v]), [['1.0', 'x'], ['2', 'y']]);
});

test("ints and floats as PyYAML's resolver reads them (YAML 1.1), in dbt_project.yml and schema YAML alike", () => {
  const yaml = 'a: 1_000\nb: 017\nc: 0o17\nd: 0b101\ne: 1:30\nf: 0x1F\ng: 08\nh: -017\ni: 1_0.0\nj: 1:30.5\nk: 1e3\nl: 1.0e+3\n';
  const keys = 'abcdefghijkl';
  const python = '1000|15|0o17|5|90|31|08|-15|10.0|90.5|1e3|1000.0|';
  assert.equal(rendered(yaml.replace(/^/gm, '  ').trimEnd() + '\n', `{% for k in '${keys}' %}{{ var(k) }}|{% endfor %}`), python);
  assert.equal(rendered('  unused: 1\n', `{% for k in '${keys}' %}{{ config.get('meta')[k] }}|{% endfor %}`, {
    'models/m.yml': `version: 2\nmodels:\n  - name: m\n    config:\n      meta:\n${yaml.replace(/^/gm, '        ').trimEnd()}\n`,
  }), python);
});
