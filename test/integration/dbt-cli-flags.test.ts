// Issue 17: dbt's --threads, --fail-fast and --log-format json across run/build/test/ls/compile, through the real CLI
// over a copy of the demo and its local lakehouse (a catalog server over HTTP, real DuckDB). --threads runs
// independent nodes at once and must give the serial run's statuses, never starting a node before what it reads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { copyDemo } from '../helpers/demo-copy';
import { runFloe, type CliRun } from '../helpers/floe-cli';
import { DbtProject } from '../../server/src/project/project';
import { openLakehouse, stopLocalCatalogServers } from '../../server/src/run/lakehouse';
import { writeDemoBronze } from '../../server/src/run/demo-bronze';

let dir: string;
const floe = (...args: string[]) => runFloe(args, {}, dir);
const events = (r: CliRun) => r.out.trim().split('\n').map((l) => JSON.parse(l) as { info: Record<string, any>; data: Record<string, any> });

const EXTRA = {
  'models/extra/loose_table.sql': "select 'NL' as code union all select 'FR'\n",
  'models/extra/after_loose.sql': "select count(*) as n from {{ ref('loose_table') }}\n",
  'models/extra/extra.yml': 'version: 2\nmodels:\n  - name: loose_table\n    columns:\n      - name: code\n        data_tests:\n          - accepted_values:\n              arguments:\n                values: [NL]\n',
};

before(async () => {
  dir = copyDemo(EXTRA);
  // The profile's threads are the default for --threads, as in dbt.
  const profiles = path.join(dir, 'profiles.yml');
  fs.writeFileSync(profiles, fs.readFileSync(profiles, 'utf8').replace("    dev:\n      type: duckdb\n", "    dev:\n      type: duckdb\n      threads: 3\n"));
  try {
    await writeDemoBronze(await openLakehouse(DbtProject.load(dir)), path.join(dir, 'bronze'), { customers: 40, orders: 150, products: 12 });
  } finally {
    await stopLocalCatalogServers();
  }
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

interface NodeRun { status: string; message: string; started: number; finished: number }

function nodeRuns(r: CliRun): Map<string, NodeRun> {
  const out = new Map<string, NodeRun>();
  for (const e of events(r)) {
    const info = e.data.node_info;
    if (!info) continue;
    out.set(info.unique_id, {
      status: info.node_status,
      // Snapshot ids, times and created/replaced differ from run to run; what was built and its rows must not.
      message: String(e.info.msg).replace(/snapshot \d+/g, 'snapshot N').replace(/\b(created|replaced) demo/, 'wrote demo').replace(/\[\d+\.\d+s\]/g, '').replace(/^\d+ of \d+ /, ''),
      started: Date.parse(info.node_started_at), finished: Date.parse(info.node_finished_at),
    });
  }
  return out;
}

test('--threads N builds independent nodes at once with the serial statuses, each node after what it reads and what tests it', async () => {
  const selection = ['--select', 'staging', 'marts', 'path:models/extra', '--log-format', 'json'];
  const serial = await floe('build', ...selection, '--threads', '1');
  const parallel = await floe('build', ...selection, '--threads', '4');
  assert.equal(serial.code, 1, serial.err + serial.out);
  assert.equal(parallel.code, 1, parallel.err + parallel.out);
  const [s, p] = [nodeRuns(serial), nodeRuns(parallel)];
  assert.ok(s.size > 20, `${s.size} nodes`);
  assert.deepEqual(new Map([...p].map(([id, n]) => [id, [n.status, n.message]])), new Map([...s].map(([id, n]) => [id, [n.status, n.message]])));
  assert.equal(p.get('model.floe_demo.after_loose')?.status, 'skipped', 'the failing test skips the model below what it tests');

  // Every node starts after its parents (and the tests of its parents) finished.
  const listed = (await floe('ls', '--select', 'staging', 'marts', 'path:models/extra', '--output', 'json', '--output-keys', 'unique_id depends_on')).out.trim().split('\n').map((l) => JSON.parse(l));
  const parents = new Map<string, string[]>(listed.map((n) => [n.unique_id, n.depends_on.nodes]));
  let checked = 0;
  for (const [id, node] of p) {
    if (node.status === 'skipped') continue;
    const upstream = (parents.get(id) ?? []).filter((x) => p.has(x));
    const testsOfUpstream = id.startsWith('test.') ? [] : [...p.keys()].filter((t) => t.startsWith('test.') && upstream.some((u) => parents.get(t)?.includes(u)) && !parents.get(t)?.includes(id));
    for (const before of [...upstream, ...testsOfUpstream]) {
      assert.ok(node.started >= p.get(before)!.finished, `${id} started before ${before} finished`);
      checked++;
    }
  }
  assert.ok(checked > 20, `${checked} dependencies checked`);
  // And some nodes really ran at once (the staging views and their tests are independent of each other).
  const runs = [...p.values()].filter((n) => n.status !== 'skipped');
  assert.ok(runs.some((a) => runs.some((b) => a !== b && a.started < b.finished && b.started < a.finished)), 'no two nodes overlapped with --threads 4');

  const concurrency = (r: CliRun) => events(r).find((e) => e.info.name === 'ConcurrencyLine')?.data;
  assert.deepEqual(concurrency(parallel), { num_threads: 4, target_name: 'dev', node_count: s.size });
  const fromProfile = await floe('run', '--select', 'staging', '--log-format', 'json');
  assert.equal(fromProfile.code, 0, fromProfile.err);
  assert.equal(concurrency(fromProfile)?.num_threads, 3, "the profile's threads");
});

test('floe test --fail-fast: the first failing test stops the run, the rest are skipped, exit 1', async () => {
  const all = await floe('test', '--threads', '1');
  assert.equal(all.code, 1, all.err + all.out);
  assert.match(all.out, /^FAIL 1 accepted_values\(loose_table\.code\)/m);
  const total = Number(/TOTAL=(\d+)/.exec(all.out)![1]);

  const r = await floe('test', '--fail-fast', '--threads', '1');
  assert.equal(r.code, 1, r.err + r.out);
  const results = JSON.parse(fs.readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8')).results as { unique_id: string; status: string; message: string }[];
  assert.equal(results.length, total);
  const firstFail = results.findIndex((x) => x.status === 'fail');
  assert.ok(firstFail >= 0);
  assert.ok(results.slice(0, firstFail).every((x) => x.status === 'pass'));
  const after = results.slice(firstFail + 1);
  assert.ok(after.every((x) => x.status === 'skipped' && /--fail-fast: the run stopped after accepted_values_loose_table_code__NL failed/.test(x.message)), JSON.stringify(after));
  assert.ok(after.length > 0, 'the failing test is not the last');
  assert.match(r.out, /SKIP=\d+:\n {2}\d+ tests?: --fail-fast: the run stopped after accepted_values_loose_table_code__NL failed/);

  // -x is dbt's short form; with it a failing test first in the order skips everything after it.
  const json = await floe('test', '-x', '--threads', '1', '--select', 'loose_table', 'stg_orders', '--log-format', 'json');
  assert.equal(json.code, 1);
  const names = events(json).map((e) => e.info.name);
  assert.equal(names.filter((n) => n === 'LogTestResult').length + names.filter((n) => n === 'SkippingDetails').length, events(json).filter((e) => e.data.node_info).length);
  assert.equal(names.at(-1), 'StatsLine');
});

test('--log-format json: test, ls and compile print one dbt event per line with info {name, code, msg, level, ts, invocation_id}', async () => {
  const check = (r: CliRun) => {
    const all = events(r);
    const ids = new Set(all.map((e) => e.info.invocation_id));
    assert.equal(ids.size, 1, 'one invocation per command');
    for (const e of all) {
      assert.deepEqual(Object.keys(e).sort(), ['data', 'info']);
      assert.match(e.info.code, /^[A-Z]\d{3}$/);
      assert.ok(['info', 'warn', 'error', 'debug'].includes(e.info.level));
      assert.ok(!Number.isNaN(Date.parse(e.info.ts)));
      assert.match(e.info.invocation_id, /^[0-9a-f-]{36}$/);
      assert.equal(typeof e.info.msg, 'string');
    }
    return all;
  };
  const t = await floe('test', '--select', 'stg_orders', '--log-format', 'json');
  assert.equal(t.code, 0, t.err);
  const testEvents = check(t);
  const results = testEvents.filter((e) => e.info.name === 'LogTestResult');
  assert.ok(results.length >= 4);
  assert.ok(results.every((e) => e.info.code === 'Q007' && e.data.status === 'pass' && e.data.num_failures === 0 && /^test\.floe_demo\./.test(e.data.node_info.unique_id)));
  assert.deepEqual(testEvents.at(-1)!.data.stats, { error: 0, pass: results.length, skip: 0, total: results.length, warn: 0 });

  const ls = await runFloe(['ls', '-s', 'marts.*', '--resource-type', 'model'], { DBT_LOG_FORMAT: 'json' }, dir);
  assert.equal(ls.code, 0, ls.err);
  const listed = check(ls);
  assert.deepEqual(listed.map((e) => [e.info.name, e.info.code, e.data.msg]), [
    ['ListCmdOut', 'Z049', 'floe_demo.marts.mart_customer_orders'], ['ListCmdOut', 'Z049', 'floe_demo.marts.mart_product_performance'], ['ListCmdOut', 'Z049', 'floe_demo.marts.mart_revenue'],
  ]);

  const one = await floe('compile', '-s', 'stg_orders', '--log-format', 'json');
  assert.equal(one.code, 0, one.err);
  const [compiled] = check(one);
  assert.deepEqual([compiled.info.name, compiled.info.code, compiled.data.node_name, compiled.data.unique_id], ['CompiledNode', 'Q042', 'stg_orders', 'model.floe_demo.stg_orders']);
  assert.match(compiled.data.compiled, /from .*orders/i);
  assert.equal(compiled.data.compiled, fs.readFileSync(path.join(dir, 'target', 'compiled', 'floe_demo', 'models', 'staging', 'stg_orders.sql'), 'utf8'));

  fs.writeFileSync(path.join(dir, 'models/extra/broken.sql'), "select {{ var('never_set') }} as x\n");
  try {
    const bad = await floe('compile', '-s', 'broken', 'stg_orders', '--log-format', 'json');
    assert.equal(bad.code, 1);
    assert.equal(bad.err, '', 'errors are events too');
    const errors = check(bad).filter((e) => e.info.level === 'error');
    assert.equal(errors.length, 1);
    assert.match(errors[0].info.msg, /^models\/extra\/broken\.sql:1:\d+: error: Required var 'never_set'/);
    assert.ok(check(bad).some((e) => e.info.name === 'Note' && /compiled stg_orders/.test(e.info.msg)));
  } finally {
    fs.rmSync(path.join(dir, 'models/extra/broken.sql'));
  }
});
