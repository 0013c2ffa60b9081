// dbt's core generic tests dispatch (`test_unique` → `<adapter>__test_unique` → `default__test_unique`), the root
// project searched ahead of dbt: a project's `duckdb__test_unique` replaces dbt's in `floe compile`, in `floe test`
// and for Go to Definition on `unique` in schema YAML. A package's `duckdb__test_not_null` only where a `dispatch:`
// entry for `dbt` lists the package, as in dbt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DefinitionRequest, HoverRequest, type Location } from 'vscode-languageserver-protocol';
import { runFloe } from '../helpers/floe-cli';
import { writeTempProject } from '../helpers/demo-copy';
import { LspClient, positionOf } from '../helpers/lspClient';

const SCHEMA = 'version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: id\n        data_tests:\n          - unique\n      - name: note\n        data_tests:\n          - not_null\n';
const DISPATCH = "dispatch:\n  - macro_namespace: dbt\n    search_order: ['shop', 'checks', 'dbt']\n";
const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nprofile: shop\n',
  'profiles.yml': "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n",
  // duplicates and NULLs: dbt's own unique and not_null fail here, the overrides pass
  'models/orders.sql': 'select 1 as id, cast(null as int) as note\nunion all\nselect 1, null\n',
  'models/schema.yml': SCHEMA,
  'macros/overrides.sql': '{% macro duckdb__test_unique(model, column_name) %}\nselect {{ column_name }} from {{ model }} where {{ column_name }} < 0 -- project override\n{% endmacro %}\n',
  'dbt_packages/checks/dbt_project.yml': "name: checks\nversion: '1.0.0'\n",
  'dbt_packages/checks/macros/not_null.sql': '{% macro duckdb__test_not_null(model, column_name) %}\nselect * from {{ model }} where false -- package override\n{% endmacro %}\n',
};

const compiled = (dir: string, name: string) => fs.readFileSync(path.join(dir, 'target/compiled/shop/models/schema.yml', `${name}.sql`), 'utf8');

test("a project's <adapter>__test_unique replaces dbt's in floe compile and floe test; a package's only through dispatch:", async () => {
  const dir = writeTempProject('floe-core-test-dispatch-', FILES);
  try {
    const compile = () => runFloe(['compile', '--project-dir', dir, '--profiles-dir', dir]);
    const run = () => runFloe(['test', '--project', dir]);
    let c = await compile();
    assert.equal(c.code, 0, c.out + c.err);
    assert.match(compiled(dir, 'unique_orders_id'), /where id < 0 -- project override/);
    assert.match(compiled(dir, 'not_null_orders_note'), /where note is null/);
    let r = await run();
    assert.match(r.out, /^PASS unique\(orders\.id\)/m, r.out + r.err);
    assert.match(r.out, /^FAIL 2 not_null\(orders\.note\)/m);
    // listed in `dispatch:` for dbt, the package's override is dbt's pick too
    fs.appendFileSync(path.join(dir, 'dbt_project.yml'), DISPATCH);
    c = await compile();
    assert.equal(c.code, 0, c.out + c.err);
    assert.match(compiled(dir, 'not_null_orders_note'), /where false -- package override/);
    r = await run();
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^Done\. PASS=2 WARN=0 FAIL=0 ERROR=0 TOTAL=2$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('Go to Definition and hover on a core test name in schema YAML: the override dbt runs for it', async () => {
  const dir = writeTempProject('floe-core-test-dispatch-lsp-', { ...FILES, 'dbt_project.yml': `name: shop\nprofile: shop\n${DISPATCH}` });
  const client = await LspClient.start(dir, { FLOE_NO_BINDER: '1' });
  try {
    const yaml = path.join(dir, 'models/schema.yml');
    const uri = await client.open(yaml, SCHEMA);
    const definition = async (word: string) => (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: positionOf(SCHEMA, `- ${word}`, 3) })) as Location[];
    const unique = await definition('unique');
    assert.equal(unique.length, 1);
    assert.ok(unique[0].uri.endsWith('/macros/overrides.sql'), unique[0].uri);
    const notNull = await definition('not_null');
    assert.ok(notNull[0]?.uri.endsWith('/dbt_packages/checks/macros/not_null.sql'), JSON.stringify(notNull));
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(SCHEMA, '- unique', 3) });
    assert.match(JSON.stringify(hover), /duckdb__test_unique.*macros\/overrides\.sql/);
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
