// Big tables (issue 16): planning that stops at a row limit, and count/min/max from manifests, each exact or refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planScan } from '../../server/src/iceberg/scan.js';
import { aggregateFromMetadata } from '../../server/src/iceberg/metadata-aggregates.js';
import { writeManifest } from '../../server/src/iceberg/manifest.js';
import { writeManifestList } from '../../server/src/iceberg/manifest-list.js';
import { parseTableMetadata } from '../../server/src/iceberg/metadata-json.js';
import { encodeValue } from '../../server/src/iceberg/single-value.js';
import { and, cmp } from '../../server/src/iceberg/predicate.js';
import { prunableFilter } from '../../server/src/engine/read/query-shape.js';
import type { DataFile, ManifestEntry, ManifestFile, PrimitiveType } from '../../server/src/iceberg/spec.js';

const META = parseTableMetadata(`{
  "format-version": 2, "table-uuid": "u", "location": "s3://wh/db/t", "last-sequence-number": 9, "last-updated-ms": 5000,
  "last-column-id": 5, "current-schema-id": 0,
  "schemas": [{"type": "struct", "schema-id": 0, "fields": [
    {"id": 1, "name": "id", "required": true, "type": "long"},
    {"id": 2, "name": "score", "required": false, "type": "double"},
    {"id": 3, "name": "name", "required": false, "type": "string"},
    {"id": 4, "name": "day", "required": false, "type": "date"},
    {"id": 5, "name": "price", "required": false, "type": "decimal(9, 2)"}]}],
  "default-spec-id": 0, "partition-specs": [{"spec-id": 0, "fields": []}],
  "last-partition-id": 999, "default-sort-order-id": 0, "sort-orders": [{"order-id": 0, "fields": []}],
  "properties": {}, "current-snapshot-id": 20, "refs": {"main": {"snapshot-id": 20, "type": "branch"}},
  "snapshots": [{"snapshot-id": 20, "sequence-number": 2, "timestamp-ms": 2000, "manifest-list": "s3://wh/db/t/metadata/snap-20.avro", "summary": {"operation": "append"}}],
  "snapshot-log": [], "metadata-log": []
}`);
const SCHEMA = META.schemas[0]!;
const SPEC = META['partition-specs'][0]!;

type Bounds = Partial<Record<number, [PrimitiveType, unknown, unknown]>>;
function file(name: string, rows: bigint, bounds: Bounds = {}, extra: Partial<DataFile> = {}): DataFile {
  const ids = Object.keys(bounds).map(Number);
  return {
    content: 0, 'file-path': `s3://wh/db/t/data/${name}`, 'file-format': 'PARQUET', partition: {}, 'record-count': rows, 'file-size-in-bytes': 100n,
    'null-value-counts': new Map(ids.map((id) => [id, 0n])), 'nan-value-counts': new Map([[2, 0n]]),
    'lower-bounds': new Map(ids.map((id) => [id, encodeValue(bounds[id]![0], bounds[id]![1] as never)])),
    'upper-bounds': new Map(ids.map((id) => [id, encodeValue(bounds[id]![0], bounds[id]![2] as never)])),
    ...extra,
  };
}
const entry = (f: DataFile, status: 0 | 1 | 2 = 1): ManifestEntry => ({ status, 'snapshot-id': 20n, 'sequence-number': 1n, 'file-sequence-number': 1n, 'data-file': f });

/** A one-snapshot table over manifests of the given entries (content 1 = position deletes); counts manifest reads. */
function table(groups: { content?: 0 | 1; entries: ManifestEntry[] }[]) {
  const files = new Map<string, Uint8Array>();
  const manifests: ManifestFile[] = groups.map((g, i) => {
    const path = `s3://wh/db/t/metadata/m${i}.avro`;
    const { bytes, manifest } = writeManifest({ formatVersion: 2, schema: SCHEMA, spec: SPEC, content: g.content ?? 0, snapshotId: 20n, sequenceNumber: 2n, entries: g.entries, path });
    files.set(path, bytes);
    return manifest;
  });
  files.set('s3://wh/db/t/metadata/snap-20.avro', writeManifestList({ formatVersion: 2, snapshotId: 20n, sequenceNumber: 2n, manifests }).bytes);
  const io = { reads: [] as string[], async read(p: string) { this.reads.push(p); return files.get(p)!; } };
  return { io };
}
const names = (tasks: { file: DataFile }[]) => tasks.map((t) => t.file['file-path'].replace(/^.*\//, ''));

test('a row limit stops planning at the manifest whose files reach it, and leaves files after them out', async () => {
  const t = table([
    { entries: [entry(file('a', 40n)), entry(file('gone', 500n), 2), entry(file('b', 40n))] },
    { entries: [entry(file('c', 40n)), entry(file('d', 40n))] },
    { entries: [entry(file('e', 40n))] },
  ]);
  const plan = await planScan(META, { rowLimit: 100n }, t.io);
  assert.deepEqual(names(plan.tasks), ['a', 'b', 'c']);
  assert.equal(plan.complete, false);
  assert.equal(plan.listedRows, 200n);
  assert.equal(t.io.reads.length, 3, 'the manifest list and two manifests');

  t.io.reads = [];
  const enough = await planScan(META, { rowLimit: 80n }, t.io);
  assert.deepEqual(names(enough.tasks), ['a', 'b']);
  assert.equal(t.io.reads.length, 2, 'the third manifest is never opened');

  const whole = await planScan(META, { rowLimit: 1000n }, t.io);
  assert.deepEqual(names(whole.tasks), ['a', 'b', 'c', 'd', 'e']);
  assert.equal(whole.complete, true);
});

test('the manifests a row limit needs, by the manifest list\'s row counts, are read at once', async () => {
  const t = table([
    { entries: [entry(file('a', 40n))] },
    { entries: [entry(file('b', 40n))] },
    { entries: [entry(file('c', 40n))] },
    { entries: [entry(file('d', 40n))] },
  ]);
  // every read takes 5 ms; the most reads in flight at once are counted
  let inFlight = 0, most = 0;
  const read = t.io.read.bind(t.io);
  const io = { async read(p: string) { inFlight++; most = Math.max(most, inFlight); await new Promise((r) => setTimeout(r, 5)); inFlight--; return read(p); } };
  const plan = await planScan(META, { rowLimit: 100n }, io);
  assert.deepEqual(names(plan.tasks), ['a', 'b', 'c']);
  assert.equal(most, 3, 'the three manifests holding 100 rows were read together');
  assert.equal(t.io.reads.length, 4, 'the manifest list and three manifests: the fourth is never opened');

  // counts that undercount (here: a limit no manifest list count reaches) fetch at most 8 ahead, then one at a time
  const many = table(Array.from({ length: 12 }, (_, i) => ({ entries: [entry(file(`f${i}`, 1n))] })));
  let now = 0, peak = 0;
  const readMany = many.io.read.bind(many.io);
  const all = await planScan(META, { rowLimit: 1000n }, { async read(p: string) { now++; peak = Math.max(peak, now); await new Promise((r) => setTimeout(r, 2)); now--; return readMany(p); } });
  assert.equal(all.tasks.length, 12);
  assert.equal(peak, 8);
});

test('a row limit is ignored where deletes or a filter can remove rows: the plan is the whole one', async () => {
  const withDeletes = table([
    { entries: [entry(file('a', 40n)), entry(file('b', 40n))] },
    { content: 1, entries: [entry(file('pos', 5n, {}, { content: 1 }))] },
  ]);
  const plan = await planScan(META, { rowLimit: 10n }, withDeletes.io);
  assert.deepEqual(names(plan.tasks), ['a', 'b']);
  assert.equal(plan.complete, true);
  assert.equal(plan.tasks[0]!.positionDeletes.length, 1);

  // a delete manifest whose entries were all removed holds no live delete file
  const removed = table([
    { entries: [entry(file('a', 40n)), entry(file('b', 40n))] },
    { content: 1, entries: [entry(file('pos', 5n, {}, { content: 1 }), 2)] },
  ]);
  assert.deepEqual(names((await planScan(META, { rowLimit: 10n }, removed.io)).tasks), ['a']);

  const filtered = table([{ entries: [entry(file('a', 40n, { 1: ['long', 0n, 39n] })), entry(file('b', 40n, { 1: ['long', 40n, 79n] }))] }]);
  const f = await planScan(META, { rowLimit: 10n, filter: cmp('id', '>=', 50) }, filtered.io);
  assert.deepEqual(names(f.tasks), ['b']);
  assert.equal(f.complete, true);
});

test('count, min and max come from manifests when every file records exact bounds', async () => {
  const t = table([
    { entries: [
      entry(file('a', 10n, { 1: ['long', 5n, 50n], 2: ['double', 1.5, 9.25], 4: ['date', 19000, 19010], 5: ['decimal(9, 2)', 1050n, 99999n] })),
      entry(file('gone', 1000n, { 1: ['long', -99n, 999n] }), 2),
    ] },
    { entries: [entry(file('b', 7n, { 1: ['long', -3n, 20n], 2: ['double', -0.5, 3.0], 4: ['date', 18990, 19001], 5: ['decimal(9, 2)', -1n, 5n] }))] },
  ]);
  const a = await aggregateFromMetadata(META, { bounds: [1, 2, 4, 5] }, {}, t.io);
  assert.ok(a.ok, !a.ok ? a.reason : '');
  assert.equal(a.rows, 17n);
  assert.deepEqual([...a.min], [[1, -3n], [2, -0.5], [4, 18990], [5, -1n]]);
  assert.deepEqual([...a.max], [[1, 50n], [2, 9.25], [4, 19010], [5, 99999n]]);
});

test('min/max fall back whenever metadata cannot be exact; an all-null file needs no bounds', async () => {
  const reason = async (groups: Parameters<typeof table>[0], bounds: number[]) => {
    const a = await aggregateFromMetadata(META, { bounds }, {}, table(groups).io);
    return a.ok ? 'ok' : a.reason;
  };
  const good = entry(file('a', 10n, { 1: ['long', 1n, 2n], 2: ['double', 1.5, 2.5], 3: ['string', 'a', 'b'] }));
  assert.match(await reason([{ entries: [good] }], [3]), /string column "name" may be inexact/);
  assert.match(await reason([{ entries: [good, entry(file('no-stats', 5n))] }], [1]), /no-stats records no exact bounds for column "id"/);
  const nan = entry(file('nan', 5n, { 2: ['double', 1.0, 2.0] }, { 'nan-value-counts': new Map([[2, 1n]]) }));
  assert.match(await reason([{ entries: [good, nan] }], [2]), /nan records no exact bounds/);
  const zero = entry(file('zero', 5n, { 2: ['double', 0, 2.0] }));
  assert.match(await reason([{ entries: [good, zero] }], [2]), /zero records no exact bounds/);
  // an int-width bound on the long column (a promoted column's old file) is not trusted
  const narrow = entry(file('narrow', 5n, { 1: ['int', 1, 2] }));
  assert.match(await reason([{ entries: [good, narrow] }], [1]), /narrow records no exact bounds/);
  assert.match(await reason([{ entries: [good] }, { content: 1, entries: [entry(file('pos', 1n, {}, { content: 1 }))] }], []), /1 delete file/);
  const allNull = entry(file('nulls', 5n, {}, { 'null-value-counts': new Map([[1, 5n]]) }));
  const t = table([{ entries: [good, allNull] }]);
  const a = await aggregateFromMetadata(META, { bounds: [1] }, {}, t.io);
  assert.ok(a.ok);
  assert.equal(a.rows, 15n);
  assert.deepEqual([a.min.get(1), a.max.get(1)], [1n, 2n]);
  const onlyNulls = await aggregateFromMetadata(META, { bounds: [1] }, {}, table([{ entries: [allNull] }]).io);
  assert.ok(onlyNulls.ok);
  assert.deepEqual([onlyNulls.min.get(1), onlyNulls.max.get(1)], [null, null]);
});

test('only filter terms DuckDB and Iceberg read alike prune files', () => {
  const schema = parseTableMetadata(JSON.stringify({
    'format-version': 2, 'table-uuid': 'u', location: 'x', 'last-sequence-number': 0, 'last-updated-ms': 0, 'last-column-id': 6, 'current-schema-id': 0,
    schemas: [{ type: 'struct', 'schema-id': 0, fields: [
      { id: 1, name: 'id', required: false, type: 'long' }, { id: 2, name: 'at', required: false, type: 'timestamptz' },
      { id: 3, name: 'day', required: false, type: 'date' }, { id: 4, name: 'x', required: false, type: 'double' },
      { id: 5, name: 'ab', required: false, type: 'string' }, { id: 6, name: 'AB', required: false, type: 'string' }] }],
    'default-spec-id': 0, 'partition-specs': [{ 'spec-id': 0, fields: [] }], 'last-partition-id': 999, 'default-sort-order-id': 0,
    'sort-orders': [{ 'order-id': 0, fields: [] }], properties: {}, snapshots: [], 'snapshot-log': [], 'metadata-log': [],
  })).schemas[0]!;
  const T = { op: 'true' };
  assert.deepEqual(prunableFilter(and(cmp('id', '>=', 5), cmp('at', '>', '2024-01-01'), cmp('day', '=', '2024-01-01'), cmp('x', '<', 2), cmp('nope', '=', 1), cmp('ab', '=', 'q')), schema),
    { op: 'and', args: [cmp('id', '>=', 5), T, cmp('day', '=', '2024-01-01'), T, T, T] }, 'time zones, floats, unknown and case-ambiguous columns stay unpruned');
  assert.deepEqual(prunableFilter({ op: 'in', column: 'ID', values: [1, 'two'] }, schema), T);
});
