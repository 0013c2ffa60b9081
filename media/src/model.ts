// The grid's view of an Arrow table: per column, exact display text, sort keys and JSON literals.
import { DataType, Type, TimeUnit, makeVector, tableFromIPC, type Data, type Table } from 'apache-arrow';
import {
  decimal128ToBigInt, formatBlob, formatDate, formatFloat, formatScaled, formatTime, formatTimestamp,
  type TimeUnitName,
} from './cells';

/** Field metadata key for the DuckDB type name; the server's engine/arrow.ts writes it. */
const DUCKDB_TYPE_KEY = 'floe.duckdb_type';

/** How a column sorts and aligns. */
export type ColumnKind = 'number' | 'bigint' | 'boolean' | 'text' | 'null';

export type SortKey = number | bigint | string | boolean;

export interface GridColumn {
  name: string;
  /** The DuckDB type name (or the Arrow type when the metadata is missing). */
  type: string;
  kind: ColumnKind;
  /** Right-aligned in the grid. */
  numeric: boolean;
  /** Display text; null means SQL NULL (distinct from the string 'NULL'). */
  text(row: number): string | null;
  /** A key that orders like the value; null for SQL NULL. */
  key(row: number): SortKey | null;
  /** The value as a JSON literal; int64 and decimals stay exact as bare number literals. */
  json(row: number): string;
}

export interface ResultModel {
  columns: GridColumn[];
  rowCount: number;
}

export function modelFromIpc(bytes: Uint8Array): ResultModel {
  return modelFromTable(tableFromIPC(bytes));
}

export function modelFromTable(table: Table): ResultModel {
  const columns = table.schema.fields.map((field, i) => {
    const vector = table.getChildAt(i)!;
    return makeColumn(field.name, field.metadata.get(DUCKDB_TYPE_KEY) ?? String(field.type), field.type, vector.data);
  });
  return { columns, rowCount: table.numRows };
}

/** Reads one cell of one Arrow chunk (row is local to the chunk, known valid). */
type Reader<T> = (data: Data, row: number) => T;

const UNIT_NAMES: Record<number, TimeUnitName> = {
  [TimeUnit.SECOND]: 's', [TimeUnit.MILLISECOND]: 'ms', [TimeUnit.MICROSECOND]: 'us', [TimeUnit.NANOSECOND]: 'ns',
};

interface Spec<T> {
  kind: ColumnKind;
  numeric: boolean;
  read: Reader<T>;
  text: (v: T) => string;
  key: (v: T) => SortKey;
  json: (v: T) => string;
}

/** The per-type parameters arrow's DataType subclasses carry. */
interface TypeParams {
  typeId: Type;
  bitWidth: number;
  precision: number;
  scale: number;
  unit: number;
  timezone?: string | null;
  byteWidth: number;
}

function specFor(arrowType: DataType): Spec<any> {
  const type = arrowType as unknown as TypeParams;
  const quoted = (s: string): string => JSON.stringify(s);
  switch (type.typeId) {
    case Type.Int: {
      if (type.bitWidth === 64) {
        return { kind: 'bigint', numeric: true, read: (d, i) => (d.values as BigInt64Array)[i], text: String, key: (v) => v, json: String };
      }
      return { kind: 'number', numeric: true, read: (d, i) => (d.values as Int32Array)[i], text: String, key: (v) => v, json: String };
    }
    case Type.Float: {
      const single = type.precision !== 2; // Precision.DOUBLE
      return {
        kind: 'number', numeric: true, read: (d, i) => (d.values as Float64Array)[i],
        text: (v: number) => formatFloat(v, single), key: (v) => v,
        json: (v: number) => (Number.isFinite(v) ? formatFloat(v, single) : quoted(formatFloat(v, single))),
      };
    }
    case Type.Decimal: {
      const scale: number = type.scale;
      return {
        kind: 'bigint', numeric: true, read: (d, i) => decimal128ToBigInt(d.values as Uint32Array, i * 4),
        text: (v: bigint) => formatScaled(v, scale), key: (v) => v, json: (v: bigint) => formatScaled(v, scale),
      };
    }
    case Type.Bool:
      return { kind: 'boolean', numeric: false, read: (d, i) => readBit(d, i), text: String, key: (v) => v, json: String };
    case Type.Date: {
      if (type.unit === 0) { // DateUnit.DAY
        return { kind: 'number', numeric: false, read: (d, i) => (d.values as Int32Array)[i], text: formatDate, key: (v) => v, json: (v) => quoted(formatDate(v)) };
      }
      const asDays = (v: bigint): string => formatTimestamp(v, 'ms', false).slice(0, 10);
      return { kind: 'bigint', numeric: false, read: (d, i) => (d.values as BigInt64Array)[i], text: asDays, key: (v) => v, json: (v) => quoted(asDays(v)) };
    }
    case Type.Timestamp: {
      const unit = UNIT_NAMES[type.unit];
      const utc = !!type.timezone;
      const text = (v: bigint): string => formatTimestamp(v, unit, utc);
      return { kind: 'bigint', numeric: false, read: (d, i) => (d.values as BigInt64Array)[i], text, key: (v) => v, json: (v) => quoted(text(v)) };
    }
    case Type.Time: {
      const unit = UNIT_NAMES[type.unit];
      const wide = type.bitWidth === 64;
      const read: Reader<bigint> = wide ? (d, i) => (d.values as BigInt64Array)[i] : (d, i) => BigInt((d.values as Int32Array)[i]);
      const text = (v: bigint): string => formatTime(v, unit);
      return { kind: 'bigint', numeric: false, read, text, key: (v) => v, json: (v) => quoted(text(v)) };
    }
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary: {
      const read: Reader<string> = (d, i) => formatBlob(readBytes(d, i));
      return { kind: 'text', numeric: false, read, text: (v) => v, key: (v) => v, json: quoted };
    }
    case Type.Null:
      return { kind: 'null', numeric: false, read: () => null, text: () => '', key: () => 0, json: () => 'null' };
    default: {
      const read: Reader<string> = type.typeId === Type.Utf8 || type.typeId === Type.LargeUtf8 ? readUtf8 : (d, i) => String(getGeneric(d, i));
      return { kind: 'text', numeric: false, read, text: (v) => v, key: (v) => v, json: quoted };
    }
  }
}

function readBit(data: Data, i: number): boolean {
  const bit = data.offset + i;
  return ((data.values as Uint8Array)[bit >> 3] & (1 << (bit & 7))) !== 0;
}

function readBytes(data: Data, i: number): Uint8Array {
  const offsets = data.valueOffsets as Int32Array;
  if (!offsets) {
    const width = (data.type as unknown as TypeParams).byteWidth;
    return (data.values as Uint8Array).subarray(i * width, (i + 1) * width);
  }
  return (data.values as Uint8Array).subarray(Number(offsets[i]), Number(offsets[i + 1]));
}

const decoder = new TextDecoder();
/** Per chunk: the whole value buffer as one string when it is pure ASCII, so cells are cheap slices. */
const asciiText = new WeakMap<Data, string | null>();

function chunkAscii(data: Data): string | null {
  let text = asciiText.get(data);
  if (text === undefined) {
    const bytes = data.values as Uint8Array;
    let ascii = true;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] > 0x7f) {
        ascii = false;
        break;
      }
    }
    text = ascii ? decoder.decode(bytes) : null;
    asciiText.set(data, text);
  }
  return text;
}

const readUtf8: Reader<string> = (data, i) => {
  const ascii = chunkAscii(data);
  if (ascii === null) return decoder.decode(readBytes(data, i));
  const offsets = data.valueOffsets as Int32Array;
  return ascii.slice(offsets[i], offsets[i + 1]);
};

// Types the server never sends (Arrow lists, structs): arrow's own accessor and its text form.
function getGeneric(data: Data, i: number): unknown {
  return makeVector(data).get(i);
}

function makeColumn(name: string, typeName: string, type: DataType, chunks: readonly Data[]): GridColumn {
  const spec = specFor(type);
  // Locate a global row in the chunks; the server sends one batch, so this is usually chunk 0.
  const starts: number[] = [];
  let total = 0;
  for (const c of chunks) {
    starts.push(total);
    total += c.length;
  }
  const locate = (row: number): [Data, number] => {
    if (chunks.length === 1) return [chunks[0], row];
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= row) lo = mid;
      else hi = mid - 1;
    }
    return [chunks[lo], row - starts[lo]];
  };
  const value = (row: number): unknown => {
    const [data, local] = locate(row);
    if (spec.kind === 'null' || !data.getValid(local)) return undefined;
    return spec.read(data, local);
  };
  return {
    name,
    type: typeName,
    kind: spec.kind,
    numeric: spec.numeric,
    text: (row) => {
      const v = value(row);
      return v === undefined ? null : spec.text(v);
    },
    key: (row) => {
      const v = value(row);
      return v === undefined ? null : spec.key(v);
    },
    json: (row) => {
      const v = value(row);
      return v === undefined ? 'null' : spec.json(v);
    },
  };
}
