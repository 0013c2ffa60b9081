import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { compileModel } from '../../server/src/project/compile';
import { selectableGraph } from '../../server/src/selection/graph';

const BASE = { 'dbt_project.yml': 'name: s\nprofile: s\nsnapshots:\n  s:\n    +target_schema: snaps\n', 'models/a.sql': 'select 1 as id', 'models/b.sql': 'select 2 as id' };

/** Each snapshot's compiled SQL (trimmed), config keys and parents. */
function check(files: Record<string, string>, expected: Record<string, { sql: string; config: Record<string, unknown>; parents: string[] }>) {
  const project = DbtProject.fromTexts('/p', { ...BASE, ...files });
  const graph = selectableGraph(project);
  for (const [name, want] of Object.entries(expected)) {
    const node = project.resolveRef({ name })!;
    assert.ok(node, name);
    const compiled = compileModel(project, node.file, { node });
    assert.equal(compiled.problem, undefined, name);
    assert.equal(compiled.sql.trim(), want.sql, name);
    const config = project.configOf(node);
    for (const [k, v] of Object.entries(want.config)) assert.deepEqual(config[k], v, `${name}.${k}`);
    assert.deepEqual(graph.nodes.get(`snapshot.s.${name}`)?.parents, want.parents, name);
  }
}

test('several {% snapshot %} blocks in one file are separate snapshots: their own SQL, config and parents', () => {
  check({
    'snapshots/two.sql': "{% snapshot first %}\n{{ config(unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('a') }}\n{% endsnapshot %}\n\n{% snapshot second %}\n{{ config(unique_key='id', strategy='timestamp', updated_at='ts') }}\nselect * from {{ ref('b') }}\n{% endsnapshot %}\n",
  }, {
    first: { sql: 'select * from "a"', config: { strategy: 'check', target_schema: 'snaps', updated_at: undefined }, parents: ['model.s.a'] },
    second: { sql: 'select * from "b"', config: { strategy: 'timestamp', updated_at: 'ts', check_cols: undefined }, parents: ['model.s.b'] },
  });
});

test("dbt 1.9 YAML snapshots: select * from their relation, with the YAML's config", () => {
  check({
    'models/sources.yml': 'sources:\n  - name: shop\n    tables:\n      - name: orders\n',
    'snapshots/snapshots.yml': "snapshots:\n  - name: orders_snap\n    relation: source('shop', 'orders')\n    config:\n      schema: hist\n      unique_key: id\n      strategy: check\n      check_cols: [status]\n  - name: a_snap\n    relation: ref('a')\n    config: {unique_key: id, strategy: check, check_cols: all}\n",
  }, {
    orders_snap: { sql: 'select * from "shop"."orders"', config: { schema: 'hist', check_cols: ['status'] }, parents: ['source.s.shop.orders'] },
    a_snap: { sql: 'select * from "a"', config: { target_schema: 'snaps', check_cols: 'all' }, parents: ['model.s.a'] },
  });
});
