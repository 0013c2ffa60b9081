import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckSession } from '../../server/src/engine/session';
import { partitionColumns } from '../../server/src/engine/write/partition-by';
import { registerBucketFunctions } from '../../server/src/engine/write/bucket-udf';
import { parseStatText } from '../../server/src/engine/write/stat-values';
import { applyTransform } from '../../server/src/iceberg/transforms';
import type { PrimitiveType, Transform } from '../../server/src/iceberg/spec';

// Each case: a DuckDB literal of a source type; the SQL transform must equal iceberg/transforms on the same value.
const CASES: [PrimitiveType, string, Transform[]][] = [
  ['timestamp', "TIMESTAMP '1969-12-31 23:59:59.999999'", ['year', 'month', 'day', 'hour', 'bucket[7]']],
  ['timestamp', "TIMESTAMP '1970-01-01 00:00:00'", ['year', 'month', 'day', 'hour']],
  ['timestamp', "TIMESTAMP '1900-03-01 12:30:00'", ['year', 'month', 'day', 'hour']],
  ['timestamp', "TIMESTAMP '2262-04-11 23:47:16'", ['year', 'month', 'day', 'hour', 'bucket[16]']],
  ['timestamptz', "TIMESTAMPTZ '2024-01-01 00:30:00+05:00'", ['year', 'month', 'day', 'hour', 'bucket[3]']],
  ['timestamptz', "TIMESTAMPTZ '1969-12-31 23:00:00-02:00'", ['year', 'month', 'day', 'hour']],
  ['date', "DATE '1969-12-31'", ['year', 'month', 'day', 'bucket[5]']],
  ['date', "DATE '0001-01-01'", ['year', 'month', 'day']],
  ['date', "DATE '2024-02-29'", ['year', 'month', 'day', 'identity']],
  ['int', '-7', ['bucket[4]', 'identity']],
  ['long', '-9223372036854775808', ['bucket[100]', 'identity']],
  ['decimal(38, 9)', "'-12345678901234567890.123456789'::DECIMAL(38,9)", ['bucket[11]']],
  ['decimal(10, 2)', "'14.20'::DECIMAL(10,2)", ['bucket[11]']],
  ['string', "'iceberg'", ['bucket[9]', 'identity']],
  ['string', "'é😀'", ['bucket[9]']],
  ['uuid', "'f79c3e09-677c-4bbd-a479-3f349cb785e7'::UUID", ['bucket[13]']],
  ['binary', "'\\x00\\x01\\xFF'::BLOB", ['bucket[13]']],
  ['time', "TIME '22:31:08'", ['bucket[13]']],
];

const DUCK: Record<string, string> = { timestamp: 'TIMESTAMP', timestamptz: 'TIMESTAMPTZ', date: 'DATE', int: 'INTEGER', long: 'BIGINT', string: 'VARCHAR', uuid: 'UUID', binary: 'BLOB', time: 'TIME' };

test('SQL partition transforms equal iceberg/transforms, including before 1970 and for every bucket type', async () => {
  const session = await DuckSession.open({ settings: { TimeZone: 'America/New_York' } });
  try {
    registerBucketFunctions(session.connection);
    for (const [type, literal, transforms] of CASES) {
      const duckType = DUCK[type] ?? `DECIMAL(${type.slice(8, -1).replace(' ', '')})`;
      const schema = { type: 'struct' as const, fields: [{ id: 1, name: 'c', required: false, type }] };
      const spec = { 'spec-id': 1, fields: transforms.map((t, i) => ({ 'source-id': 1, 'field-id': 1000 + i, name: `p${i}`, transform: t })) };
      const cols = partitionColumns(spec, schema);
      const exprs = cols.map((c) => `CAST(${c.sql} AS VARCHAR)`).join(', ');
      const text = (await session.query(`SELECT CAST(c AS VARCHAR), ${exprs} FROM (SELECT CAST(${literal} AS ${duckType}) AS c)`)).rows[0] as string[];
      const source = sourceValue(type, text[0]);
      assert.notEqual(source, undefined, `${literal} read back`);
      transforms.forEach((t, i) => {
        const want = applyTransform(t, type, source as never);
        const got = t === 'identity' ? parseStatText(type, text[i + 1]) : Number(text[i + 1]);
        assert.notEqual(want, null);
        assert.deepEqual(got, want, `${t}(${literal}) as ${type}`);
      });
    }
  } finally {
    session.close();
  }
});

function sourceValue(type: PrimitiveType, text: string) {
  if (type === 'binary') return Uint8Array.from(Buffer.from(text.replace(/\\x/g, ''), 'hex'));
  return parseStatText(type, text);
}
