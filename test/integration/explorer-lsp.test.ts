// The floe/explorer/* requests against the real language server over stdio: connections from settings,
// profiles.yml and the local lakehouse; a 401 fixed by setCredential; the local lakehouse started on expand;
// create namespace, source() mapping and the staging scaffold.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LspClient } from '../helpers/lspClient';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import {
  ExplorerChildrenRequest, ExplorerConnectionsRequest, ExplorerCreateNamespaceRequest, ExplorerSetCredentialRequest,
  ExplorerSourceRefRequest, ExplorerStagingModelRequest, type NodeRef,
} from '../../server/src/protocol/explorer';

let root: string;
let secure: TestCatalog;
let client: LspClient;

before(async () => {
  secure = await startTestCatalog({ clientId: 'svc', clientSecret: 'svc-s3cret' });
  const admin = await connectRestCatalog({ uri: secure.uri, warehouse: secure.name, credential: { clientId: 'svc', clientSecret: 'svc-s3cret' } });
  await admin.createNamespace(['raw']);
  await admin.createTable(['raw'], { name: 'payments', schema: { type: 'struct', 'schema-id': 0, fields: [{ id: 1, name: 'payment_id', required: true, type: 'long' }, { id: 2, name: 'amount', required: false, type: 'double' }] } });
  root = await mkdtemp(path.join(os.tmpdir(), 'floe-explorer-lsp-'));
  await mkdir(path.join(root, 'models', 'staging'), { recursive: true });
  await writeFile(path.join(root, 'dbt_project.yml'), 'name: shop\nprofile: shop\n');
  await writeFile(path.join(root, 'profiles.yml'), [
    'shop:', '  target: dev', '  outputs:', '    dev:', '      type: duckdb', "      path: ':memory:'",
    '    prod:', '      type: duckdb', "      path: ':memory:'", '      plugins:', "        - module: 'polaris'", '          config:',
    `            catalog_uri: "{{ env_var('POLARIS_URI') }}"`, `            warehouse: ${secure.name}`, '',
  ].join('\n'));
  await writeFile(path.join(root, 'models', 'sources.yml'), 'version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: orders\n');
  await writeFile(path.join(root, 'models', 'staging', 'stg_orders.sql'), "select * from {{ source('raw', 'orders') }}\n");
  client = await LspClient.start(root, { FLOE_NO_BINDER: '1', POLARIS_URI: secure.uri, FLOE_CATALOG_CREDENTIAL: '' });
});
after(async () => {
  await client?.stop();
  await secure?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const children = (ref: NodeRef) => client.connection.sendRequest(ExplorerChildrenRequest.type, { ref });

test('connections list the active target (expanded), settings, other profile targets with a catalog_uri, and the local lakehouse', async () => {
  const r = await client.connection.sendRequest(ExplorerConnectionsRequest.type, { catalogs: [{ name: 'Team Polaris', uri: 'http://127.0.0.1:9/api/catalog', warehouse: 'w', clientId: 'me' }] });
  assert.deepEqual(r.nodes.map((n) => [n.label, n.contextValue, !!n.expanded]), [
    // target dev names no catalog: its local lakehouse is the active one; prod waits collapsed until expanded.
    ['Local lakehouse · shop', 'floe.connection.local', true], ['Team Polaris', 'floe.connection.setting', false], ['shop · prod', 'floe.connection.profile', false],
  ]);
  const down = await children(r.nodes[1].ref);
  assert.equal(down.nodes[0].state, 'unreachable');
  assert.match(down.nodes[0].description!, /127\.0\.0\.1:9/);
});

test('a profile target without credentials is 401 on the node; setCredential connects it', async () => {
  const conn: NodeRef = { connection: `profile:${root}:prod`, kind: 'connection' };
  const denied = await children(conn);
  assert.deepEqual([denied.nodes[0].state, denied.connectionState?.state], ['unauthorized', 'unauthorized']);
  await client.connection.sendRequest(ExplorerSetCredentialRequest.type, { connection: conn.connection, clientSecret: 'svc-s3cret', clientId: 'svc' });
  const ok = await children(conn);
  assert.deepEqual(ok.nodes.map((n) => n.label), ['raw']);
  const raw = await children(ok.nodes[0].ref);
  assert.deepEqual(raw.nodes.map((n) => n.label), ['payments']);
  assert.ok(!client.stderr.join('').includes('svc-s3cret'), 'the secret is never logged');

  const table = { connection: conn.connection, namespace: ['raw'], table: 'payments' };
  const ref = await client.connection.sendRequest(ExplorerSourceRefRequest.type, table);
  assert.ok('edit' in ref && !ref.mapped, JSON.stringify(ref));
  assert.equal(ref.jinja, "{{ source('raw', 'payments') }}");
  assert.match(ref.edit.text, /- name: orders\n\s+- name: payments\n\s+meta:\n\s+iceberg_table: raw.payments/);

  const staging = await client.connection.sendRequest(ExplorerStagingModelRequest.type, table);
  assert.ok('model' in staging, JSON.stringify(staging));
  assert.equal(staging.model.file, path.join(root, 'models', 'staging', 'stg_payments.sql'));
  assert.match(staging.model.text, /select\n    "payment_id",\n    "amount"\nfrom source/);
});

test('the local lakehouse starts on expand, in the project folder, and takes a new namespace', async () => {
  const conn: NodeRef = { connection: `local:${root}`, kind: 'connection' };
  const empty = await children(conn);
  assert.deepEqual(empty.nodes.map((n) => n.label), ['No namespaces']);
  assert.deepEqual(empty.connectionState, { state: 'connected' });
  assert.deepEqual(await client.connection.sendRequest(ExplorerCreateNamespaceRequest.type, { connection: conn.connection, namespace: ['bronze'] }), { ok: true });
  assert.ok(existsSync(path.join(root, '.floe', 'warehouse')), 'the warehouse folder is in the project');
  assert.deepEqual((await children(conn)).nodes.map((n) => n.label), ['bronze']);
});
