// Avro object container files (manifests, manifest lists). Header and blocks are hand-written because avsc's file
// encoder drops field-level "field-id" attributes and cannot write 63-bit longs; avsc encodes and decodes the records.
import avro from 'avsc';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { IcebergError } from './errors.js';

const MAGIC = [0x4f, 0x62, 0x6a, 0x01]; // "Obj" 1

// --- zigzag varints (the header and block framing; records go through avsc) ---

function zigzagBytes(n: bigint): number[] {
  let z = BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
  const out: number[] = [];
  while (z >= 0x80n) { out.push(Number(z & 0x7fn) | 0x80); z >>= 7n; }
  out.push(Number(z));
  return out;
}

// Counts in manifests are mostly small; sharing their bigints saves an allocation per value.
const SMALL_LONGS = Array.from({ length: 4096 }, (_, i) => BigInt(i));

/** Decodes a zigzag varint's bytes into a bigint; the common small case stays in float math. */
function unzigzag(buf: Uint8Array, start: number, end: number): bigint {
  if (end - start <= 7) {
    let v = 0, mul = 1;
    for (let i = start; i < end; i++) { v += (buf[i]! & 0x7f) * mul; mul *= 128; }
    const n = v % 2 === 0 ? v / 2 : -(v + 1) / 2;
    return n >= 0 && n < SMALL_LONGS.length ? SMALL_LONGS[n]! : BigInt(n);
  }
  let v = 0n, shift = 0n;
  for (let i = start; i < end; i++) { v |= BigInt(buf[i]! & 0x7f) << shift; shift += 7n; }
  return (v >> 1n) ^ -(v & 1n);
}

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array, readonly file: string | undefined) {}
  fail(what: string): never { throw new IcebergError('corrupt-file', `not a valid Avro file: ${what}`, { file: this.file }); }
  long(): number {
    const start = this.pos;
    while (this.pos < this.buf.length && (this.buf[this.pos]! & 0x80) !== 0) this.pos++;
    if (this.pos >= this.buf.length) this.fail('truncated');
    this.pos++;
    return Number(unzigzag(this.buf, start, this.pos));
  }
  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length) this.fail('truncated');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

// --- BigInt longs for avsc ---

const bigLongMethods = {
  fromBuffer: (b: Buffer) => unzigzag(b, 0, b.length),
  toBuffer: (n: bigint) => Buffer.from(zigzagBytes(BigInt(n))),
  fromJSON: (x: unknown) => BigInt(x as string),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
};

/**
 * A long type with bigint values. avsc's LongType.__with slices a Buffer for every value read, which made planning
 * 10,000 files GC-bound; this instance of the same (internal) class reads the varint in place instead.
 */
function makeBigLong(): avro.Type {
  const AbstractLong = Object.getPrototypeOf(avro.types.LongType.__with(bigLongMethods, true)).constructor as new (noUnpack: boolean) => Record<string, unknown>;
  const t = new AbstractLong(true);
  t._fromBuffer = bigLongMethods.fromBuffer;
  t._toBuffer = bigLongMethods.toBuffer;
  t._fromJSON = bigLongMethods.fromJSON;
  t._toJSON = bigLongMethods.toJSON;
  t._isValid = bigLongMethods.isValid;
  t.compare = bigLongMethods.compare;
  t._read = (tap: { buf: Uint8Array; pos: number }): bigint => {
    const buf = tap.buf, start = tap.pos;
    let p = start;
    while (p < buf.length && (buf[p]! & 0x80) !== 0) p++;
    tap.pos = p + 1; // past the end when truncated: avsc's validity check then reports it
    return p < buf.length ? unzigzag(buf, start, p + 1) : 0n;
  };
  return Object.freeze(t) as unknown as avro.Type;
}
const BigLong = makeBigLong();

const typeCache = new Map<string, avro.Type>();

/** An avsc type for a JSON schema with longs as bigint (cached: manifests of one table share schemas). */
export function avroType(schemaJson: string): avro.Type {
  let t = typeCache.get(schemaJson);
  if (!t) {
    // A long with a logical type (time-micros, timestamp-micros/-nanos) is a long too: without the hook avsc reads it
    // as a float64 number (nanosecond timestamps lose digits past 2^53) and cannot write a bigint.
    const typeHook = (s: unknown) => (typeof s === 'object' && s !== null && (s as { type?: unknown }).type === 'long' ? BigLong : undefined);
    t = avro.Type.forSchema(JSON.parse(schemaJson), { registry: { long: BigLong } as never, wrapUnions: false, typeHook } as never);
    if (typeCache.size > 200) typeCache.clear();
    typeCache.set(schemaJson, t);
  }
  return t;
}

export interface AvroFile {
  /** The writer schema, as stored (field-id attributes intact). */
  schema: AvroSchema;
  /** File metadata other than avro.*, as UTF-8 strings. */
  meta: Record<string, string>;
  records: Record<string, unknown>[];
}

/** A JSON Avro schema (records keep extra attributes such as field-id). */
export type AvroSchema = string | AvroSchema[] | { type: string; [k: string]: unknown };

const textDecoder = new TextDecoder();

/** Reads a whole container file (codecs null and deflate). */
export interface AvroReadOptions {
  /** Record fields (by name, at any depth) not to materialise: they are skipped while decoding. */
  skipFields?: readonly string[];
}

function withoutFields(schema: AvroSchema, skip: ReadonlySet<string>): AvroSchema {
  if (Array.isArray(schema)) return schema.map((s) => withoutFields(s, skip));
  if (typeof schema !== 'object') return schema;
  const out: { type: string; [k: string]: unknown } = { ...schema };
  if (schema.type === 'record' && Array.isArray(schema.fields)) {
    out.fields = (schema.fields as { name: string; type: AvroSchema }[]).filter((f) => !skip.has(f.name)).map((f) => ({ ...f, type: withoutFields(f.type, skip) }));
  } else if (schema.type === 'array') out.items = withoutFields(schema.items as AvroSchema, skip);
  return out;
}

const resolverCache = new Map<string, { reader: avro.Type; resolver: unknown }>();

/** A reader type without the skipped fields, and avsc's resolver from the writer type to it (cached). */
function projection(schemaText: string, schema: AvroSchema, writer: avro.Type, skip: readonly string[]) {
  const key = `${skip.join(',')}\n${schemaText}`;
  let p = resolverCache.get(key);
  if (!p) {
    const reader = avroType(JSON.stringify(withoutFields(schema, new Set(skip))));
    p = { reader, resolver: reader.createResolver(writer) };
    if (resolverCache.size > 200) resolverCache.clear();
    resolverCache.set(key, p);
  }
  return p;
}

/** The most one Avro block may inflate to; manifests written by Iceberg's writers use blocks of kilobytes to a few megabytes. */
const MAX_BLOCK_BYTES = 128 * 1024 * 1024;

export function readAvroFile(bytes: Uint8Array, file?: string, opts: AvroReadOptions = {}): AvroFile {
  const r = new Reader(bytes, file);
  for (let i = 0; i < 4; i++) if (bytes[i] !== MAGIC[i]) r.fail('bad magic bytes');
  r.pos = 4;
  const header = new Map<string, Uint8Array>();
  for (let count = r.long(); count !== 0; count = r.long()) {
    if (count < 0) { count = -count; r.long(); }
    for (let i = 0; i < count; i++) {
      const key = textDecoder.decode(r.bytes(r.long()));
      header.set(key, r.bytes(r.long()));
    }
  }
  const sync = r.bytes(16);
  const schemaBytes = header.get('avro.schema');
  if (!schemaBytes) r.fail('no avro.schema in the header');
  const schemaText = textDecoder.decode(schemaBytes);
  const codec = header.has('avro.codec') ? textDecoder.decode(header.get('avro.codec')) : 'null';
  if (codec !== 'null' && codec !== 'deflate') {
    throw new IcebergError('unsupported', `Avro codec "${codec}" is not supported (only null and deflate)`, { file });
  }
  let type: avro.Type;
  let schema: AvroSchema;
  try {
    schema = JSON.parse(schemaText) as AvroSchema;
    type = avroType(schemaText);
  } catch (e) {
    throw new IcebergError('corrupt-file', `Avro schema is invalid: ${(e as Error).message}`, { file }, { cause: e });
  }
  let decode = (buf: Buffer, pos: number) => type.decode(buf, pos);
  if (opts.skipFields?.length) {
    const { reader, resolver } = projection(schemaText, schema, type, opts.skipFields);
    decode = (buf, pos) => reader.decode(buf, pos, resolver as avro.Resolver);
  }
  const records: Record<string, unknown>[] = [];
  while (r.pos < bytes.length) {
    const count = r.long();
    const size = r.long();
    if (count < 0) r.fail(`negative record count ${count} in a block`);
    let block: Uint8Array = r.bytes(size);
    if (codec === 'deflate') {
      // The cap keeps a deflate bomb (a small block inflating to gigabytes) from exhausting memory.
      try { block = inflateRawSync(block, { maxOutputLength: MAX_BLOCK_BYTES }); } catch (e) {
        throw new IcebergError('corrupt-file', `Avro block does not inflate: ${(e as Error).message}`, { file }, { cause: e });
      }
    }
    const buf = Buffer.from(block.buffer, block.byteOffset, block.byteLength);
    let pos = 0;
    for (let i = 0; i < count; i++) {
      const res = decode(buf, pos);
      if (res.offset < 0) r.fail('truncated record');
      records.push(res.value as Record<string, unknown>);
      pos = res.offset;
    }
    if (pos !== buf.length) r.fail(`a block of ${count} records holds ${buf.length - pos} bytes more than they use`);
    const marker = r.bytes(16);
    for (let i = 0; i < 16; i++) if (marker[i] !== sync[i]) r.fail('sync marker mismatch');
  }
  const meta: Record<string, string> = {};
  for (const [k, v] of header) if (!k.startsWith('avro.')) meta[k] = textDecoder.decode(v);
  return { schema, meta, records };
}

export interface AvroWriteOptions {
  meta?: Record<string, string>;
  codec?: 'null' | 'deflate';
  /** Records per block. */
  blockSize?: number;
}

const textEncoder = new TextEncoder();

/** Writes a container file; the schema JSON is stored verbatim, so field-id attributes survive. */
export function writeAvroFile(schema: AvroSchema, records: readonly unknown[], opts: AvroWriteOptions = {}): Uint8Array {
  const schemaText = JSON.stringify(schema);
  const type = avroType(schemaText);
  const codec = opts.codec ?? 'deflate';
  const parts: Uint8Array[] = [Uint8Array.from(MAGIC)];
  const entries: [string, Uint8Array][] = [
    ['avro.schema', textEncoder.encode(schemaText)],
    ['avro.codec', textEncoder.encode(codec)],
    ...Object.entries(opts.meta ?? {}).map(([k, v]): [string, Uint8Array] => [k, textEncoder.encode(v)]),
  ];
  const head: number[] = [...zigzagBytes(BigInt(entries.length))];
  parts.push(Uint8Array.from(head));
  for (const [k, v] of entries) {
    const kb = textEncoder.encode(k);
    parts.push(Uint8Array.from(zigzagBytes(BigInt(kb.length))), kb, Uint8Array.from(zigzagBytes(BigInt(v.length))), v);
  }
  const sync = new Uint8Array(randomBytes(16));
  parts.push(Uint8Array.of(0), sync);
  const blockSize = opts.blockSize ?? 4096;
  for (let start = 0; start < records.length; start += blockSize) {
    const chunk = records.slice(start, start + blockSize);
    const encoded = chunk.map((rec) => {
      try { return type.toBuffer(rec); } catch (e) {
        throw new IcebergError('invalid-argument', `record ${start} does not match the Avro schema: ${(e as Error).message}`);
      }
    });
    let data: Uint8Array = Buffer.concat(encoded);
    if (codec === 'deflate') data = deflateRawSync(data);
    parts.push(Uint8Array.from(zigzagBytes(BigInt(chunk.length))), Uint8Array.from(zigzagBytes(BigInt(data.length))), data, sync);
  }
  return Buffer.concat(parts);
}
