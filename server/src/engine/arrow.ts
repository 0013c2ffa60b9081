// Turns a DuckDB result into an Arrow IPC stream with exact types (node-api has no Arrow export).
// Fixed-width columns are filled straight into typed arrays: arrow's builders take timestamps as
// millisecond numbers and would lose microseconds, so they are used for nothing that matters.
import {
  Binary, Bool, Data, DataType, DateDay, Decimal, Field, Float32, Float64, Int16, Int32, Int64, Int8,
  Null, RecordBatch, Schema, Struct, Table, TimeMicrosecond, TimeNanosecond, TimestampMicrosecond,
  TimestampMillisecond, TimestampNanosecond, TimestampSecond, Uint16, Uint32, Uint64, Uint8, Utf8,
  makeData, tableToIPC,
} from 'apache-arrow';
import {
  DuckDBDecimalType, DuckDBTypeId, JsonDuckDBValueConverter,
  type DuckDBDataChunk, type DuckDBResult, type DuckDBType, type DuckDBValue, type DuckDBVector,
} from '@duckdb/node-api';
import type { PreviewResult, ResultColumn } from '../protocol/results';

/** Field metadata key holding the DuckDB type name, shown in the grid header. */
export const DUCKDB_TYPE_KEY = 'floe.duckdb_type';
/** Field metadata key holding the session time zone for TIMESTAMPTZ columns (values are UTC instants). */
export const TIME_ZONE_KEY = 'floe.time_zone';

export interface ArrowResult {
  ipc: Uint8Array;
  columns: ResultColumn[];
  rowCount: number;
  /** True when the result had more rows than maxRows. */
  truncated: boolean;
}

export interface ArrowOptions {
  /** Stop after this many rows; one more row is read to know whether the result was truncated. */
  maxRows?: number;
  /** The session's TimeZone setting, kept in TIMESTAMPTZ column metadata. */
  timeZone?: string;
}

/** Reads a DuckDB result chunk by chunk into one Arrow record batch, serialised as an IPC stream. */
export async function duckdbResultToArrow(result: DuckDBResult, options: ArrowOptions = {}): Promise<ArrowResult> {
  const maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
  const names = result.columnNames();
  const types = result.columnTypes();
  const sinks = types.map((t) => sinkFor(t));
  let rowCount = 0;
  let truncated = false;
  for (;;) {
    const chunk: DuckDBDataChunk | null = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const take = Math.min(chunk.rowCount, maxRows - rowCount);
    for (let c = 0; c < sinks.length; c++) sinks[c].push(chunk.getColumnVector(c), take);
    rowCount += take;
    if (take < chunk.rowCount) {
      truncated = true;
      break;
    }
    if (rowCount >= maxRows) {
      const next = await result.fetchChunk();
      truncated = !!next && next.rowCount > 0;
      break;
    }
  }
  const columns = names.map((name, i) => ({ name, type: types[i].toString() }));
  const fields = columns.map((col, i) => {
    const meta = new Map([[DUCKDB_TYPE_KEY, col.type]]);
    if (types[i].typeId === DuckDBTypeId.TIMESTAMP_TZ) meta.set(TIME_ZONE_KEY, options.timeZone ?? 'UTC');
    return new Field(col.name, sinks[i].type, true, meta);
  });
  const schema = new Schema(fields);
  const children = sinks.map((s) => s.finish(rowCount));
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: rowCount, nullCount: 0, children }));
  const ipc = tableToIPC(new Table([batch]), 'stream');
  return { ipc, columns, rowCount, truncated };
}

/** Runs the conversion and wraps it as the panel's PreviewResult. */
export async function duckdbResultToPreview(
  result: DuckDBResult,
  info: { sql: string; title: string; startedAt: number; maxRows?: number; timeZone?: string },
): Promise<PreviewResult> {
  const arrow = await duckdbResultToArrow(result, { maxRows: info.maxRows, timeZone: info.timeZone });
  return {
    columns: arrow.columns,
    arrow: Buffer.from(arrow.ipc.buffer, arrow.ipc.byteOffset, arrow.ipc.byteLength).toString('base64'),
    rowCount: arrow.rowCount,
    truncated: arrow.truncated,
    elapsedMs: Math.round(performance.now() - info.startedAt),
    sql: info.sql,
    title: info.title,
  };
}

/** Collects one column's values across chunks. */
interface ColumnSink {
  readonly type: DataType;
  push(vector: DuckDBVector, count: number): void;
  finish(length: number): Data;
}

type TypedArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;
type TypedArrayCtor<A extends TypedArray> = { new (n: number): A };

function sinkFor(t: DuckDBType): ColumnSink {
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN: return new BoolSink();
    case DuckDBTypeId.TINYINT: return new FixedSink(new Int8(), Int8Array, (v) => v as number);
    case DuckDBTypeId.SMALLINT: return new FixedSink(new Int16(), Int16Array, (v) => v as number);
    case DuckDBTypeId.INTEGER: return new FixedSink(new Int32(), Int32Array, (v) => v as number);
    case DuckDBTypeId.BIGINT: return new FixedSink(new Int64(), BigInt64Array, (v) => v as bigint);
    case DuckDBTypeId.UTINYINT: return new FixedSink(new Uint8(), Uint8Array, (v) => v as number);
    case DuckDBTypeId.USMALLINT: return new FixedSink(new Uint16(), Uint16Array, (v) => v as number);
    case DuckDBTypeId.UINTEGER: return new FixedSink(new Uint32(), Uint32Array, (v) => v as number);
    case DuckDBTypeId.UBIGINT: return new FixedSink(new Uint64(), BigUint64Array, (v) => v as bigint);
    case DuckDBTypeId.FLOAT: return new FixedSink(new Float32(), Float32Array, (v) => v as number);
    case DuckDBTypeId.DOUBLE: return new FixedSink(new Float64(), Float64Array, (v) => v as number);
    case DuckDBTypeId.DATE: return new FixedSink(new DateDay(), Int32Array, (v) => (v as { days: number }).days);
    case DuckDBTypeId.TIME: return new FixedSink(new TimeMicrosecond(), BigInt64Array, (v) => (v as { micros: bigint }).micros);
    case DuckDBTypeId.TIME_NS: return new FixedSink(new TimeNanosecond(), BigInt64Array, (v) => (v as { nanos: bigint }).nanos);
    case DuckDBTypeId.TIMESTAMP: return new FixedSink(new TimestampMicrosecond(), BigInt64Array, (v) => (v as { micros: bigint }).micros);
    case DuckDBTypeId.TIMESTAMP_TZ: return new FixedSink(new TimestampMicrosecond('UTC'), BigInt64Array, (v) => (v as { micros: bigint }).micros);
    case DuckDBTypeId.TIMESTAMP_S: return new FixedSink(new TimestampSecond(), BigInt64Array, (v) => (v as { seconds: bigint }).seconds);
    case DuckDBTypeId.TIMESTAMP_MS: return new FixedSink(new TimestampMillisecond(), BigInt64Array, (v) => (v as { millis: bigint }).millis);
    case DuckDBTypeId.TIMESTAMP_NS: return new FixedSink(new TimestampNanosecond(), BigInt64Array, (v) => (v as { nanos: bigint }).nanos);
    case DuckDBTypeId.DECIMAL: {
      const d = t as DuckDBDecimalType;
      return new Decimal128Sink(new Decimal(d.scale, d.width, 128), (v) => (v as { value: bigint }).value);
    }
    // HUGEINT fits Decimal128's two's complement bits exactly; the declared precision is nominal.
    case DuckDBTypeId.HUGEINT: return new Decimal128Sink(new Decimal(0, 38, 128), (v) => v as bigint);
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM: return new Utf8Sink((v) => v as string);
    case DuckDBTypeId.BLOB: return new BinarySink();
    case DuckDBTypeId.SQLNULL: return new NullSink();
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.MAP:
    case DuckDBTypeId.ARRAY:
    case DuckDBTypeId.UNION:
    case DuckDBTypeId.VARIANT:
      return new Utf8Sink((v) => JSON.stringify(JsonDuckDBValueConverter(v, t, JsonDuckDBValueConverter)));
    default:
      // UHUGEINT, BIGNUM, UUID, INTERVAL, TIME_TZ, BIT, GEOMETRY: DuckDB's own text form is exact.
      return new Utf8Sink((v) => String(v));
  }
}

/** A growable validity bitmap in Arrow's LSB order. */
class Validity {
  bits = new Uint8Array(256);
  nulls = 0;
  set(i: number, valid: boolean): void {
    const byte = i >> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(this.bits.length * 2, byte + 1));
      grown.set(this.bits);
      this.bits = grown;
    }
    if (valid) this.bits[byte] |= 1 << (i & 7);
    else this.nulls++;
  }
  /** The bitmap for Arrow, or undefined when there are no nulls (Arrow's convention). */
  finish(length: number): Uint8Array | undefined {
    return this.nulls === 0 ? undefined : this.bits.slice(0, (length + 7) >> 3);
  }
}

function grow<A extends TypedArray>(ctor: TypedArrayCtor<A>, arr: A, need: number): A {
  if (need <= arr.length) return arr;
  const next = new ctor(Math.max(arr.length * 2, need));
  (next as unknown as { set(a: A): void }).set(arr);
  return next;
}

class FixedSink<A extends TypedArray> implements ColumnSink {
  private values: A;
  private length = 0;
  private readonly validity = new Validity();
  constructor(readonly type: DataType, private readonly ctor: TypedArrayCtor<A>, private readonly read: (v: DuckDBValue) => number | bigint) {
    this.values = new ctor(2048);
  }
  push(vector: DuckDBVector, count: number): void {
    this.values = grow(this.ctor, this.values, this.length + count);
    const values = this.values as unknown as (number | bigint)[];
    for (let i = 0; i < count; i++, this.length++) {
      const v = vector.getItem(i);
      if (v === null) this.validity.set(this.length, false);
      else {
        values[this.length] = this.read(v);
        this.validity.set(this.length, true);
      }
    }
  }
  finish(length: number): Data {
    const nullBitmap = this.validity.finish(length);
    return makeData({ type: this.type, length, nullCount: this.validity.nulls, nullBitmap, data: this.values.subarray(0, length) } as never);
  }
}

class Decimal128Sink implements ColumnSink {
  private words = new BigInt64Array(4096);
  private length = 0;
  private readonly validity = new Validity();
  constructor(readonly type: Decimal, private readonly read: (v: DuckDBValue) => bigint) {}
  push(vector: DuckDBVector, count: number): void {
    this.words = grow(BigInt64Array, this.words, (this.length + count) * 2);
    for (let i = 0; i < count; i++, this.length++) {
      const v = vector.getItem(i);
      if (v === null) this.validity.set(this.length, false);
      else {
        const n = this.read(v);
        this.words[this.length * 2] = BigInt.asIntN(64, n); // low word, two's complement
        this.words[this.length * 2 + 1] = n >> 64n; // high word, sign-extended
        this.validity.set(this.length, true);
      }
    }
  }
  finish(length: number): Data {
    const w = this.words.subarray(0, length * 2);
    const data = new Uint32Array(w.buffer, w.byteOffset, length * 4);
    return makeData({ type: this.type, length, nullCount: this.validity.nulls, nullBitmap: this.validity.finish(length), data });
  }
}

class BoolSink implements ColumnSink {
  readonly type = new Bool();
  private readonly values = new Validity(); // same bit layout as Arrow booleans
  private length = 0;
  private readonly validity = new Validity();
  push(vector: DuckDBVector, count: number): void {
    for (let i = 0; i < count; i++, this.length++) {
      const v = vector.getItem(i);
      this.validity.set(this.length, v !== null);
      this.values.set(this.length, v === true);
    }
  }
  finish(length: number): Data {
    const data = this.values.bits.slice(0, (length + 7) >> 3);
    return makeData({ type: this.type, length, nullCount: this.validity.nulls, nullBitmap: this.validity.finish(length), data });
  }
}

/** Variable-width bytes: Arrow offsets plus one growing byte buffer. */
class BytesBuffer {
  offsets = new Int32Array(2049);
  bytes = new Uint8Array(65536);
  end = 0;
  reserveRows(rows: number): void {
    this.offsets = grow(Int32Array, this.offsets, rows + 1);
  }
  reserveBytes(extra: number): void {
    this.bytes = grow(Uint8Array, this.bytes, this.end + extra);
  }
}

const encoder = new TextEncoder();

/** Variable-width values (strings, blobs): offsets plus one growing byte buffer, appended in place. */
abstract class VariableWidthSink<T extends Utf8 | Binary> implements ColumnSink {
  abstract readonly type: T;
  private readonly buf = new BytesBuffer();
  private length = 0;
  private readonly validity = new Validity();
  /** Appends one non-null value's bytes at buf.end and advances it. */
  protected abstract append(buf: BytesBuffer, v: DuckDBValue): void;
  push(vector: DuckDBVector, count: number): void {
    const buf = this.buf;
    buf.reserveRows(this.length + count);
    for (let i = 0; i < count; i++, this.length++) {
      const v = vector.getItem(i);
      if (v === null) this.validity.set(this.length, false);
      else {
        this.append(buf, v);
        this.validity.set(this.length, true);
      }
      buf.offsets[this.length + 1] = buf.end;
    }
  }
  finish(length: number): Data {
    const { offsets, bytes, end } = this.buf;
    // Utf8 and Binary take the same props; makeData's overloads pick one per concrete type.
    return makeData<Utf8>({
      type: this.type as Utf8, length, nullCount: this.validity.nulls, nullBitmap: this.validity.finish(length),
      valueOffsets: offsets.subarray(0, length + 1), data: bytes.subarray(0, end),
    });
  }
}

class Utf8Sink extends VariableWidthSink<Utf8> {
  readonly type = new Utf8();
  constructor(private readonly read: (v: DuckDBValue) => string) {
    super();
  }
  protected append(buf: BytesBuffer, v: DuckDBValue): void {
    const s = this.read(v);
    buf.reserveBytes(s.length * 3); // UTF-8 needs at most 3 bytes per UTF-16 unit
    buf.end += encoder.encodeInto(s, buf.bytes.subarray(buf.end)).written;
  }
}

class BinarySink extends VariableWidthSink<Binary> {
  readonly type = new Binary();
  protected append(buf: BytesBuffer, v: DuckDBValue): void {
    const { bytes } = v as { bytes: Uint8Array };
    buf.reserveBytes(bytes.length);
    buf.bytes.set(bytes, buf.end);
    buf.end += bytes.length;
  }
}

class NullSink implements ColumnSink {
  readonly type = new Null();
  push(): void {}
  finish(length: number): Data {
    return makeData({ type: this.type, length });
  }
}
