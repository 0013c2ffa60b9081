// Plans of local tables are reused while their metadata files are unchanged, and re-made when one changes in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { DuckSession } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { tableRelation } from '../../server/src/engine/read/register-table';
import '../../server/src/engine/read/default-planner';
import { readManifestList } from '../../server/src/iceberg/manifest-list';
import { localPathOf } from '../../server/src/storage/local';

test('a manifest corrupted in place after a read is noticed by the next read', async () => {
  const server = await startTestCatalog();
  const session = await DuckSession.open();
  try {
    const catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
    await catalog.createNamespace(['ns']);
    const id = { namespace: ['ns'], name: 't' };
    await writeTable({ session, catalog, table: id, sql: 'SELECT i::BIGINT AS id FROM range(100) r(i)', mode: 'create' });
    const loaded = await catalog.loadTable(id);
    const first = await tableRelation(loaded);
    const again = await tableRelation(loaded);
    assert.equal(again.sql, first.sql, 'an unchanged table plans the same');
    assert.deepEqual((await session.query(`SELECT count(*) FROM (${again.sql})`)).rows, [['100']]);

    const snapshot = loaded.metadata.snapshots.at(-1)!;
    const list = readManifestList(fs.readFileSync(localPathOf(snapshot['manifest-list'])));
    const manifest = localPathOf(list.manifests[0]['manifest-path']);
    fs.writeFileSync(manifest, Buffer.from('not an avro file at all'));
    await assert.rejects(tableRelation(loaded), (e: Error) => {
      assert.match(e.message, new RegExp(path.basename(manifest).replace(/[.]/g, '\\.')));
      return true;
    });
  } finally {
    session.close();
    await server.close();
  }
});
