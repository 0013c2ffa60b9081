// The catalog status bar item's text for the explorer connections' states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogStatusView, type ConnectionState } from '../../client/src/explorer/catalogStatusView';
import type { ConnectionInfo } from '../../server/src/protocol/explorer';

const CONNECTIONS: ConnectionInfo[] = [
  { id: 'a', label: 'Prod', kind: 'setting', uri: 'http://p' },
  { id: 'b', label: 'Local lakehouse · shop', kind: 'local' },
];

/** The user opened both connections. */
const OPENED = new Set(['a', 'b']);

function check(states: Record<string, ConnectionState>, expected: [text: string, isError: boolean] | undefined): void {
  const view = catalogStatusView(CONNECTIONS, (id) => states[id] ?? { state: 'idle' }, OPENED);
  assert.deepEqual(view && [view.text, view.isError], expected, JSON.stringify(states));
}

test('status bar text per connection states', () => {
  check({}, undefined);
  check({ b: { state: 'connected' } }, ['$(database) Catalog: 1 connected', false]);
  check({ a: { state: 'connected' }, b: { state: 'connected' } }, ['$(database) Catalog: 2 connected', false]);
  check({ a: { state: 'unauthorized', reason: 'refused' }, b: { state: 'connected' } }, ['$(warning) Catalog: Prod unauthorized', true]);
  check({ a: { state: 'unreachable', reason: 'Cannot reach the catalog at http://p (ECONNREFUSED)' } }, ['$(warning) Catalog: Prod unreachable', true]);
});

test('the tooltip lists every opened connection with its reason', () => {
  const view = catalogStatusView(CONNECTIONS, (id) => (id === 'a' ? { state: 'forbidden', reason: 'no privilege on demo' } : { state: 'connected' }), OPENED);
  assert.equal(view?.tooltip, 'Prod: forbidden — no privilege on demo\nLocal lakehouse · shop: connected');
});

test('a connection the user never asked for never warns: only the active one and those the user opened count', () => {
  const connections: ConnectionInfo[] = [
    { id: 'prod', label: 'demo · prod', kind: 'profile', uri: 'http://prod' },
    { id: 'local', label: 'Local lakehouse · demo', kind: 'local', active: true },
  ];
  const states: Record<string, ConnectionState> = { prod: { state: 'unreachable', reason: 'Cannot reach the catalog' }, local: { state: 'connected' } };
  const view = (asked: string[]) => catalogStatusView(connections, (id) => states[id] ?? { state: 'idle' }, new Set(asked));
  assert.deepEqual([view([])?.text, view([])?.isError], ['$(database) Catalog: 1 connected', false]);
  assert.deepEqual([view(['prod'])?.text, view(['prod'])?.isError], ['$(warning) Catalog: demo · prod unreachable', true]);
});
