// Packages declared but not installed, in the editor: one floe/packagesMissing for the project (not an error at every
// call), then floe/installPackages runs floe deps in the server and the project re-indexes clean. Real server over LSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LspClient } from '../helpers/lspClient';
import { InstallPackagesRequest } from '../../server/src/protocol';

function write(file: string, text: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

test('a project with packages declared but not installed: one notification, then floe deps from the editor fixes it', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'floe-lsp-packages-'));
  const root = path.join(dir, 'shop');
  write(path.join(dir, 'my_utils', 'dbt_project.yml'), "name: my_utils\nversion: '1.0'\nconfig-version: 2\n");
  write(path.join(dir, 'my_utils', 'macros', 'cents.sql'), '{% macro cents(c) %}({{ c }} / 100){% endmacro %}\n');
  write(path.join(root, 'dbt_project.yml'), "name: shop\nversion: '1.0'\nconfig-version: 2\nprofile: shop\n");
  write(path.join(root, 'packages.yml'), 'packages:\n  - local: ../my_utils\n');
  const model = path.join(root, 'models', 'm.sql');
  write(model, "select {{ my_utils.cents('amount') }} as a, {{ cents('b') }} as b\n");
  const client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
  try {
    const deadline = Date.now() + 10000;
    while (!client.packagesMissing.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(client.packagesMissing.length, 1);
    assert.deepEqual(client.packagesMissing[0].packages, ['my_utils']);
    assert.match(client.packagesMissing[0].message, /floe deps/);
    const uri = await client.open(model);
    assert.deepEqual((await client.diagnostics(uri)).map((d) => d.message), [], 'no error at each call into a package that is not installed');
    const result = await client.connection.sendRequest(InstallPackagesRequest.type, { project: client.uri(root) });
    assert.equal(result.ok, true, result.message);
    assert.match(result.message, /my_utils/);
    assert.deepEqual((await client.diagnostics(uri)).map((d) => d.message), []);
    assert.equal(client.packagesMissing.length, 1, 'no second notification once installed');
    const bad = await client.connection.sendRequest(InstallPackagesRequest.type, { project: client.uri(dir) });
    assert.equal(bad.ok, false);
    assert.match(bad.message, /not a dbt project Floe knows/);
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
