// Scenarios 6 and 7: a person browses the Catalog tree (connections, namespaces, tables, columns, snapshots), then
// points a floe.catalogs connection at a catalog that goes down: the tree shows the error node with the reason, and
// Retry recovers once the catalog is back on the same port.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { catalogRows, currentSnapshotId, expandPath, freePort, serveCatalog, treeRow } from './lakehouse.mjs';

export const name = 'browse the catalog tree; catalog down, then Retry recovers';

const LOCAL = 'Local lakehouse · floe_demo';
const TABLE = 'bronze_customers';
const REMOTE = 'e2e catalog';
const REMOTE_NAMESPACE = 'sales';

export async function run({ page, workspace, screenshot, assert }) {
  await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 60_000 });
  const rows = await catalogRows(page);
  await browse(page, rows, workspace, screenshot, assert);
  await catalogDownThenRetry(page, rows, workspace, screenshot, assert);
}

async function browse(page, rows, workspace, screenshot, assert) {
  await expandPath(rows, [LOCAL, 'demo']);
  for (const ns of ['bronze', 'gold']) await treeRow(rows, ns).waitFor();
  await expandPath(rows, ['bronze', TABLE]);
  for (const section of ['Columns', 'Partition spec', 'Sort order', 'Snapshots', 'Properties']) await treeRow(rows, section).waitFor();

  // Columns: every field of the table's current schema, with its type and field id.
  await expandPath(rows, ['Columns']);
  const fields = currentFields(workspace, ['demo', 'bronze'], TABLE);
  for (const f of fields) {
    const description = await treeRow(rows, f.name).locator('.label-description').innerText();
    assert(description.includes(`id ${f.id}`), `column ${f.name} should show field id ${f.id}: "${description}"`);
  }

  // Snapshots: led by time and operation, the current one marked; its exact 19-digit id is what Copy Snapshot Id copies.
  await expandPath(rows, ['Snapshots']);
  const snapshot = currentSnapshotId(workspace, ['demo', 'bronze'], TABLE);
  const row = rows.filter({ has: page.locator('.label-description', { hasText: /^current/ }) }).first();
  await row.waitFor();
  const label = await row.locator('.label-name').innerText();
  assert(/^\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? · (append|overwrite|replace|delete)$/.test(label), `the current snapshot should lead with time and operation: "${label}"`);
  await row.hover();
  await row.locator('.action-label[aria-label^="Copy Snapshot Id"]').click();
  await page.locator('.statusbar-item', { hasText: `Copied snapshot id ${snapshot}` }).first().waitFor({ timeout: 10_000 });
  await screenshot('tree-browse', { expectText: fields[0].name });
  await page.locator('.part.sidebar .composite.title .action-label[aria-label^="Collapse All"]').click();
}

async function catalogDownThenRetry(page, rows, workspace, screenshot, assert) {
  const warehouse = path.join(path.dirname(workspace), 'remote-warehouse');
  mkdirSync(warehouse, { recursive: true });
  const port = await freePort();
  let catalog = await serveCatalog(warehouse, port);
  try {
    const created = await fetch(`${catalog.uri}/v1/floe/namespaces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ namespace: [REMOTE_NAMESPACE], properties: {} }),
    });
    assert(created.ok, `creating namespace ${REMOTE_NAMESPACE}: HTTP ${created.status}`);
    await catalog.stop();

    // The connection appears when the setting does; the catalog behind it is down.
    mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    const settings = { 'floe.catalogs': [{ name: REMOTE, uri: catalog.uri, warehouse: 'floe' }] };
    writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
    await expandPath(rows, [REMOTE]);
    const error = treeRow(rows, 'Catalog unreachable');
    await error.waitFor({ timeout: 30_000 });
    const reason = await error.locator('.label-description').innerText();
    assert(reason.includes(`127.0.0.1:${port}`), `the error node should give the reason, naming the catalog: "${reason}"`);
    await screenshot('tree-catalog-unreachable', { expectText: 'Catalog unreachable' });

    catalog = await serveCatalog(warehouse, port);
    await error.hover();
    await error.locator('.action-label[aria-label^="Retry"]').click();
    await treeRow(rows, REMOTE_NAMESPACE).waitFor({ timeout: 30_000 });
    await error.waitFor({ state: 'detached' });
    const connection = treeRow(rows, REMOTE);
    await connection.locator('.label-description', { hasText: 'unreachable' }).waitFor({ state: 'detached', timeout: 10_000 });
    await screenshot('tree-catalog-recovered', { expectText: REMOTE_NAMESPACE });
  } finally {
    await catalog.stop();
  }
}

/** Top-level fields of a local-lakehouse table's current schema, from its newest metadata file. */
function currentFields(workspace, namespace, table) {
  const dir = path.join(workspace, '.floe/warehouse', ...namespace, table, 'metadata');
  const newest = readdirSync(dir).filter((f) => f.endsWith('.metadata.json')).sort().pop();
  const m = JSON.parse(readFileSync(path.join(dir, newest), 'utf8')); // only small ids are read: plain JSON is exact here
  const schema = m.schemas.find((s) => s['schema-id'] === m['current-schema-id']);
  return schema.fields.map((f) => ({ name: f.name, id: f.id }));
}
