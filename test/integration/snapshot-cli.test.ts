// `floe snapshot` and snapshots inside `floe build` (issue 17), through the real CLI over a project's local lakehouse
// (the catalog server over HTTP, real DuckDB): dbt's output lines and exit codes, DAG order (seed → snapshot → its
// tests → the model reading the snapshot table), and target/manifest.json and run_results.json validated against
// dbt's published schemas with the snapshot's resource_type and unique_id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { dbtArtifactValidators } from '../helpers/dbt-schemas';
import { runFloe, type CliRun } from '../helpers/floe-cli';
import { writeTempProject } from '../helpers/demo-copy';

let dir: string;
const floe = (...args: string[]) => runFloe(args, {}, dir);
const ok = (r: CliRun) => { assert.equal(r.code, 0, r.err + r.out); return r; };
const lines = (r: CliRun) => r.out.trim().split('\n');

const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nprofile: shop\n',
  'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n',
  'seeds/raw_customers.csv': 'id,name,updated_at\n1,Ann,2024-01-01 00:00:00\n2,Bob,2024-01-01 00:00:00\n',
  'snapshots/customers_snapshot.sql': "{% snapshot customers_snapshot %}\n{{ config(target_schema='snaps', unique_key='id', strategy='timestamp', updated_at='updated_at') }}\nselect * from {{ ref('raw_customers') }}\n{% endsnapshot %}\n",
  'snapshots/snapshots.yml': 'version: 2\nsnapshots:\n  - name: customers_snapshot\n    columns:\n      - name: dbt_scd_id\n        data_tests: [unique, not_null]\n',
  'models/snapshot_history.sql': "select id, name, dbt_valid_to is null as current from {{ ref('customers_snapshot') }} order by id, dbt_valid_from\n",
  'models/current_customers.sql': "{{ config(materialized='table', schema='gold') }}\nselect id, name from {{ ref('customers_snapshot') }} where dbt_valid_to is null\n",
};

before(() => {
  dir = writeTempProject('floe-snapshot-cli-', FILES);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const read = (name: string): Record<string, any> => JSON.parse(fs.readFileSync(path.join(dir, 'target', name), 'utf8'));

function validate(): { manifest: Record<string, any>; runResults: Record<string, any> } {
  const manifest = read('manifest.json');
  const runResults = read('run_results.json');
  const { manifest: validManifest, runResults: validRunResults } = dbtArtifactValidators();
  assert.ok(validManifest(manifest), JSON.stringify(validManifest.errors?.slice(0, 3)));
  assert.ok(validRunResults(runResults), JSON.stringify(validRunResults.errors?.slice(0, 3)));
  // The snapshot node is checked against dbt's snapshot node schema (no extra fields), not some other node's.
  const snapshot = manifest.nodes['snapshot.shop.customers_snapshot'];
  assert.equal(validManifest({ ...manifest, nodes: { x: { ...snapshot, not_a_snapshot_field: 1 } } }), false);
  return { manifest, runResults };
}

test('floe snapshot creates the table, then records changes; run_results and the manifest carry the snapshot as dbt does', async () => {
  // Before its first run, a snapshot reads as that run would write it.
  const unrun = JSON.parse(ok(await floe('preview', dir, 'snapshot_history', '--format', 'json')).out);
  assert.deepEqual(unrun.rows, [[1, 'Ann', true], [2, 'Bob', true]]);
  const first = ok(await floe('snapshot'));
  assert.match(first.out, /^1 of 1 OK snapshot customers_snapshot: created snaps\.customers_snapshot in the local lakehouse: 2 rows, snapshot \d+ \[\d+\.\d\ds\]\n/);
  assert.match(first.out, /Done\. PASS=1 WARN=0 ERROR=0 SKIP=0 TOTAL=1\n$/);
  let { manifest, runResults } = validate();
  const node = manifest.nodes['snapshot.shop.customers_snapshot'];
  assert.deepEqual([node.resource_type, node.schema, node.alias, node.config.materialized, node.config.strategy, node.config.unique_key, node.original_file_path],
    ['snapshot', 'snaps', 'customers_snapshot', 'snapshot', 'timestamp', 'id', 'snapshots/customers_snapshot.sql']);
  assert.deepEqual(node.depends_on.nodes, ['seed.shop.raw_customers']);
  assert.equal(runResults.args.which, 'snapshot');
  const result = runResults.results[0];
  assert.deepEqual([result.unique_id, result.status, result.adapter_response.rows_affected, result.relation_name],
    ['snapshot.shop.customers_snapshot', 'success', 2, '"memory"."snaps"."customers_snapshot"']);
  assert.match(result.adapter_response.snapshot_id, /^\d+$/);
  assert.match(result.compiled_code, /select \* from "memory"\."main"\."raw_customers"/);

  // Nothing changed: nothing committed, and dbt's success all the same (here as dbt's structured log).
  const again = ok(await floe('snapshot', '--select', 'customers_snapshot', '--log-format', 'json'));
  const event = lines(again).map((l) => JSON.parse(l)).find((e) => e.info.name === 'LogSnapshotResult');
  assert.deepEqual([event.data.node_info.unique_id, event.data.node_info.resource_type, event.data.status], ['snapshot.shop.customers_snapshot', 'snapshot', 'success']);
  assert.match(event.info.msg, /OK snapshot customers_snapshot: no changes: snaps\.customers_snapshot stays at snapshot \d+ \(nothing committed\)/);
  assert.equal(JSON.parse(ok(await floe('catalog', 'tables', 'snapshots', 'snaps.customers_snapshot', '--format', 'json')).out).length, 1);

  // Bob changes, Cy arrives: floe build runs the seed, the snapshot, its tests, then the model that reads the snapshot table.
  fs.writeFileSync(path.join(dir, 'seeds', 'raw_customers.csv'), 'id,name,updated_at\n1,Ann,2024-01-01 00:00:00\n2,Robert,2024-02-01 00:00:00\n3,Cy,2024-02-01 00:00:00\n');
  const build = ok(await floe('build'));
  const names = lines(build).filter((l) => /^\d+ of \d+ /.test(l)).map((l) => l.replace(/^\d+ of \d+ \w+ (\w+) (\S+?):? .*$/, '$1 $2'));
  assert.deepEqual(names, ['seed raw_customers', 'snapshot customers_snapshot', 'test not_null_customers_snapshot_dbt_scd_id', 'test unique_customers_snapshot_dbt_scd_id', 'model current_customers', 'model snapshot_history']);
  assert.match(build.out, /OK snapshot customers_snapshot: merged into snaps\.customers_snapshot in the local lakehouse: 2 new versions, 1 closed, snapshot \d+/);
  assert.match(build.out, /OK model current_customers: created gold\.current_customers in the local lakehouse: 3 rows/);
  ({ manifest, runResults } = validate());
  assert.equal(runResults.results.find((r: { unique_id: string }) => r.unique_id === 'snapshot.shop.customers_snapshot').adapter_response.rows_affected, 3);
  assert.ok(manifest.child_map['snapshot.shop.customers_snapshot'].includes('model.shop.current_customers'));
  // Models read the snapshot table, history included.
  const history = JSON.parse(ok(await floe('preview', dir, 'snapshot_history', '--format', 'json')).out);
  assert.deepEqual(history.rows, [[1, 'Ann', true], [2, 'Bob', false], [2, 'Robert', true], [3, 'Cy', true]]);

  // dbt's fqn of a snapshot in a .sql file has the file's name before the snapshot's (parser/snapshots.py get_fqn)
  assert.equal(ok(await floe('ls', '--resource-type', 'snapshot')).out, 'shop.customers_snapshot.customers_snapshot\n');
});

test('a snapshot whose config dbt would refuse, or whose table is not a snapshot, fails with a message naming it, exit 1', async () => {
  fs.writeFileSync(path.join(dir, 'snapshots', 'broken.sql'), "{% snapshot broken %}\n{{ config(target_schema='snaps', unique_key='id', strategy='timestamp') }}\nselect 1 as id\n{% endsnapshot %}\n");
  try {
    const r = await floe('snapshot', '--select', 'broken');
    assert.equal(r.code, 1, r.err + r.out);
    assert.match(r.out, /ERROR snapshot broken/);
    assert.match(r.out, /snapshot broken: uses strategy 'timestamp' but has no updated_at: name the column that says when a row last changed \(snapshots\/broken\.sql\)/);
    assert.doesNotMatch(r.out + r.err, /\bat \S+\.ts:\d+/);
  } finally {
    fs.rmSync(path.join(dir, 'snapshots', 'broken.sql'));
  }
  // A snapshot pointed at a table that is not a snapshot's (the model table of the first test) leaves it alone.
  fs.writeFileSync(path.join(dir, 'snapshots', 'elsewhere.sql'), "{% snapshot elsewhere %}\n{{ config(target_schema='gold', alias='current_customers', unique_key='id', strategy='check', check_cols='all') }}\nselect 1 as id, 'x' as name\n{% endsnapshot %}\n");
  try {
    const r = await floe('snapshot', '--select', 'elsewhere');
    assert.equal(r.code, 1, r.err + r.out);
    assert.match(r.out, /gold\.current_customers exists but has no dbt_scd_id, dbt_valid_from, dbt_valid_to columns, so it is not this snapshot's table .*; nothing was written/);
    assert.equal(JSON.parse(ok(await floe('catalog', 'tables', 'snapshots', 'gold.current_customers', '--format', 'json')).out).length, 1);
  } finally {
    fs.rmSync(path.join(dir, 'snapshots', 'elsewhere.sql'));
  }
});

test("snapshot_get_time() and the backcompat timestamps are dbt-duckdb's TIMESTAMP, the session's wall clock, as a check snapshot's dbt_valid_from is", async () => {
  // Floe's `now()` made a table's column TIMESTAMP WITH TIME ZONE where dbt-duckdb's table has TIMESTAMP; and a snapshot
  // run wrote dbt_valid_from in UTC, so west of UTC its rows read as valid from the future (dbt-duckdb's
  // snapshot_get_time() is `now()::timestamp`, the session's time zone's wall clock).
  const checked = path.join(dir, 'snapshots', 'checked.sql');
  const stamped = path.join(dir, 'models', 'stamped.sql');
  const types = path.join(dir, 'models', 'stamp_types.sql');
  fs.writeFileSync(checked, "{% snapshot checked %}\n{{ config(target_schema='snaps', unique_key='id', strategy='check', check_cols='all') }}\nselect id, name from {{ ref('raw_customers') }}\n{% endsnapshot %}\n");
  fs.writeFileSync(stamped, "{{ config(materialized='table', schema='gold') }}\nselect id, {{ current_timestamp_in_utc_backcompat() }} as loaded_at, {{ current_timestamp_backcompat() }} as seen_at,\n" +
    "  {{ snapshot_get_time() }} as snapped_at, dbt_valid_from <= {{ snapshot_get_time() }} and dbt_valid_from > {{ snapshot_get_time() }} - interval 10 minute as valid_now\n" +
    "from {{ ref('checked') }} where dbt_valid_to is null\n");
  fs.writeFileSync(types, "select typeof(loaded_at) as l, typeof(seen_at) as b, typeof(snapped_at) as s, bool_and(valid_now) as v, count(*) as n from {{ ref('stamped') }} group by all\n");
  const westOfUtc = { TZ: 'America/New_York' };
  try {
    const build = ok(await runFloe(['build', '--select', '+stamped'], westOfUtc, dir));
    assert.match(build.out, /OK snapshot checked: created snaps\.checked/);
    assert.match(build.out, /OK model stamped: created gold\.stamped in the local lakehouse: \d+ rows/);
    // read back from the Iceberg table the run wrote
    const read = JSON.parse(ok(await runFloe(['preview', dir, 'stamp_types', '--format', 'json'], westOfUtc, dir)).out);
    assert.equal(read.rows.length, 1);
    assert.deepEqual(read.rows[0].slice(0, 4), ['TIMESTAMP', 'TIMESTAMP', 'TIMESTAMP', true]);
  } finally {
    for (const f of [checked, stamped, types]) fs.rmSync(f);
  }
});
