// Every data and delete file is checked against what its manifest entry records before it is read, so a file
// replaced, truncated or appended to after its commit is not read silently as other rows; the read fails naming
// the file and the table. The row count (from the Parquet footer) decides: some writers record a file size that
// does not match the file (DuckDB's Iceberg test tables do), so a size that differs fails the read only when the
// footer is unreadable or its row count differs too.
import { statSync } from 'node:fs';
import type { DataFile } from '../../iceberg/spec';
import { IcebergError } from '../../iceberg/errors';
import { DuckSession, quoteLiteral } from '../session';

export interface CheckedFile { entry: DataFile; uri: string; localPath: string }

/** Row counts by local path, size and mtime: a file's footer is read once while the file stays the same. */
const rowCounts = new Map<string, bigint>();
const ROW_COUNTS_KEPT = 16384;

interface Pending { file: CheckedFile; key: string; size: number }

/** Throws IcebergError('corrupt-file') for the first file whose row count (or unreadable size) contradicts its manifest entry. */
export async function checkFilesAgainstManifest(files: CheckedFile[], table: string): Promise<void> {
  const pending: Pending[] = [];
  for (const f of files) {
    if (f.entry['file-format'] !== 'PARQUET') continue;
    let st;
    try {
      st = statSync(f.localPath);
    } catch {
      continue; // a missing copy is reported by the read itself
    }
    const key = `${f.localPath}\u0000${st.size}\u0000${st.mtimeMs}`;
    const known = rowCounts.get(key);
    if (known === undefined) pending.push({ file: f, key, size: st.size });
    else check(f, st.size, known, table);
  }
  if (pending.length === 0) return;
  const counts = await readRowCounts(pending.map((p) => p.file.localPath));
  for (const { file, key, size } of pending) {
    const rows = counts.get(file.localPath);
    if (rows !== undefined) {
      if (rowCounts.size >= ROW_COUNTS_KEPT) rowCounts.delete(rowCounts.keys().next().value!);
      rowCounts.set(key, rows);
    }
    check(file, size, rows, table);
  }
}

/** rows undefined: the footer could not be read; the read reports that itself unless the size is wrong too. */
function check(f: CheckedFile, size: number, rows: bigint | undefined, table: string): void {
  const recordedSize = f.entry['file-size-in-bytes'];
  const recordedRows = f.entry['record-count'];
  const sizeDiffers = recordedSize > 0n && BigInt(size) !== recordedSize;
  const sizeText = `is ${size} bytes but its manifest entry records ${recordedSize}`;
  if (rows === undefined) {
    if (sizeDiffers) throw mismatch(f, table, `${sizeText}, and its footer cannot be read`);
    return;
  }
  if (recordedRows >= 0n && rows !== recordedRows) {
    throw mismatch(f, table, `holds ${rows} rows but its manifest entry records ${recordedRows}${sizeDiffers ? ` (and it ${sizeText})` : ''}`);
  }
}

function mismatch(f: CheckedFile, table: string, what: string): IcebergError {
  const kind = f.entry.content === 0 ? 'data file' : 'delete file';
  return new IcebergError('corrupt-file', `${kind} of table ${table} ${what}: it was replaced or damaged after the commit`, { file: f.uri });
}

/** num_rows from each file's Parquet footer, in one metadata-only query (one per file if some footer is bad). */
async function readRowCounts(localPaths: string[]): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  const session = await DuckSession.open();
  const query = async (paths: string[]) => {
    const r = await session.query(`SELECT file_name, num_rows FROM parquet_file_metadata([${paths.map(quoteLiteral).join(', ')}])`);
    for (const [file, rows] of r.rows) out.set(file as string, BigInt(rows as number | bigint));
  };
  try {
    await query(localPaths).catch(async () => {
      for (const p of localPaths) await query([p]).catch(() => undefined);
    });
  } finally {
    session.close();
  }
  return out;
}
