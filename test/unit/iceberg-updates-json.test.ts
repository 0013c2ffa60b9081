import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tableRequirementFromJson, tableUpdateFromJson, tableUpdateToJson } from '../../server/src/iceberg/updates-json.js';
import { parseJson, stringifyJson } from '../../server/src/util/json.js';

function checkUpdate(json: string, expected: unknown) {
  const u = tableUpdateFromJson(parseJson(json));
  assert.deepEqual(u, expected);
  assert.deepEqual(tableUpdateFromJson(parseJson(stringifyJson(tableUpdateToJson(u)))), expected);
}

test('commit updates keep 64-bit ids exact and normalise nested objects', () => {
  checkUpdate('{"action":"set-snapshot-ref","ref-name":"main","type":"branch","snapshot-id":9007199254740993}',
    { action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': 9007199254740993n });
  checkUpdate('{"action":"remove-snapshots","snapshot-ids":[1,9007199254740993]}',
    { action: 'remove-snapshots', 'snapshot-ids': [1n, 9007199254740993n] });
  checkUpdate('{"action":"add-snapshot","snapshot":{"snapshot-id":5,"sequence-number":2,"timestamp-ms":7,"manifest-list":"m.avro","summary":{"operation":"append"}}}',
    { action: 'add-snapshot', snapshot: { 'snapshot-id': 5n, 'sequence-number': 2n, 'timestamp-ms': 7n, 'manifest-list': 'm.avro', summary: { operation: 'append' } } });
  checkUpdate('{"action":"add-spec","spec":{"spec-id":1,"fields":[{"name":"d","transform":"day","source-id":2,"field-id":1000}]}}',
    { action: 'add-spec', spec: { 'spec-id': 1, fields: [{ 'source-id': 2, 'field-id': 1000, name: 'd', transform: 'day' }] } });
  checkUpdate('{"action":"set-properties","updates":{"a":"b"}}', { action: 'set-properties', updates: { a: 'b' } });
});

test('assert-ref-snapshot-id keeps null for a ref that must not exist', () => {
  assert.deepEqual(tableRequirementFromJson(parseJson('{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":null}')),
    { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': null });
  assert.deepEqual(tableRequirementFromJson(parseJson('{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":12}')),
    { type: 'assert-ref-snapshot-id', ref: 'main', 'snapshot-id': 12n });
});
