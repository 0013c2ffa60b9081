// compact_10k_files_ratio: `floe table optimize` (compactTable against the local catalog over HTTP) of a table of
// 10,000 small files, 100 rows each, into one file, against DuckDB's COPY of the same rows from the same files
// into one Parquet file. Between runs main is set back to the small-files snapshot, so every run compacts the
// same 10,000 files.
import path from 'node:path';
import { rmSync } from 'node:fs';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import type { Catalog } from '../../server/src/catalog/catalog';
import { DuckSession, quoteLiteral } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { writeDataFiles } from '../../server/src/engine/write/data-writer';
import { defaultManifestIO } from '../../server/src/engine/write/manifest-io-default';
import { newSnapshotId, produceSnapshot, writeNewManifests } from '../../server/src/engine/write/snapshot-producer';
import { commitOnTable } from '../../server/src/engine/write/table-commit';
import { compactTable } from '../../server/src/engine/maintenance/compact';
import { currentSchema } from '../../server/src/iceberg/schema';
import type { TableIdentifier } from '../../server/src/iceberg/spec';
import { localPathOf } from '../../server/src/storage/local';
import { storageFor } from '../../server/src/storage/factory';
import { startTestCatalog } from '../helpers/local-catalog';
import { sideBySide, timed } from './measure';
import { ratioFigure, type Measured } from './figures';

const TABLE: TableIdentifier = { namespace: ['gold'], name: 'small_files' };

export async function maintenanceFigures(dir: string, files: number, runs: number): Promise<Measured[]> {
  const server = await startTestCatalog({ warehouse: path.join(dir, 'maintenance-warehouse') });
  const session = await DuckSession.open();
  try {
    const catalog = await connectRestCatalog({ uri: server.uri, warehouse: server.name });
    await catalog.createNamespace(['gold']);
    const { snapshotId, paths } = await smallFilesTable(catalog, session, files);
    const rows = files * 100;
    const r = await sideBySide(runs, async () => {
      await catalog.commitTable(TABLE, [], [{ action: 'set-snapshot-ref', 'ref-name': 'main', type: 'branch', 'snapshot-id': snapshotId }]);
      const t = await timed(() => compactTable({ session, catalog, table: TABLE }));
      if (t.value.rewrittenDataFiles !== paths.length || t.value.addedDataFiles !== 1) {
        throw new Error(`compact_10k_files_ratio: rewrote ${t.value.rewrittenDataFiles} files as ${t.value.addedDataFiles}, expected ${paths.length} as 1`);
      }
      return t;
    }, async (run) => {
      const file = path.join(dir, `compact-baseline-${run}.parquet`);
      const t = await timed(() => session.run(`COPY (SELECT * FROM read_parquet([${paths.map(quoteLiteral).join(', ')}])) TO ${quoteLiteral(file)} (FORMAT parquet)`));
      rmSync(file, { force: true });
      return t;
    });
    return [ratioFigure('compact_10k_files_ratio', r, files === 10_000 ? undefined : `${files.toLocaleString('en')} files`)];
  } finally {
    session.close();
    await server.close();
  }
}

/** A table of `files` Parquet files of 100 rows each, committed as one append; the files are cut by a key left out of the table. */
async function smallFilesTable(catalog: Catalog, session: DuckSession, files: number): Promise<{ snapshotId: bigint; paths: string[] }> {
  const rowsSql = `SELECT i::BIGINT AS id, (i * 7 % 1000)::INTEGER AS customer, 'status-' || (i % 5) AS status, i * 0.25 AS amount FROM range(${files * 100}) r(i)`;
  await writeTable({ session, catalog, table: TABLE, mode: 'create', sql: `${rowsSql} LIMIT 0` });
  const m = (await catalog.loadTable(TABLE)).metadata;
  const schema = currentSchema(m);
  const spec = m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id'])!;
  const storage = storageFor(m.location);
  await session.run(`SET partitioned_write_max_open_files = ${files + 100}`);
  const written = await writeDataFiles({
    session, sql: rowsSql, fileSchema: { type: 'struct', fields: schema.fields }, dataLocation: `${m.location}/data`, storage,
    partitionColumns: [{
      field: { 'source-id': 1, 'field-id': 1000, name: 'cut', transform: 'identity' }, sourceType: 'long', resultType: 'long',
      sql: `("id" % ${files})`, keyType: 'long', alias: '__cut', direct: false,
    }],
  });
  const dataFiles = written.files.map((f) => ({ ...f, partition: {} }));
  const snapshotId = newSnapshotId();
  const manifests = await writeNewManifests(defaultManifestIO, storage, {
    location: m.location, formatVersion: 2, schema, spec, deleteSpec: spec, snapshotId, dataFiles, deleteFiles: [],
  });
  const produced = await produceSnapshot(defaultManifestIO, storage, {
    snapshotId, operation: 'append', replaceAll: false, dataFiles, deleteFiles: [], manifests, schemaId: schema['schema-id'],
  }, m);
  const { requirements, updates } = commitOnTable(m, { addedSpecs: [], snapshot: produced.snapshot });
  await catalog.commitTable(TABLE, requirements, updates);
  return { snapshotId, paths: dataFiles.map((f) => localPathOf(f['file-path'])) };
}
