// Which ephemeral models nothing dbt runs reads (their SQL errors are warnings): what runs (models that are relations,
// snapshots, data tests with the refs in their arguments, unit tests, packages' tests) and what does not (analyses,
// exposures, disabled models, other unread ephemerals).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { unreadEphemeralFiles } from '../../server/src/features/unreadEphemerals';

const ROOT = '/virtual/y';
const eph = "{{ config(materialized='ephemeral') }}\nselect 1 as id\n";

/** The unread ephemerals of a project of `files`, by path under the root. */
function unread(files: Record<string, string>): string[] {
  const project = DbtProject.fromTexts(ROOT, { 'dbt_project.yml': 'name: y\nprofile: y\n', 'models/base.sql': 'select 1 as id\n', ...files });
  return [...unreadEphemeralFiles(project)].map((f) => f.slice(ROOT.length + 1)).sort();
}

test('read: by a snapshot, a ref in a test argument (dbt_utils.equality), a singular test, a unit test, a package\'s own test', () => {
  assert.deepEqual(unread({
    'snapshots/s.sql': "{% snapshot snap %}\n{{ config(strategy='check', unique_key='id', check_cols='all') }}\nselect * from {{ ref('snapped') }}\n{% endsnapshot %}\n",
    'models/snapped.sql': eph,
    'models/t.yml': "version: 2\nmodels:\n  - name: base\n    data_tests:\n      - dbt_utils.equality:\n          compare_model: ref('compared')\n"
      + "unit_tests:\n  - name: u\n    model: unit_tested\n    given: []\n    expect:\n      rows: [{id: 1}]\n",
    'models/compared.sql': eph,
    'models/unit_tested.sql': eph,
    'tests/singular.sql': "select * from {{ ref('singular_read') }} where id is null\n",
    'models/singular_read.sql': eph,
    'dbt_packages/pk/dbt_project.yml': 'name: pk\n',
    'dbt_packages/pk/models/pk_tested.sql': eph,
    'dbt_packages/pk/models/s.yml': 'version: 2\nmodels:\n  - name: pk_tested\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
  }), []);
});

test('unread: read only by an analysis, an exposure, a disabled model, or nothing at all', () => {
  assert.deepEqual(unread({
    'analyses/an.sql': "select * from {{ ref('analysed') }}\n",
    'models/analysed.sql': eph,
    'models/x.yml': "version: 2\nexposures:\n  - name: dash\n    type: dashboard\n    owner: {email: a@b.c}\n    depends_on: [ref('exposed')]\n",
    'models/exposed.sql': eph,
    'models/off.sql': "{{ config(enabled=false) }}\nselect * from {{ ref('by_disabled') }}\n",
    'models/by_disabled.sql': eph,
    'dbt_packages/pk/dbt_project.yml': 'name: pk\n',
    'dbt_packages/pk/models/pk_free.sql': eph,
  }), ['dbt_packages/pk/models/pk_free.sql', 'models/analysed.sql', 'models/by_disabled.sql', 'models/exposed.sql']);
});

test('a versioned ref in a test argument reads that version, not the latest', () => {
  assert.deepEqual(unread({
    'models/t.yml': "version: 2\nmodels:\n  - name: vm\n    latest_version: 2\n    versions: [{v: 1}, {v: 2}]\n"
      + "  - name: base\n    data_tests:\n      - dbt_utils.equality:\n          compare_model: \"{{ ref('vm', v=1) }}\"\n",
    'models/vm_v1.sql': eph,
    'models/vm_v2.sql': eph,
  }), ['models/vm_v2.sql']);
});
