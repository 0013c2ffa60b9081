// A model reading a snapshot sees the snapshot table's columns in the editor: the query's and those dbt adds
// (dbt_scd_id, dbt_valid_to, renamed by snapshot_meta_column_names), so reading them is no error and a column the table
// lacks still is. The real language server over LSP, binding in DuckDB.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LspClient } from '../helpers/lspClient';
import { writeTempProject } from '../helpers/demo-copy';

let dir: string;
let client: LspClient;

before(async () => {
  dir = writeTempProject('floe-lsp-snapshot-', {
    'dbt_project.yml': 'name: shop\nprofile: shop\n',
    'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n',
    'seeds/raw_customers.csv': 'id,name,updated_at\n1,Ann,2024-01-01 00:00:00\n',
    'snapshots/customers_snapshot.sql': "{% snapshot customers_snapshot %}\n{{ config(target_schema='snaps', unique_key='id', strategy='timestamp', updated_at='updated_at', snapshot_meta_column_names={'dbt_valid_to': 'valid_until'}) }}\nselect * from {{ ref('raw_customers') }}\n{% endsnapshot %}\n",
    'models/current_customers.sql': "select id, name, dbt_scd_id from {{ ref('customers_snapshot') }} where valid_until is null\n",
    'models/wrong_column.sql': "select id from {{ ref('customers_snapshot') }} where dbt_valid_to is null\n",
  });
  client = await LspClient.start(dir, { FLOE_NO_CATALOG: '1' });
  await client.waitForStatus((s) => s.state === 'ready' && /All \d+ models bound/.test(s.message ?? ''), 60000);
});
after(async () => {
  await client?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function diagnosticsUntil(file: string, pred: (d: Awaited<ReturnType<LspClient['diagnostics']>>) => boolean) {
  const uri = await client.open(path.join(dir, file));
  const deadline = Date.now() + 20000;
  for (;;) {
    const d = await client.diagnostics(uri);
    if (pred(d) || Date.now() > deadline) return d;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test("models read a snapshot's columns and the ones dbt adds, renamed as configured", async () => {
  const wrong = await diagnosticsUntil('models/wrong_column.sql', (d) => d.length > 0);
  assert.equal(wrong.length, 1, JSON.stringify(wrong));
  assert.equal(wrong[0].code, 'sql-binder');
  assert.match(String(wrong[0].message), /dbt_valid_to/);
  assert.deepEqual(await diagnosticsUntil('models/current_customers.sql', (d) => d.length === 0), []);
});
