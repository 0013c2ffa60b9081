// Identity-partition values that exist only in the manifests (the data files lack the columns, as Hive-style and
// migrated tables do): every primitive type must reach DuckDB exactly, through each way a table is read (one file
// read by probed names, a few files under read_parquet's schema map, many files joined to a per-file value table,
// files without field ids through the name mapping), and planning must prune by those values exactly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckSession, quoteIdent } from '../../server/src/engine/session';
import { tableRelation } from '../../server/src/engine/read/register-table';
import { cmp } from '../../server/src/iceberg/predicate';
import type { NestedField, PartitionSpec, PrimitiveType, Schema } from '../../server/src/iceberg/spec';
import { writeTestTable } from '../helpers/iceberg-table';

interface Case {
  type: PrimitiveType;
  /** The partition value in iceberg/values.ts in-memory form. */
  value: unknown;
  /** DuckDB's type for the column (DESCRIBE). */
  duckType: string;
  /** An exact text of the value, computed in DuckDB from the column `c`. */
  exact?: (c: string) => string;
  expected: string;
}

const asText = (c: string) => `CAST(${c} AS VARCHAR)`;
const bytes = (...b: number[]) => new Uint8Array(b);

const CASES: Case[] = [
  { type: 'boolean', value: true, duckType: 'BOOLEAN', expected: 'true' },
  { type: 'boolean', value: false, duckType: 'BOOLEAN', expected: 'false' },
  { type: 'int', value: -2147483648, duckType: 'INTEGER', expected: '-2147483648' },
  { type: 'long', value: 9007199254740993n, duckType: 'BIGINT', expected: '9007199254740993' },
  { type: 'long', value: -9223372036854775808n, duckType: 'BIGINT', expected: '-9223372036854775808' },
  { type: 'float', value: Math.fround(3.1415927), duckType: 'FLOAT', expected: '3.1415927' },
  { type: 'float', value: -0, duckType: 'FLOAT', expected: '-0.0' },
  { type: 'float', value: Number.NaN, duckType: 'FLOAT', expected: 'nan' },
  { type: 'float', value: Number.POSITIVE_INFINITY, duckType: 'FLOAT', expected: 'inf' },
  { type: 'double', value: 3.141592653589793, duckType: 'DOUBLE', expected: '3.141592653589793' },
  { type: 'double', value: 0.1, duckType: 'DOUBLE', expected: '0.1' },
  { type: 'double', value: -0, duckType: 'DOUBLE', expected: '-0.0' },
  { type: 'double', value: Number.NaN, duckType: 'DOUBLE', expected: 'nan' },
  { type: 'double', value: Number.NEGATIVE_INFINITY, duckType: 'DOUBLE', expected: '-inf' },
  { type: 'double', value: 5e-324, duckType: 'DOUBLE', expected: '5e-324' },
  { type: 'double', value: 1.7976931348623157e308, duckType: 'DOUBLE', expected: '1.7976931348623157e+308' },
  { type: 'decimal(38, 10)', value: 12345678901234567890123456789n, duckType: 'DECIMAL(38,10)', expected: '1234567890123456789.0123456789' },
  { type: 'decimal(38, 0)', value: 10n ** 38n - 1n, duckType: 'DECIMAL(38,0)', expected: '99999999999999999999999999999999999999' },
  { type: 'decimal(9, 2)', value: -1n, duckType: 'DECIMAL(9,2)', expected: '-0.01' },
  { type: 'date', value: -1, duckType: 'DATE', expected: '1969-12-31' },
  { type: 'time', value: 86_399_999_999n, duckType: 'TIME', expected: '23:59:59.999999' },
  { type: 'timestamp', value: -1n, duckType: 'TIMESTAMP', exact: (c) => `epoch_us(${c})`, expected: '-1' },
  { type: 'timestamp', value: 1_700_000_000_123_456n, duckType: 'TIMESTAMP', expected: '2023-11-14 22:13:20.123456' },
  { type: 'timestamptz', value: 1_700_000_000_123_456n, duckType: 'TIMESTAMP WITH TIME ZONE', exact: (c) => `epoch_us(${c})`, expected: '1700000000123456' },
  { type: 'timestamp_ns', value: 1_700_000_000_123_456_789n, duckType: 'TIMESTAMP_NS', exact: (c) => `epoch_ns(${c})`, expected: '1700000000123456789' },
  { type: 'timestamp_ns', value: -1n, duckType: 'TIMESTAMP_NS', exact: (c) => `epoch_ns(${c})`, expected: '-1' },
  // DuckDB has no nanosecond TIMESTAMPTZ: the instant keeps its microseconds.
  { type: 'timestamptz_ns', value: 1_700_000_000_123_456_789n, duckType: 'TIMESTAMP WITH TIME ZONE', exact: (c) => `epoch_us(${c})`, expected: '1700000000123456' },
  { type: 'string', value: 'it\'s "quoted" ☃ 𝄞 \\n end', duckType: 'VARCHAR', expected: 'it\'s "quoted" ☃ 𝄞 \\n end' },
  { type: 'uuid', value: 'f79c3e09-677c-4bbd-a479-3f349cb785e7', duckType: 'UUID', expected: 'f79c3e09-677c-4bbd-a479-3f349cb785e7' },
  { type: 'fixed[4]', value: bytes(0, 0x5c, 0x78, 0xff), duckType: 'BLOB', exact: (c) => `hex(${c})`, expected: '005C78FF' },
  { type: 'binary', value: bytes(0x27, 0, 0x5c), duckType: 'BLOB', exact: (c) => `hex(${c})`, expected: '27005C' },
];

const column = (i: number) => `c${i}_${CASES[i].type.replace(/\W+/g, '_')}`;
const FIRST_ID = 10;
const KEY_ID = 3;

const schema: Schema = {
  type: 'struct', 'schema-id': 0, fields: [
    { id: 1, name: 'id', required: false, type: 'long' },
    { id: KEY_ID, name: 'k', required: false, type: 'int' },
    ...CASES.map((c, i): NestedField => ({ id: FIRST_ID + i, name: column(i), required: false, type: c.type })),
  ],
};
const spec: PartitionSpec = {
  'spec-id': 0, fields: [
    { name: 'k', transform: 'identity', 'source-id': KEY_ID, 'field-id': 1000 },
    ...CASES.map((_, i) => ({ name: column(i), transform: 'identity' as const, 'source-id': FIRST_ID + i, 'field-id': 1001 + i })),
  ],
};

const dir = mkdtempSync(path.join(tmpdir(), 'floe-partition-values-'));
/** Tables of n files holding only `id`; `k` differs per file, so 20 files are too many value sets for one scan each. */
const LAYOUTS = {
  'one file (probed names)': { files: 1, ids: true },
  'three files (schema map)': { files: 3, ids: true },
  'twenty files (per-file value join)': { files: 20, ids: true },
  'files without field ids (name mapping)': { files: 2, ids: false },
};
const roots = new Map<string, string>();

before(async () => {
  for (const [name, layout] of Object.entries(LAYOUTS)) {
    const root = path.join(dir, name.replace(/\W+/g, '-'));
    const mapping = [{ 'field-id': 1, names: ['id'] }];
    await writeTestTable(root, {
      schema, spec,
      properties: layout.ids ? {} : { 'schema.name-mapping.default': JSON.stringify(mapping) },
      files: Array.from({ length: layout.files }, (_, f) => ({
        select: `SELECT ${f}::BIGINT AS id`,
        fieldIds: layout.ids ? '{id: 1}' : undefined,
        partition: { k: f, ...Object.fromEntries(CASES.map((c, i) => [column(i), c.value])) },
      })),
    });
    roots.set(name, root);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

for (const name of Object.keys(LAYOUTS)) {
  test(`every primitive type's partition value reads back exactly: ${name}`, async () => {
    const relation = await tableRelation(roots.get(name)!);
    // A session zone far from UTC: an instant must not move with it.
    const session = await DuckSession.open({ settings: { TimeZone: 'Pacific/Kiritimati' } });
    try {
      await session.registerView('t', relation.sql);
      const described = await session.query('DESCRIBE t');
      const types = new Map(described.rows.map((r) => [r[0] as string, r[1] as string]));
      const select = CASES.map((c, i) => `${(c.exact ?? asText)(quoteIdent(column(i)))}::VARCHAR`).join(', ');
      const r = await session.query(`SELECT ${select} FROM t ORDER BY id`);
      assert.equal(r.rows.length, LAYOUTS[name as keyof typeof LAYOUTS].files);
      for (const row of r.rows) {
        CASES.forEach((c, i) => {
          assert.equal(types.get(column(i)), c.duckType, `${c.type} column type`);
          assert.equal(row[i], c.expected, `${c.type} value ${String(c.value)}`);
        });
      }
    } finally {
      session.close();
    }
  });
}

test('planning prunes by partition values exactly (no rounding of doubles or longs past 2^53)', async () => {
  const root = roots.get('twenty files (per-file value join)')!;
  const files = async (filter: Parameters<typeof cmp>) => (await tableRelation(root, { filter: cmp(...filter) })).dataFiles;
  const double = column(CASES.findIndex((c) => c.value === 3.141592653589793));
  const long = column(CASES.findIndex((c) => c.value === 9007199254740993n));
  assert.equal(await files([double, '=', 3.141592653589793]), 20);
  assert.equal(await files([double, '=', Math.fround(3.141592653589793)]), 0);
  assert.equal(await files([long, '=', 9007199254740993n]), 20);
  assert.equal(await files([long, '=', 9007199254740992n]), 0);
  assert.equal(await files(['k', '=', 7]), 1);
});
