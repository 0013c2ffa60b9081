// A table of few files is read by the names its field ids were written under (DuckDB then splits row groups across
// threads). That must stay equivalent to reading by field id: renames, promotions and added columns with defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckSession } from '../../server/src/engine/session';
import { relationSql, type LocalFile } from '../../server/src/engine/read/relation-sql';
import type { DataFile, Schema } from '../../server/src/iceberg/spec';

test('reading by probed names equals reading by field id: rename, int→long promotion, added column with default', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-probe-'));
  const file = path.join(dir, 'a.parquet');
  const s = await DuckSession.open();
  try {
    await s.run(`COPY (SELECT i::INTEGER AS id, 'n' || i AS old_name FROM range(5000) t(i)) TO '${file}' (FORMAT parquet, FIELD_IDS {id: 1, old_name: 2}, ROW_GROUP_SIZE 1000)`);
    // The table's current schema: field 2 renamed, field 1 promoted to long, field 3 added with an initial default.
    const schema: Schema = {
      type: 'struct', 'schema-id': 1,
      fields: [
        { id: 1, name: 'id', required: false, type: 'long' },
        { id: 2, name: 'label', required: false, type: 'string' },
        { id: 3, name: 'flag', required: false, type: 'boolean', 'initial-default': true },
      ],
    };
    const dataFile = { content: 0, 'file-path': file, 'file-format': 'PARQUET', partition: {}, 'record-count': 5000n, 'file-size-in-bytes': BigInt(fs.statSync(file).size) } as DataFile;
    const tasks = [{ file: dataFile, positionDeletes: [], equalityDeletes: [] }];
    const byId: LocalFile = { localPath: file };
    const byName: LocalFile = { localPath: file, fieldNames: new Map([[1, 'id'], [2, 'old_name']]) };
    const idSql = relationSql({ schema, partitionSpecs: [{ 'spec-id': 0, fields: [] }], tasks, fileFor: () => byId });
    const nameSql = relationSql({ schema, partitionSpecs: [{ 'spec-id': 0, fields: [] }], tasks, fileFor: () => byName });
    assert.match(idSql, /schema = MAP/);
    assert.doesNotMatch(nameSql, /schema = MAP/, 'the probed path reads by name');
    const viaId = await s.query(`SELECT * FROM (${idSql}) ORDER BY id`);
    const viaName = await s.query(`SELECT * FROM (${nameSql}) ORDER BY id`);
    assert.deepEqual(viaName.columns.map((c) => `${c.name}:${c.type}`), ['id:BIGINT', 'label:VARCHAR', 'flag:BOOLEAN']);
    assert.deepEqual(viaName.columns.map((c) => c.type), viaId.columns.map((c) => c.type));
    assert.deepEqual(viaName.rows, viaId.rows);
    assert.deepEqual(viaName.rows[4999], ['4999', 'n4999', true]);
  } finally {
    s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
