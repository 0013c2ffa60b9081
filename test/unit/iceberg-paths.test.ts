import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTablePath, tablePathResolver } from '../../server/src/iceberg/paths.js';

function check(recorded: string, actual: string, recordedLocation: string | undefined, expected: string) {
  assert.equal(resolveTablePath(recorded, actual, recordedLocation), expected, recorded);
  if (recordedLocation !== undefined) assert.equal(tablePathResolver(recordedLocation, actual)(recorded), expected, `resolver ${recorded}`);
}

test('recorded paths are rebased onto the table folder', () => {
  const fx = '/work/shared/fixtures/iceberg';
  check('data/persistent/partition_bigint/data/partition_col=1/f.parquet', `${fx}/data/persistent/partition_bigint`, 'data/persistent/partition_bigint',
    `${fx}/data/persistent/partition_bigint/data/partition_col=1/f.parquet`);
  check('lineitem_iceberg/metadata/snap-1.avro', `${fx}/data/persistent/iceberg/lineitem_iceberg`, './lineitem_iceberg',
    `${fx}/data/persistent/iceberg/lineitem_iceberg/metadata/snap-1.avro`);
  check('s3://old-bucket/wh/db/t/data/a.parquet', '/home/me/copy/db/t', 's3://old-bucket/wh/db/t', '/home/me/copy/db/t/data/a.parquet');
  check('/other/machine/wh/db/t/metadata/m.avro', 's3://b/wh/db/t', undefined, 's3://b/wh/db/t/metadata/m.avro');
  // the longest matching run wins over an earlier folder that happens to share the table's name
  check('/x/t/wh/db/t/data/a.parquet', '/new/db/t', undefined, '/new/db/t/data/a.parquet');
  check('/unrelated/path/a.parquet', '/new/db/t', undefined, '/unrelated/path/a.parquet');
});

test('a resolver for an unmoved table returns paths unchanged', () => {
  const r = tablePathResolver('s3://b/t', 's3://b/t/');
  assert.equal(r('s3://b/t/data/a.parquet'), 's3://b/t/data/a.parquet');
});
