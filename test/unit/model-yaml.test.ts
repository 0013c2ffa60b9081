// modelYamlEntry: an undocumented model's schema YAML entry (its bound columns and types), put where the project's
// own YAML reader finds it: appended to the models: list beside the model, whatever that list's layout, or a new file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { missingColumnsEdit, modelYamlEntry } from '../../server/src/features/modelYaml';
import { fileDiagnostics } from '../../server/src/features/diagnostics';

const base = {
  'dbt_project.yml': 'name: p\nprofile: p\n',
  'models/staging/a.sql': 'select 1 as id',
  'models/staging/b.sql': "select id, 'x' as \"order id\", true as yes from {{ ref('a') }}",
};
const columns = [{ name: 'id', type: 'INTEGER' }, { name: 'order id', type: 'VARCHAR' }, { name: 'yes', type: 'DECIMAL(18,2)' }];

/** The project after the edit is applied, as Floe reads it again. */
function applied(files: Record<string, string>, model = 'models/staging/b.sql') {
  const project = DbtProject.fromTexts('/p', files);
  const add = modelYamlEntry(project, `/p/${model}`, columns);
  assert.ok(add, 'an entry to add');
  const rel = add.file.slice('/p/'.length);
  const before = files[rel] ?? '';
  assert.equal(add.create, files[rel] === undefined);
  const after = { ...files, [rel]: before.slice(0, add.offset) + add.text + before.slice(add.offset) };
  return { add, text: after[rel], project: DbtProject.fromTexts('/p', after) };
}

function assertDocumented(project: DbtProject, file: string) {
  const doc = project.doc('b');
  assert.ok(doc, 'b is documented');
  assert.deepEqual(doc.columns.map((c) => [c.name, c.type]), [['id', 'INTEGER'], ['order id', 'VARCHAR'], ['yes', 'DECIMAL(18,2)']]);
  assert.ok(project.doc('a'), 'the entry before it is still read');
  assert.deepEqual(fileDiagnostics(project, file).map((d) => d.message), [], 'the YAML stays clean');
}

test('appended to the models: list of the YAML beside the model, before the next top-level key', () => {
  const yaml = 'version: 2\n\nmodels:\n  - name: a\n    description: A.\n    # a comment in the list\n\nsources:\n  - name: raw\n    tables:\n      - name: t\n';
  const { add, text, project } = applied({ ...base, 'models/staging/_staging.yml': yaml });
  assert.equal(add.title, "Add 'b' and its 3 columns to _staging.yml");
  assert.ok(text.endsWith('sources:\n  - name: raw\n    tables:\n      - name: t\n'), 'the sources block is untouched');
  assert.ok(project.sourceNames().includes('raw'));
  assertDocumented(project, '/p/models/staging/_staging.yml');
});

test('an indentless list and a file without a final newline', () => {
  const { text, project } = applied({ ...base, 'models/staging/schema.yml': 'version: 2\nmodels:\n- name: a\n  description: A.' });
  assert.match(text, /\n- name: b\n/);
  assertDocumented(project, '/p/models/staging/schema.yml');
});

test('a new <model>.yml where no YAML beside the model has a block models: list', () => {
  const { add, project } = applied({ ...base, 'models/staging/other.yml': 'version: 2\nmodels: []\n', 'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n' });
  assert.equal(add.file, '/p/models/staging/b.yml');
  assert.equal(add.title, "Add 'b' and its 3 columns to a new b.yml");
  assertDocumented(project, '/p/models/staging/b.yml');
});

test('nothing for a documented model, a package model, or a file that is no model', () => {
  const project = DbtProject.fromTexts('/p', {
    ...base, 'models/staging/s.yml': 'version: 2\nmodels:\n  - name: b\n',
    'dbt_packages/pkg/dbt_project.yml': 'name: pkg\n', 'dbt_packages/pkg/models/c.sql': 'select 1 as id',
    'macros/m.sql': '{% macro m() %}1{% endmacro %}',
  });
  assert.equal(modelYamlEntry(project, '/p/models/staging/b.sql', columns), undefined);
  assert.equal(modelYamlEntry(project, '/p/dbt_packages/pkg/models/c.sql', columns), undefined);
  assert.equal(modelYamlEntry(project, '/p/macros/m.sql', columns), undefined);
  assert.equal(modelYamlEntry(project, '/p/models/staging/a.sql', undefined)?.title, "Add 'a' to s.yml", 'unbound: the entry without columns');
});

/** The YAML after "Add N missing columns" for b, and the project reading it again. */
function withMissing(yaml: string, file = 'models/staging/schema.yml') {
  const files = { ...base, [file]: yaml };
  const edit = missingColumnsEdit(DbtProject.fromTexts('/p', files), '/p/models/staging/b.sql', columns);
  assert.ok(edit, 'columns to add');
  assert.equal(edit.file, `/p/${file}`);
  assert.equal(edit.create, false);
  const text = yaml.slice(0, edit.offset) + edit.text + yaml.slice(edit.offset);
  const project = DbtProject.fromTexts('/p', { ...files, [file]: text });
  assert.deepEqual(fileDiagnostics(project, `/p/${file}`).map((d) => d.message), [], 'the YAML stays clean');
  return { edit, text, project };
}

const columnsOf = (project: DbtProject) => project.doc('b')!.columns.map((c) => [c.name, c.type]);

test("a documented model's missing columns appended to its columns: list, in that list's indentation, the rest kept", () => {
  const yaml = [
    'version: 2', '', 'models:',
    '  - name: b   # the mart', '    description: B.', '    columns:',
    '        - name: id', '          description: The key.', '          # trailing note', '',
    '    tests: []', '  - name: a', '    columns:', '      - name: id', '',
  ].join('\n');
  const { edit, text, project } = withMissing(yaml);
  assert.equal(edit.title, "Add 2 missing columns to 'b' in schema.yml");
  assert.deepEqual(columnsOf(project), [['id', undefined], ['order id', 'VARCHAR'], ['yes', 'DECIMAL(18,2)']]);
  assert.equal(text, yaml.replace('          description: The key.\n',
    '          description: The key.\n        - name: order id\n          data_type: varchar\n          description: ""\n        - name: "yes"\n          data_type: decimal(18,2)\n          description: ""\n'));
  assert.deepEqual(project.doc('a')!.columns.map((c) => c.name), ['id']);
});

test('columns: made at the end of an entry without one; an indentless list; CRLF; a last line without a newline', () => {
  const none = withMissing('version: 2\nmodels:\n  - description: B.\n    name: b\n    config:\n      tags: [x]\n  - name: a\n');
  assert.equal(none.edit.title, "Add 3 missing columns to 'b' in schema.yml");
  assert.deepEqual(columnsOf(none.project), [['id', 'INTEGER'], ['order id', 'VARCHAR'], ['yes', 'DECIMAL(18,2)']]);
  assert.match(none.text, /\n {6}tags: \[x\]\n {4}columns:\n {6}- name: id\n {8}data_type: integer\n/);
  assert.deepEqual(none.project.configOf(none.project.nodes('b')[0]).tags, ['x']);
  const indentless = withMissing('version: 2\nmodels:\n- name: b\n  columns:\n  - name: "yes"\n  - name: ID\n');
  assert.equal(indentless.edit.title, "Add 1 missing column to 'b' in schema.yml");
  assert.ok(indentless.text.endsWith('  - name: ID\n  - name: order id\n    data_type: varchar\n    description: ""\n'), indentless.text);
  const crlf = withMissing('version: 2\r\nmodels:\r\n  - name: b\r\n    columns:\r\n      - name: id\r\n  - name: a\r\n');
  assert.equal(crlf.text, 'version: 2\r\nmodels:\r\n  - name: b\r\n    columns:\r\n      - name: id\r\n      - name: order id\r\n        data_type: varchar\r\n        description: ""\r\n      - name: "yes"\r\n        data_type: decimal(18,2)\r\n        description: ""\r\n  - name: a\r\n');
  const unterminated = withMissing('version: 2\nmodels:\n  - name: b\n    columns:\n      - name: id\n        description: x');
  assert.deepEqual(columnsOf(unterminated.project).map(([n]) => n), ['id', 'order id', 'yes']);
  const before = withMissing('version: 2\nmodels:\n  - columns:\n      - name: id\n    name: b\n    description: B.\n');
  assert.equal(before.text, 'version: 2\nmodels:\n  - columns:\n      - name: id\n      - name: order id\n        data_type: varchar\n        description: ""\n      - name: "yes"\n        data_type: decimal(18,2)\n        description: ""\n    name: b\n    description: B.\n');
  const empty = withMissing('version: 2\nmodels:\n  - name: b\n    columns:\n  - name: a\n');
  assert.deepEqual(columnsOf(empty.project).map(([n]) => n), ['id', 'order id', 'yes']);
});

test('no missing columns: nothing for a model with every column listed, a flow-style list, an unbound model', () => {
  const at = (yaml: string, cols = columns) => missingColumnsEdit(DbtProject.fromTexts('/p', { ...base, 'models/s.yml': yaml }), '/p/models/staging/b.sql', cols);
  assert.equal(at('version: 2\nmodels:\n  - name: b\n    columns:\n      - name: id\n      - name: order id\n      - name: "YES"\n'), undefined);
  assert.equal(at('version: 2\nmodels:\n  - name: b\n    columns: [{name: id}]\n'), undefined);
  assert.equal(at('version: 2\nmodels:\n  - {name: b}\n'), undefined);
  assert.equal(at('version: 2\nmodels:\n  - name: b\n', []), undefined);
  assert.equal(missingColumnsEdit(DbtProject.fromTexts('/p', base), '/p/models/staging/b.sql', columns), undefined, 'undocumented: the entry action instead');
});
