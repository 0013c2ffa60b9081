// `floe catalog serve` as a user runs it: first stdout line is the URI, it serves until SIGTERM, then exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { parseServeArgs } from '../../server/src/cli/commands/catalog';
import { UsageError } from '../../server/src/cli/command';

const MAIN = path.resolve(__dirname, '../../server/src/cli/main.ts');

test('catalog serve prints its URI first, serves with credentials, and stops on SIGTERM', async () => {
  const warehouse = await mkdtemp(path.join(os.tmpdir(), 'floe-cli-catalog-'));
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'catalog', 'serve', '--warehouse', warehouse, '--port', '0', '--name', 'lake', '--client-id', 'me', '--client-secret', 'pw'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const lines = createInterface({ input: child.stdout! });
    const [uri] = (await once(lines, 'line')) as [string];
    assert.match(uri, /^http:\/\/127\.0\.0\.1:\d+\/api\/catalog$/);
    const catalog = await connectRestCatalog({ uri, warehouse: 'lake', credential: { clientId: 'me', clientSecret: 'pw' } });
    await catalog.createNamespace(['from_cli']);
    assert.deepEqual((await catalog.listNamespaces()).items, [['from_cli']]);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  } finally {
    child.kill('SIGKILL');
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
