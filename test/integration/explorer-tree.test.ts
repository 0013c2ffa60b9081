// The catalog explorer's tree logic against the local catalog over HTTP: nested namespaces, paging, table
// sections with exact int64 snapshot ids, a 401 node state, an unreachable catalog and recovery after a restart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { connectionsOf } from '../../server/src/explorer/connections';
import { ConnectionRegistry } from '../../server/src/explorer/registry';
import { childrenOf } from '../../server/src/explorer/tree';
import { createNamespace, dropTable, tableMetadataJson } from '../../server/src/explorer/actions';
import type { ChildrenResult, ExplorerNode, NodeRef } from '../../server/src/protocol/explorer';
import type { Schema, Snapshot, TableUpdate } from '../../server/src/iceberg/spec';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';

let server: TestCatalog;
let registry: ConnectionRegistry;
const CONN = 'setting:test';

const schema: Schema = {
  type: 'struct', 'schema-id': 0, fields: [
    { id: 1, name: 'event_id', required: true, type: 'long' },
    { id: 2, name: 'kind', required: false, type: 'string', doc: 'What happened' },
    { id: 3, name: 'at', required: false, type: 'timestamptz' },
  ],
};

before(async () => {
  server = await startTestCatalog();
  const admin = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  for (const ns of ['a', 'b', 'c', 'd', 'e']) await admin.createNamespace([ns]);
  await admin.createNamespace(['a', 'x']);
  await admin.createNamespace(['a', 'x', 'y']);
  for (const t of ['t1', 't2', 't3', 't4', 't5']) await admin.createTable(['a', 'x'], { name: t, schema });
  const created = await admin.createTable(['b'], {
    name: 'events', schema,
    partitionSpec: { 'spec-id': 0, fields: [{ 'source-id': 3, 'field-id': 1000, name: 'at_day', transform: 'day' }] },
    writeOrder: { 'order-id': 1, fields: [{ 'source-id': 1, transform: 'identity', direction: 'desc', 'null-order': 'nulls-last' }] },
    properties: { owner: 'data-eng' },
  });
  const loc = created.metadata.location;
  const id = { namespace: ['b'], name: 'events' };
  // Ids beyond 2^53: a JS number would round them.
  await admin.commitTable(id, [], appendUpdates(snapshot(9007199254740993n, 1n, loc, undefined, { 'added-records': '3' })));
  await admin.commitTable(id, [], appendUpdates(snapshot(9223372036854775807n, 2n, loc, 9007199254740993n, { operation: 'overwrite', 'added-records': '2', 'deleted-records': '1' })));
  await admin.createTable(['c'], {
    name: 'people', schema: {
      type: 'struct', 'schema-id': 0, fields: [
        { id: 1, name: 'address', required: false, type: { type: 'struct', fields: [{ id: 2, name: 'city', required: false, type: 'string' }] } },
      ],
    },
  });
  registry = new ConnectionRegistry({ pageSize: 2 });
  registry.setConnections(connectionsOf([], [{ name: 'test', uri: server.uri, warehouse: server.name }]));
});
after(async () => server.close());

function snapshot(id: bigint, seq: bigint, location: string, parent: bigint | undefined, summary: Record<string, string>): Snapshot {
  return {
    'snapshot-id': id, 'parent-snapshot-id': parent, 'sequence-number': seq, 'timestamp-ms': 1_764_000_000_000n + seq * 1000n,
    'manifest-list': `${location}/metadata/snap-${id}.avro`, summary: { operation: 'append', ...summary } as Snapshot['summary'], 'schema-id': 0,
  };
}

function appendUpdates(s: Snapshot): TableUpdate[] {
  return [{ action: 'add-snapshot', snapshot: s }, { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': s['snapshot-id'] }];
}

const labels = (r: ChildrenResult) => r.nodes.map((n) => n.label);
const find = (r: ChildrenResult, label: string): ExplorerNode => {
  const n = r.nodes.find((x) => x.label === label);
  assert.ok(n, `no node '${label}' in ${JSON.stringify(labels(r))}`);
  return n;
};
const ref = (r: Partial<NodeRef> & Pick<NodeRef, 'kind'>): NodeRef => ({ connection: CONN, ...r });

test('top-level namespaces page by two with Load more…, and the connection reports connected', async () => {
  const first = await childrenOf(registry, ref({ kind: 'connection' }));
  assert.deepEqual(labels(first), ['a', 'b', 'Load more…']);
  assert.deepEqual(first.connectionState, { state: 'connected' });
  const second = await childrenOf(registry, find(first, 'Load more…').ref);
  assert.deepEqual(labels(second), ['c', 'd', 'Load more…']);
  const third = await childrenOf(registry, find(second, 'Load more…').ref);
  assert.deepEqual(labels(third), ['e']);
  assert.equal(find(first, 'a').contextValue, 'floe.namespace');
});

test('nested namespaces come before tables, and tables page on after them', async () => {
  const a = await childrenOf(registry, ref({ kind: 'namespace', namespace: ['a'] }));
  assert.deepEqual(labels(a), ['x']);
  const x = await childrenOf(registry, find(a, 'x').ref);
  assert.deepEqual(labels(x), ['y', 't1', 't2', 'Load more…']);
  assert.deepEqual(find(x, 'y').ref.namespace, ['a', 'x', 'y']);
  assert.deepEqual(find(x, 't1').ref, { connection: CONN, kind: 'table', namespace: ['a', 'x'], table: 't1' });
  const more = await childrenOf(registry, find(x, 'Load more…').ref);
  assert.deepEqual(labels(more), ['t3', 't4', 'Load more…']);
  const last = await childrenOf(registry, find(more, 'Load more…').ref);
  assert.deepEqual(labels(last), ['t5']);
  const y = await childrenOf(registry, find(x, 'y').ref);
  assert.deepEqual(labels(y), ['No tables']);
});

test('a table shows columns, partition spec, sort order, snapshots with exact int64 ids, and properties', async () => {
  const table = await childrenOf(registry, ref({ kind: 'table', namespace: ['b'], table: 'events' }));
  assert.deepEqual(table.nodes.map((n) => [n.label, n.description]), [
    ['Columns', '3'], ['Partition spec', 'spec 0'], ['Sort order', 'order 1'], ['Snapshots', '2'], ['Properties', '1'],
  ]);
  const columns = await childrenOf(registry, find(table, 'Columns').ref);
  assert.deepEqual(columns.nodes.map((n) => [n.label, n.description]), [
    ['event_id', 'long · required · id 1'], ['kind', 'string · optional · id 2'], ['at', 'timestamptz · optional · id 3'],
  ]);
  assert.match(find(columns, 'kind').tooltip!, /What happened/);
  const spec = await childrenOf(registry, find(table, 'Partition spec').ref);
  assert.deepEqual(spec.nodes.map((n) => [n.label, n.description]), [['at_day', 'day(at)']]);
  const order = await childrenOf(registry, find(table, 'Sort order').ref);
  assert.deepEqual(order.nodes.map((n) => [n.label, n.description]), [['event_id', 'desc nulls-last']]);
  const snaps = await childrenOf(registry, find(table, 'Snapshots').ref);
  // Led by time and operation; the exact int64 ids (beyond JS's safe integers) in the ref and the tooltip.
  assert.match(snaps.nodes[0].label, /^\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? · overwrite$/);
  assert.match(snaps.nodes[1].label, /^2025-11-24 \d\d:\d\d(:01)? · append$/);
  assert.deepEqual(snaps.nodes.map((n) => n.ref.snapshotId), ['9223372036854775807', '9007199254740993']);
  assert.match(snaps.nodes[0].tooltip!, /^Snapshot 9223372036854775807 \(current\)\n/);
  assert.match(snaps.nodes[1].tooltip!, /^Snapshot 9007199254740993\n/);
  assert.equal(snaps.nodes[0].description, 'current · +2 / −1 records');
  assert.equal(snaps.nodes[1].description, '+3 records');
  const props = await childrenOf(registry, find(table, 'Properties').ref);
  assert.ok(props.nodes.some((n) => n.label === 'owner' && n.description === 'data-eng'), JSON.stringify(labels(props)));
});

test('a struct column expands to its fields', async () => {
  const columns = await childrenOf(registry, ref({ kind: 'columns', namespace: ['c'], table: 'people' }));
  const address = find(columns, 'address');
  assert.equal(address.collapsible, true);
  const inner = await childrenOf(registry, address.ref);
  assert.deepEqual(inner.nodes.map((n) => [n.label, n.description]), [['city', 'string · optional · id 2']]);
});

test('metadata JSON keeps int64 ids exact; create namespace and drop table act on the catalog', async () => {
  const meta = await tableMetadataJson(registry, { connection: CONN, namespace: ['b'], table: 'events' });
  assert.ok('json' in meta, JSON.stringify(meta));
  assert.match(meta.json, /"current-snapshot-id": 9223372036854775807/);

  assert.deepEqual(await createNamespace(registry, CONN, ['e', 'new']), { ok: true });
  const again = await createNamespace(registry, CONN, ['e', 'new']);
  assert.ok('error' in again && /e\.new/.test(again.error), JSON.stringify(again));
  assert.ok('error' in await createNamespace(registry, CONN, ['e', ' ']));
  assert.deepEqual(labels(await childrenOf(registry, ref({ kind: 'namespace', namespace: ['e'] }))), ['new']);

  assert.deepEqual(await dropTable(registry, { connection: CONN, namespace: ['a', 'x'], table: 't5' }), { ok: true });
  const gone = await childrenOf(registry, ref({ kind: 'table', namespace: ['a', 'x'], table: 't5' }));
  assert.equal(gone.nodes[0].state, 'not-found');
  assert.equal(gone.connectionState, undefined, 'a missing table does not mark the connection');
});

test('a catalog that needs credentials: 401 node state with the reason, then connected once the secret is set', async () => {
  const secure = await startTestCatalog({ clientId: 'explorer', clientSecret: 'expl-s3cret' });
  try {
    const reg = new ConnectionRegistry();
    reg.setConnections(connectionsOf([], [{ name: 'secure', uri: secure.uri, warehouse: secure.name, clientId: 'explorer' }], [], {}));
    const conn = { connection: 'setting:secure', kind: 'connection' as const };
    const denied = await childrenOf(reg, conn);
    assert.equal(denied.nodes.length, 1);
    assert.equal(denied.nodes[0].state, 'unauthorized');
    assert.equal(denied.nodes[0].label, 'Not authorized (401)');
    assert.equal(denied.nodes[0].contextValue, 'floe.error');
    assert.ok(denied.connectionState && denied.connectionState.state === 'unauthorized' && denied.connectionState.reason.includes(secure.uri), JSON.stringify(denied.connectionState));

    reg.setSecret('setting:secure', 'wrong-secret');
    const wrong = await childrenOf(reg, conn);
    assert.equal(wrong.nodes[0].state, 'unauthorized');
    assert.ok(!JSON.stringify(wrong).includes('wrong-secret'), 'the secret never shows');

    reg.setSecret('setting:secure', 'expl-s3cret');
    const ok = await childrenOf(reg, conn);
    assert.deepEqual(ok.connectionState, { state: 'connected' });
    assert.deepEqual(labels(ok), ['No namespaces']);
  } finally {
    await secure.close();
  }
});

test('a catalog that is down shows unreachable naming the URI, and recovers after a restart', async () => {
  const warehouse = await mkdtemp(path.join(os.tmpdir(), 'floe-explorer-'));
  let cat = await startTestCatalog({ warehouse });
  const port = Number(new URL(cat.uri).port);
  try {
    const admin = await connectRestCatalog({ uri: cat.uri, warehouse: cat.name });
    await admin.createNamespace(['ops']);
    const reg = new ConnectionRegistry({ timeoutMs: 3000 });
    reg.setConnections(connectionsOf([], [{ name: 'flaky', uri: cat.uri, warehouse: cat.name }]));
    const conn = { connection: 'setting:flaky', kind: 'connection' as const };
    assert.deepEqual(labels(await childrenOf(reg, conn)), ['ops']);

    await cat.close();
    const down = await childrenOf(reg, conn);
    assert.equal(down.nodes[0].state, 'unreachable');
    assert.equal(down.nodes[0].label, 'Catalog unreachable');
    assert.ok(down.nodes[0].description!.includes(`127.0.0.1:${port}`), down.nodes[0].description);
    assert.equal(down.connectionState?.state, 'unreachable');

    cat = await startTestCatalog({ warehouse, port });
    reg.forget('setting:flaky');
    const back = await childrenOf(reg, conn);
    assert.deepEqual(labels(back), ['ops']);
    assert.deepEqual(back.connectionState, { state: 'connected' });
  } finally {
    await cat.close();
    await rm(warehouse, { recursive: true, force: true });
  }
});

test('the local lakehouse connection starts its catalog on first expand', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'floe-explorer-local-'));
  let started: TestCatalog | undefined;
  try {
    const reg = new ConnectionRegistry({
      startLocal: async (warehouse) => {
        started ??= await startTestCatalog({ warehouse });
        return started;
      },
    });
    const configs = connectionsOf([], [], [root]);
    assert.deepEqual(configs.map((c) => [c.info.id, c.info.kind, c.localWarehouse]), [[`local:${root}`, 'local', path.join(root, '.floe', 'warehouse')]]);
    reg.setConnections(configs);
    const r = await childrenOf(reg, { connection: `local:${root}`, kind: 'connection' });
    assert.deepEqual(labels(r), ['No namespaces']);
    assert.ok(started, 'the local catalog was started');
  } finally {
    await started?.close();
    await rm(root, { recursive: true, force: true });
  }
});
