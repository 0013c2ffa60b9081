// Third-party Iceberg tables (Spark, PyIceberg): parse every metadata file, plan every snapshot, and check the plans
// against the snapshot summaries, DuckDB's reading of the data files, and expected.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseTableMetadata, serializeTableMetadata } from '../../server/src/iceberg/metadata-json.js';
import { planScan, type ScanPlan } from '../../server/src/iceberg/scan.js';
import { readManifestList } from '../../server/src/iceberg/manifest-list.js';
import { readManifest } from '../../server/src/iceberg/manifest.js';
import { resolveTablePath } from '../../server/src/iceberg/paths.js';
import { cmp, isIn, isNull, notNull, and, or, type Predicate } from '../../server/src/iceberg/predicate.js';
import type { TableMetadata } from '../../server/src/iceberg/spec.js';

const FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/iceberg');
const have = existsSync(path.join(FIXTURES, 'expected.json'));
const io = { read: async (p: string) => readFileSync(p), exists: async (p: string) => existsSync(p) };

const TABLES = [
  'equality_deletes/warehouse/mydb/mytable', 'equality_deletes/warehouse/mydb/mytable_partitioned', 'partition_bigint',
  'hive_partitioned_table', 'partition_double', 'partition_integer', 'partition_timestamp/default.db/partition_timestamp',
  'is_null_is_not_null', 'iceberg/lineitem_iceberg',
].map((t) => path.join(FIXTURES, 'data/persistent', t));

function metadataFiles(table: string): string[] {
  const dir = path.join(table, 'metadata');
  return readdirSync(dir).filter((f) => f.endsWith('.metadata.json')).map((f) => path.join(dir, f));
}

function latestMetadata(table: string): TableMetadata {
  const all = metadataFiles(table).map((f) => parseTableMetadata(readFileSync(f), f));
  return all.sort((a, b) => Number(a['last-updated-ms'] - b['last-updated-ms'])).at(-1)!;
}

const plan = (table: string, m: TableMetadata, extra: { snapshotId?: bigint; filter?: Predicate } = {}): Promise<ScanPlan> =>
  planScan(m, { ...extra, tableLocation: table }, io);

test('every metadata file parses and survives a round trip', { skip: !have && 'fixtures missing' }, () => {
  let count = 0;
  for (const table of TABLES) {
    for (const f of metadataFiles(table)) {
      const m = parseTableMetadata(readFileSync(f), f);
      assert.deepEqual(parseTableMetadata(serializeTableMetadata(m)), m, f);
      count++;
    }
  }
  assert.equal(count, 29);
});

test('every manifest list and manifest reads, with counts matching the manifest list', { skip: !have && 'fixtures missing' }, () => {
  for (const table of TABLES) {
    const m = latestMetadata(table);
    for (const s of m.snapshots) {
      const listPath = resolveTablePath(s['manifest-list'], table, m.location);
      if (!existsSync(listPath)) continue; // these fixtures lack some expired snapshots' lists
      for (const mf of readManifestList(readFileSync(listPath), listPath).manifests) {
        const p = resolveTablePath(mf['manifest-path'], table, m.location);
        const { meta, entries } = readManifest(readFileSync(p), { file: p, manifest: mf });
        assert.equal(meta.partitionSpecId, mf['partition-spec-id'], p);
        assert.equal(meta.content, mf.content, p);
        assert.equal(entries.filter((e) => e.status === 1).length, mf['added-files-count'], p);
        assert.equal(entries.filter((e) => e.status === 0).length, mf['existing-files-count'], p);
        assert.equal(entries.filter((e) => e.status === 1).reduce((a, e) => a + e['data-file']['record-count'], 0n), mf['added-rows-count'], p);
        for (const e of entries) assert.ok(e['sequence-number'] !== undefined && e['snapshot-id'] !== undefined, 'inherited numbers');
      }
    }
  }
});

test('scans of every snapshot match the snapshot summaries, and every planned file exists', { skip: !have && 'fixtures missing' }, async () => {
  let planned = 0;
  for (const table of TABLES) {
    const m = latestMetadata(table);
    for (const s of m.snapshots) {
      if (!existsSync(resolveTablePath(s['manifest-list'], table, m.location))) continue;
      const p = await plan(table, m, { snapshotId: s['snapshot-id'] });
      const where = `${path.basename(table)}@${s['snapshot-id']}`;
      assert.equal(String(p.tasks.length), s.summary['total-data-files'], `${where} data files`);
      assert.equal(String(p.tasks.reduce((a, t) => a + t.file['record-count'], 0n)), s.summary['total-records'], `${where} records`);
      assert.equal(String(p.metrics.deleteFiles), s.summary['total-delete-files'] ?? '0', `${where} delete files`);
      const eqFiles = new Set(p.tasks.flatMap((t) => t.equalityDeletes));
      const eqRows = [...eqFiles].reduce((a, d) => a + d['record-count'], 0n);
      assert.equal(String(eqRows), s.summary['total-equality-deletes'] ?? '0', `${where} equality delete rows`);
      for (const t of p.tasks) for (const f of [t.file, ...t.equalityDeletes, ...t.positionDeletes]) assert.ok(existsSync(f['file-path']), f['file-path']);
      planned++;
    }
  }
  assert.equal(planned, 21);
});

test('equality deletes apply only to data written before them', { skip: !have && 'fixtures missing' }, async () => {
  const table = TABLES[0]!;
  const p = await plan(table, latestMetadata(table));
  // two data files: the first (seq 1) sees all 4 deletes, the second (seq 5) only the delete written after it
  const bySeq = p.tasks.map((t) => [t.sequenceNumber, t.equalityDeletes.length]).sort((a, b) => Number(a[0]! as bigint) - Number(b[0]! as bigint));
  assert.deepEqual(bySeq, [[1n, 4], [5n, 1]]);
});

async function duckRows(sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try { return (await con.runAndReadAll(sql)).getRows() as unknown[][]; } finally { con.closeSync(); db.closeSync(); }
}
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Rows left after applying equality deletes by the planned tasks; checks our delete assignment end to end. */
async function countWithDeletes(p: ScanPlan): Promise<number> {
  let total = 0;
  for (const t of p.tasks) {
    const conditions = t.equalityDeletes.map((del) => {
      const cols = del['equality-ids']!.map((id) => `"${p.schema.fields.find((f) => f.id === id)!.name}"`);
      return `NOT EXISTS (SELECT 1 FROM read_parquet(${quote(del['file-path'])}) x WHERE ${cols.map((c) => `x.${c} IS NOT DISTINCT FROM d.${c}`).join(' AND ')})`;
    });
    const sql = `SELECT count(*) FROM read_parquet(${quote(t.file['file-path'])}) d${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
    total += Number((await duckRows(sql))[0]![0]);
  }
  return total;
}

test('row counts after deletes match expected.json', { skip: !have && 'fixtures missing' }, async () => {
  const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as { cases: { tables: Record<string, string>; snapshots: Record<string, string>; sql: string; expected_rows: string[][] }[] };
  const counts = expected.cases.filter((c) => /^SELECT count\(\*\) FROM t1$/i.test(c.sql.trim()) && Object.keys(c.snapshots).length === 0);
  assert.ok(counts.length >= 2);
  for (const c of counts) {
    const table = path.join(FIXTURES, c.tables.t1!);
    assert.equal(await countWithDeletes(await plan(table, latestMetadata(table))), Number(c.expected_rows[0]![0]), c.tables.t1);
  }
});

function check(table: string, filter: Predicate, files: number) {
  return { table, filter, files };
}

test('filters prune partitions and metrics without losing matching files', { skip: !have && 'fixtures missing' }, async () => {
  const t = (name: string) => TABLES.find((x) => x.endsWith(name))!;
  const cases = [
    check(t('partition_bigint'), cmp('partition_col', '=', 9223372036854775807n), 1),
    check(t('partition_bigint'), cmp('partition_col', '<', 0), 1),
    check(t('hive_partitioned_table'), cmp('event_date', '=', '2024-01-02'), 1),
    check(t('hive_partitioned_table'), and(cmp('event_date', '>=', '2024-01-03'), cmp('event_type', '=', 'view')), 2),
    check(t('hive_partitioned_table'), or(cmp('event_date', '=', '2024-01-01'), cmp('event_type', '=', 'click')), 2),
    check(t('hive_partitioned_table'), isIn('event_type', ['purchase', 'nope']), 2),
    check(t('partition_double'), cmp('partition_col', '=', 3.141592653589793), 1),
    check(t('partition_integer'), cmp('partition_col', '!=', 42), 1),
    check(t('partition_timestamp'), cmp('partition_col', '=', '2023-05-15T14:30:45'), 1),
    check(t('partition_timestamp'), cmp('partition_col', '>', '2023-06-01 00:00:00'), 1),
    check(t('is_null_is_not_null'), isNull('value'), 2),
    check(t('is_null_is_not_null'), notNull('value'), 2),
    check(t('lineitem_iceberg'), cmp('l_shipdate', '<', '1900-01-01'), 0),
    check(t('lineitem_iceberg'), cmp('l_orderkey', '=', 1), 1),
  ];
  for (const c of cases) {
    const m = latestMetadata(c.table);
    const p = await plan(c.table, m, { filter: c.filter });
    assert.equal(p.tasks.length, c.files, `${path.basename(c.table)} ${JSON.stringify(c.filter, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  }
  // files we keep must include every file DuckDB finds matching rows in
  const table = t('is_null_is_not_null');
  const m = latestMetadata(table);
  const all = (await plan(table, m)).tasks.map((x) => x.file['file-path']);
  const withNulls = await duckRows(`SELECT DISTINCT filename FROM read_parquet([${all.map(quote).join(', ')}], filename = true) WHERE "value" IS NULL`);
  const kept = new Set((await plan(table, m, { filter: isNull('value') })).tasks.map((x) => x.file['file-path']));
  for (const [f] of withNulls) assert.ok(kept.has(f as string), `kept ${String(f)}`);
});
