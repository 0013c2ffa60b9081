// Explorer node formatting: columns, snapshots (int64 ids as strings), partition and sort fields, sections, errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  columnNodes, errorNode, formatTimestampMs, loadMoreNode, nestedColumnNodes, partitionFieldNodes, recordSummary, snapshotNodes,
  sortFieldNodes, tableSectionNodes,
} from '../../server/src/explorer/nodes';
import { problemOf } from '../../server/src/explorer/errors';
import { CatalogError } from '../../server/src/catalog/catalog';
import type { TableMetadata } from '../../server/src/iceberg/spec';

const META: TableMetadata = {
  'format-version': 2, 'table-uuid': 'u', location: '/w/t', 'last-sequence-number': 2n, 'last-updated-ms': 0n, 'last-column-id': 4,
  schemas: [
    { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'old', required: false, type: 'int' }] },
    {
      type: 'struct', 'schema-id': 1, fields: [
        { id: 1, name: 'id', required: true, type: 'long', doc: 'Primary key' },
        { id: 2, name: 'price', required: false, type: 'decimal(10, 2)' },
        { id: 3, name: 'tags', required: false, type: { type: 'list', 'element-id': 4, element: 'string', 'element-required': false } },
      ],
    },
  ],
  'current-schema-id': 1,
  'partition-specs': [{ 'spec-id': 0, fields: [{ 'source-id': 1, 'field-id': 1000, name: 'id_bucket', transform: 'bucket[16]' }] }],
  'default-spec-id': 0, 'last-partition-id': 1000,
  properties: { 'write.format.default': 'parquet', a: '1' },
  'current-snapshot-id': 9223372036854775806n,
  snapshots: [
    { 'snapshot-id': 9223372036854775806n, 'parent-snapshot-id': 1n, 'sequence-number': 2n, 'timestamp-ms': 1_764_043_200_000n, 'manifest-list': 'm2', summary: { operation: 'delete', 'deleted-records': '7' } },
    { 'snapshot-id': 1n, 'sequence-number': 1n, 'timestamp-ms': 1_764_000_000_000n, 'manifest-list': 'm1', summary: { operation: 'append' } },
  ],
  'snapshot-log': [], 'metadata-log': [],
  'sort-orders': [{ 'order-id': 0, fields: [] }, { 'order-id': 3, fields: [{ 'source-id': 2, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' }] }],
  'default-sort-order-id': 3, refs: {},
};

type Row = [label: string, description: string | undefined];
const rows = (nodes: { label: string; description?: string }[]): Row[] => nodes.map((n) => [n.label, n.description]);

function check(name: string, actual: Row[], expected: Row[]): void {
  assert.deepEqual(actual, expected, name);
}

test('table sections and their children', () => {
  check('sections', rows(tableSectionNodes('c', ['n'], 't', META)), [
    ['Columns', '3'], ['Partition spec', 'spec 0'], ['Sort order', 'order 3'], ['Snapshots', '2'], ['Properties', '2'],
  ]);
  check('columns of the current schema', rows(columnNodes('c', ['n'], 't', META)), [
    ['id', 'long · required · id 1'], ['price', 'decimal(10, 2) · optional · id 2'], ['tags', 'list<string> · optional · id 3'],
  ]);
  check('partition fields', rows(partitionFieldNodes('c', ['n'], 't', META)), [['id_bucket', 'bucket[16](id)']]);
  check('sort fields', rows(sortFieldNodes('c', ['n'], 't', META)), [['price', 'asc nulls-first']]);
  check('snapshots newest first, led by time and operation, the current one marked', rows(snapshotNodes('c', ['n'], 't', META)), [
    ['2025-11-25 04:00 · delete', 'current · −7 records'],
    ['2025-11-24 16:00 · append', ''],
  ]);
  const sameMinute: TableMetadata = {
    ...META,
    snapshots: [
      ...META.snapshots,
      { 'snapshot-id': 2n, 'parent-snapshot-id': 1n, 'sequence-number': 3n, 'timestamp-ms': 1_764_043_212_345n, 'manifest-list': 'm3', summary: { operation: 'overwrite', 'added-records': '3' } },
    ],
  };
  check('snapshots in the same minute show their seconds', rows(snapshotNodes('c', ['n'], 't', sameMinute)), [
    ['2025-11-25 04:00:12 · overwrite', '+3 records'],
    ['2025-11-25 04:00:00 · delete', 'current · −7 records'],
    ['2025-11-24 16:00 · append', ''],
  ]);
});

test('a column tooltip carries its doc; snapshot refs carry the id as a string', () => {
  assert.equal(columnNodes('c', ['n'], 't', META)[0].tooltip, 'id: long (required, field id 1)\nPrimary key');
  const [current] = snapshotNodes('c', ['n'], 't', META);
  assert.equal(current.ref.snapshotId, '9223372036854775806');
  assert.match(current.tooltip!, /^Snapshot 9223372036854775806 \(current\)\n2025-11-25 04:00:00 UTC, delete\n/, 'the exact 19-digit id leads the tooltip');
  assert.equal(current.contextValue, 'floe.snapshot');
  assert.match(current.tooltip!, /parent 1\n/);
});

test('empty sections are not expandable', () => {
  const bare: TableMetadata = { ...META, 'partition-specs': [{ 'spec-id': 0, fields: [] }], 'default-sort-order-id': 0, snapshots: [], properties: {} };
  assert.deepEqual(tableSectionNodes('c', ['n'], 't', bare).map((n) => [n.label, n.description, n.collapsible]), [
    ['Columns', '3', true], ['Partition spec', 'unpartitioned', false], ['Sort order', 'unsorted', false], ['Snapshots', '0', false], ['Properties', '0', false],
  ]);
});

test('record summaries and timestamps', () => {
  const cases: [Record<string, string>, string][] = [
    [{ 'added-records': '10' }, '+10 records'],
    [{ 'added-records': '2', 'deleted-records': '1' }, '+2 / −1 records'],
    [{ 'deleted-records': '5' }, '−5 records'],
    [{}, ''],
  ];
  for (const [summary, expected] of cases) assert.equal(recordSummary(summary), expected, JSON.stringify(summary));
  assert.equal(formatTimestampMs(0n), '1970-01-01 00:00:00 UTC');
});

test('errors become node states with their reason; Load more keeps the parent ref', () => {
  const cases: [unknown, string, string][] = [
    [new CatalogError('unreachable', 'Cannot reach the catalog at http://h:1 (ECONNREFUSED)'), 'unreachable', 'Catalog unreachable'],
    [new CatalogError('unauthorized', 'The catalog refused client_secret=abc'), 'unauthorized', 'Not authorized (401)'],
    [new CatalogError('forbidden', 'no privilege'), 'forbidden', 'Forbidden (403)'],
    [new CatalogError('server-error', 'boom'), 'error', 'Error'],
    [new TypeError('x is undefined\n    at stack'), 'error', 'Error'],
  ];
  for (const [e, state, label] of cases) {
    const p = problemOf(e);
    const n = errorNode({ connection: 'c', kind: 'connection' }, p.state, p.reason);
    assert.deepEqual([n.state, n.label], [state, label]);
    assert.ok(!n.description!.includes('at stack') && !n.description!.includes('abc'), n.description);
  }
  const more = loadMoreNode({ connection: 'c', kind: 'namespace', namespace: ['a'] }, 'tb:xyz');
  assert.deepEqual(more.ref, { connection: 'c', kind: 'loadMore', namespace: ['a'], pageToken: 'tb:xyz' });
});

test('nested columns expand: struct fields, list element, map key and value, by field id', () => {
  const nested: TableMetadata = {
    ...META,
    'current-schema-id': 7,
    schemas: [{
      type: 'struct', 'schema-id': 7, fields: [
        { id: 1, name: 'id', required: true, type: 'long' },
        {
          id: 2, name: 'address', required: false, type: {
            type: 'struct', fields: [
              { id: 5, name: 'street', required: false, type: 'string' },
              { id: 6, name: 'geo', required: false, type: { type: 'struct', fields: [{ id: 9, name: 'lat', required: true, type: 'double' }] } },
            ],
          },
        },
        { id: 3, name: 'tags', required: false, type: { type: 'list', 'element-id': 7, element: 'string', 'element-required': true } },
        { id: 4, name: 'attrs', required: false, type: { type: 'map', 'key-id': 10, key: 'string', 'value-id': 11, value: 'int', 'value-required': false } },
      ],
    }],
  };
  const top = columnNodes('c', ['n'], 't', nested);
  assert.deepEqual(top.map((n) => [n.label, n.collapsible, n.ref.fieldId]), [
    ['id', false, undefined], ['address', true, 2], ['tags', true, 3], ['attrs', true, 4],
  ]);
  const cases: [number, Row[]][] = [
    [2, [['street', 'string · optional · id 5'], ['geo', 'struct<lat: double> · optional · id 6']]],
    [6, [['lat', 'double · required · id 9']]],
    [3, [['element', 'string · required · id 7']]],
    [4, [['key', 'string · required · id 10'], ['value', 'int · optional · id 11']]],
    [1, []],
    [99, []],
  ];
  for (const [fieldId, expected] of cases) check(`children of field ${fieldId}`, rows(nestedColumnNodes('c', ['n'], 't', fieldId, nested)), expected);
  const ids = new Set([...top, ...nestedColumnNodes('c', ['n'], 't', 2, nested)].map((n) => n.id));
  assert.equal(ids.size, 6, 'node ids stay unique across levels');
});
