import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planScan, selectSnapshot } from '../../server/src/iceberg/scan.js';
import { writeManifest } from '../../server/src/iceberg/manifest.js';
import { writeManifestList } from '../../server/src/iceberg/manifest-list.js';
import { parseTableMetadata } from '../../server/src/iceberg/metadata-json.js';
import { encodeValue } from '../../server/src/iceberg/single-value.js';
import { IcebergError } from '../../server/src/iceberg/errors.js';
import { cmp, and, isIn, type Predicate } from '../../server/src/iceberg/predicate.js';
import type { DataFile, ManifestEntry, ManifestFile, PartitionSpec, TableMetadata } from '../../server/src/iceberg/spec.js';

const TABLE = `{
  "format-version": 2, "table-uuid": "u", "location": "s3://wh/db/t", "last-sequence-number": 9, "last-updated-ms": 5000,
  "last-column-id": 3, "current-schema-id": 0,
  "schemas": [{"type": "struct", "schema-id": 0, "fields": [
    {"id": 1, "name": "id", "required": true, "type": "long"},
    {"id": 2, "name": "ts", "required": false, "type": "timestamp"},
    {"id": 3, "name": "region", "required": false, "type": "string"}]}],
  "default-spec-id": 1, "partition-specs": [
    {"spec-id": 0, "fields": []},
    {"spec-id": 1, "fields": [{"name": "ts_day", "transform": "day", "source-id": 2, "field-id": 1000}, {"name": "region", "transform": "identity", "source-id": 3, "field-id": 1001}]}],
  "last-partition-id": 1001, "default-sort-order-id": 0, "sort-orders": [{"order-id": 0, "fields": []}],
  "properties": {}, "current-snapshot-id": 20,
  "refs": {"main": {"snapshot-id": 20, "type": "branch"}, "old": {"snapshot-id": 10, "type": "tag"}},
  "snapshots": [
    {"snapshot-id": 10, "sequence-number": 1, "timestamp-ms": 1000, "manifest-list": "s3://wh/db/t/metadata/snap-10.avro", "summary": {"operation": "append"}},
    {"snapshot-id": 20, "parent-snapshot-id": 10, "sequence-number": 2, "timestamp-ms": 2000, "manifest-list": "s3://wh/db/t/metadata/snap-20.avro", "summary": {"operation": "append"}}],
  "snapshot-log": [{"snapshot-id": 10, "timestamp-ms": 1000}, {"snapshot-id": 20, "timestamp-ms": 2000}], "metadata-log": []
}`;

const META = parseTableMetadata(TABLE);
const SCHEMA = META.schemas[0]!;
const [UNPARTITIONED, BY_DAY] = META['partition-specs'] as [PartitionSpec, PartitionSpec];
const DAY = 19723; // 2024-01-01

function file(path: string, partition: Record<string, unknown>, extra: Partial<DataFile> = {}): DataFile {
  return { content: 0, 'file-path': `s3://wh/db/t/data/${path}`, 'file-format': 'PARQUET', partition, 'record-count': 10n, 'file-size-in-bytes': 100n, ...extra };
}
const entry = (seq: bigint, f: DataFile, status: 0 | 1 | 2 = 1): ManifestEntry => ({ status, 'snapshot-id': 1n, 'sequence-number': seq, 'file-sequence-number': seq, 'data-file': f });

/** An in-memory table: manifests grouped by spec and content, one snapshot over them. */
function table(groups: { spec: PartitionSpec; content?: 0 | 1; formatVersion?: 2 | 3; entries: ManifestEntry[] }[], meta: TableMetadata = META) {
  const files = new Map<string, Uint8Array>();
  const manifests: ManifestFile[] = groups.map((g, i) => {
    const path = `s3://wh/db/t/metadata/m${i}.avro`;
    const { bytes, manifest } = writeManifest({ formatVersion: g.formatVersion ?? 2, schema: SCHEMA, spec: g.spec, content: g.content ?? 0, snapshotId: 20n, sequenceNumber: 2n, entries: g.entries, path });
    files.set(path, bytes);
    return manifest;
  });
  files.set('s3://wh/db/t/metadata/snap-20.avro', writeManifestList({ formatVersion: 2, snapshotId: 20n, sequenceNumber: 2n, manifests }).bytes);
  const io = {
    reads: 0,
    async read(p: string) { this.reads++; const b = files.get(p); if (!b) throw new Error(`no such file ${p}`); return b; },
  };
  return { meta, io, plan: (filter?: Predicate) => planScan(meta, filter ? { filter } : {}, io) };
}

const names = (tasks: { file: DataFile }[]) => tasks.map((t) => t.file['file-path'].replace(/^.*\//, '')).sort();

test('snapshot selection by id, ref, time and current', () => {
  const cases: [object, bigint | undefined][] = [
    [{}, 20n], [{ snapshotId: 10n }, 10n], [{ ref: 'old' }, 10n], [{ asOfTimestampMs: 1500n }, 10n], [{ asOfTimestampMs: 2000n }, 20n],
  ];
  for (const [opts, id] of cases) assert.equal(selectSnapshot(META, opts)?.['snapshot-id'], id, JSON.stringify(opts, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
  for (const opts of [{ snapshotId: 99n }, { ref: 'nope' }, { asOfTimestampMs: 10n }]) {
    assert.throws(() => selectSnapshot(META, opts), (e: unknown) => e instanceof IcebergError && e.kind === 'not-found' && e.message.includes('s3://wh/db/t'));
  }
  assert.equal(selectSnapshot({ ...META, 'current-snapshot-id': undefined, refs: {} }, {}), undefined);
});

test('deleted entries are dropped and delete files follow the spec rules', async () => {
  const p = { ts_day: DAY, region: 'eu' }, q = { ts_day: DAY, region: 'us' };
  const { plan } = table([
    { spec: BY_DAY, entries: [entry(3n, file('a.parquet', p)), entry(5n, file('b.parquet', p)), entry(3n, file('c.parquet', q)), entry(1n, file('gone.parquet', p), 2)] },
    { spec: BY_DAY, content: 1, entries: [
      entry(4n, file('eq-p4.parquet', p, { content: 2, 'equality-ids': [1] })),            // applies to a (3 < 4), not b (5)
      entry(5n, file('eq-p5.parquet', p, { content: 2, 'equality-ids': [1] })),            // equal sequence: not applied to b
      entry(5n, file('pos-p5.parquet', p, { content: 1 })),                                // position: seq <= 5 applies to a and b
      entry(9n, file('pos-ref.parquet', q, { content: 1, 'referenced-data-file': 's3://wh/db/t/data/c.parquet' })),
      entry(9n, file('pos-bounds.parquet', p, { content: 1,                                 // file_path bounds exclude a and b
        'lower-bounds': new Map([[2147483546, encodeValue('string', 's3://wh/db/t/data/x')]]), 'upper-bounds': new Map([[2147483546, encodeValue('string', 's3://wh/db/t/data/y')]]) })),
    ] },
    { spec: UNPARTITIONED, content: 1, entries: [entry(6n, file('eq-global.parquet', {}, { content: 2, 'equality-ids': [1] }))] },
  ]);
  const result = await plan();
  const got = Object.fromEntries(result.tasks.map((t) => [t.file['file-path'].replace(/^.*\//, ''), { eq: names(t.equalityDeletes.map((file) => ({ file }))), pos: names(t.positionDeletes.map((file) => ({ file }))) }]));
  assert.deepEqual(got, {
    'a.parquet': { eq: ['eq-global.parquet', 'eq-p4.parquet', 'eq-p5.parquet'], pos: ['pos-p5.parquet'] },
    'b.parquet': { eq: ['eq-global.parquet'], pos: ['pos-p5.parquet'] },
    'c.parquet': { eq: ['eq-global.parquet'], pos: ['pos-ref.parquet'] },
  });
  assert.equal(result.metrics.deleteFiles, 6);
});

test('deletion vectors: one data file each, by path, sequence number and partition; position delete files then left out', async () => {
  const p = { ts_day: DAY, region: 'eu' }, q = { ts_day: DAY, region: 'us' };
  const at = (name: string) => `s3://wh/db/t/data/${name}`;
  const dv = (name: string, target: string, partition: Record<string, unknown>, offset = 4n) =>
    file(name, partition, { content: 1, 'file-format': 'PUFFIN', 'referenced-data-file': at(target), 'content-offset': offset, 'content-size-in-bytes': 40n, 'record-count': 2n });
  const { plan } = table([
    { spec: BY_DAY, entries: [entry(3n, file('a.parquet', p)), entry(5n, file('b.parquet', p)), entry(3n, file('c.parquet', q)), entry(3n, file('d.parquet', p))] },
    { spec: BY_DAY, content: 1, formatVersion: 3, entries: [
      entry(4n, dv('dv-1.puffin', 'a.parquet', p)),                 // applies to a (3 <= 4); a's position deletes are then ignored
      entry(4n, dv('dv-1.puffin', 'b.parquet', p, 60n)),            // older than b (5): not applied
      entry(6n, dv('dv-2.puffin', 'c.parquet', p)),                 // c is in partition q: not applied
      entry(5n, file('pos-p5.parquet', p, { content: 1 }), 0),      // (existing since v2) applies to b and d, not to a (it has a vector)
      entry(5n, file('eq-p5.parquet', p, { content: 2, 'equality-ids': [1] })), // equality deletes still apply beside a vector
    ] },
  ]);
  const result = await plan();
  const got = Object.fromEntries(result.tasks.map((t) => [t.file['file-path'].replace(/^.*\//, ''), {
    dv: t.deletionVector && `${t.deletionVector['file-path'].replace(/^.*\//, '')}@${t.deletionVector['content-offset']}`,
    pos: names(t.positionDeletes.map((file) => ({ file }))), eq: names(t.equalityDeletes.map((file) => ({ file }))),
  }]));
  assert.deepEqual(got, {
    'a.parquet': { dv: 'dv-1.puffin@4', pos: [], eq: ['eq-p5.parquet'] },
    'b.parquet': { dv: undefined, pos: ['pos-p5.parquet'], eq: [] },
    'c.parquet': { dv: undefined, pos: [], eq: [] },
    'd.parquet': { dv: undefined, pos: ['pos-p5.parquet'], eq: ['eq-p5.parquet'] },
  });
  assert.equal(result.tasks.find((t) => t.file['file-path'].endsWith('a.parquet'))!.deletionVector!['referenced-data-file'], at('a.parquet'));
});

test('two deletion vectors for one data file, or one without a referenced data file, are invalid tables', async () => {
  const dv = (offset: bigint, extra: Partial<DataFile> = {}) => file('dv.puffin', {}, { content: 1, 'file-format': 'PUFFIN', 'referenced-data-file': 's3://wh/db/t/data/a.parquet', 'content-offset': offset, 'content-size-in-bytes': 40n, ...extra });
  const two = table([
    { spec: UNPARTITIONED, entries: [entry(1n, file('a.parquet', {}))] },
    { spec: UNPARTITIONED, content: 1, formatVersion: 3, entries: [entry(2n, dv(4n)), entry(3n, dv(44n))] },
  ]);
  await assert.rejects(two.plan(), (e: unknown) => e instanceof IcebergError && e.kind === 'invalid-metadata'
    && /data file s3:\/\/wh\/db\/t\/data\/a\.parquet has 2 deletion vectors \(.*dv\.puffin at offset 4, .*dv\.puffin at offset 44\)/.test(e.message));
  const orphan = table([
    { spec: UNPARTITIONED, entries: [entry(1n, file('a.parquet', {}))] },
    { spec: UNPARTITIONED, content: 1, formatVersion: 3, entries: [entry(2n, dv(4n, { 'referenced-data-file': undefined }))] },
  ]);
  await assert.rejects(orphan.plan(), (e: unknown) => e instanceof IcebergError && e.kind === 'invalid-metadata' && /no referenced_data_file.*dv\.puffin/.test(e.message));
});

test('filters prune by partition transform, manifest summaries and column metrics', async () => {
  const bounds = (lo: bigint, hi: bigint): Partial<DataFile> => ({
    'value-counts': new Map([[1, 10n]]), 'null-value-counts': new Map([[1, 0n]]),
    'lower-bounds': new Map([[1, encodeValue('long', lo)]]), 'upper-bounds': new Map([[1, encodeValue('long', hi)]]),
  });
  const t = table([
    { spec: BY_DAY, entries: [entry(1n, file('d1-eu.parquet', { ts_day: DAY, region: 'eu' }, bounds(0n, 99n))), entry(1n, file('d2-us.parquet', { ts_day: DAY + 1, region: 'us' }, bounds(100n, 199n)))] },
    { spec: BY_DAY, entries: [entry(1n, file('d9-eu.parquet', { ts_day: DAY + 8, region: 'eu' }, bounds(200n, 299n)))] },
    { spec: UNPARTITIONED, entries: [entry(1n, file('old.parquet', {}))] },
  ]);
  const cases: [Predicate, string[]][] = [
    [cmp('ts', '>=', '2024-01-02 12:00:00'), ['d2-us.parquet', 'd9-eu.parquet', 'old.parquet']],
    [cmp('ts', '<', '2024-01-02'), ['d1-eu.parquet', 'old.parquet']], // day(ts) <= 2024-01-01
    [cmp('ts', '<=', '2024-01-02'), ['d1-eu.parquet', 'd2-us.parquet', 'old.parquet']],
    [cmp('ts', '=', '2024-01-09T08:00:00'), ['d9-eu.parquet', 'old.parquet']],
    [and(cmp('region', '=', 'EU'), cmp('id', '>', 0)), ['old.parquet']],
    [isIn('region', ['eu']), ['d1-eu.parquet', 'd9-eu.parquet', 'old.parquet']],
    [cmp('id', '>=', 150), ['d2-us.parquet', 'd9-eu.parquet', 'old.parquet']],
    [cmp('id', '=', 'not a number'), ['d1-eu.parquet', 'd2-us.parquet', 'd9-eu.parquet', 'old.parquet']], // unprunable, not an error
  ];
  for (const [filter, expected] of cases) assert.deepEqual(names((await t.plan(filter)).tasks), expected, JSON.stringify(filter));
  t.io.reads = 0;
  const p = await t.plan(cmp('ts', '<', '2024-01-03'));
  assert.equal(p.metrics.manifestsSkipped, 1, 'the d9 manifest is skipped by its partition summary');
  assert.equal(t.io.reads, 3);
  const lean = (await t.plan()).tasks.find((x) => x.file['file-path'].endsWith('d1-eu.parquet'))!;
  assert.equal(lean.file['lower-bounds'], undefined, 'metrics are not decoded when nothing needs them');
  const full = (await planScan(t.meta, { keepMetrics: true }, t.io)).tasks.find((x) => x.file['file-path'].endsWith('d1-eu.parquet'))!;
  assert.deepEqual([...full.file['value-counts']!], [[1, 10n]]);
  await assert.rejects(t.plan(cmp('nope', '=', 1)), (e: unknown) => e instanceof IcebergError && /"nope"/.test(e.message));
});

test('planning 10,000 data files in 100 manifests finds every task (time goes to npm run bench)', async (ctx) => {
  const groups = Array.from({ length: 100 }, (_, m) => ({
    spec: BY_DAY,
    entries: Array.from({ length: 100 }, (_, i) => entry(1n, file(`f-${m}-${i}.parquet`, { ts_day: DAY + m, region: i % 2 ? 'eu' : 'us' }, {
      'column-sizes': new Map([[1, 10n], [2, 10n], [3, 10n]]), 'value-counts': new Map([[1, 10n], [2, 10n], [3, 10n]]),
      'null-value-counts': new Map([[1, 0n], [2, 0n], [3, 0n]]),
      'lower-bounds': new Map([[1, encodeValue('long', 0n)], [3, encodeValue('string', 'eu')]]),
      'upper-bounds': new Map([[1, encodeValue('long', 99n)], [3, encodeValue('string', 'us')]]),
    }))),
  }));
  const t = table(groups);
  await t.plan(); // warm up (JIT, avsc type compilation)
  // CPU time, not wall time: this machine is shared, and other processes' load must not fail the test.
  const cpu: number[] = [], wall: number[] = [];
  for (let i = 0; i < 5; i++) {
    const c = process.cpuUsage(), start = performance.now();
    const p = await t.plan();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    assert.equal(p.tasks.length, 10_000);
  }
  // The 200 ms goal is a benchmark figure (npm run bench: plan_10k_files_ms), not a timed test; this only reports.
  ctx.diagnostic(`cpu ${cpu.map((c) => c.toFixed(0)).join(', ')} ms; wall ${wall.map((w) => w.toFixed(0)).join(', ')} ms`);
});
