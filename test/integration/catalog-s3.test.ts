// The local catalog with an s3:// base location: metadata files go to S3 (moto) through Storage, and purge empties the prefix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connectRestCatalog, type RestCatalog } from '../../server/src/catalog/rest-client';
import { S3Storage } from '../../server/src/storage/s3';
import { startMoto, type Moto } from '../helpers/moto';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';

const schema = { type: 'struct' as const, 'schema-id': 0, fields: [{ id: 1, name: 'id', required: true, type: 'long' as const }] };
let moto: Moto;
let server: TestCatalog;
let catalog: RestCatalog;
let s3: S3Storage;

before(async () => {
  moto = await startMoto(['iceberg-gold']);
  const tableConfig = {
    's3.endpoint': moto.endpoint, 's3.path-style-access': 'true', 'client.region': 'us-east-1',
    's3.access-key-id': 'test', 's3.secret-access-key': 'test',
  };
  server = await startTestCatalog({ baseLocation: 's3://iceberg-gold', tableConfig });
  catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  s3 = new S3Storage(moto.s3);
});
after(async () => {
  await server?.close();
  await moto?.stop();
});

test('tables under an s3:// base location get their metadata written to S3, and purge removes it', async () => {
  await catalog.createNamespace(['gold']);
  const id = { namespace: ['gold'], name: 'revenue' };
  const t = await catalog.createTable(['gold'], { name: 'revenue', schema });
  assert.equal(t.metadata.location, 's3://iceberg-gold/gold/revenue');
  assert.match(t.metadataLocation!, /^s3:\/\/iceberg-gold\/gold\/revenue\/metadata\/00000-.*\.metadata\.json$/);
  assert.equal(t.config['s3.endpoint'], moto.endpoint, 'the engine learns the endpoint from the table config');
  assert.ok(await s3.exists(t.metadataLocation!));
  const c = await catalog.commitTable(id, [], [{ action: 'set-properties', updates: { layer: 'gold' } }]);
  assert.ok(await s3.exists(c.metadataLocation));
  assert.equal((await catalog.loadTable(id)).metadata.properties.layer, 'gold');
  await catalog.dropTable(id, true);
  assert.deepEqual(await s3.list('s3://iceberg-gold/gold/revenue/'), []);
});

test('a namespace location property places its tables', async () => {
  await catalog.createNamespace(['custom'], { location: 's3://iceberg-gold/elsewhere/' });
  const t = await catalog.createTable(['custom'], { name: 'x', schema });
  assert.equal(t.metadata.location, 's3://iceberg-gold/elsewhere/x');
  assert.ok(await s3.exists(t.metadataLocation!));
});
