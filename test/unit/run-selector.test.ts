import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectModels, type SelectableGraph } from '../../server/src/run/selector';

// stg_a -> mart_x, stg_b -> mart_x, stg_b -> mart_y
const edges: Record<string, string[]> = { stg_a: [], stg_b: [], mart_x: ['stg_a', 'stg_b'], mart_y: ['stg_b'] };
const tags: Record<string, string[]> = { mart_x: ['gold'], mart_y: ['gold'] };
const graph: SelectableGraph = {
  models: () => Object.keys(edges),
  parents: (m) => edges[m] ?? [],
  children: (m) => Object.keys(edges).filter((k) => edges[k].includes(m)),
  tags: (m) => tags[m] ?? [],
};

const cases: [string, string[] | RegExp][] = [
  ['mart_x', ['mart_x']],
  ['+mart_x', ['stg_a', 'stg_b', 'mart_x']],
  ['stg_b+', ['stg_b', 'mart_x', 'mart_y']],
  ['tag:gold', ['mart_x', 'mart_y']],
  ['mart_y stg_a', ['mart_y', 'stg_a']],
  ['mart_z', /no model \(did you mean 'mart_x'\?\)/],
];

test('selectModels', () => {
  for (const [selector, expected] of cases) {
    if (expected instanceof RegExp) assert.throws(() => selectModels(graph, selector), expected, selector);
    else assert.deepEqual(selectModels(graph, selector), expected, selector);
  }
});
