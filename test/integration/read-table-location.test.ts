// Finding a table's metadata file in its folder, on the local disk: version-hint.text names it and it is read
// without listing the metadata folder (which holds every manifest: thousands on a big table); when the hint's usual
// spelling is absent, or there is no hint, the listing decides as before.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadTableAt } from '../../server/src/engine/read/table-location';
import { LocalStorage } from '../../server/src/storage/local';
import { serializeTableMetadata } from '../../server/src/iceberg/metadata-json';
import { emptyTableMetadata } from '../../server/src/iceberg/apply-updates';

const dir = mkdtempSync(path.join(tmpdir(), 'floe-location-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A table folder whose metadata files each record their own name in a property; `hint` as version-hint.text. */
function tableWith(name: string, files: string[], hint?: string): string {
  const root = path.join(dir, name);
  mkdirSync(path.join(root, 'metadata'), { recursive: true });
  for (const f of files) writeFileSync(path.join(root, 'metadata', f), serializeTableMetadata({
    ...emptyTableMetadata(), 'table-uuid': '1b7c0e7e-1f4e-4c55-9d0e-3f8f7c1a2b16', location: root, properties: { file: f },
    schemas: [{ type: 'struct', 'schema-id': 0, fields: [] }], 'current-schema-id': 0,
    'partition-specs': [{ 'spec-id': 0, fields: [] }], 'default-spec-id': 0, 'sort-orders': [{ 'order-id': 0, fields: [] }], 'default-sort-order-id': 0,
  }));
  for (let i = 0; i < 50; i++) writeFileSync(path.join(root, 'metadata', `manifest-${i}.avro`), '');
  if (hint !== undefined) writeFileSync(path.join(root, 'metadata', 'version-hint.text'), `${hint}\n`);
  return root;
}

/** The real local storage, counting its listings. */
function countingStorage() {
  const storage = new LocalStorage();
  let lists = 0;
  const list = storage.list.bind(storage);
  storage.list = (prefix) => { lists++; return list(prefix); };
  return { storage, lists: () => lists };
}

test('a numeric hint reads v<N>.metadata.json without listing the folder', async () => {
  const root = tableWith('hinted', ['v1.metadata.json', 'v2.metadata.json', 'v3.metadata.json'], '2');
  const s = countingStorage();
  const t = await loadTableAt(root, s.storage);
  assert.equal(t.metadata.properties.file, 'v2.metadata.json');
  assert.equal(t.metadataLocation, path.join(root, 'metadata', 'v2.metadata.json'));
  assert.equal(t.root, root);
  assert.equal(s.lists(), 0);
});

test('a hint naming a file reads it directly; one in another spelling is found by listing', async () => {
  const named = tableWith('named', ['00001-a.metadata.json', '00002-b.metadata.json'], '00001-a');
  const s = countingStorage();
  assert.equal((await loadTableAt(named, s.storage)).metadata.properties.file, '00001-a.metadata.json');
  assert.equal(s.lists(), 0);

  const padded = tableWith('padded', ['00001-a.metadata.json', '00002-b.metadata.json', '00003-c.metadata.json'], '2');
  const p = countingStorage();
  assert.equal((await loadTableAt(padded, p.storage)).metadata.properties.file, '00002-b.metadata.json');
  assert.equal(p.lists(), 1);
});

test('without a hint, or with one that names nothing, the newest metadata file is read', async () => {
  assert.equal((await loadTableAt(tableWith('unhinted', ['v1.metadata.json', 'v10.metadata.json', 'v9.metadata.json']), new LocalStorage())).metadata.properties.file, 'v10.metadata.json');
  assert.equal((await loadTableAt(tableWith('stale', ['v1.metadata.json', 'v4.metadata.json'], '7'), new LocalStorage())).metadata.properties.file, 'v4.metadata.json');
  await assert.rejects(loadTableAt(tableWith('empty', []), new LocalStorage()), /no Iceberg table here/);
});
