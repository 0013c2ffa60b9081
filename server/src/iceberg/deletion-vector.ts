// Deletion vectors (spec "Deletion Vectors", Puffin blob type deletion-vector-v1): the blob is
// `length (4 bytes, big-endian) | magic D1 D3 39 64 | 64-bit Roaring bitmap (portable) | CRC-32 (big-endian)`, where
// length counts magic and vector and the CRC covers them. A manifest entry locates the blob in its Puffin file by
// content_offset and content_size_in_bytes, as the footer's blob metadata does too.
import zlib from 'node:zlib';
import type { DataFile } from './spec.js';
import { IcebergError } from './errors.js';
import { readPuffinFooter, type PuffinFooter } from './puffin.js';
import { readRoaring64, RoaringFormatError, type Roaring64 } from './roaring64.js';

export const DELETION_VECTOR_BLOB_TYPE = 'deletion-vector-v1';
export const DELETION_VECTOR_MAGIC = Uint8Array.of(0xd1, 0xd3, 0x39, 0x64);

/** True for a delete-manifest entry that is a deletion vector rather than a position or equality delete file. */
export function isDeletionVector(f: DataFile): boolean {
  return f.content === 1 && (f['file-format'] === 'PUFFIN' || f['content-offset'] !== undefined);
}

/** Decodes one deletion-vector-v1 blob (exactly its bytes); `where` names the file and offset in errors. */
export function readDeletionVectorBlob(blob: Uint8Array, where: { file: string; offset: bigint }): Roaring64 {
  const corrupt = (what: string) => new IcebergError('corrupt-file', `deletion vector at offset ${where.offset} is damaged: ${what}`, { file: where.file });
  if (blob.length < 12) throw corrupt(`${blob.length} bytes is too short for a deletion vector blob`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const length = view.getUint32(0, false);
  if (length + 8 !== blob.length) throw corrupt(`its length field says ${length} bytes of magic and vector, but the blob is ${blob.length} bytes (expected ${length + 8})`);
  if (!DELETION_VECTOR_MAGIC.every((b, i) => blob[4 + i] === b)) throw corrupt('it does not start with the deletion vector magic D1 D3 39 64');
  const body = blob.subarray(4, 4 + length);
  const stored = view.getUint32(4 + length, false);
  const actual = crc32(body);
  if (stored !== actual) throw corrupt(`CRC-32 mismatch (stored ${hex(stored)}, computed ${hex(actual)})`);
  try {
    return readRoaring64(body.subarray(4));
  } catch (e) {
    if (e instanceof RoaringFormatError) throw corrupt(`its Roaring bitmap is malformed: ${e.message}`);
    throw e;
  }
}

/** The footer of a Puffin file holding deletion vectors; a bare blob without the Puffin container is named as such. */
export function readDeletionVectorFooter(puffin: Uint8Array, file: string): PuffinFooter {
  if (puffin.length >= 8 && DELETION_VECTOR_MAGIC.every((b, i) => puffin[4 + i] === b)) {
    throw new IcebergError('corrupt-file', 'not a valid Puffin file: it holds a bare deletion vector blob without the Puffin container (as older DuckDB versions wrote); rewrite the table\'s deletes with a current writer', { file });
  }
  return readPuffinFooter(puffin, file);
}

export interface DeletionVectorCheck {
  /** The Puffin file's location, for errors. */
  file: string;
  /** Whether a referenced-data-file recorded in the blob properties names the same file as the manifest entry. */
  sameDataFile?(blobProperty: string, manifestValue: string): boolean;
}

/** A deletion vector's blob bytes, found by its manifest entry and checked against the Puffin footer. */
export interface LocatedDeletionVector {
  blob: Uint8Array;
  offset: bigint;
  /** The footer's `cardinality` property of the blob, if it has one. */
  footerCardinality?: string;
}

/**
 * Finds one deletion vector's blob in the whole Puffin file's bytes (`footer` read once per file by the caller, or read
 * here) by the entry's offset and size, and checks it against the footer's blob metadata.
 */
export function locateDeletionVector(puffin: Uint8Array, entry: DataFile, check: DeletionVectorCheck, footer?: PuffinFooter): LocatedDeletionVector {
  const file = check.file;
  const offset = entry['content-offset'];
  const size = entry['content-size-in-bytes'];
  const invalid = (what: string) => new IcebergError('invalid-metadata', `deletion vector ${what}`, { file });
  if (offset === undefined || size === undefined) throw invalid('has no content_offset and content_size_in_bytes in its manifest entry');
  if (!entry['referenced-data-file']) throw invalid(`at offset ${offset} has no referenced_data_file in its manifest entry`);
  if (offset < 0n || size < 0n || offset + size > BigInt(puffin.length)) {
    throw invalid(`at offset ${offset} with size ${size} lies outside its Puffin file of ${puffin.length} bytes`);
  }
  const meta = footer ?? readDeletionVectorFooter(puffin, file);
  const blob = meta.blobs.find((b) => b.offset === offset);
  if (!blob) throw invalid(`at offset ${offset}: the Puffin footer lists no blob there (blobs at ${meta.blobs.map((b) => b.offset).join(', ') || 'none'})`);
  if (blob.type !== DELETION_VECTOR_BLOB_TYPE) throw invalid(`at offset ${offset}: the blob there is a ${blob.type}, not a ${DELETION_VECTOR_BLOB_TYPE}`);
  if (blob.length !== size) throw invalid(`at offset ${offset}: the manifest says ${size} bytes, the Puffin footer ${blob.length}`);
  if (blob['compression-codec'] !== undefined) throw invalid(`at offset ${offset} is compressed (${blob['compression-codec']}); deletion vectors never are`);
  const target = blob.properties['referenced-data-file'];
  const recorded = entry['referenced-data-file'];
  if (target !== undefined && target !== recorded && !check.sameDataFile?.(target, recorded)) {
    throw invalid(`at offset ${offset} is for data file ${target} in the Puffin footer but for ${recorded} in the manifest`);
  }
  const located: LocatedDeletionVector = { blob: puffin.subarray(Number(offset), Number(offset + size)), offset };
  if (blob.properties.cardinality !== undefined) located.footerCardinality = blob.properties.cardinality;
  return located;
}

/** Decodes a located vector (CRC, bitmap) and checks its cardinality against the entry's record count and the footer. */
export function decodeDeletionVector(located: LocatedDeletionVector, entry: DataFile, file: string): Roaring64 {
  const { offset, footerCardinality } = located;
  const bitmap = readDeletionVectorBlob(located.blob, { file, offset });
  const invalid = (what: string) => new IcebergError('invalid-metadata', `deletion vector at offset ${offset} ${what}`, { file });
  if (entry['record-count'] >= 0n && bitmap.cardinality !== entry['record-count']) {
    throw invalid(`deletes ${bitmap.cardinality} rows but its manifest entry records ${entry['record-count']}`);
  }
  if (footerCardinality !== undefined && footerCardinality !== String(bitmap.cardinality)) {
    throw invalid(`deletes ${bitmap.cardinality} rows but the Puffin footer records ${footerCardinality}`);
  }
  return bitmap;
}

/** The deleted positions of one deletion vector: located in its Puffin file, decoded, and checked. */
export function readDeletionVector(puffin: Uint8Array, entry: DataFile, check: DeletionVectorCheck, footer?: PuffinFooter): Roaring64 {
  return decodeDeletionVector(locateDeletionVector(puffin, entry, check, footer), entry, check.file);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

const nodeCrc32 = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** CRC-32 (ISO-HDLC, as java.util.zip.CRC32): Node's own from 20.15, else crc32ByTable. */
export function crc32(bytes: Uint8Array): number {
  return nodeCrc32 ? nodeCrc32(bytes) >>> 0 : crc32ByTable(bytes);
}

let table: Uint32Array | undefined;

/** The same CRC by table, for hosts whose Node predates zlib.crc32 (VS Code 1.91's Electron ships Node 20.9). */
export function crc32ByTable(bytes: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
