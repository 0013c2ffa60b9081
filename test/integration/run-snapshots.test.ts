// dbt snapshots into Iceberg (issue 17): timestamp and check strategies, each hard_deletes mode, renamed meta columns
// and dbt_valid_to_current, one commit per run, nothing committed when nothing changed, time travel to the previous
// snapshot, and a failed run leaving the table as it was. Real DuckDB, the local catalog over HTTP, tables on moto S3.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startMoto, type Moto } from '../helpers/moto';
import { writeTempProject } from '../helpers/demo-copy';
import { DbtProject } from '../../server/src/project/project';
import { lakehouseStorage, openLakehouse, stopLocalCatalogServers, type Lakehouse } from '../../server/src/run/lakehouse';
import { writeTable } from '../../server/src/engine/write/write-table';
import { WriteError } from '../../server/src/engine/write/write-error';
import { buildNodes, type NodeResult } from '../../server/src/run/build';
import { selectResources, selectionRequest } from '../../server/src/selection/select';
import { tableRelation } from '../../server/src/engine/read/register-table';
import { DuckSession } from '../../server/src/engine/session';

let moto: Moto;
let dir: string;

const SNAPSHOTS: Record<string, string> = {
  // timestamp, hard deletes ignored (dbt's default)
  'snapshots/ts_ignore.sql': "{% snapshot ts_ignore %}\n{{ config(target_schema='snaps', unique_key='id', strategy='timestamp', updated_at='updated_at') }}\nselect * from {{ ref('customers') }}\n{% if var('break_it', false) %}where error('the source is unavailable') is null{% endif %}\n{% endsnapshot %}\n",
  // check on two columns, the older invalidate_hard_deletes spelling, renamed meta columns
  'snapshots/check_invalidate.sql': "{% snapshot check_invalidate %}\n{{ config(target_schema='snaps', unique_key=['id'], strategy='check', check_cols=['name', 'tier'], invalidate_hard_deletes=true,\n   snapshot_meta_column_names={'dbt_valid_from': 'valid_from', 'dbt_valid_to': 'valid_to', 'dbt_scd_id': 'version_id', 'dbt_updated_at': 'seen_at'}) }}\nselect id, name, tier from {{ ref('customers') }}\n{% endsnapshot %}\n",
  // timestamp, deletions as new records, a far-future dbt_valid_to for current rows
  'snapshots/new_record.sql': "{% snapshot new_record %}\n{{ config(schema='snaps', unique_key='id', strategy='timestamp', updated_at='updated_at', hard_deletes='new_record', dbt_valid_to_current=\"TIMESTAMP '9999-12-31 00:00:00'\") }}\nselect * from {{ ref('customers') }}\n{% endsnapshot %}\n",
  // dbt 1.9's YAML form: check on every column, a unique_key list, hard_deletes: invalidate
  'snapshots/snapshots.yml': "snapshots:\n  - name: yaml_check\n    relation: ref('customers')\n    config:\n      schema: snaps\n      unique_key: [id, name]\n      strategy: check\n      check_cols: all\n      hard_deletes: invalidate\n",
};

before(async () => {
  moto = await startMoto(['lake']);
  dir = writeTempProject('floe-snapshots-', {
    'dbt_project.yml': "name: snap\nprofile: snap\nvars:\n  floe_locations:\n    snaps: 's3://lake/snaps'\n",
    'profiles.yml': `snap:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n      plugins:\n        - module: 'demo.dbt.plugins.polaris'\n          config:\n            s3_endpoint: '${moto.endpoint}'\n            s3_region: 'us-east-1'\n            s3_access_key_id: 'test'\n            s3_secret_access_key: 'test'\n`,
    ...SNAPSHOTS,
  });
});
after(async () => {
  await stopLocalCatalogServers();
  await moto?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function writeCustomers(rows: string[]): void {
  fs.mkdirSync(path.join(dir, 'seeds'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'seeds', 'customers.csv'), ['id,name,tier,updated_at', ...rows].join('\n') + '\n');
}

async function snapshot(vars: Record<string, unknown> = {}): Promise<{ results: Map<string, NodeResult>; lakehouse: Lakehouse }> {
  const project = DbtProject.load(dir);
  project.setCommandLineVars(vars);
  const lakehouse = await openLakehouse(project);
  const { nodes } = selectResources(project, selectionRequest(undefined), ['snapshot']);
  const results = await buildNodes(project, lakehouse, nodes);
  return { results: new Map(results.map((r) => [r.node.name, r])), lakehouse };
}

/** The table's rows at its current (or a given) Iceberg snapshot, as objects of text ordered by the given columns. */
async function read(lakehouse: Lakehouse, name: string, orderBy: string, snapshotId?: bigint): Promise<Record<string, unknown>[]> {
  const loaded = await lakehouse.catalog.loadTable({ namespace: ['snaps'], name });
  const relation = await tableRelation(loaded, { s3: lakehouse.s3, snapshotId, tableName: `snaps.${name}` });
  const session = await DuckSession.open();
  try {
    const r = await session.query(`SELECT COLUMNS(*)::VARCHAR FROM (SELECT * FROM (${relation.sql}) ORDER BY ${orderBy})`);
    return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
  } finally {
    session.close();
  }
}

async function snapshotIds(lakehouse: Lakehouse, name: string): Promise<bigint[]> {
  const loaded = await lakehouse.catalog.loadTable({ namespace: ['snaps'], name });
  return loaded.metadata.snapshots.map((s) => s['snapshot-id']);
}

const ok = (r: NodeResult | undefined) => { assert.equal(r?.status, 'success', r?.message); return r!; };
const pick = (rows: Record<string, unknown>[], ...keys: string[]) => rows.map((r) => keys.map((k) => String(r[k])).join('|'));

test('dbt snapshots over Iceberg: first run, changes, new rows, hard deletes, no-op runs, time travel, failed runs', async () => {
  // Run 1: the tables are created with dbt's columns.
  writeCustomers(['1,Ann,gold,2024-01-01 00:00:00', '2,Bob,silver,2024-01-01 00:00:00', '3,Cy,bronze,2024-01-01 00:00:00']);
  let { results, lakehouse } = await snapshot();
  for (const r of results.values()) ok(r);
  assert.match(ok(results.get('ts_ignore')).message, /^created snaps\.ts_ignore in the local lakehouse: 3 rows, snapshot \d+$/);
  const first = await read(lakehouse, 'ts_ignore', 'id');
  assert.deepEqual(Object.keys(first[0]), ['id', 'name', 'tier', 'updated_at', 'dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to']);
  assert.deepEqual(pick(first, 'id', 'dbt_valid_from', 'dbt_valid_to'), ['1|2024-01-01 00:00:00|null', '2|2024-01-01 00:00:00|null', '3|2024-01-01 00:00:00|null']);
  assert.match(String(first[0].dbt_scd_id), /^[0-9a-f]{32}$/);
  assert.deepEqual(Object.keys((await read(lakehouse, 'check_invalidate', 'id'))[0]), ['id', 'name', 'tier', 'version_id', 'seen_at', 'valid_from', 'valid_to']);
  const nr1 = await read(lakehouse, 'new_record', 'id');
  assert.deepEqual(pick(nr1, 'id', 'dbt_valid_to', 'dbt_is_deleted'), ['1|9999-12-31 00:00:00|False', '2|9999-12-31 00:00:00|False', '3|9999-12-31 00:00:00|False']);
  // On S3 at the layer location floe_locations gives the namespace (created when missing).
  assert.equal((await lakehouse.catalog.loadTable({ namespace: ['snaps'], name: 'ts_ignore' })).metadata.location, 's3://lake/snaps/ts_ignore');
  const afterFirst = { ts: await snapshotIds(lakehouse, 'ts_ignore'), check: await snapshotIds(lakehouse, 'check_invalidate'), nr: await snapshotIds(lakehouse, 'new_record') };
  assert.deepEqual([afterFirst.ts.length, afterFirst.check.length, afterFirst.nr.length], [1, 1, 1]);
  assert.match(ok(results.get('yaml_check')).message, /^created snaps\.yaml_check in the local lakehouse: 3 rows/);

  // Run 2, nothing changed: nothing is committed.
  ({ results, lakehouse } = await snapshot());
  assert.match(ok(results.get('ts_ignore')).message, /^no changes: snaps\.ts_ignore stays at snapshot \d+ \(nothing committed\)$/);
  assert.deepEqual(await snapshotIds(lakehouse, 'ts_ignore'), afterFirst.ts);
  assert.deepEqual(await snapshotIds(lakehouse, 'check_invalidate'), afterFirst.check);
  assert.deepEqual(await snapshotIds(lakehouse, 'new_record'), afterFirst.nr);

  // Run 3: Ann's updated_at moves with the same data, Bob changes tier, Cy is deleted, Dee is new.
  writeCustomers(['1,Ann,gold,2024-03-01 00:00:00', '2,Bob,gold,2024-02-01 00:00:00', '4,Dee,silver,2024-02-01 00:00:00']);
  const ranAt = new Date();
  ({ results, lakehouse } = await snapshot());
  assert.match(ok(results.get('ts_ignore')).message, /merged into snaps\.ts_ignore in the local lakehouse: 3 new versions, 2 closed, snapshot \d+/);
  const ts = await read(lakehouse, 'ts_ignore', 'id, dbt_valid_from');
  assert.deepEqual(pick(ts, 'id', 'tier', 'dbt_valid_from', 'dbt_valid_to'), [
    '1|gold|2024-01-01 00:00:00|2024-03-01 00:00:00', '1|gold|2024-03-01 00:00:00|null',
    '2|silver|2024-01-01 00:00:00|2024-02-01 00:00:00', '2|gold|2024-02-01 00:00:00|null',
    // ignore: a deleted row stays current
    '3|bronze|2024-01-01 00:00:00|null',
    '4|silver|2024-02-01 00:00:00|null',
  ]);
  assert.equal((await snapshotIds(lakehouse, 'ts_ignore')).length, 2, 'one commit for the run');

  // check: Ann's new updated_at alone is no change; Bob's tier is; Cy is invalidated at the run's time.
  assert.match(ok(results.get('check_invalidate')).message, /2 new versions, 2 closed/);
  const check = await read(lakehouse, 'check_invalidate', 'id, valid_from');
  assert.deepEqual(pick(check, 'id', 'tier').join(' '), '1|gold 2|silver 2|gold 3|bronze 4|silver');
  const bob = check.filter((r) => r.id === '2');
  assert.notEqual(bob[0].valid_to, null);
  assert.equal(bob[0].valid_to, bob[1].valid_from, 'the old version ends when the new one starts (the run time)');
  const cy = check.find((r) => r.id === '3')!;
  assert.ok(new Date(`${String(cy.valid_to).replace(' ', 'T')}Z`).getTime() >= ranAt.getTime() - 1000, `Cy invalidated at the run time, got ${cy.valid_to}`);
  assert.equal(check.find((r) => r.id === '1')!.valid_to, null);

  // new_record: Cy's current version is closed and a deletion record is current.
  assert.match(ok(results.get('new_record')).message, /4 new versions, 3 closed/);
  // check_cols: all sees Ann's new updated_at as a change.
  assert.match(ok(results.get('yaml_check')).message, /merged into snaps\.yaml_check in the local lakehouse: 3 new versions, 3 closed/);
  const nr = await read(lakehouse, 'new_record', 'id, dbt_valid_from');
  const cyRows = nr.filter((r) => r.id === '3');
  assert.deepEqual(pick(cyRows, 'dbt_is_deleted'), ['False', 'True']);
  assert.notEqual(cyRows[0].dbt_valid_to, '9999-12-31 00:00:00');
  assert.equal(cyRows[0].dbt_valid_to, cyRows[1].dbt_valid_from);
  assert.equal(cyRows[1].dbt_valid_to, '9999-12-31 00:00:00');
  assert.equal(nr.filter((r) => r.dbt_valid_to === '9999-12-31 00:00:00').length, 4, 'one current row per key');

  // Time travel: the first snapshot still shows the first state.
  assert.deepEqual(await read(lakehouse, 'ts_ignore', 'id', afterFirst.ts[0]), first);

  // Run 4: Cy comes back, updated.
  writeCustomers(['1,Ann,gold,2024-03-01 00:00:00', '2,Bob,gold,2024-02-01 00:00:00', '3,Cy,gold,2024-05-01 00:00:00', '4,Dee,silver,2024-02-01 00:00:00']);
  ({ results, lakehouse } = await snapshot());
  assert.match(ok(results.get('ts_ignore')).message, /1 new versions, 1 closed/);
  assert.match(ok(results.get('check_invalidate')).message, /1 new versions, 0 closed/);
  assert.match(ok(results.get('new_record')).message, /1 new versions, 1 closed/);
  assert.match(ok(results.get('yaml_check')).message, /1 new versions, 0 closed/);
  // As in dbt, the returning row starts at its updated_at, which may be before the deletion record (stamped at the run).
  const back = (await read(lakehouse, 'new_record', 'id, dbt_is_deleted, tier')).filter((r) => r.id === '3');
  assert.deepEqual(pick(back, 'tier', 'dbt_is_deleted', 'dbt_valid_to'), ['bronze|False|' + cyRows[0].dbt_valid_to, 'gold|False|9999-12-31 00:00:00', 'bronze|True|2024-05-01 00:00:00']);

  // A failed run leaves the table as it was: a source that fails, and a unique_key that is not unique.
  const before = await snapshotIds(lakehouse, 'ts_ignore');
  const rowsBefore = await read(lakehouse, 'ts_ignore', 'id, dbt_valid_from');
  writeCustomers(['1,Ann,platinum,2024-04-01 00:00:00', '2,Bob,gold,2024-02-01 00:00:00']);
  ({ results, lakehouse } = await snapshot({ break_it: true }));
  assert.equal(results.get('ts_ignore')!.status, 'error');
  assert.match(results.get('ts_ignore')!.message, /the source is unavailable/);
  writeCustomers(['1,Ann,platinum,2024-04-01 00:00:00', '1,Ann,gold,2024-04-01 00:00:00']);
  ({ results, lakehouse } = await snapshot());
  assert.equal(results.get('ts_ignore')!.status, 'error');
  assert.match(results.get('ts_ignore')!.message, /snapshot ts_ignore: unique_key id is not unique in the snapshot's query: \('1'\) occur more than once; nothing was written/);
  assert.deepEqual(await snapshotIds(lakehouse, 'ts_ignore'), before);
  assert.deepEqual(await read(lakehouse, 'ts_ignore', 'id, dbt_valid_from'), rowsBefore);
});

test('a snapshot commit computed from an older state of the table is refused, not rebased onto the newer one', async () => {
  const project = DbtProject.load(dir);
  const lakehouse = await openLakehouse(project);
  const table = { namespace: ['snaps'], name: 'ts_ignore' };
  const ids = await snapshotIds(lakehouse, 'ts_ignore');
  assert.ok(ids.length >= 3);
  const relation = await tableRelation(await lakehouse.catalog.loadTable(table), { s3: lakehouse.s3 });
  const session = await DuckSession.open();
  try {
    const write = (computedFrom: bigint) => writeTable({
      session, catalog: lakehouse.catalog, storageFactory: lakehouseStorage(lakehouse), table, mode: 'merge', uniqueKey: ['dbt_scd_id'], computedFrom,
      sql: `SELECT * REPLACE ('changed' AS name) FROM (${relation.sql}) WHERE dbt_valid_to IS NULL LIMIT 1`,
    });
    await assert.rejects(write(ids[0]), (e: unknown) => e instanceof WriteError && e.kind === 'conflict' && /snaps\.ts_ignore changed while this write was computed from its snapshot \d+; compute it again/.test(e.message));
    assert.deepEqual(await snapshotIds(lakehouse, 'ts_ignore'), ids);
    // Computed from the current snapshot, the same write commits.
    await write(ids.at(-1)!);
    assert.equal((await snapshotIds(lakehouse, 'ts_ignore')).length, ids.length + 1);
  } finally {
    session.close();
  }
});

test("a column added to the snapshot's query is added to its table; check_cols: all then sees every row as changed, as dbt does", async () => {
  fs.writeFileSync(path.join(dir, 'seeds', 'customers.csv'), 'id,name,tier,updated_at,email\n1,Ann,gold,2024-06-01 00:00:00,ann@example.com\n2,Bob,gold,2024-02-01 00:00:00,\n');
  const { results, lakehouse } = await snapshot();
  assert.match(ok(results.get('ts_ignore')).message, /1 new versions, 1 closed/);
  const rows = await read(lakehouse, 'ts_ignore', 'id, dbt_valid_from');
  assert.deepEqual(Object.keys(rows[0]).slice(-1), ['email'], 'the new column goes after the existing ones');
  assert.deepEqual(pick(rows.filter((r) => r.dbt_valid_to === null), 'id', 'email').sort(), ['1|ann@example.com', '2|null', '3|null', '4|null']);
  // yaml_check compares every column: a new one means every current row (Ann and Bob; Cy and Dee were invalidated by the
  // earlier run without them) changed, dbt's column_added, though only Ann's values did.
  assert.match(ok(results.get('yaml_check')).message, /2 new versions, 2 closed/);
});

test('two runs at once record a change once: the later commit is refused and recomputed, finding nothing left to do', async () => {
  fs.writeFileSync(path.join(dir, 'seeds', 'customers.csv'), 'id,name,tier,updated_at,email\n1,Ann,silver,2024-07-01 00:00:00,ann@example.com\n2,Bob,gold,2024-02-01 00:00:00,\n');
  const lakehouse = (await snapshot({ break_it: false }).then((r) => { assert.match(ok(r.results.get('ts_ignore')).message, /1 new versions, 1 closed/); return r.lakehouse; }));
  const names = ['ts_ignore', 'check_invalidate', 'new_record', 'yaml_check'];
  const before = await Promise.all(names.map((n) => snapshotIds(lakehouse, n)));
  fs.writeFileSync(path.join(dir, 'seeds', 'customers.csv'), 'id,name,tier,updated_at,email\n1,Ann,platinum,2024-08-01 00:00:00,ann@example.com\n2,Bob,gold,2024-02-01 00:00:00,\n');
  const [a, b] = await Promise.all([snapshot(), snapshot()]);
  for (const [i, name] of names.entries()) {
    const messages = [a, b].map((r) => ok(r.results.get(name)).message);
    assert.equal(messages.filter((m) => /^merged into/.test(m)).length, 1, messages.join('\n'));
    assert.equal(messages.filter((m) => /^no changes/.test(m)).length, 1, messages.join('\n'));
    assert.equal((await snapshotIds(lakehouse, name)).length, before[i].length + 1, name);
  }
  const current = (await read(lakehouse, 'ts_ignore', 'id')).filter((r) => r.dbt_valid_to === null);
  assert.deepEqual(pick(current.filter((r) => r.id === '1'), 'tier'), ['platinum'], 'one current version of Ann');
});
