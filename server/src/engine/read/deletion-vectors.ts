// Deletion vectors reach DuckDB as small CSV files of deleted row ranges (`first,last` per line, inclusive), one per
// distinct vector, which relation-sql.ts expands into the same (file, position) anti-join as position delete files.
// A vector is decoded from the local copy of its Puffin file (footer, blob checks and CRC in iceberg/deletion-vector.ts);
// its ranges file is named by a hash of the blob's bytes (and the counts it was checked against), so it is written once
// and can never be stale.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { DataFile } from '../../iceberg/spec';
import type { PuffinFooter } from '../../iceberg/puffin';
import { decodeDeletionVector, locateDeletionVector, readDeletionVectorFooter, type LocatedDeletionVector } from '../../iceberg/deletion-vector';
import { IcebergError } from '../../iceberg/errors';
import { StorageError } from '../../storage/storage';
import type { Roaring64 } from '../../iceberg/roaring64';
import type { ReadTask } from './relation-sql';

export interface DeletionVectorFiles {
  /** The ranges file of a task's deletion vector. */
  rangesFileOf(dv: DataFile): string;
}

const keyOf = (dv: DataFile) => `${dv['file-path']}\u0000${dv['content-offset']}`;

/** Decodes every task's deletion vector from the local copies of their Puffin files and writes its ranges file. */
export async function deletionVectorFiles(tasks: ReadTask[], args: {
  table: string;
  /** Local copy of a Puffin file by the path its entry records. */
  localPathOf(filePath: string): string;
  /** The Puffin file's location, for errors. */
  uriOf(filePath: string): string;
  /** Whether two recorded spellings name the same data file (a moved table re-roots paths). */
  sameDataFile(a: string, b: string): boolean;
  /** Folder for ranges files. */
  dir: string;
}): Promise<DeletionVectorFiles> {
  const byPuffin = new Map<string, Map<string, DataFile>>();
  for (const t of tasks) {
    const dv = t.deletionVector;
    if (!dv) continue;
    let vectors = byPuffin.get(dv['file-path']);
    if (!vectors) byPuffin.set(dv['file-path'], (vectors = new Map()));
    vectors.set(keyOf(dv), dv);
  }
  const files = new Map<string, string>();
  for (const [puffinPath, vectors] of byPuffin) {
    const file = args.uriOf(puffinPath);
    const bytes = await readLocal(args.localPathOf(puffinPath), file, args.table);
    let footer: PuffinFooter | undefined;
    for (const [key, dv] of vectors) {
      footer ??= readDeletionVectorFooter(bytes, file);
      const located = locateDeletionVector(bytes, dv, { file, sameDataFile: args.sameDataFile }, footer);
      files.set(key, await rangesFile(args.dir, located, () => decodeDeletionVector(located, dv, file), dv['record-count'], args.table));
    }
  }
  return {
    rangesFileOf: (dv) => {
      const f = files.get(keyOf(dv));
      if (!f) throw new IcebergError('not-found', `deletion vector at offset ${dv['content-offset']} was not read`, { file: dv['file-path'] });
      return f;
    },
  };
}

async function readLocal(localPath: string, file: string, table: string): Promise<Uint8Array> {
  try {
    return await fs.readFile(localPath);
  } catch (e) {
    throw new IcebergError('not-found', `deletion vector file of table ${table} cannot be read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { file }, { cause: e });
  }
}

/**
 * The ranges file of a vector, named by a hash of its blob and the counts it was checked against: a file is written only
 * after its vector decoded and matched them, so finding it means the same bytes passed the same checks (no decode).
 */
async function rangesFile(dir: string, located: LocatedDeletionVector, decode: () => Roaring64, recordCount: bigint, table: string): Promise<string> {
  const hash = createHash('sha256').update(located.blob).update(`\u0000${recordCount}\u0000${located.footerCardinality ?? ''}`).digest('hex');
  const target = path.join(dir, `${hash.slice(0, 40)}.csv`);
  try {
    await fs.access(target);
    return target;
  } catch { /* not written yet */ }
  const text = rangesCsv(decode());
  const temp = `${target}.part-${randomBytes(6).toString('hex')}`;
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(temp, text);
    await fs.rename(temp, target);
  } catch (e) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    const code = (e as NodeJS.ErrnoException).code;
    throw new StorageError(code === 'EACCES' || code === 'EPERM' ? 'denied' : 'io', dir, `cannot write the deleted rows of a deletion vector of table ${table} to the cache folder: ${code ?? 'error'}`, { cause: e });
  }
  return target;
}

/** `first,last` lines; below key 2^21 positions are exact as numbers (under 2^53), above they are built as bigint. */
export function rangesCsv(bitmap: Roaring64): string {
  const lines: string[] = [];
  for (const b of bitmap.bitmaps) {
    if (b.key < 0x200000) {
      const high = b.key * 4294967296;
      for (let i = 0; i < b.starts.length; i++) lines.push(`${high + b.starts[i]!},${high + b.ends[i]!}`);
    } else {
      const high = BigInt(b.key) << 32n;
      for (let i = 0; i < b.starts.length; i++) lines.push(`${high + BigInt(b.starts[i]!)},${high + BigInt(b.ends[i]!)}`);
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
