// The status bar's count reads fileDiagnostics(…, counted): the same errors and warnings as the Problems panel's,
// without the checks that only ever say info (the empty selectors', which rebuilds the selectable graph).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project.js';
import { fileDiagnostics } from '../../server/src/features/diagnostics.js';

test('counted diagnostics are every file\'s errors and warnings, the empty selectors left out', () => {
  const p = DbtProject.fromTexts('/w', {
    'dbt_project.yml': 'name: shop\nprofile: shop\nmodels:\n  shop:\n    +materialized: nope\n',
    'models/a.sql': "select * from {{ ref('b') }} join {{ ref('missing') }}",
    'models/b.sql': "{{ config(materialized='table', unknown_key=1) }} select 1",
    'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        tests: [unique, not_null]\n  - name: ghost\n',
    'selectors.yml': 'selectors:\n  - name: none\n    definition: {method: tag, value: nothing_has_it}\n  - name: some\n    definition: {method: fqn, value: a}\n',
  });
  let infos = 0;
  for (const file of p.files.keys()) {
    const all = fileDiagnostics(p, file);
    const counted = fileDiagnostics(p, file, true);
    assert.deepEqual(counted, all.filter((d) => d.code !== 'selector-empty'), file);
    assert.ok(all.filter((d) => d.code === 'selector-empty').every((d) => d.severity === 'info'), file);
    infos += all.filter((d) => d.code === 'selector-empty').length;
  }
  assert.equal(infos, 1, 'the fixture has an empty selector');
});
