// Every case of ../shared/fixtures/iceberg/expected.json through `floe query` (third-party Iceberg tables).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseJson } from '../../server/src/util/json';
import { parseQueryArgs, runQuery } from '../../server/src/cli/commands/query';
import { DuckSession } from '../../server/src/engine/session';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';

const repoRoot = path.resolve(__dirname, '../..');
const fixtures = path.resolve(repoRoot, '../shared/fixtures/iceberg');

interface Case { tables: Record<string, string>; snapshots: Record<string, unknown>; sql: string; expected_rows: string[][] }
interface Output { columns: { name: string; type: string }[]; rows: unknown[][] }

const cases = existsSync(path.join(fixtures, 'expected.json'))
  ? ((parseJson(readFileSync(path.join(fixtures, 'expected.json'), 'utf8')) as { cases: Case[] }).cases)
  : [];

function argsFor(c: Case): string[] {
  const args: string[] = [];
  for (const [alias, location] of Object.entries(c.tables)) args.push('--table', `${alias}=${path.join(fixtures, location)}`);
  for (const [alias, id] of Object.entries(c.snapshots ?? {})) args.push('--snapshot', `${alias}=${String(id)}`);
  return [...args, '--format', 'json', c.sql];
}

// DuckDB's text rendering, as expected.json writes values: booleans 1/0, timestamps with a space.
function asText(value: unknown, type: string): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'string') return /^TIMESTAMP/.test(type) ? value.replace('T', ' ') : value;
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

/** A timestamptz as UTC microseconds, so values printed in different zones compare as instants. */
function instant(text: string): string {
  const m = /^(\d{4,}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d(?::?\d\d)?)?$/.exec(text);
  if (!m) return text;
  let ms = Date.parse(`${m[1]}T${m[2]}Z`);
  const zone = m[4] ?? 'Z';
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const [h, mm] = [Number(zone.slice(1, 3)), Number(zone.slice(-2) === zone.slice(1, 3) && zone.length === 3 ? 0 : zone.slice(-2))];
    ms -= sign * (h * 60 + mm) * 60_000;
  }
  return `${BigInt(ms) * 1000n + BigInt((m[3] ?? '.0').slice(1).padEnd(6, '0').slice(0, 6))}`;
}

function normalise(rows: string[][], types: string[]): string[][] {
  return rows.map((r) => r.map((v, i) => (types[i] === 'TIMESTAMP WITH TIME ZONE' ? instant(v) : v)));
}

// FLOAT (float32) columns: DuckDB prints the shortest float32 text, while the expected rows came from a
// harness that compares reals approximately (e.g. 3.141592653589793 for the float32 3.1415927). Compare
// them as float32 values: both sides rounded to float32 must be equal.
function float32Text(v: string): string {
  const n = Number(v);
  return Number.isNaN(n) ? v : String(Math.fround(n));
}

function check(c: Case, out: Output) {
  const types = out.columns.map((col) => col.type);
  const floats = (rows: string[][]) => rows.map((r) => r.map((v, i) => (types[i] === 'FLOAT' && v !== 'NULL' ? float32Text(v) : v)));
  const actual = floats(normalise(out.rows.map((r) => r.map((v, i) => asText(v, types[i]))), types));
  const expected = floats(normalise(c.expected_rows, types));
  const ordered = /\border\s+by\b/i.test(c.sql);
  const key = (r: string[]) => JSON.stringify(r);
  if (ordered) assert.deepEqual(actual, expected, c.sql);
  else assert.deepEqual(actual.map(key).sort(), expected.map(key).sort(), c.sql);
}

test('the fixture suite is present', () => {
  assert.ok(cases.length > 0, `no cases found in ${fixtures}/expected.json`);
});

cases.forEach((c, i) => {
  test(`fixture ${i + 1}: ${Object.values(c.tables).join(', ')}: ${c.sql.replace(/\s+/g, ' ')}`, async () => {
    const out = JSON.parse(await runQuery(parseQueryArgs(argsFor(c)))) as Output;
    check(c, out);
  });
});

test('the built CLI prints only the result on stdout', { skip: !existsSync(path.join(repoRoot, 'dist/cli.js')) || cases.length === 0 }, () => {
  const c = cases[0];
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist/cli.js'), 'query', ...argsFor(c)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  check(c, JSON.parse(r.stdout) as Output);
});

test('a filter prunes files by partition value; the remaining rows still match', async () => {
  const session = await DuckSession.open();
  try {
    const rel = await registerIcebergTable(session, 't', path.join(fixtures, 'data/persistent/partition_integer'), { filter: { op: '=', column: 'partition_col', value: 42 } });
    assert.equal(rel.dataFiles, 1);
    assert.deepEqual((await session.query('SELECT user_id FROM t WHERE partition_col = 42')).rows, [['12345']]);
  } finally {
    session.close();
  }
});
