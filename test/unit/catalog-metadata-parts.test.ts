// The local catalog's metadata worker sends long histories in parts (metadata-codec-protocol.ts): they must
// arrive whole and in order, and a lost part must fail rather than shorten the table's history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PART_ITEMS, PartCollector, splitMetadata } from '../../server/src/catalog/local/metadata-codec-protocol';
import type { TableMetadata } from '../../server/src/iceberg/spec';

function history(count: number): TableMetadata {
  const snapshots = Array.from({ length: count }, (_, i) => ({
    'snapshot-id': BigInt(i + 1), 'sequence-number': BigInt(i + 1), 'timestamp-ms': 1000n + BigInt(i),
    'manifest-list': `/t/metadata/snap-${i + 1}.avro`, summary: { operation: 'append' as const },
  }));
  return {
    'format-version': 2, 'table-uuid': 'u', location: '/t', 'last-sequence-number': BigInt(count), 'last-updated-ms': 5000n,
    'last-column-id': 1, schemas: [{ type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'id', required: false, type: 'long' }] }],
    'current-schema-id': 0, 'partition-specs': [{ 'spec-id': 0, fields: [] }], 'default-spec-id': 0, 'last-partition-id': 999,
    properties: { a: 'b' }, 'sort-orders': [{ 'order-id': 0, fields: [] }], 'default-sort-order-id': 0,
    snapshots, 'snapshot-log': snapshots.map((s) => ({ 'snapshot-id': s['snapshot-id'], 'timestamp-ms': s['timestamp-ms'] })),
    'metadata-log': [], refs: {}, 'current-snapshot-id': BigInt(count),
  } as TableMetadata;
}

test('long arrays travel in parts and are put back whole and in order', () => {
  const m = history(2 * PART_ITEMS + 17);
  const { head, keys, slices } = splitMetadata(m);
  assert.deepEqual(keys.map((k) => k.key).sort(), ['snapshot-log', 'snapshots']);
  assert.equal(head.snapshots.length, 0);
  assert.equal(slices.length, 6);
  assert.ok(slices.every((s) => s.items.length <= PART_ITEMS));
  const collector = new PartCollector();
  for (const s of slices) collector.add({ id: 7, ...s });
  assert.deepEqual(collector.join(7, head, keys), m);
});

test('short metadata travels whole; a lost part fails the join', () => {
  const small = history(10);
  const split = splitMetadata(small);
  assert.deepEqual(split.keys, []);
  assert.deepEqual(new PartCollector().join(1, split.head, split.keys), small);

  const { head, keys, slices } = splitMetadata(history(PART_ITEMS + 1));
  const collector = new PartCollector();
  for (const s of slices.slice(1)) collector.add({ id: 2, ...s });
  assert.throws(() => collector.join(2, head, keys), /arrived with \d+ of 2001 entries/);
});
