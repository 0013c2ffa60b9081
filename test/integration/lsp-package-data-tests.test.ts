// The Test Explorer's tests over LSP include an installed package's, as `dbt test` runs them: floe/dataTests lists them
// with their package (the client groups them under it) and their subject in the package, and floe/runDataTests runs
// one by its id. A small project over real DuckDB and the local lakehouse, the language server over stdio.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../helpers/lspClient';
import { DataTestsRequest, RunDataTestsRequest } from '../../server/src/protocol/dataTests';

const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: p\nprofile: p\n',
  'profiles.yml': "p:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n",
  'models/a.sql': 'select 1 as id\n',
  'models/a.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique]\n',
  'dbt_packages/pkg/dbt_project.yml': 'name: pkg\n',
  'dbt_packages/pkg/models/pm.sql': 'select * from (values (1), (1)) t(id)\n',
  'dbt_packages/pkg/models/pm.yml': 'version: 2\nmodels:\n  - name: pm\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n',
};

let dir: string;
let client: LspClient;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-lsp-pkg-tests-'));
  for (const [file, text] of Object.entries(FILES)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  client = await LspClient.start(dir, { DBT_PROFILES_DIR: dir });
});
after(async () => {
  await client?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("floe/dataTests lists an installed package's tests under its package; floe/runDataTests runs them", async () => {
  const root = pathToFileURL(dir).toString();
  const { tests } = await client.connection.sendRequest(DataTestsRequest.type, { uri: root });
  const listed = tests.map((t) => `${t.packageName ?? '-'} ${t.subject} ${t.label}`).sort();
  assert.deepEqual(listed, ['- a unique(id)', 'pkg pm not_null(id)', 'pkg pm unique(id)']);
  const pkgUnique = tests.find((t) => t.packageName === 'pkg' && t.kind === 'unique')!;
  assert.equal(pkgUnique.subjectUri, pathToFileURL(path.join(dir, 'dbt_packages/pkg/models/pm.sql')).toString());
  assert.equal(pkgUnique.uri, pathToFileURL(path.join(dir, 'dbt_packages/pkg/models/pm.yml')).toString());

  const response = await client.connection.sendRequest(RunDataTestsRequest.type, { uri: root, ids: tests.map((t) => t.id) });
  assert.ok('results' in response, JSON.stringify(response));
  const status = new Map(response.results.map((r) => [r.id, `${r.status} ${r.failures}`]));
  assert.equal(status.get(pkgUnique.id), 'fail 1', JSON.stringify(response.results));
  assert.equal(status.get(tests.find((t) => t.packageName === 'pkg' && t.kind === 'not_null')!.id), 'pass 0');
  assert.equal(status.get(tests.find((t) => t.packageName === undefined)!.id), 'pass 0');
});
