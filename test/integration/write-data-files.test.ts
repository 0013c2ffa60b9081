import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckSession } from '../../server/src/engine/session';
import { LocalStorage } from '../../server/src/storage/local';
import { queryColumns } from '../../server/src/engine/write/query-columns';
import { planWriteSchema } from '../../server/src/engine/write/write-schema';
import { parsePartitionBy, partitionColumns, planPartitionSpec } from '../../server/src/engine/write/partition-by';
import { writeDataFiles } from '../../server/src/engine/write/data-writer';
import { applyTransform } from '../../server/src/iceberg/transforms';
import { decodeValue } from '../../server/src/iceberg/single-value';

const SQL = `SELECT i::BIGINT AS id, TIMESTAMPTZ '2024-03-01 23:30:00+00' + to_hours(i::BIGINT) AS ts, 'name-' || i AS name
  FROM range(40) t(i)`;

test('one COPY writes partitioned files whose partition tuples match iceberg/transforms', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'floe-wdf-'));
  const session = await DuckSession.open();
  try {
    const { fileSchema } = planWriteSchema(await queryColumns(session, SQL), { replace: false });
    const { spec } = planPartitionSpec(parsePartitionBy('day(ts), bucket(4, id)'), fileSchema, { specs: [], lastPartitionId: 999 });
    const parts = partitionColumns(spec, fileSchema);
    const { files } = await writeDataFiles({ session, sql: SQL, fileSchema, partitionColumns: parts, dataLocation: `${dir}/data`, storage: new LocalStorage() });
    assert.equal(files.reduce((n, f) => n + f['record-count'], 0n), 40n);
    for (const f of files) {
      const rows = await session.query(`SELECT id, epoch_us(ts) AS us FROM read_parquet('${localPath(f['file-path'])}')`);
      for (const [id, us] of rows.rows as [string, string][]) {
        assert.equal(f.partition.ts_day, applyTransform('day', 'timestamptz', BigInt(us)));
        assert.equal(f.partition.id_bucket, applyTransform('bucket[4]', 'long', BigInt(id)));
      }
      const ids = (rows.rows as [string][]).map((r) => BigInt(r[0]));
      const min = ids.reduce((a, b) => (a < b ? a : b)), max = ids.reduce((a, b) => (a > b ? a : b));
      assert.equal(decodeValue('long', f['lower-bounds']!.get(1)!), min);
      assert.equal(decodeValue('long', f['upper-bounds']!.get(1)!), max);
      assert.equal(f['record-count'], BigInt(ids.length));
      assert.match(f['file-path'], /\/data\/ts_day=\d+\/id_bucket=\d\/[0-9a-f-]{36}-\d+\.parquet$/);
    }
    // Field ids are in the file, so a reader mapping by id sees the columns.
    const ids = await session.query(`SELECT name, field_id FROM parquet_schema('${localPath(files[0]['file-path'])}') WHERE field_id IS NOT NULL ORDER BY field_id`);
    assert.deepEqual(ids.rows.map((r) => [r[0], Number(r[1])]), [['id', 1], ['ts', 2], ['name', 3]]);
  } finally {
    session.close();
    await rm(dir, { recursive: true, force: true });
  }
});

function localPath(uri: string): string { return uri.replace(/^file:\/\//, ''); }
