// Format v3 reads: nanosecond timestamps (in files, in day/hour partitions, in column bounds) and initial-default
// values for columns older files lack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckSession } from '../../server/src/engine/session';
import { tableRelation } from '../../server/src/engine/read/register-table';
import { parseQueryArgs, runQuery } from '../../server/src/cli/commands/query';
import { and, cmp } from '../../server/src/iceberg/predicate';
import { encodeValue } from '../../server/src/iceberg/single-value';
import type { Schema } from '../../server/src/iceberg/spec';
import { markNanosUtc, writeTestTable } from '../helpers/iceberg-table';

const dir = mkdtempSync(path.join(tmpdir(), 'floe-v3-types-'));
const NS = 1_700_000_000_123_456_789n; // 2023-11-14 22:13:20.123456789 UTC
const NS_PER_DAY = 86_400_000_000_000n;

async function rows(root: string, sql: (t: string) => string, options: Parameters<typeof tableRelation>[1] = {}) {
  const relation = await tableRelation(root, options);
  const session = await DuckSession.open({ settings: { TimeZone: 'America/St_Johns' } });
  try {
    await session.registerView('t', relation.sql);
    return { described: (await session.query('DESCRIBE t')).rows.map((r) => [r[0], r[1]]), rows: (await session.query(sql('t'))).rows, relation };
  } finally {
    session.close();
  }
}

const nanosSchema: Schema = { type: 'struct', 'schema-id': 0, fields: [
  { id: 1, name: 'id', required: false, type: 'long' },
  { id: 2, name: 'ts', required: false, type: 'timestamp_ns' },
  { id: 3, name: 'tsz', required: false, type: 'timestamptz_ns' },
] };
let nanosRoot = '';
let partitionedRoot = '';

before(async () => {
  // One file has the timestamptz_ns column (UTC-adjusted NANOS, as Spark writes it), the other the timestamp_ns one.
  nanosRoot = await writeTestTable(path.join(dir, 'nanos'), { formatVersion: 3, schema: nanosSchema, files: [
    { select: `SELECT 1::BIGINT AS id, make_timestamp_ns(${NS}) AS tsz`, fieldIds: '{id: 1, tsz: 3}', patch: markNanosUtc },
    { select: `SELECT 2::BIGINT AS id, make_timestamp_ns(${NS}) AS ts`, fieldIds: '{id: 1, ts: 2}' },
  ] });

  // Partitioned by day(ts) and hour(tsz); bounds on ts recorded per file, to the nanosecond.
  const day = Number(NS / NS_PER_DAY);
  const hour = Number(NS / 3_600_000_000_000n);
  const bounds = (ns: bigint) => ({ 'lower-bounds': new Map([[2, encodeValue('timestamp_ns', ns)]]), 'upper-bounds': new Map([[2, encodeValue('timestamp_ns', ns)]]) });
  partitionedRoot = await writeTestTable(path.join(dir, 'partitioned'), {
    formatVersion: 3, schema: nanosSchema,
    spec: { 'spec-id': 0, fields: [
      { name: 'ts_day', transform: 'day', 'source-id': 2, 'field-id': 1000 },
      { name: 'tsz_hour', transform: 'hour', 'source-id': 3, 'field-id': 1001 },
    ] },
    files: [
      { select: `SELECT 1::BIGINT AS id, make_timestamp_ns(${NS}) AS ts`, fieldIds: '{id: 1, ts: 2}', partition: { ts_day: day, tsz_hour: hour }, metrics: bounds(NS) },
      { select: `SELECT 2::BIGINT AS id, make_timestamp_ns(${NS + NS_PER_DAY}) AS ts`, fieldIds: '{id: 1, ts: 2}', partition: { ts_day: day + 1, tsz_hour: hour + 24 }, metrics: bounds(NS + NS_PER_DAY) },
    ],
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('timestamp_ns reads as TIMESTAMP_NS with its nanoseconds; timestamptz_ns as TIMESTAMPTZ (DuckDB keeps microseconds)', async () => {
  const r = await rows(nanosRoot, (t) => `SELECT id, epoch_ns(ts)::VARCHAR, epoch_us(tsz)::VARCHAR, ts::VARCHAR FROM ${t} ORDER BY id`);
  assert.deepEqual(r.described, [['id', 'BIGINT'], ['ts', 'TIMESTAMP_NS'], ['tsz', 'TIMESTAMP WITH TIME ZONE']]);
  assert.deepEqual(r.rows, [
    ['1', null, '1700000000123456', null],
    ['2', '1700000000123456789', null, '2023-11-14 22:13:20.123456789'],
  ]);
});

test('day and hour partitions and bounds of nanosecond timestamps prune to the nanosecond', async () => {
  const files = async (...filter: Parameters<typeof cmp>[]) => (await tableRelation(partitionedRoot, { filter: and(...filter.map((f) => cmp(...f))) })).dataFiles;
  assert.equal(await files(['ts', '>=', '2023-11-15T00:00:00']), 1, 'day partition');
  assert.equal(await files(['ts', '>', NS]), 1, 'upper bound, strictly after');
  assert.equal(await files(['ts', '>=', NS]), 2, 'upper bound, inclusive');
  assert.equal(await files(['ts', '=', '2023-11-14T22:13:20.123456789']), 1, 'a nanosecond literal');
  assert.equal(await files(['ts', '=', '2023-11-14T22:13:20.123456788']), 0, 'one nanosecond earlier');
  assert.equal(await files(['tsz', '<', '2023-11-14T23:00:00Z']), 1, 'hour partition');
  const r = await rows(partitionedRoot, (t) => `SELECT id, epoch_ns(ts)::VARCHAR FROM ${t} ORDER BY id`);
  assert.deepEqual(r.rows, [['1', String(NS)], ['2', String(NS + NS_PER_DAY)]]);
});

test('columns older files lack read as their initial-default, typed exactly; write-default alone leaves them NULL', async () => {
  const root = await writeTestTable(path.join(dir, 'defaults'), {
    formatVersion: 3,
    schema: { type: 'struct', 'schema-id': 0, fields: [
      { id: 1, name: 'id', required: false, type: 'long' },
      { id: 2, name: 'big', required: false, type: 'long', 'initial-default': 9007199254740993n },
      { id: 3, name: 'pi', required: false, type: 'double', 'initial-default': 3.141592653589793 },
      { id: 4, name: 'amount', required: false, type: 'decimal(38, 2)', 'initial-default': '123456789012345678901234567890.25' },
      { id: 5, name: 'day', required: false, type: 'date', 'initial-default': '2024-02-29' },
      { id: 6, name: 'at', required: false, type: 'timestamp_ns', 'initial-default': '2024-02-29T12:34:56.123456789' },
      { id: 7, name: 'atz', required: false, type: 'timestamptz', 'initial-default': '2024-02-29T12:34:56.123456+00:00' },
      { id: 8, name: 'label', required: false, type: 'string', 'initial-default': 'it\'s' },
      { id: 9, name: 'raw', required: false, type: 'binary', 'initial-default': '00ff5c' },
      { id: 10, name: 'flag', required: false, type: 'boolean', 'initial-default': false },
      { id: 11, name: 'later', required: false, type: 'int', 'write-default': 7 },
      { id: 12, name: 'f', required: false, type: 'float', 'initial-default': 0.1 },
    ] },
    files: [
      { select: 'SELECT 1::BIGINT AS id', fieldIds: '{id: 1}' },
      { select: 'SELECT 2::BIGINT AS id, 5::BIGINT AS big, 2.5::DOUBLE AS pi', fieldIds: '{id: 1, big: 2, pi: 3}' },
    ],
  });
  const r = await rows(root, (t) => `SELECT id, big::VARCHAR, pi::VARCHAR, amount::VARCHAR, "day"::VARCHAR, epoch_ns("at")::VARCHAR, epoch_us(atz)::VARCHAR, label, hex(raw), flag, later, f::VARCHAR FROM ${t} ORDER BY id`);
  const defaults = ['123456789012345678901234567890.25', '2024-02-29', '1709210096123456789', '1709210096123456', 'it\'s', '00FF5C', false, null, '0.1'];
  assert.deepEqual(r.rows, [
    ['1', '9007199254740993', '3.141592653589793', ...defaults],
    ['2', '5', '2.5', ...defaults],
  ]);
});

test('an initial-default that is not a value of its type is an error naming the column', async () => {
  const root = await writeTestTable(path.join(dir, 'bad-default'), {
    formatVersion: 3,
    schema: { type: 'struct', 'schema-id': 0, fields: [
      { id: 1, name: 'id', required: false, type: 'long' },
      { id: 2, name: 'day', required: false, type: 'date', 'initial-default': 'yesterday' },
    ] },
    files: [{ select: 'SELECT 1::BIGINT AS id', fieldIds: '{id: 1}' }],
  });
  await assert.rejects(tableRelation(root), (e: Error) => e.message.includes('column "day"') && e.message.includes('initial-default') && e.message.includes('yesterday'));
});

test('row lineage, when asked for: ids and sequence numbers inherited where files lack them, kept where they hold them', async () => {
  const root = await writeTestTable(path.join(dir, 'lineage'), {
    formatVersion: 3, sequenceNumber: 7n, manifestFirstRowId: 1000n,
    schema: { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'v', required: false, type: 'string' }] },
    files: [
      // ADDED by this snapshot, no first_row_id: inherits 1000 (the manifest's), rows 1000..1002, sequence number 7.
      { select: `SELECT 'a' || range AS v FROM range(3)`, fieldIds: '{v: 1}' },
      // EXISTING from sequence number 3, with its own first_row_id and lineage columns written by a rewrite.
      {
        select: `SELECT * FROM (VALUES ('b0', 42::BIGINT, 2::BIGINT), ('b1', NULL, NULL)) t(v, _row_id, _last_updated_sequence_number)`,
        fieldIds: '{v: 1, _row_id: 2147483540, _last_updated_sequence_number: 2147483539}', sequenceNumber: 3n, firstRowId: 500n,
      },
      // ADDED, no first_row_id: inherits 1000 + 3 (rows of the files before it that had none).
      { select: `SELECT 'c' || range AS v FROM range(2)`, fieldIds: '{v: 1}' },
    ],
  });
  const r = await rows(root, (t) => `SELECT v, _row_id::VARCHAR, _last_updated_sequence_number::VARCHAR FROM ${t} ORDER BY v`, { rowLineage: true });
  assert.deepEqual(r.described.slice(1), [['_row_id', 'BIGINT'], ['_last_updated_sequence_number', 'BIGINT']]);
  assert.deepEqual(r.rows, [
    ['a0', '1000', '7'], ['a1', '1001', '7'], ['a2', '1002', '7'],
    ['b0', '42', '2'], ['b1', '501', '3'],
    ['c0', '1003', '7'], ['c1', '1004', '7'],
  ]);
  // Not asked for: the table's own columns only.
  assert.deepEqual((await rows(root, (t) => `SELECT count(*) FROM ${t}`)).described, [['v', 'VARCHAR']]);
  const cli = JSON.parse(await runQuery(parseQueryArgs(['--table', `t=${root}`, '--row-lineage', '--format', 'json', `SELECT v, _row_id FROM t WHERE v IN ('b0', 'c1') ORDER BY v`])));
  assert.deepEqual(cli.rows, [['b0', '42'], ['c1', '1004']]);
});

test('row lineage of a table upgraded to v3 (no first_row_id anywhere): ids are null, sequence numbers inherited', async () => {
  const root = await writeTestTable(path.join(dir, 'upgraded'), {
    formatVersion: 3, sequenceNumber: 4n,
    schema: { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'v', required: false, type: 'int' }] },
    files: [{ select: 'SELECT 1 AS v', fieldIds: '{v: 1}' }, { select: 'SELECT 2 AS v', fieldIds: '{v: 1}' }],
  });
  const r = await rows(root, (t) => `SELECT v, _row_id, _last_updated_sequence_number::VARCHAR FROM ${t} ORDER BY v`, { rowLineage: true });
  assert.deepEqual(r.rows, [[1, null, '4'], [2, null, '4']]);
});

test('a struct field older files lack reads as its initial-default, in one file or many', async () => {
  const schema: Schema = { type: 'struct', 'schema-id': 0, fields: [
    { id: 1, name: 'id', required: false, type: 'int' },
    { id: 2, name: 's', required: false, type: { type: 'struct', fields: [
      { id: 3, name: 'a', required: false, type: 'int' },
      { id: 4, name: 'b', required: false, type: 'string', 'initial-default': 'n/a' },
    ] } },
  ] };
  for (const files of [1, 6]) {
    const root = await writeTestTable(path.join(dir, `nested-default-${files}`), {
      formatVersion: 3, schema,
      files: Array.from({ length: files }, (_, i) => ({ select: `SELECT ${i} AS id, {'a': ${i}} AS s`, fieldIds: '{id: 1, s: {__duckdb_field_id: 2, a: 3}}' })),
    });
    const r = await rows(root, (t) => `SELECT s FROM ${t} ORDER BY id LIMIT 1`);
    assert.deepEqual(r.rows, [[{ a: 0, b: 'n/a' }]], `${files} file(s)`);
  }
});
