// Puffin files (Iceberg's puffin-spec.md): `Magic Blob… Footer`, the footer being
// `Magic FooterPayload FooterPayloadSize Flags Magic` with a UTF-8 JSON payload listing the blobs.
import { IcebergError } from './errors.js';
import { parseJson } from '../util/json.js';

export const PUFFIN_MAGIC = Uint8Array.of(0x50, 0x46, 0x41, 0x31); // "PFA1"

export interface PuffinBlobMetadata {
  type: string;
  fields: number[];
  'snapshot-id': bigint;
  'sequence-number': bigint;
  offset: bigint;
  length: bigint;
  'compression-codec'?: string;
  properties: Record<string, string>;
}

export interface PuffinFooter {
  blobs: PuffinBlobMetadata[];
  properties: Record<string, string>;
  /** Where the footer starts: blobs lie between the leading magic and here. */
  footerOffset: number;
}

const FOOTER_TAIL = 12; // FooterPayloadSize, Flags, Magic
const FLAG_COMPRESSED = 1; // byte 0, bit 0: the payload is LZ4-compressed

function hasMagic(bytes: Uint8Array, at: number): boolean {
  return at >= 0 && at + 4 <= bytes.length && PUFFIN_MAGIC.every((b, i) => bytes[at + i] === b);
}

/** Reads a Puffin file's footer from the whole file's bytes; `file` names it in errors. */
export function readPuffinFooter(bytes: Uint8Array, file: string): PuffinFooter {
  const corrupt = (what: string) => new IcebergError('corrupt-file', `not a valid Puffin file: ${what}`, { file });
  if (bytes.length < 4 + 4 + FOOTER_TAIL) throw corrupt(`${bytes.length} bytes is too short for a Puffin file`);
  if (!hasMagic(bytes, 0)) throw corrupt('it does not start with the Puffin magic PFA1');
  if (!hasMagic(bytes, bytes.length - 4)) throw corrupt('it does not end with the Puffin magic PFA1 (truncated?)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const payloadSize = view.getInt32(bytes.length - FOOTER_TAIL, true);
  const flags = bytes[bytes.length - 8]!;
  const payloadStart = bytes.length - FOOTER_TAIL - payloadSize;
  const footerOffset = payloadStart - 4;
  if (payloadSize < 0 || footerOffset < 4) throw corrupt(`footer payload size ${payloadSize} does not fit in the file's ${bytes.length} bytes`);
  if (!hasMagic(bytes, footerOffset)) throw corrupt(`no Puffin magic where the footer should start (byte ${footerOffset})`);
  if (flags & FLAG_COMPRESSED) {
    throw new IcebergError('unsupported', 'the Puffin footer is LZ4-compressed, which Floe does not read (write it uncompressed, the default of Iceberg writers)', { file });
  }
  let json: unknown;
  try {
    json = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(payloadStart, payloadStart + payloadSize)));
  } catch {
    throw corrupt('the footer payload is not UTF-8 JSON');
  }
  const meta = json as { blobs?: unknown; properties?: unknown };
  if (typeof meta !== 'object' || meta === null || !Array.isArray(meta.blobs)) throw corrupt('the footer has no "blobs" list');
  const blobs = meta.blobs.map((b, i) => blobMetadata(b, i, footerOffset, corrupt));
  return { blobs, properties: stringMap(meta.properties, 'footer properties', corrupt), footerOffset };
}

function blobMetadata(raw: unknown, i: number, footerOffset: number, corrupt: (what: string) => IcebergError): PuffinBlobMetadata {
  const b = raw as Record<string, unknown>;
  if (typeof b !== 'object' || b === null) throw corrupt(`blob ${i} of the footer is not an object`);
  const long = (name: string): bigint => {
    const v = b[name];
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
    throw corrupt(`blob ${i} has no integer "${name}"`);
  };
  if (typeof b.type !== 'string') throw corrupt(`blob ${i} has no "type"`);
  if (!Array.isArray(b.fields) || !b.fields.every((f) => typeof f === 'number')) throw corrupt(`blob ${i} has no "fields" list of ints`);
  const out: PuffinBlobMetadata = {
    type: b.type,
    fields: b.fields as number[],
    'snapshot-id': long('snapshot-id'),
    'sequence-number': long('sequence-number'),
    offset: long('offset'),
    length: long('length'),
    properties: stringMap(b.properties, `properties of blob ${i}`, corrupt),
  };
  if (b['compression-codec'] !== undefined && b['compression-codec'] !== null) {
    if (typeof b['compression-codec'] !== 'string') throw corrupt(`blob ${i} has a non-string "compression-codec"`);
    out['compression-codec'] = b['compression-codec'];
  }
  if (out.offset < 4n || out.length < 0n || out.offset + out.length > BigInt(footerOffset)) {
    throw corrupt(`blob ${i} (offset ${out.offset}, length ${out.length}) lies outside the blob area (bytes 4 to ${footerOffset})`);
  }
  return out;
}

function stringMap(raw: unknown, what: string, corrupt: (what: string) => IcebergError): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw corrupt(`${what} is not an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string') throw corrupt(`${what}: "${k}" is not a string`);
    out[k] = v;
  }
  return out;
}
