// Every data and delete file is checked against what its manifest entry records before it is read, so a file
// replaced, truncated or appended to after its commit is not read silently as other rows; the read fails naming
// the file and the table. The size (a stat of the file or of its downloaded copy: no read) is checked first, for
// every file; then the row count of Parquet files (from the footer, cached per file version).
//
// Writers record the exact size (Java Iceberg, Spark, PyIceberg and Floe's writer; Java even locates the footer
// by it), so a file of another size is not the file that was committed. One exception is kept: a table read from
// another folder than the one its metadata records (copied or moved, its paths re-rooted) may hold files that were
// re-encoded on the way, as the third-party fixture tables' DuckDB-rewritten files are (same rows, other sizes).
// For those the row count decides, and the size only when the footer is unreadable.
import { statSync } from 'node:fs';
import type { DataFile } from '../../iceberg/spec';
import { IcebergError } from '../../iceberg/errors';
import { DuckSession, quoteLiteral } from '../session';

export interface CheckedFile {
  entry: DataFile;
  uri: string;
  localPath: string;
  /** True when the file is read at the path its manifest entry records (the table was not copied or moved). */
  atRecordedPath: boolean;
  /** Set when the local copy holds only part of the file (parquet-head.ts): the whole object's size and footer row count. */
  partOf?: { size: number; rows: bigint };
}

/** Row counts by local path, size and mtime: a file's footer is read once while the file stays the same. */
const rowCounts = new Map<string, bigint>();
const ROW_COUNTS_KEPT = 16384;

interface Pending { file: CheckedFile; key: string; size: number }

/** Throws IcebergError('corrupt-file') for the first file whose size or row count contradicts its manifest entry. */
export async function checkFilesAgainstManifest(files: CheckedFile[], table: string): Promise<void> {
  const pending: Pending[] = [];
  for (const f of files) {
    if (f.partOf) {
      if (f.atRecordedPath && sizeDiffers(f, f.partOf.size)) throw mismatch(f, table, sizeText(f, f.partOf.size));
      check(f, f.partOf.size, f.partOf.rows, table);
      continue;
    }
    let st;
    try {
      st = statSync(f.localPath);
    } catch {
      continue; // a missing copy is reported by the read itself
    }
    if (f.atRecordedPath && sizeDiffers(f, st.size)) throw mismatch(f, table, sizeText(f, st.size));
    if (f.entry['file-format'] !== 'PARQUET') continue;
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
  const recordedRows = f.entry['record-count'];
  const wrongSize = sizeDiffers(f, size);
  if (rows === undefined) {
    if (wrongSize) throw mismatch(f, table, `${sizeText(f, size)}, and its footer cannot be read`);
    return;
  }
  if (recordedRows >= 0n && rows !== recordedRows) {
    throw mismatch(f, table, `holds ${rows} rows but its manifest entry records ${recordedRows}${wrongSize ? ` (and it ${sizeText(f, size)})` : ''}`);
  }
}

function sizeDiffers(f: CheckedFile, size: number): boolean {
  const recorded = f.entry['file-size-in-bytes'];
  return recorded > 0n && BigInt(size) !== recorded;
}

function sizeText(f: CheckedFile, size: number): string {
  return `is ${size} bytes but its manifest entry records ${f.entry['file-size-in-bytes']}`;
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
