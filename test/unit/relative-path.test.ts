import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { notAbove, relativePath } from '../../server/src/util/relativePath.js';
import { DbtProject } from '../../server/src/project/project.js';
import { selectableGraph } from '../../server/src/selection/graph.js';

// The fast path must say exactly what path.relative says, resolved or not, inside, outside and at the edges.
const paths = ['/', '/a', '/a/', '/a/b', '/a/b/', '/a/bc', '/a/b/c', '/a/b/c.sql', '/a/b/..c', '/a/b/.c', '/a/b/../c', '/a/./b/c', '/a//b/c',
  '/a/b/.', '/a/b/..', '/ab', '/ab/c', 'a/b', 'b', '.', '', '/x/a/b', '/a/b/c/d/e.sql', '/a/b/c/'];

test('relativePath and notAbove say what path.relative says', () => {
  for (const from of paths) for (const to of paths) {
    assert.equal(relativePath(from, to), path.relative(from, to), `relative(${from}, ${to})`);
    assert.equal(notAbove(from, to), !path.relative(from, to).startsWith('..'), `notAbove(${from}, ${to})`);
  }
});

test("an installed package's node paths are relative to its own root, the project's to the project's", () => {
  const p = DbtProject.fromTexts('/w', {
    'dbt_project.yml': 'name: shop\nprofile: shop\n',
    'models/a.sql': "select * from {{ ref('b') }}",
    'dbt_packages/util/dbt_project.yml': 'name: util\n',
    'dbt_packages/util/models/b.sql': 'select 1',
  });
  const byName = new Map([...selectableGraph(p).nodes.values()].map((n) => [n.name, n]));
  assert.equal(byName.get('a')?.path, 'models/a.sql');
  assert.equal(byName.get('b')?.path, 'models/b.sql');
  assert.equal(byName.get('b')?.packageName, 'util');
  assert.equal(p.packageRootOf('/w/dbt_packages/util/models/b.sql'), '/w/dbt_packages/util');
  assert.equal(p.packageRootOf('/w/models/a.sql'), '/w');
  assert.equal(p.packageRootOf('/elsewhere/x.sql'), '/w');
});

test("a file's package follows a change of the packages (packages-install-path edited)", () => {
  const p = DbtProject.fromTexts('/w', {
    'dbt_project.yml': 'name: shop\nprofile: shop\n',
    'models/a.sql': 'select 1',
    'pk/util/dbt_project.yml': 'name: util\n',
    'pk/util/models/b.sql': 'select 1',
  });
  assert.equal(p.packageRootOf('/w/pk/util/models/b.sql'), '/w');
  p.updateFile('/w/dbt_project.yml', 'name: shop\nprofile: shop\npackages-install-path: pk\n');
  assert.equal(p.packageRootOf('/w/pk/util/models/b.sql'), '/w/pk/util');
  p.updateFile('/w/dbt_project.yml', 'name: shop\nprofile: shop\n');
  assert.equal(p.packageRootOf('/w/pk/util/models/b.sql'), '/w');
});
