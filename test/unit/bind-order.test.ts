// The order a whole project binds in: every model after its upstreams, level by level, open files' chains first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { bindOrder } from '../../server/src/features/bindSchedule';

const ROOT = '/virtual/order';
const model = (name: string, ...refs: string[]) => [`models/${name}.sql`, refs.length ? refs.map((r) => `select * from {{ ref('${r}') }}`).join(' union all ') : 'select 1 as x'] as const;

function project(): DbtProject {
  return DbtProject.fromTexts(ROOT, Object.fromEntries([
    ['dbt_project.yml', 'name: order\nprofile: order\n'],
    // a chain a1 → a2 → a3 and models b, c, d that read only a1: a depth-first order puts a2 and a3 before b, c, d
    model('a1'), model('a2', 'a1'), model('a3', 'a2'), model('b', 'a1'), model('c', 'a1'), model('d', 'a1'), model('e', 'a3', 'd'),
    // a cycle of refs still gives every file once
    model('x', 'y'), model('y', 'x'),
  ]));
}

const names = (files: string[]) => files.map((f) => f.slice(f.lastIndexOf('/') + 1, -4));

test('level by level: each model after its upstreams, and all of a level before the next', () => {
  const p = project();
  const order = names(bindOrder(p, [...p.files.keys()].filter((f) => f.endsWith('.sql'))));
  assert.equal(order.length, 9);
  const at = (n: string) => order.indexOf(n);
  for (const [child, parent] of [['a2', 'a1'], ['a3', 'a2'], ['b', 'a1'], ['e', 'a3'], ['e', 'd']]) assert.ok(at(parent) < at(child), `${parent} before ${child}: ${order}`);
  // b, c, d (level 1) come before a3 (level 2): they need not wait for the chain
  for (const n of ['b', 'c', 'd']) assert.ok(at(n) < at('a3'), `${n} before a3: ${order}`);
  assert.deepEqual(new Set(order), new Set(['a1', 'a2', 'a3', 'b', 'c', 'd', 'e', 'x', 'y']));
});

test("the open files' upstream chains come first", () => {
  const p = project();
  const files = [...p.files.keys()].filter((f) => f.endsWith('.sql'));
  const order = names(bindOrder(p, files, new Set([`${ROOT}/models/a3.sql`])));
  assert.deepEqual(order.slice(0, 3), ['a1', 'a2', 'a3']);
});
