// The lineage webview's messages: what the extension accepts from the (untrusted) webview, and which node a click may open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DEPTH, nodeFor, parseLineageMessage, parseLineageState } from '../../client/src/lineage/lineageMessages';
import type { LineageNode } from '../../server/src/protocol/lineage';

function check(input: unknown, expected: unknown): void {
  assert.deepEqual(parseLineageMessage(input), expected, JSON.stringify(input));
}

test('well-formed messages pass, reduced to their known fields', () => {
  check({ type: 'ready' }, { type: 'ready' });
  check({ type: 'open', id: 'model:mart_revenue' }, { type: 'open', id: 'model:mart_revenue' });
  check({ type: 'focus', id: 'model:stg_orders', uri: 'file:///etc/passwd' }, { type: 'focus', id: 'model:stg_orders' });
  check({ type: 'depth', depth: { upstream: 2, downstream: null } }, { type: 'depth', depth: { upstream: 2, downstream: null } });
  check({ type: 'depth', depth: { upstream: 0, downstream: 5, extra: 1 } }, { type: 'depth', depth: { upstream: 0, downstream: 5 } });
});

test('anything else is refused', () => {
  for (const bad of [
    undefined, null, 'open', 42, [], {},
    { type: 'openUri', uri: 'file:///etc/passwd' },
    { type: 'open' },
    { type: 'open', id: '' },
    { type: 'open', id: 7 },
    { type: 'open', id: 'x'.repeat(1001) },
    { type: 'focus', id: { toString: () => 'model:a' } },
    { type: 'depth' },
    { type: 'depth', depth: null },
    { type: 'depth', depth: { upstream: 2 } },
    { type: 'depth', depth: { upstream: -1, downstream: 2 } },
    { type: 'depth', depth: { upstream: 1.5, downstream: 2 } },
    { type: 'depth', depth: { upstream: '2', downstream: 2 } },
    { type: 'depth', depth: { upstream: Number.POSITIVE_INFINITY, downstream: 2 } },
  ]) check(bad, undefined);
});

const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const nodes: LineageNode[] = [
  { id: 'source:bronze.orders', kind: 'source', label: 'bronze.orders', tests: 0, uri: 'file:///p/models/sources.yml', range },
  { id: 'model:stg_orders', kind: 'model', label: 'stg_orders', tests: 1, uri: 'file:///p/models/staging/stg_orders.sql', range, focus: true },
  { id: 'model:mart_revenue', kind: 'model', label: 'mart_revenue', tests: 0, uri: 'file:///p/models/marts/mart_revenue.sql', range },
];

test('a click or double-click reaches only a node of the graph on screen', () => {
  const cases: Array<[{ type: 'open' | 'focus'; id: string }, readonly LineageNode[] | undefined, string | undefined]> = [
    [{ type: 'open', id: 'model:mart_revenue' }, nodes, 'file:///p/models/marts/mart_revenue.sql'],
    [{ type: 'open', id: 'source:bronze.orders' }, nodes, 'file:///p/models/sources.yml'],
    [{ type: 'open', id: 'model:not_shown' }, nodes, undefined],
    [{ type: 'open', id: 'model:mart_revenue' }, undefined, undefined],
    [{ type: 'focus', id: 'model:mart_revenue' }, nodes, 'file:///p/models/marts/mart_revenue.sql'],
    [{ type: 'focus', id: 'source:bronze.orders' }, nodes, 'file:///p/models/sources.yml'],
    [{ type: 'focus', id: 'model:not_shown' }, nodes, undefined],
  ];
  for (const [message, shown, uri] of cases) assert.equal(nodeFor(shown, message)?.uri, uri, JSON.stringify(message));
});

test('a restored panel state: a file URI, an optional focus and a depth; anything else restores nothing', () => {
  const depth = { upstream: 3, downstream: null };
  assert.deepEqual(parseLineageState({ uri: 'file:///p/models/a.sql', depth }), { uri: 'file:///p/models/a.sql', depth });
  assert.deepEqual(parseLineageState({ uri: 'file:///p/models/s.yml', focus: 'source:raw.orders', depth, extra: 1 }), { uri: 'file:///p/models/s.yml', focus: 'source:raw.orders', depth });
  assert.deepEqual(parseLineageState({ uri: 'file:///p/a.sql', depth: { upstream: -1 } }), { uri: 'file:///p/a.sql', depth: DEFAULT_DEPTH }, 'a bad depth falls back to the default');
  for (const bad of [undefined, null, 'file:///a.sql', { uri: 'https://evil/a.sql', depth }, { uri: 'file:///a.sql', focus: 7, depth }, { uri: '', depth }]) {
    assert.equal(parseLineageState(bad), undefined, JSON.stringify(bad));
  }
});
