// One file's contract diagnostics look at that file's models only (its own and its parents', or a YAML file's), not
// at every model's config: the first diagnostics pull after ready asks for one file (issue #18). They must be the
// same as when the project-wide set of enforced contracts is known (a whole-project pass made it first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { knownModelsWithEnforcedContracts, modelsWithEnforcedContracts } from '../../server/src/project/contract';
import { contractDiagnostics } from '../../server/src/features/contracts';
import type { Column } from '../../server/src/project/types';

const root = '/virtual/contract-scope';
const files = {
  'dbt_project.yml': "name: p\nversion: '1'\nprofile: p\n",
  'profiles.yml': 'p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: x.duckdb\n',
  'models/a.sql': "{{ config(contract={'enforced': true}) }}\nselect 1 as id, 'x' as extra",
  'models/b.sql': "select extra from {{ ref('a') }}",
  'models/c.sql': "select 2 as id",
  'models/d.sql': "select id from {{ ref('c') }}",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_type: integer\n  - name: c\n',
};
const bound: Record<string, Column[]> = {
  [`${root}/models/a.sql`]: [{ name: 'id', type: 'INTEGER' }, { name: 'extra', type: 'VARCHAR' }],
  [`${root}/models/b.sql`]: [{ name: 'extra', type: 'VARCHAR' }],
  [`${root}/models/c.sql`]: [{ name: 'id', type: 'INTEGER' }],
  [`${root}/models/d.sql`]: [{ name: 'id', type: 'INTEGER' }],
};
const boundOf = (f: string) => bound[f];
const load = () => DbtProject.fromTexts(root, files);

test("a file whose models have no enforced contract is answered without every model's config", () => {
  const project = load();
  for (const f of ['models/c.sql', 'models/d.sql']) assert.deepEqual(contractDiagnostics(project, `${root}/${f}`, boundOf), [], f);
  assert.equal(knownModelsWithEnforcedContracts(project), undefined, 'the project-wide set was not computed');
});

test('each file gives the same diagnostics from its own models as with the project-wide set known', () => {
  for (const f of Object.keys(files)) {
    const file = `${root}/${f}`;
    const own = contractDiagnostics(load(), file, boundOf);
    const warmed = load();
    modelsWithEnforcedContracts(warmed);
    assert.deepEqual(own, contractDiagnostics(warmed, file, boundOf), f);
  }
  // and the checks found what they should: a's extra column, b's read of it, the YAML's contract of a
  const project = load();
  assert.match(contractDiagnostics(project, `${root}/models/a.sql`, boundOf).map((d) => d.message).join('\n'), /extra/);
  assert.equal(contractDiagnostics(project, `${root}/models/b.sql`, boundOf)[0]?.code, 'contract-downstream');
  assert.ok(contractDiagnostics(project, `${root}/models/schema.yml`, boundOf).length > 0);
});

test('a project with no enforced contract: no file has contract diagnostics, before or after the set is known', () => {
  const project = DbtProject.fromTexts(root, { ...files, 'models/a.sql': "select 1 as id, 'x' as extra" });
  for (const f of Object.keys(files)) assert.deepEqual(contractDiagnostics(project, `${root}/${f}`, boundOf), [], f);
  assert.equal(modelsWithEnforcedContracts(project).size, 0);
  for (const f of Object.keys(files)) assert.deepEqual(contractDiagnostics(project, `${root}/${f}`, boundOf), [], f);
});
