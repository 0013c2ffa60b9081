// Table maintenance from the catalog explorer, against the real language server over stdio and the local catalog
// over HTTP: table nodes show their file and delete-file counts and size; Optimize Table's dry run says what
// would change and changes nothing; the run reports progress, keeps the rows and updates the counts; cancelling
// the request leaves the table unchanged; Expire Snapshots and Rewrite Manifests run the same way.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CancellationTokenSource } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';
import { mergeTable, startMaintenanceWorld, tableRows, type MaintenanceWorld } from '../helpers/maintenance-tables';
import {
  ExplorerChildrenRequest, ExplorerConnectionsRequest, ExplorerMaintenanceProgressNotification, ExplorerMaintenanceRequest,
  type MaintenanceParams, type NodeRef,
} from '../../server/src/protocol/explorer';

let world: MaintenanceWorld;
let root: string;
let client: LspClient;
let connection: string;
const progress: { progressToken: string; message: string; percent?: number }[] = [];

before(async () => {
  world = await startMaintenanceWorld();
  root = await mkdtemp(path.join(os.tmpdir(), 'floe-explorer-maint-'));
  await writeFile(path.join(root, 'dbt_project.yml'), 'name: shop\nprofile: shop\n');
  client = await LspClient.start(root, { FLOE_NO_BINDER: '1', FLOE_CATALOG_CREDENTIAL: '' });
  client.connection.onNotification(ExplorerMaintenanceProgressNotification.type, (p) => { progress.push(p); });
  const r = await client.connection.sendRequest(ExplorerConnectionsRequest.type, { catalogs: [{ name: 'Lake', uri: world.server.uri, warehouse: world.server.name }] });
  connection = r.connections.find((c) => c.label === 'Lake')!.id;
});
after(async () => {
  await client?.stop();
  await world?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

async function tableNode(name: string) {
  await client.connection.sendRequest(ExplorerConnectionsRequest.type, { catalogs: [{ name: 'Lake', uri: world.server.uri, warehouse: world.server.name }] });
  const ref: NodeRef = { connection, kind: 'namespace', namespace: ['gold'] };
  return (await client.connection.sendRequest(ExplorerChildrenRequest.type, { ref })).nodes.find((n) => n.label === name)!;
}

const maintain = (table: string, p: Partial<MaintenanceParams>, token?: CancellationTokenSource) => client.connection.sendRequest(ExplorerMaintenanceRequest.type,
  { connection, namespace: ['gold'], table, action: 'optimize', dryRun: false, progressToken: `t${progress.length}-${Math.random()}`, ...p }, token?.token);

test('table nodes show file counts; Optimize Table dry-runs, runs with progress, keeps the rows and updates the counts', async () => {
  const id = await mergeTable(world, 'orders');
  const expected = await tableRows(world, id);
  const before = await tableNode('orders');
  assert.match(before.description!, /^\d+ files · \d+ delete files · [\d.]+ KiB$/);
  assert.match(before.tooltip!, /delete file\(s\) are applied on every read: Optimize Table rewrites the files they apply to\./);
  assert.match(before.tooltip!, /snapshots are kept: Expire Snapshots removes old ones/);

  const dry = await maintain('orders', { dryRun: true, progressToken: 'dry' });
  assert.ok('summary' in dry, JSON.stringify(dry));
  assert.match(dry.summary, /^gold\.orders: would rewrite \d+ data file\(s\) in 3 partition\(s\) and remove \d+ delete file\(s\)$/);
  assert.equal(dry.lines.length, 3);
  assert.equal((await tableNode('orders')).description, before.description, 'a dry run changes nothing');

  const run = await maintain('orders', { progressToken: 'run' });
  assert.ok('summary' in run && run.changes, JSON.stringify(run));
  assert.match(run.summary, /^gold\.orders: rewrote \d+ data file\(s\) in 3 partition\(s\) as 3 /);
  const messages = progress.filter((p) => p.progressToken === 'run').map((p) => p.message);
  assert.ok(messages.some((m) => /^rewriting part=\d/.test(m)) && messages.some((m) => /^committing/.test(m)), messages.join('; '));
  assert.match((await tableNode('orders')).description!, /^3 files · [\d.]+ KiB$/);
  assert.deepEqual(await tableRows(world, id), expected);

  const manifests = await maintain('orders', { action: 'rewriteManifests' });
  assert.ok('summary' in manifests && manifests.changes, JSON.stringify(manifests));
  const wouldExpire = await maintain('orders', { action: 'expireSnapshots', olderThanMs: 0, retainLast: 1, dryRun: true });
  assert.ok('summary' in wouldExpire, JSON.stringify(wouldExpire));
  // The confirmation shows files counted by kind, not one path per line.
  assert.match(wouldExpire.overview?.join('\n') ?? '', /^would delete \d+ data files, \d+ delete files, \d+ manifests and \d+ manifest lists$/);
  const expire = await maintain('orders', { action: 'expireSnapshots', olderThanMs: 0, retainLast: 1 });
  assert.ok('summary' in expire, JSON.stringify(expire));
  assert.equal(expire.overview?.[0], wouldExpire.overview?.[0].replace('would delete', 'deleted'));
  assert.match(expire.summary, /^gold\.orders: expired \d+ snapshot\(s\) and deleted \d+ file\(s\) only they referenced; 1 snapshot\(s\) kept$/);
  assert.deepEqual(await tableRows(world, id), expected);
  assert.doesNotMatch((await tableNode('orders')).tooltip!, /snapshots are kept/);
});

test('cancelling Optimize Table mid-rewrite leaves the table unchanged', async () => {
  const id = await mergeTable(world, 'cancelled');
  const snapshot = (await world.catalog.loadTable(id)).metadata['current-snapshot-id'];
  const source = new CancellationTokenSource();
  const sub = client.connection.onNotification(ExplorerMaintenanceProgressNotification.type, (p) => {
    if (p.progressToken === 'cancel' && /^rewriting/.test(p.message)) source.cancel();
  });
  const outcome = await maintain('cancelled', { progressToken: 'cancel' }, source).then((r) => r, (e: Error) => ({ rejected: e.message }));
  sub.dispose();
  if ('error' in outcome) assert.match(outcome.error, /^Cancelled: gold\.cancelled was left unchanged\.$/);
  else assert.ok('rejected' in outcome, `not cancelled: ${JSON.stringify(outcome)}`);
  assert.equal((await world.catalog.loadTable(id)).metadata['current-snapshot-id'], snapshot);
  const failed = await maintain('missing', {});
  assert.ok('error' in failed && /gold\.missing/.test(failed.error) && !/\n\s+at /.test(failed.error), JSON.stringify(failed));
});
