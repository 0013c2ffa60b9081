// Issue 13, item 4: every update and requirement is checked by type (400 when malformed, 409 only for a real
// conflict), and the metadata a commit produces is checked as Java Iceberg checks it before it is written, so no
// request can leave a table that later loads fail on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { raw, SCHEMA_JSON } from '../helpers/raw-http';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import type { Catalog } from '../../server/src/catalog/catalog';
import { DuckSession } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';

let server: TestCatalog;
let catalog: Catalog;
let P: string;
let snapshotId: string;

before(async () => {
  server = await startTestCatalog();
  P = `/v1/${server.name}`;
  catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
  await catalog.createNamespace(['db']);
  const session = await DuckSession.open();
  try {
    await writeTable({ session, catalog, table: { namespace: ['db'], name: 't' }, mode: 'create', sql: 'SELECT 1::BIGINT AS id, 2::INTEGER AS k' });
  } finally {
    session.close();
  }
  snapshotId = String((await catalog.loadTable({ namespace: ['db'], name: 't' })).metadata['current-snapshot-id']);
});
after(async () => {
  await server?.close();
});

const commit = (body: unknown) => raw(server.uri, { path: `${P}/namespaces/db/tables/t`, body });
const field = (id: number, name: string, type: unknown = 'long', required = false) => ({ id, name, required, type });
const schema = (fields: unknown[], extra: Record<string, unknown> = {}) => ({ type: 'struct', 'schema-id': 1, fields, ...extra });

/** The table still loads, through the server and through Floe's own client. */
async function stillLoads(label: string): Promise<void> {
  const r = await raw(server.uri, { path: `${P}/namespaces/db/tables/t` });
  assert.equal(r.status, 200, `${label}: load after: ${r.text}`);
  await catalog.loadTable({ namespace: ['db'], name: 't' });
}

test('malformed updates are 400 and leave the table loadable', async () => {
  const snap = snapshotId;
  const cases: [string, unknown[]][] = [
    ['min-snapshots-to-keep "many"', [{ action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snap, 'min-snapshots-to-keep': 'many' }]],
    ['max-ref-age-ms as an object', [{ action: 'set-snapshot-ref', 'ref-name': 'b', type: 'branch', 'snapshot-id': snap, 'max-ref-age-ms': { x: 1 } }]],
    ['ref type "trunk"', [{ action: 'set-snapshot-ref', 'ref-name': 'b', type: 'trunk', 'snapshot-id': snap }]],
    ['assign-uuid 123', [{ action: 'assign-uuid', uuid: 123 }]],
    ['set-current-schema "0"', [{ action: 'set-current-schema', 'schema-id': '0' }]],
    ['set-properties with a number', [{ action: 'set-properties', updates: { a: 1 } }]],
    ['remove-properties as a string', [{ action: 'remove-properties', removals: 'a' }]],
    ['set-location 5', [{ action: 'set-location', location: 5 }]],
    ['set-statistics without a path', [{ action: 'set-statistics', statistics: { 'snapshot-id': snap } }]],
    ['unknown action', [{ action: 'drop-everything' }]],
    ['add-snapshot id beyond int64', [{ action: 'add-snapshot', snapshot: { 'snapshot-id': '18446744073709551616', 'sequence-number': 9, 'timestamp-ms': 1, 'manifest-list': 'x.avro', summary: { operation: 'append' } } }]],
    ['remove-snapshots id beyond int64', [{ action: 'remove-snapshots', 'snapshot-ids': ['9223372036854775808'] }]],
    ['duplicate field ids', [{ action: 'add-schema', schema: schema([field(1, 'a'), field(1, 'b')]) }, { action: 'set-current-schema', 'schema-id': -1 }]],
    ['negative field id', [{ action: 'add-schema', schema: schema([field(-4, 'a')]) }]],
    ['NUL in a column name', [{ action: 'add-schema', schema: schema([field(1, 'id'), field(3, 'bad\u0000name')]) }, { action: 'set-current-schema', 'schema-id': -1 }]],
    ['duplicate column names', [{ action: 'add-schema', schema: schema([field(1, 'id'), field(3, 'id')]) }]],
    ['nested duplicate id', [{ action: 'add-schema', schema: schema([field(1, 'id'), field(3, 's', { type: 'list', 'element-id': 1, element: 'int', 'element-required': false })]) }]],
    ['identifier-field-ids naming a missing field', [{ action: 'add-schema', schema: schema([field(1, 'id', 'long', true)], { 'identifier-field-ids': [42] }) }]],
    ['identifier field that is optional', [{ action: 'add-schema', schema: schema([field(1, 'id', 'long', false)], { 'identifier-field-ids': [1] }) }]],
    ['partition source-id not in the schema', [{ action: 'add-spec', spec: { 'spec-id': 1, fields: [{ 'source-id': 77, 'field-id': 1000, name: 'p', transform: 'identity' }] } }, { action: 'set-default-spec', 'spec-id': -1 }]],
    ['sort by a missing column', [{ action: 'add-sort-order', 'sort-order': { 'order-id': 1, fields: [{ 'source-id': 77, transform: 'identity', direction: 'asc', 'null-order': 'nulls-first' }] } }, { action: 'set-default-sort-order', 'sort-order-id': -1 }]],
  ];
  for (const [label, updates] of cases) {
    const r = await commit({ requirements: [], updates });
    assert.equal(r.status, 400, `${label}: ${r.text}`);
    assert.equal(r.json.error.type, 'BadRequestException', label);
    await stillLoads(label);
  }
});

test('malformed requirements are 400; a requirement that is well-formed but not met is 409', async () => {
  const malformed: [string, unknown][] = [
    ['schema id as a string', { type: 'assert-current-schema-id', 'current-schema-id': 'zero' }],
    ['uuid as a number', { type: 'assert-table-uuid', uuid: 5 }],
    ['snapshot id as a word', { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': 'latest' }],
    ['ref missing', { type: 'assert-ref-snapshot-id', 'snapshot-id': 1 }],
    ['unknown type', { type: 'assert-the-moon' }],
  ];
  for (const [label, requirement] of malformed) {
    const r = await commit({ requirements: [requirement], updates: [{ action: 'set-properties', updates: { x: '1' } }] });
    assert.equal(r.status, 400, `${label}: ${r.text}`);
  }
  const conflict = await commit({ requirements: [{ type: 'assert-current-schema-id', 'current-schema-id': 99 }], updates: [] });
  assert.equal(conflict.status, 409, conflict.text);
  assert.equal(conflict.json.error.type, 'CommitFailedException');
  assert.equal((await catalog.loadTable({ namespace: ['db'], name: 't' })).metadata.properties.x, undefined, 'nothing applied');
});

test('creates with the same defects are refused too; a correct evolution still commits', async () => {
  const bad: [string, unknown][] = [
    ['NUL column', { name: 'n1', schema: schema([field(1, 'a\u0000b')]) }],
    ['duplicate ids', { name: 'n2', schema: schema([field(1, 'a'), field(1, 'b')]) }],
    ['spec on a missing column', { name: 'n3', schema: SCHEMA_JSON, 'partition-spec': { 'spec-id': 0, fields: [{ 'source-id': 9, 'field-id': 1000, name: 'p', transform: 'identity' }] } }],
    ['identifier on a missing column', { name: 'n4', schema: { ...SCHEMA_JSON, 'identifier-field-ids': [5] } }],
  ];
  for (const [label, body] of bad) {
    const r = await raw(server.uri, { path: `${P}/namespaces/db/tables`, body });
    assert.equal(r.status, 400, `${label}: ${r.text}`);
    const staged = await raw(server.uri, { path: `${P}/namespaces/db/tables`, body: { ...(body as object), 'stage-create': true } });
    assert.equal(staged.status, 400, `${label} (staged): ${staged.text}`);
  }
  const ok = await commit({
    requirements: [{ type: 'assert-current-schema-id', 'current-schema-id': 0 }],
    updates: [{ action: 'add-schema', schema: schema([field(1, 'id', 'long', true), field(2, 'k', 'int'), field(3, 'note', 'string')], { 'identifier-field-ids': [1] }) }, { action: 'set-current-schema', 'schema-id': -1 }],
  });
  assert.equal(ok.status, 200, ok.text);
  await stillLoads('evolution');
});
