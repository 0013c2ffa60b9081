// Booleans as PyYAML (dbt) reads them in every YAML file dbt reads: `yes/no/on/off` in their three cases are bools
// (YAML 1.1), `y`/`n` and `oFF` strings, a quoted `'no'` a string. YAML 1.2 (`yaml`, js-yaml) reads `no` as the text
// 'no', which is truthy: `enabled: no` left the model enabled. Each expected value is what PyYAML 6 gives
// (`python3 -c 'import yaml; print(yaml.safe_load("a: no"))'` is {'a': False}).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { compileModel } from '../../server/src/project/compile';
import { loadYaml } from '../../server/src/project/yamlFloats';
import { parseVars } from '../../server/src/cli/dbt-args';
import { parseYamlSelectors } from '../../server/src/selection/yamlSelectors';
import { parseSpec } from '../../server/src/project/packages/spec';
import { parsePackagesText } from '../../server/src/project/packages/packagesFile';
import { parseProfiles } from '../../server/src/project/profiles';
import { parseUnitTests } from '../../server/src/project/unitTestYaml';
import { parseYaml, field, rangeOf } from '../../server/src/project/yamlNodes';

const ROOT = '/virtual/bools';
const PROJECT = 'name: p\nprofile: p\n';
const VALUES = "a: no\nb: On\nc: OFF\nd: yes\ne: y\nf: n\ng: 'no'\nh: oFF\ni: \"on\"\nj: True\n";
const PYTHON = { a: false, b: true, c: false, d: true, e: 'y', f: 'n', g: 'no', h: 'oFF', i: 'on', j: true };

function compiled(project: DbtProject): string {
  const out = compileModel(project, `${ROOT}/models/m.sql`);
  assert.equal(out.problem, undefined, out.problem?.message);
  return out.sql;
}

test('schema YAML and dbt_project.yml read yes/no/on/off as PyYAML does', () => {
  assert.deepEqual(loadYaml(VALUES), PYTHON);
  const project = DbtProject.fromTexts(ROOT, { 'dbt_project.yml': `${PROJECT}vars:\n${VALUES.replace(/^/gm, '  ')}`, 'models/m.sql': "{% for k in 'abcdefghij' %}{{ var(k) }}|{% endfor %}" });
  assert.equal(compiled(project), 'False|True|False|True|y|n|no|oFF|on|True|');
});

test('`enabled: no` in schema YAML and `+enabled: off` in dbt_project.yml disable the model', () => {
  const files = { 'models/m.sql': 'select 1 as id', 'models/n.sql': 'select 2 as id' };
  const bySchema = DbtProject.fromTexts(ROOT, { ...files, 'dbt_project.yml': PROJECT, 'models/s.yml': 'version: 2\nmodels:\n  - name: m\n    config:\n      enabled: no\n' });
  assert.equal(bySchema.isDisabled(`${ROOT}/models/m.sql`), true);
  assert.equal(bySchema.isDisabled(`${ROOT}/models/n.sql`), false);
  const byProject = DbtProject.fromTexts(ROOT, { ...files, 'dbt_project.yml': `${PROJECT}models:\n  p:\n    m:\n      +enabled: off\n    n:\n      +enabled: 'off'\n` });
  assert.equal(byProject.isDisabled(`${ROOT}/models/m.sql`), true);
  // quoted, it is the text 'off', not False
  assert.equal(byProject.isDisabled(`${ROOT}/models/n.sql`), false);
  // a key `off:` is False in PyYAML, so it names no folder in dbt; quoted, it does
  const folders = { 'models/off/a.sql': 'select 1 as id', 'models/on/b.sql': 'select 1 as id' };
  const byFolder = DbtProject.fromTexts(ROOT, { ...folders, 'dbt_project.yml': `${PROJECT}models:\n  p:\n    off:\n      +enabled: false\n    'on':\n      +enabled: false\n` });
  assert.equal(byFolder.isDisabled(`${ROOT}/models/off/a.sql`), false);
  assert.equal(byFolder.isDisabled(`${ROOT}/models/on/b.sql`), true);
});

test("--vars '{flag: on}' is True in Jinja, '{flag: y}' the string 'y'", () => {
  assert.deepEqual(parseVars('{flag: on, other: y, quoted: "no", n: No}', ''), { flag: true, other: 'y', quoted: 'no', n: false });
  const project = DbtProject.fromTexts(ROOT, { 'dbt_project.yml': PROJECT, 'models/m.sql': "{{ var('flag') is sameas true }} {{ 'yes' if var('flag') else 'no' }}" });
  project.setCommandLineVars(parseVars('{flag: off}', ''));
  assert.equal(compiled(project), 'False no');
});

test('selectors.yml `default: yes`, profiles.yml, packages.yml and unit tests read bools as PyYAML does', () => {
  const selectors = parseYamlSelectors('selectors.yml', 'selectors:\n  - name: a\n    default: yes\n    definition: {method: fqn, value: m}\n');
  assert.equal(selectors.selectors.get('a')?.default, true);
  const profiles = parseProfiles('profiles.yml', 'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      keepalives: no\n      flag: n\n');
  assert.deepEqual(profiles.profiles.p.outputs.dev, { type: 'duckdb', keepalives: false, flag: 'n' });
  assert.deepEqual(parseSpec({ package: 'dbt-labs/dbt_utils', version: '1.0.0', 'install-prerelease': 'yes' }), { kind: 'hub', package: 'dbt-labs/dbt_utils', versions: ['1.0.0'], installPrerelease: true });
  const git = parsePackagesText('packages.yml', 'packages:\n  - git: https://example.com/x.git\n    warn-unpinned: no\n').packages[0];
  assert.equal(git.spec.kind === 'git' && git.spec.warnUnpinned, false);
  assert.equal(git.dbtDict['warn-unpinned'], false);
  const [unit] = parseUnitTests('unit_tests:\n  - name: t\n    model: m\n    given: []\n    expect:\n      rows:\n        - {a: y, b: yes, c: n}\n');
  assert.deepEqual(unit.expect?.rows, [{ a: 'y', b: true, c: 'n' }]);
});

test('a bool keeps the range of the text written', () => {
  const source = 'x: 1\nenabled: no\n';
  const node = field(parseYaml(source).doc.contents, 'enabled');
  assert.deepEqual(rangeOf(node), { start: source.indexOf('no'), end: source.indexOf('no') + 2 });
  assert.equal((node as { value?: unknown }).value, false);
});

test("schema YAML: mapping keys that are bools, ints or None reach Jinja as PyYAML's keys, not strings", () => {
  const project = DbtProject.fromTexts(ROOT, {
    'dbt_project.yml': PROJECT,
    'models/m.sql': "{{ config.get('meta') }} {{ config.get('meta')[2] }} {{ config.get('meta')[false] }} {{ config.get('meta')[none] }}",
    'models/m.yml': 'version: 2\nmodels:\n  - name: m\n    config:\n      meta: {no: w, 2: y, ~: q}\n',
  });
  assert.equal(compiled(project), "{False: 'w', 2: 'y', None: 'q'} y w q");
});
