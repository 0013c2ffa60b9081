// Schema/sources YAML: large files parse item by item with the same result as a whole parse, edits reuse the
// unchanged items, broken YAML names the file and the line, and a large schema.yml feeds completion and hover.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchemaFile, parseWhole, type SchemaFile } from '../../server/src/project/schemaYaml';
import { generateSchemaYaml } from '../helpers/generateSchemaYaml';
import { makeProject, file, cursor } from '../helpers/projectTexts';
import { completions } from '../../server/src/features/completion';
import { hover } from '../../server/src/features/hover';
import { renameModel } from '../../server/src/features/navigation';
import { mutate, rng, YAML_BITS } from '../helpers/fuzz';

const FILE = '/p/models/schema.yml';
// A trailing comment pushes small fixtures past the size where files are parsed item by item.
const PAD = `# ${'-'.repeat(40 * 1024)}\n`;

/** Parsing `texts` in turn (each with the previous result) gives what a whole parse of each gives. */
function check(...texts: string[]) {
  let previous: SchemaFile | undefined;
  for (const text of texts) {
    const padded = text + PAD;
    const got = parseSchemaFile(FILE, padded, previous);
    assert.deepEqual(got, parseWhole(FILE, padded), `differs from a whole parse for:\n${text}`);
    previous = got;
  }
}

const SOURCES = 'version: 2\nsources:\n  - name: bronze\n    schema: demo.bronze\n    tables:\n      - name: customers\n        meta: { iceberg_table: demo.bronze.bronze_customers }\n        columns:\n          - name: customer_id\n            data_type: bigint\n      - name: "orders"\n';
const MODELS = "models:\n  - name: stg_a\n    description: 'has name: stg_b inside'\n    config:\n      materialized: table\n      tags: [x]\n    columns:\n      - name: id\n        description: |\n          - name: not_a_column\n  - name: stg_b\n";

test('item-by-item parsing equals a whole parse (sources, models, quoting, config, block scalars)', () => {
  check(SOURCES, MODELS, SOURCES + MODELS);
  check('models:\n- name: a\n  columns:\n  - name: x\n    data_type: int\n- name: b\n');
  check('models:\r\n  - name: a\r\n    columns:\r\n      - name: x\r\n');
  check('defaults: &d {materialized: view}\nmodels:\n  - name: a\n    config: *d\n');
  check('models:\n  - name: a\n  - name: a\n', 'seeds:\n  - name: s\nsnapshots:\n  - name: t\n');
  check(
    'models:\n  - name: a\n    tests: [x]\n    columns:\n      - name: id\n        data_tests:\n          - unique\n          - accepted_values:\n              values: [1]\n  - name: b\n    columns: [{name: c, tests: [not_null]}]\n',
    'sources:\n  - name: s\n    tables:\n      - name: t\n        columns:\n          - name: k\n            tests: [not_null]\n',
  );
  check('models: [{name: a}, {name: b}]\n', 'models: # docs\n  - name: a\n', 'models:\n  name: a\n', 'models:\n  - name: a\n    config: {<<: {materialized: view}}\n');
});

test('edits reuse unchanged items and still equal a whole parse (rename, insert, delete, break and fix)', () => {
  const big = generateSchemaYaml(200, 5);
  check(
    big,
    big.replace('- name: m100\n', '- name: m100_renamed\n'),
    big.replace('- name: m100\n', '- name: m100b\n  columns:\n  - name: z\n- name: m100\n'),
    big.replace(/- name: m150\n[\s\S]*?(?=- name: m151\n)/, ''),
    big.replace('- name: m120\n', '- name: [m120\n'),
    big,
  );
  // Unchanged items keep their parsed columns (the same arrays); the edited one is parsed again.
  const before = parseSchemaFile(FILE, big);
  const after = parseSchemaFile(FILE, big.replace('- name: m100\n  description: Model 100.', '- name: m100\n  description: Edited.'), before);
  assert.equal(after.models[99].columns, before.models[99].columns);
  assert.equal(after.models[101].columns, before.models[101].columns);
  assert.notEqual(after.models[100].columns, before.models[100].columns);
  assert.equal(after.models[100].description, 'Edited.');
});

test('randomly damaged and edited files: item-by-item parsing always equals a whole parse', () => {
  const random = rng(20261125);
  // The generated models continue MODELS's list (indented by two).
  const fixture = SOURCES + MODELS + generateSchemaYaml(40, 3).replace('version: 2\nmodels:\n', '').replace(/^(?=.)/gm, '  ');
  let text = fixture;
  let previous: SchemaFile | undefined;
  for (let i = 0; i < 600; i++) {
    text = i % 8 === 0 ? fixture : mutate(text, YAML_BITS, random);
    const padded = text + PAD;
    const got = parseSchemaFile(FILE, padded, previous);
    assert.deepEqual(got, parseWhole(FILE, padded), `iteration ${i} differs from a whole parse for:\n${text}`);
    previous = got;
  }
});

test('broken YAML in a large file is one diagnostic naming the file, at the broken line', () => {
  const big = generateSchemaYaml(2000, 10);
  const at = big.indexOf('- name: m1000\n');
  const brokenLine = big.slice(0, at).split('\n').length - 1;
  const before = parseSchemaFile(FILE, big);
  const broken = parseSchemaFile(FILE, big.replace('- name: m1000\n', '- name: [m1000\n'), before);
  assert.equal(broken.problems.length, 1);
  const p = broken.problems[0];
  assert.equal(p.file, FILE);
  assert.equal(p.code, 'yaml-syntax');
  const line = big.slice(0, p.start).split('\n').length - 1;
  assert.ok(Math.abs(line - brokenLine) <= 1, `error on line ${line + 1}, the break is on line ${brokenLine + 1}`);
  assert.deepEqual(broken.models, []);
  // Fixed again: every model is back.
  assert.equal(parseSchemaFile(FILE, big, broken).models.length, 2000);
});

test('a 2,000-model schema.yml feeds completion, hover and rename, also after an edit', () => {
  const yml = generateSchemaYaml(2000, 10);
  assert.ok(yml.length > 800_000, `${yml.length} bytes`);
  const models: Record<string, string> = { 'models/schema.yml': yml };
  for (let i = 0; i < 2000; i++) models[`models/marts/m${i}.sql`] = 'select 1 as c0\n';
  const { text, offset } = cursor("select x.| from {{ ref('m1500') }} x\n");
  const probe = file('models/marts/probe.sql');
  const p = makeProject({ ...models, 'models/marts/probe.sql': text });
  const labels = () => completions(p, probe, offset).map((c) => c.label);
  assert.ok(['c0', 'c5', 'c9'].every((c) => labels().includes(c)), JSON.stringify(labels()));
  const refAt = text.indexOf('m1500') + 1;
  assert.match(hover(p, probe, refAt)!.markdown, /Model 1500\./);

  // Edit one model's columns in the big file: the others stay, the edited one changes.
  const edited = yml.replace('- name: m1500\n  description: Model 1500.\n  columns:\n', '- name: m1500\n  description: Model 1500, edited.\n  columns:\n  - name: added_col\n');
  p.updateFile(file('models/schema.yml'), edited);
  assert.ok(labels().includes('added_col'), JSON.stringify(labels()));
  assert.match(hover(p, probe, refAt)!.markdown, /Model 1500, edited\./);
  const r = renameModel(p, probe, refAt, 'm1500_new');
  assert.ok(!('error' in r));
  if ('error' in r) return;
  const inYaml = r.edits.filter((e) => e.file === file('models/schema.yml'));
  assert.deepEqual(inYaml.map((e) => edited.slice(e.start, e.end)), ['m1500']);
  assert.equal(inYaml[0].start, edited.indexOf('- name: m1500\n') + '- name: '.length);
});
