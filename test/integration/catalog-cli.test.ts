// `floe catalog serve` as a user runs it: first stdout line is the URI, it serves until SIGTERM, then exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { parseServeArgs } from '../../server/src/cli/commands/catalog';
import { UsageError } from '../../server/src/cli/command';
import { spawnCatalogServe } from '../helpers/local-catalog';

test('catalog serve prints its URI first, serves with credentials, and stops on SIGTERM', async () => {
  const warehouse = await mkdtemp(path.join(os.tmpdir(), 'floe-cli-catalog-'));
  const proc = await spawnCatalogServe(['--warehouse', warehouse, '--port', '0', '--name', 'lake', '--client-id', 'me', '--client-secret', 'pw']);
  try {
    assert.match(proc.uri, /^http:\/\/127\.0\.0\.1:\d+\/api\/catalog$/);
    const catalog = await connectRestCatalog({ uri: proc.uri, warehouse: 'lake', credential: { clientId: 'me', clientSecret: 'pw' } });
    await catalog.createNamespace(['from_cli']);
    assert.deepEqual((await catalog.listNamespaces()).items, [['from_cli']]);
    assert.equal(await proc.stop(), 0);
  } finally {
    await proc.stop();
    await rm(warehouse, { recursive: true, force: true });
  }
});

test('without --port, catalog serve falls back to a free port when 8181 is taken', async () => {
  const blocker = createServer();
  // If someone else already holds 8181, the port is taken all the same.
  await new Promise<void>((resolve) => blocker.once('error', () => resolve()).listen(8181, '127.0.0.1', () => resolve()));
  const warehouse = await mkdtemp(path.join(os.tmpdir(), 'floe-cli-catalog-'));
  try {
    const proc = await spawnCatalogServe(['--warehouse', warehouse]);
    assert.notEqual(new URL(proc.uri).port, '8181');
    assert.equal((await fetch(`${proc.uri}/v1/config`)).status, 200);
    assert.equal(await proc.stop(), 0);
  } finally {
    blocker.close();
    await rm(warehouse, { recursive: true, force: true });
  }
});

test('catalog serve arguments: defaults, config pairs and usage errors', () => {
  const a = parseServeArgs(['--warehouse', '/w', '--config', 's3.endpoint=http://127.0.0.1:9000', '--base-location', 's3://gold']);
  assert.deepEqual([a.options.host, a.options.port, a.portGiven, a.options.baseLocation, a.options.tableConfig], ['127.0.0.1', 8181, false, 's3://gold', { 's3.endpoint': 'http://127.0.0.1:9000' }]);
  for (const bad of [[], ['--warehouse', '/w', '--port', 'x'], ['--warehouse', '/w', '--client-id', 'me'], ['--warehouse', '/w', '--bogus'], ['--warehouse', '/w', '--config', 'novalue']]) {
    assert.throws(() => parseServeArgs(bad), UsageError, bad.join(' '));
  }
});
