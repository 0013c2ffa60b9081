import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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

test('bounds of every primitive type decode to the min and max DuckDB computes over the file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'floe-wdf-'));
  const session = await DuckSession.open({ settings: { TimeZone: 'Asia/Kolkata' } });
  const sql = `SELECT (i % 2 = 0) AS b, (i - 3)::INTEGER AS i32, (i * -3000000000)::BIGINT AS i64, (i / 4)::FLOAT AS f32,
    (i / 3 - 1)::DOUBLE AS f64, (i * -1.123456789)::DECIMAL(38,9) AS dec, DATE '1969-12-30' + i::INTEGER AS d,
    TIME '01:02:03.456789' + to_seconds(i) AS t, TIMESTAMP '1969-12-31 23:59:59.5' + to_hours(i::BIGINT) AS ts,
    TIMESTAMPTZ '2024-01-31 22:00:00+00' + to_hours(i::BIGINT) AS tstz, repeat('é', 20) || i AS s,
    ('00000000-0000-0000-0000-' || lpad(i::VARCHAR, 12, '0'))::UUID AS u, ('\\x0' || i)::BLOB AS bin FROM range(6) r(i)`;
  try {
    const { fileSchema } = planWriteSchema(await queryColumns(session, sql), { replace: true });
    const { files } = await writeDataFiles({ session, sql, fileSchema, partitionColumns: [], dataLocation: `${dir}/data`, storage: new LocalStorage() });
    assert.equal(files.length, 1);
    const f = files[0];
    const file = `read_parquet('${localPath(f['file-path'])}')`;
    // Independent forms: integers for temporal types, unscaled decimals, hex for bytes.
    const row = (await session.query(`SELECT min(b::INT), max(b::INT), min(i32), max(i32), min(i64), max(i64), min(f32)::DOUBLE, max(f32)::DOUBLE, min(f64), max(f64),
      CAST(min(dec) * 1000000000 AS HUGEINT), CAST(max(dec) * 1000000000 AS HUGEINT), min(d) - DATE '1970-01-01', max(d) - DATE '1970-01-01',
      date_diff('microsecond', TIME '00:00:00', min(t)), date_diff('microsecond', TIME '00:00:00', max(t)), epoch_us(min(ts)), epoch_us(max(ts)),
      epoch_us(min(tstz)), epoch_us(max(tstz)), min(s), max(s), min(u)::VARCHAR, max(u)::VARCHAR, hex(min(bin)), hex(max(bin)) FROM ${file}`)).rows[0] as (string | number)[];
    const types = ['boolean', 'int', 'long', 'float', 'double', 'decimal(38, 9)', 'date', 'time', 'timestamp', 'timestamptz', 'string', 'uuid', 'binary'] as const;
    types.forEach((type, i) => {
      const field = fileSchema.fields[i];
      const lo = decodeValue(type, f['lower-bounds']!.get(field.id)!), hi = decodeValue(type, f['upper-bounds']!.get(field.id)!);
      const [min, max] = [row[2 * i], row[2 * i + 1]];
      const norm = (v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex').toUpperCase() : typeof v === 'boolean' ? String(Number(v)) : String(v));
      if (type === 'string') {
        assert.equal(lo, [...String(min)].slice(0, 16).join(''));
        assert.equal(hi, 'é'.repeat(15) + 'ê');
      } else {
        assert.equal(norm(lo), String(min), `lower ${field.name}`);
        assert.equal(norm(hi), String(max), `upper ${field.name}`);
      }
    });
  } finally {
    session.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('each written file records its row group starts as split offsets, as an independent reader finds them', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'floe-wdf-'));
  const session = await DuckSession.open();
  try {
    // 300,000 rows: three of DuckDB's row groups (122,880 rows each), with dictionary pages in the string column
    const sql = `SELECT i::BIGINT AS id, 'k' || (i % 7) AS k FROM range(300000) t(i)`;
    const { fileSchema } = planWriteSchema(await queryColumns(session, sql), { replace: false });
    const { files } = await writeDataFiles({ session, sql, fileSchema, partitionColumns: [], dataLocation: `${dir}/data`, storage: new LocalStorage() });
    assert.equal(files.length, 1);
    const bytes = await readFile(localPath(files[0]['file-path']));
    const { parquetMetadata } = await import('hyparquet'); // ESM only
    const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const starts = meta.row_groups.map((g) => {
      const c = g.columns[0].meta_data!;
      const dict = c.dictionary_page_offset === undefined ? undefined : BigInt(c.dictionary_page_offset);
      const data = BigInt(c.data_page_offset);
      return dict !== undefined && dict > 0n && dict < data ? dict : data;
    });
    assert.equal(starts.length, 3);
    assert.equal(starts[0], 4n);
    assert.deepEqual(files[0]['split-offsets'], starts);
  } finally {
    session.close();
    await rm(dir, { recursive: true, force: true });
  }
});
