// Several dbt projects in one workspace: each file is answered by its own project.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { LspClient } from '../helpers/lspClient';

const folder = path.resolve(__dirname, '../fixtures/projects');
let client: LspClient;

before(async () => {
  client = await LspClient.start(folder, { FLOE_NO_BINDER: '1' });
});
after(async () => {
  await client?.stop();
});

test('both fixture projects are indexed and each file uses its own project', async () => {
  const ready = await client.waitForStatus((s) => s.state === 'ready');
  assert.deepEqual(ready.projects.map((p) => path.basename(p)).sort(), ['bigints', 'broken', 'floats', 'lakehouse', 'run-start-hooks', 'unit-tests']);
  assert.equal(ready.models, 25);
  const good = await client.open(path.join(folder, 'lakehouse/models/marts/mart_revenue.sql'));
  assert.deepEqual(await client.diagnostics(good), []);
  const bad = await client.open(path.join(folder, 'broken/models/c.sql'));
  const codes = (await client.diagnostics(bad)).map((d) => d.code).sort();
  assert.deepEqual(codes, ['jinja-unclosed-tag', 'unknown-macro', 'unknown-source', 'unknown-var']);
});

test('YAML files get their own diagnostics (dbt_project.yml folder configs, schema YAML syntax)', async () => {
  const project = await client.open(path.join(folder, 'broken/dbt_project.yml'));
  const [d] = await client.diagnostics(project);
  assert.equal(d.code, 'config-invalid-value');
  assert.deepEqual(d.range.start, { line: 7, character: 4 });
  const yml = await client.open(path.join(folder, 'broken/models/bad_yaml.yml'));
  assert.deepEqual((await client.diagnostics(yml)).map((x) => x.code), ['yaml-syntax']);
});
