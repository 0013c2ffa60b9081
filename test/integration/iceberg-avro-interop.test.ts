// Manifests and manifest lists we write, checked by independent readers: Java Avro (libavro-java) and avro-c's avrocat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeManifest } from '../../server/src/iceberg/manifest.js';
import { writeManifestList } from '../../server/src/iceberg/manifest-list.js';
import { schemaFromJson } from '../../server/src/iceberg/metadata-json.js';
import { parseJson } from '../../server/src/util/json.js';
import type { PartitionSpec } from '../../server/src/iceberg/spec.js';

const javaSource = path.join(__dirname, '../fixtures/iceberg-avro-check/AvroDump.java');
const jars = ['avro', 'jackson-core-asl', 'jackson-mapper-asl', 'slf4j-api', 'slf4j-nop', 'commons-compress', 'snappy-java', 'xz']
  .map((j) => `/usr/share/java/${j}.jar`);
const haveJava = jars.every(existsSync) && spawnSync('javac', ['-version']).status === 0;
const haveAvrocat = spawnSync('avrocat', ['--help']).error === undefined;

const BIG = 9223372036854775807n;
const SCHEMA = schemaFromJson({ type: 'struct', 'schema-id': 1, fields: [
  { id: 1, name: 'id', required: true, type: 'long' },
  { id: 2, name: 'day', required: false, type: 'date' },
  { id: 3, name: 'price', required: false, type: 'decimal(10, 2)' },
] });
const SPEC: PartitionSpec = { 'spec-id': 1, fields: [
  { 'source-id': 2, 'field-id': 1000, name: 'day', transform: 'identity' },
  { 'source-id': 1, 'field-id': 1001, name: 'id_bucket', transform: 'bucket[8]' },
  { 'source-id': 3, 'field-id': 1002, name: 'price', transform: 'identity' },
] };

function writeFixtures(dir: string) {
  const { bytes, manifest } = writeManifest({
    formatVersion: 2, schema: SCHEMA, spec: SPEC, snapshotId: BIG, path: path.join(dir, 'm0.avro'),
    entries: [{ status: 1, 'data-file': {
      content: 0, 'file-path': 's3://bucket/t/data/a.parquet', 'file-format': 'PARQUET',
      partition: { day: 19723, id_bucket: 3, price: 12345n },
      'record-count': BIG - 1n, 'file-size-in-bytes': 4096n,
      'value-counts': new Map([[1, BIG - 2n]]),
      'lower-bounds': new Map([[1, new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0])]]),
    } }],
  });
  writeFileSync(path.join(dir, 'm0.avro'), bytes);
  const v1 = writeManifest({
    formatVersion: 1, schema: SCHEMA, spec: { 'spec-id': 0, fields: [] }, snapshotId: BIG - 9n, path: path.join(dir, 'v1.avro'),
    entries: [{ status: 1, 'data-file': { content: 0, 'file-path': 'b.parquet', 'file-format': 'PARQUET', partition: {}, 'record-count': 3n, 'file-size-in-bytes': 9n } }],
  });
  writeFileSync(path.join(dir, 'v1.avro'), v1.bytes);
  const list = writeManifestList({ formatVersion: 2, snapshotId: BIG, parentSnapshotId: BIG - 3n, sequenceNumber: 7n, manifests: [manifest] });
  writeFileSync(path.join(dir, 'snap.avro'), list.bytes);
}

/** Every record field in a schema, nested ones included. */
function recordFields(schema: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(schema)) schema.forEach((s) => recordFields(s, out));
  else if (schema && typeof schema === 'object') {
    const s = schema as Record<string, unknown>;
    if (s.type === 'record') for (const f of s.fields as Record<string, unknown>[]) { out.push(f); recordFields(f.type, out); }
    else if (s.type === 'array') recordFields(s.items, out);
  }
  return out;
}

test('Java Avro reads our manifest and manifest list with field ids and exact longs', { skip: !haveJava && 'libavro-java/javac not installed' }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'floe-avro-'));
  try {
    writeFixtures(dir);
    execFileSync('javac', ['-cp', jars.join(':'), '-d', dir, javaSource]);
    const out = execFileSync('java', ['-cp', [dir, ...jars].join(':'), 'AvroDump', ...['m0.avro', 'snap.avro', 'v1.avro'].map((f) => path.join(dir, f))]).toString();
    const sections = out.split(/^--- .*$/m).slice(1).map((s) => s.trim().split('\n'));
    const dump = (file: string) => sections[['m0.avro', 'snap.avro', 'v1.avro'].indexOf(file)]!;

    const [schemaLine, ...rest] = dump('m0.avro');
    const fields = recordFields(JSON.parse(schemaLine!));
    assert.ok(fields.length > 20);
    assert.deepEqual(fields.filter((f) => typeof f['field-id'] !== 'number').map((f) => f.name), [], 'every field keeps its field-id');
    assert.ok(fields.some((f) => f.name === 'id_bucket' && f['field-id'] === 1001));
    const meta = Object.fromEntries(rest.filter((l) => l.startsWith('meta ')).map((l) => l.slice(5).split(/=(.*)/s).slice(0, 2)));
    assert.deepEqual(Object.keys(meta).sort(), ['content', 'format-version', 'partition-spec', 'partition-spec-id', 'schema', 'schema-id']);
    const record = parseJson(rest.find((l) => l.startsWith('{'))!) as { snapshot_id: unknown; data_file: Record<string, unknown> };
    assert.equal(record.snapshot_id, BIG);
    assert.equal(record.data_file.record_count, BIG - 1n);
    const partition = record.data_file.partition as Record<string, unknown>;
    assert.deepEqual([partition.day, partition.id_bucket], [19723, 3]);
    assert.deepEqual(record.data_file.value_counts, [{ key: 1, value: BIG - 2n }]);

    const [listSchema, ...listRest] = dump('snap.avro');
    assert.deepEqual(recordFields(JSON.parse(listSchema!)).filter((f) => typeof f['field-id'] !== 'number'), []);
    assert.ok(listRest.includes(`meta snapshot-id=${BIG}`));
    assert.ok(listRest.includes(`meta parent-snapshot-id=${BIG - 3n}`));
    assert.ok(listRest.includes('meta sequence-number=7'));
    const entry = parseJson(listRest.find((l) => l.startsWith('{'))!) as Record<string, unknown>;
    assert.equal(entry.added_snapshot_id, BIG);
    assert.equal(entry.sequence_number, 7);
    assert.equal(entry.added_rows_count, BIG - 1n);

    const [v1Schema, ...v1Rest] = dump('v1.avro');
    assert.deepEqual(recordFields(JSON.parse(v1Schema!)).filter((f) => typeof f['field-id'] !== 'number'), []);
    const v1Entry = parseJson(v1Rest.find((l) => l.startsWith('{'))!) as { snapshot_id: unknown; data_file: Record<string, unknown> };
    assert.equal(v1Entry.snapshot_id, BIG - 9n);
    assert.equal(v1Entry.data_file.block_size_in_bytes, 67108864);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('avro-c avrocat reads our files', { skip: !haveAvrocat && 'avro-bin not installed' }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'floe-avro-'));
  try {
    writeFixtures(dir);
    assert.deepEqual(readdirSync(dir).sort(), ['m0.avro', 'snap.avro', 'v1.avro']);
    const entry = parseJson(execFileSync('avrocat', [path.join(dir, 'm0.avro')]).toString().trim()) as Record<string, any>;
    assert.deepEqual(entry.snapshot_id, { long: BIG });
    assert.equal(entry.data_file.record_count, BIG - 1n);
    const list = parseJson(execFileSync('avrocat', [path.join(dir, 'snap.avro')]).toString().trim()) as Record<string, any>;
    assert.equal(list.added_snapshot_id, BIG);
    assert.equal(list.min_sequence_number, 7);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
