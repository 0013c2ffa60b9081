// From a catalog table to the project: source() lookup, the YAML mapping to add, the staging model scaffold, and
// the connection list from settings, profiles.yml targets and the local lakehouse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject, file, ROOT } from '../helpers/projectTexts';
import { BASE } from '../helpers/projectTexts';
import { sourceRefFor, stagingModelFor, stagingSql } from '../../server/src/explorer/sources';
import { connectionsOf, connectionNode } from '../../server/src/explorer/connections';
import type { TableMetadata } from '../../server/src/iceberg/spec';

const readFrom = (files: Record<string, string>) => (f: string) => {
  const rel = f.startsWith(`${ROOT}/`) ? f.slice(ROOT.length + 1) : undefined;
  return rel !== undefined ? files[rel] : undefined;
};

function meta(columns: string[]): TableMetadata {
  return {
    'format-version': 2, 'table-uuid': 'u', location: '/w', 'last-sequence-number': 0n, 'last-updated-ms': 0n, 'last-column-id': columns.length,
    schemas: [{ type: 'struct', 'schema-id': 0, fields: columns.map((name, i) => ({ id: i + 1, name, required: false, type: 'string' as const })) }],
    'current-schema-id': 0, 'partition-specs': [{ 'spec-id': 0, fields: [] }], 'default-spec-id': 0, 'last-partition-id': 999,
    properties: {}, snapshots: [], 'snapshot-log': [], 'metadata-log': [], 'sort-orders': [{ 'order-id': 0, fields: [] }], 'default-sort-order-id': 0, refs: {},
  };
}

test('a mapped table gives its source() jinja (by meta.iceberg_table or schema + name)', () => {
  const p = makeProject();
  const cases: [string[], string, string][] = [
    [['demo', 'bronze'], 'bronze_customers', "{{ source('bronze', 'customers') }}"],
    [['demo', 'bronze'], 'orders', "{{ source('bronze', 'orders') }}"],
  ];
  for (const [namespace, name, jinja] of cases) {
    const r = sourceRefFor(p, { namespace, name }, readFrom(BASE));
    assert.deepEqual(r, { mapped: true, source: jinja.split("'")[1], table: jinja.split("'")[3], jinja });
  }
});

test('an unmapped table in a mapped namespace is added to that source, keeping the file', () => {
  const p = makeProject();
  const r = sourceRefFor(p, { namespace: ['demo', 'bronze'], name: 'payments' }, readFrom(BASE));
  assert.ok('edit' in r && !r.mapped, JSON.stringify(r));
  assert.equal(r.jinja, "{{ source('bronze', 'payments') }}");
  assert.equal(r.edit.file, file('models/sources.yml'));
  assert.equal(r.edit.mode, 'replace');
  assert.ok(r.edit.text.startsWith(BASE['models/sources.yml'].trimEnd().split('\n      - name: orders')[0]), r.edit.text);
  assert.match(r.edit.text, /- name: orders\n\s+- name: payments\n\s+meta:\n\s+iceberg_table: demo.bronze.payments\n$/);
  const after = makeProject({ 'models/sources.yml': r.edit.text });
  assert.deepEqual(sourceRefFor(after, { namespace: ['demo', 'bronze'], name: 'payments' }, readFrom(BASE)), { mapped: true, source: 'bronze', table: 'payments', jinja: "{{ source('bronze', 'payments') }}" });
});

test('a table in an unmapped namespace gets a new source named after it; a taken name uses the full path', () => {
  const p = makeProject();
  const r = sourceRefFor(p, { namespace: ['demo', 'silver'], name: 'sales' }, readFrom(BASE));
  assert.ok('edit' in r && !r.mapped);
  assert.equal(r.source, 'silver');
  const after = makeProject({ 'models/sources.yml': r.edit.text });
  assert.deepEqual(after.allSourceTables().map((t) => [t.sourceName, t.name, t.icebergTable]).slice(-1), [['silver', 'sales', 'demo.silver.sales']]);

  const clash = sourceRefFor(p, { namespace: ['raw', 'bronze'], name: 'x' }, readFrom(BASE));
  assert.ok('source' in clash && clash.source === 'raw_bronze', JSON.stringify(clash));

  const fresh = makeProject({ 'models/sources.yml': '' });
  const created = sourceRefFor(fresh, { namespace: ['lake'], name: 'events' }, () => undefined);
  assert.ok('edit' in created && !created.mapped);
  assert.equal(created.edit.mode, 'create');
  assert.equal(created.edit.text, 'version: 2\nsources:\n  - name: lake\n    schema: lake\n    tables:\n      - name: events\n        meta:\n          iceberg_table: lake.events\n');
});

test('a staging model lists every column, quoted, and brings the source mapping when missing', () => {
  const p = makeProject();
  const r = stagingModelFor(p, { namespace: ['demo', 'bronze'], name: 'Payments' }, meta(['payment_id', 'Amount', 'odd"name']), readFrom(BASE));
  assert.ok('model' in r, JSON.stringify(r));
  assert.equal(r.modelName, 'stg_payments');
  assert.equal(r.model.file, file('models/staging/stg_payments.sql'));
  assert.equal(r.model.text, [
    '-- Staging model for demo.bronze.Payments, scaffolded by Floe.',
    'with source as (',
    "    select * from {{ source('bronze', 'Payments') }}",
    ')', '', 'select', '    "payment_id",', '    "Amount",', '    "odd""name"', 'from source', '',
  ].join('\n'));
  assert.ok(r.sourceYaml && /name: Payments/.test(r.sourceYaml.text));

  const mapped = stagingModelFor(p, { namespace: ['demo', 'bronze'], name: 'bronze_customers' }, meta(['id']), readFrom(BASE));
  assert.ok('model' in mapped && mapped.sourceYaml === undefined);
  assert.match(mapped.model.text, /source\('bronze', 'customers'\)/);

  const exists = stagingModelFor(p, { namespace: ['demo', 'bronze'], name: 'orders' }, meta(['id']), readFrom(BASE));
  assert.deepEqual(exists, { error: 'A model named stg_orders already exists.' });
  assert.match(stagingSql("{{ source('a', 'b') }}", [], 'a.b'), /select\n    \*\nfrom source/);
});

test('connections: the active target first, then settings, the other profile targets with a catalog_uri, then the local lakehouse', () => {
  const p = makeProject({
    'profiles.yml': BASE['profiles.yml'] + "    local:\n      type: duckdb\n      path: ':memory:'\n",
  });
  const configs = connectionsOf([p], [
    { name: 'Prod Polaris', uri: 'https://polaris/api/catalog', warehouse: 'prod', clientId: 'svc', realm: 'r1', scope: 'PRINCIPAL_ROLE:ALL' },
    { name: 'Legacy', uri: 'http://h', credential: '${env:CRED}' },
    { name: '', uri: '' },
  ], [], { CRED: 'id1:s3cr3t' });
  assert.deepEqual(configs.map((c) => [c.info.id, c.info.label, c.info.kind, !!c.info.active]), [
    [`profile:${ROOT}:dev`, 'shop · dev', 'profile', true],
    ['setting:Prod Polaris', 'Prod Polaris', 'setting', false],
    ['setting:Legacy', 'Legacy', 'setting', false],
    [`local:${ROOT}`, 'Local lakehouse · shop', 'local', false],
  ]);
  configs.push(configs.shift()!); // the assertions below read settings first
  assert.equal(configs[0].info.secretKey, 'floe.catalog.secret:https://polaris/api/catalog|prod|svc');
  assert.deepEqual(configs[1].settingCredential, { clientId: 'id1', clientSecret: 's3cr3t' });
  assert.ok(!JSON.stringify(configs.map((c) => c.info)).includes('s3cr3t'), 'secrets never go to the client');
  assert.deepEqual(configs[3].info.uri, 'http://localhost:8181/api/catalog');
  const n = connectionNode(configs[0].info);
  assert.deepEqual([n.label, n.description, n.icon, n.contextValue], ['Prod Polaris', 'https://polaris/api/catalog · prod', 'database', 'floe.connection.setting']);
  assert.equal(connectionNode(configs[2].info).contextValue, 'floe.connection.local');
  const active = connectionNode(configs[3].info);
  assert.deepEqual([active.expanded, active.description], [true, 'active target · http://localhost:8181/api/catalog · demo_catalog']);
  assert.equal(n.expanded, undefined, 'other connections stay collapsed until the user expands them');
});

test('connections: a target with no catalog_uri makes the local lakehouse the active one, listed first; other targets stay collapsed', () => {
  const p = makeProject({
    'profiles.yml': "shop:\n  target: local\n  outputs:\n    prod:\n      type: duckdb\n      plugins:\n        - module: x\n          config:\n            catalog_uri: http://prod:8181/api/catalog\n    local:\n      type: duckdb\n      path: ':memory:'\n",
  });
  const configs = connectionsOf([p], [], [], {});
  assert.deepEqual(configs.map((c) => [c.info.id, !!c.info.active]), [[`local:${ROOT}`, true], [`profile:${ROOT}:prod`, false]]);
  const nodes = configs.map((c) => connectionNode(c.info));
  assert.deepEqual(nodes.map((n) => [n.label, !!n.expanded]), [['Local lakehouse · shop', true], ['shop · prod', false]]);
});
