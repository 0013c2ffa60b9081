// A third-party client (iceberg-js from npm) against the local catalog: the server speaks the REST spec, not just our dialect.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IcebergRestCatalog, IcebergError } from 'iceberg-js';
import { startTestCatalog } from '../helpers/local-catalog';

test('iceberg-js lists namespaces and tables, creates and loads a table, with a bearer token from the token endpoint', async () => {
  const server = await startTestCatalog({ clientId: 'js', clientSecret: 'js-secret' });
  try {
    // iceberg-js has no OAuth flow of its own: fetch the token the way any client would.
    const tokenRes = await fetch(`${server.uri}/v1/oauth/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'js', client_secret: 'js-secret', scope: 'PRINCIPAL_ROLE:ALL' }),
    });
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    const js = new IcebergRestCatalog({ baseUrl: `${server.uri}/`, catalogName: server.name, auth: { type: 'bearer', token }, accessDelegation: ['vended-credentials'] });

    await js.createNamespace({ namespace: ['bronze'] }, { properties: { layer: 'bronze' } });
    await js.createNamespace({ namespace: ['bronze', 'raw'] });
    assert.deepEqual(await js.listNamespaces(), [{ namespace: ['bronze'] }]);
    assert.deepEqual(await js.listNamespaces({ namespace: ['bronze'] }), [{ namespace: ['bronze', 'raw'] }]);
    assert.deepEqual((await js.loadNamespaceMetadata({ namespace: ['bronze'] })).properties, { layer: 'bronze' });
    assert.equal(await js.namespaceExists({ namespace: ['bronze', 'raw'] }), true);
    assert.equal(await js.namespaceExists({ namespace: ['silver'] }), false);

    const created = await js.createTable({ namespace: ['bronze', 'raw'] }, {
      name: 'orders',
      schema: { type: 'struct', fields: [{ id: 1, name: 'order_id', type: 'long', required: true }, { id: 2, name: 'amount', type: 'decimal(10,2)', required: false }], 'schema-id': 0 },
      properties: { 'write.format.default': 'parquet' },
    });
    assert.equal(created['format-version'], 2);
    assert.deepEqual(await js.listTables({ namespace: ['bronze', 'raw'] }), [{ namespace: ['bronze', 'raw'], name: 'orders' }]);
    const loaded = await js.loadTable({ namespace: ['bronze', 'raw'], name: 'orders' });
    assert.equal(loaded['table-uuid'], created['table-uuid']);
    assert.deepEqual(loaded.schemas[0].fields.map((f) => [f.name, f.type]), [['order_id', 'long'], ['amount', 'decimal(10, 2)']]);
    assert.equal(await js.tableExists({ namespace: ['bronze', 'raw'], name: 'orders' }), true);

    await assert.rejects(js.createTable({ namespace: ['bronze', 'raw'] }, { name: 'orders', schema: { type: 'struct', fields: [] } }),
      (e: unknown) => e instanceof IcebergError && e.status === 409 && e.icebergType === 'AlreadyExistsException');
    await assert.rejects(js.loadTable({ namespace: ['bronze'], name: 'missing' }),
      (e: unknown) => e instanceof IcebergError && e.status === 404 && e.icebergType === 'NoSuchTableException');

    await js.dropTable({ namespace: ['bronze', 'raw'], name: 'orders' }, { purge: true });
    assert.deepEqual(await js.listTables({ namespace: ['bronze', 'raw'] }), []);
    await js.dropNamespace({ namespace: ['bronze', 'raw'] });
    assert.deepEqual(await js.listNamespaces({ namespace: ['bronze'] }), []);
  } finally {
    await server.close();
  }
});
