// The catalog status bar item's text for the explorer connections' states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogStatusView, type ConnectionState } from '../../client/src/explorer/catalogStatusView';
import type { ConnectionInfo } from '../../server/src/protocol/explorer';

const CONNECTIONS: ConnectionInfo[] = [
  { id: 'a', label: 'Prod', kind: 'setting', uri: 'http://p' },
  { id: 'b', label: 'Local lakehouse · shop', kind: 'local' },
];

function check(states: Record<string, ConnectionState>, expected: [text: string, isError: boolean] | undefined): void {
  const view = catalogStatusView(CONNECTIONS, (id) => states[id] ?? { state: 'idle' });
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
  const view = catalogStatusView(CONNECTIONS, (id) => (id === 'a' ? { state: 'forbidden', reason: 'no privilege on demo' } : { state: 'connected' }));
  assert.equal(view?.tooltip, 'Prod: forbidden — no privilege on demo\nLocal lakehouse · shop: connected');
});
