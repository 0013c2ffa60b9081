// modelYamlEntry: an undocumented model's schema YAML entry (its bound columns and types), put where the project's
// own YAML reader finds it: appended to the models: list beside the model, whatever that list's layout, or a new file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { modelYamlEntry } from '../../server/src/features/modelYaml';
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
