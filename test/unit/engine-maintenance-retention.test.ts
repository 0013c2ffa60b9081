// Which snapshots expire-snapshots keeps (refs, branch retention, age, count), the sizes and durations the
// maintenance commands take, and the file counts the explorer shows; pure functions, no I/O.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snapshotsToKeep } from '../../server/src/engine/maintenance/expire-snapshots';
import { fileStatsDescription, tableFileStats } from '../../server/src/explorer/maintenance';
import { formatBytes, parseDuration, parseSize } from '../../server/src/util/quantities';
import type { Snapshot, SnapshotRef, TableMetadata } from '../../server/src/iceberg/spec';

const DAY = 86_400_000;
const NOW = 100 * DAY;

/** A history `1 ← 2 ← … ← n` (snapshot i taken i days ago from the end: n is newest), with refs. */
function table(n: number, refs: Record<string, SnapshotRef>, extra: Snapshot[] = [], summary: Record<string, string> = {}): TableMetadata {
  const snapshots: Snapshot[] = Array.from({ length: n }, (_, i) => ({
    'snapshot-id': BigInt(i + 1), ...(i ? { 'parent-snapshot-id': BigInt(i) } : {}), 'sequence-number': BigInt(i + 1),
    'timestamp-ms': BigInt(NOW - (n - 1 - i) * DAY), 'manifest-list': `s${i + 1}.avro`, summary: { operation: 'append', ...summary },
  }));
  return { snapshots: [...snapshots, ...extra], refs, 'current-snapshot-id': refs.main?.['snapshot-id'] } as unknown as TableMetadata;
}

function check(m: TableMetadata, olderThanDays: number, retainLast: number, expected: number[]): void {
  assert.deepEqual([...snapshotsToKeep(m, olderThanDays * DAY, retainLast, NOW)].map(Number).sort((a, b) => a - b), expected);
}

test('main keeps its last N and everything younger than the age; older ancestors expire', () => {
  const main = { main: { 'snapshot-id': 10n, type: 'branch' as const } };
  check(table(10, main), 0, 1, [10]);
  check(table(10, main), 0, 3, [8, 9, 10]);
  check(table(10, main), 4.5, 1, [6, 7, 8, 9, 10]);
  check(table(10, main), 1000, 1, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
});

test('tags keep their snapshot; a branch keeps its own retention over the defaults', () => {
  const refs = {
    main: { 'snapshot-id': 10n, type: 'branch' as const },
    v1: { 'snapshot-id': 2n, type: 'tag' as const },
    audit: { 'snapshot-id': 6n, type: 'branch' as const, 'min-snapshots-to-keep': 3 },
    recent: { 'snapshot-id': 4n, type: 'branch' as const, 'max-snapshot-age-ms': BigInt(7 * DAY) },
  };
  check(table(10, refs), 0, 1, [2, 4, 5, 6, 10]);
});

test('a snapshot no ref reaches expires by age alone', () => {
  const orphan: Snapshot = { 'snapshot-id': 99n, 'parent-snapshot-id': 3n, 'sequence-number': 99n, 'timestamp-ms': BigInt(NOW - DAY / 2), 'manifest-list': 'x', summary: { operation: 'append' } };
  const m = table(5, { main: { 'snapshot-id': 5n, type: 'branch' } }, [orphan]);
  check(m, 1, 1, [5, 99]);
  check(m, 0, 1, [5]);
});

test('sizes and durations as typed; sizes as shown', () => {
  assert.equal(parseSize('512MiB'), 512 * 1024 * 1024);
  assert.equal(parseSize('1GB'), 1e9);
  assert.equal(parseSize('4096'), 4096);
  assert.equal(parseSize('1.5 kib'), 1536);
  for (const bad of ['0', '-1', 'huge', '12 parsecs', '']) assert.throws(() => parseSize(bad), /must be a size in bytes/);
  assert.equal(parseDuration('5d'), 5 * DAY);
  assert.equal(parseDuration('0'), 0);
  assert.throws(() => parseDuration('5'), /must be 0 or a number with s, m, h or d, got '5'/);
  assert.equal(formatBytes(0), '0 bytes');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(3n * 1024n ** 3n), '3.0 GiB');
});

test('the explorer\'s file counts come from the current snapshot\'s totals, or are left out', () => {
  const m = table(3, { main: { 'snapshot-id': 3n, type: 'branch' } }, [], { 'total-data-files': '120', 'total-delete-files': '34', 'total-files-size': String(5 * 1024 * 1024), 'total-records': '1000' });
  assert.equal(fileStatsDescription(tableFileStats(m)!), '120 files · 34 delete files · 5.0 MiB');
  assert.equal(tableFileStats(table(3, { main: { 'snapshot-id': 3n, type: 'branch' } })), undefined, 'a writer that keeps no totals');
  assert.equal(fileStatsDescription(tableFileStats(table(0, {}))!), '0 files · 0 bytes');
});
