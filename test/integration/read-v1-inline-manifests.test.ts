// Format v1 snapshots may list their manifests inline (`manifests`) instead of naming a manifest list file, as early
// Iceberg writers did: such tables read like any other, partition values from the manifests included.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseQueryArgs, runQuery } from '../../server/src/cli/commands/query';
import { tableRelation } from '../../server/src/engine/read/register-table';
import { cmp } from '../../server/src/iceberg/predicate';
import { writeTestTable } from '../helpers/iceberg-table';

const dir = mkdtempSync(path.join(tmpdir(), 'floe-v1-inline-'));
let root = '';

before(async () => {
  root = await writeTestTable(path.join(dir, 'events'), {
    formatVersion: 1, inlineManifests: true,
    schema: { type: 'struct', 'schema-id': 0, fields: [
      { id: 1, name: 'id', required: true, type: 'long' },
      { id: 2, name: 'region', required: false, type: 'string' },
      { id: 3, name: 'score', required: false, type: 'double' },
    ] },
    spec: { 'spec-id': 0, fields: [{ name: 'region', transform: 'identity', 'source-id': 2, 'field-id': 1000 }] },
    files: [
      { select: 'SELECT range AS id, 0.1 + range AS score FROM range(3)', fieldIds: '{id: 1, score: 3}', partition: { region: 'eu' } },
      { select: 'SELECT 10 + range AS id, 3.141592653589793 AS score FROM range(2)', fieldIds: '{id: 1, score: 3}', partition: { region: 'us' } },
    ],
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the table really lists its manifests inline', () => {
  const metadata = JSON.parse(readFileSync(path.join(root, 'metadata', 'v1.metadata.json'), 'utf8'));
  assert.equal(metadata['format-version'], 1);
  assert.equal(metadata.snapshots[0]['manifest-list'], undefined);
  assert.deepEqual(metadata.snapshots[0].manifests, [path.join(root, 'metadata', 'manifest-0.avro')]);
});

test('a v1 table with inline manifests reads every row, partition values included', async () => {
  const out = JSON.parse(await runQuery(parseQueryArgs(['--table', `db.events=${root}`, '--format', 'json', 'SELECT id, region, score FROM db.events ORDER BY id'])));
  assert.deepEqual(out.rows, [['0', 'eu', 0.1], ['1', 'eu', 1.1], ['2', 'eu', 2.1], ['10', 'us', 3.141592653589793], ['11', 'us', 3.141592653589793]]);
});

test('filters prune the inline manifests\' files by partition', async () => {
  assert.equal((await tableRelation(root, { filter: cmp('region', '=', 'us') })).dataFiles, 1);
});

test('a copied v1 table re-roots its inline manifest paths', async () => {
  const copy = path.join(dir, 'copy');
  cpSync(root, copy, { recursive: true });
  rmSync(root, { recursive: true });
  try {
    const out = JSON.parse(await runQuery(parseQueryArgs(['--table', `t=${copy}`, '--format', 'json', 'SELECT count(*), sum(id) FROM t'])));
    assert.deepEqual(out.rows, [['5', '24']]);
  } finally {
    cpSync(copy, root, { recursive: true });
  }
});
