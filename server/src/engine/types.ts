// Iceberg <-> DuckDB type mapping, and Iceberg values as DuckDB SQL literals.
// DECIMAL stays DECIMAL(p,s) (never DOUBLE), uuid stays UUID, timestamp and timestamptz stay distinct.
import type { IcebergType, PrimitiveType } from '../iceberg/spec';
import { quoteIdent, quoteLiteral } from '../sql/quote';

/** The DuckDB type (as SQL text) a column of this Iceberg type is read as. */
export function duckTypeOf(type: IcebergType): string {
  if (typeof type === 'string') return duckPrimitive(type);
  switch (type.type) {
    case 'struct':
      return `STRUCT(${type.fields.map((f) => `${quoteIdent(f.name)} ${duckTypeOf(f.type)}`).join(', ')})`;
    case 'list':
      return `${duckTypeOf(type.element)}[]`;
    case 'map':
      return `MAP(${duckTypeOf(type.key)}, ${duckTypeOf(type.value)})`;
  }
}

function duckPrimitive(type: PrimitiveType): string {
  switch (type) {
    case 'boolean': return 'BOOLEAN';
    case 'int': return 'INTEGER';
    case 'long': return 'BIGINT';
    case 'float': return 'FLOAT';
    case 'double': return 'DOUBLE';
    case 'date': return 'DATE';
    case 'time': return 'TIME';
    case 'timestamp': return 'TIMESTAMP';
    case 'timestamptz': return 'TIMESTAMPTZ';
    case 'timestamp_ns': return 'TIMESTAMP_NS';
    // DuckDB (1.5) has no nanosecond TIMESTAMPTZ: an instant keeps its microseconds (DuckDB truncates the nanoseconds,
    // as it does reading a Parquet TIMESTAMP(NANOS, UTC) column), and stays an instant, not a wall-clock TIMESTAMP_NS.
    case 'timestamptz_ns': return 'TIMESTAMPTZ';
    case 'string': return 'VARCHAR';
    case 'uuid': return 'UUID';
    case 'binary': return 'BLOB';
  }
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) return `DECIMAL(${decimal[1]}, ${decimal[2]})`;
  if (/^fixed\[\d+\]$/.test(type)) return 'BLOB';
  throw new TypeError(`unknown Iceberg type ${type}`);
}

/**
 * A DuckDB literal for an Iceberg value in its in-memory form (see iceberg/values.ts):
 * int/date as number (days), long/time/timestamps as bigint (µs, or ns for *_ns), decimal as unscaled bigint,
 * uuid/string as string, binary/fixed as bytes, JSON single-value defaults as their JSON form.
 */
export function duckLiteral(type: IcebergType, value: unknown): string {
  if (value === null || value === undefined) return `NULL::${duckTypeOf(type)}`;
  if (typeof type !== 'string') throw new TypeError(`no literal form for a nested ${type.type} value`);
  const cast = (text: string) => `${text}::${duckPrimitive(type)}`;
  switch (type) {
    case 'boolean': return value === true || value === 'true' ? 'true' : 'false';
    // Quoted: a bare -9223372036854775808 parses as -(9223372036854775808), which overflows BIGINT.
    case 'int': case 'long': return cast(quoteLiteral(String(asInteger(value))));
    // Always quoted text cast to the type: a bare 3.141592653589793 is a DECIMAL literal and -0 loses its sign.
    // String(n) is the shortest text that reads back as the same double (and so as the same float32 for a float).
    case 'float': case 'double': return cast(quoteLiteral(floatText(Number(value))));
    case 'date':
      return typeof value === 'string' ? cast(quoteLiteral(value)) : `(DATE '1970-01-01' + ${asInteger(value)}::INTEGER)`;
    case 'time':
      return typeof value === 'string' ? cast(quoteLiteral(value)) : `(TIME '00:00:00' + to_microseconds(${asInteger(value)}::BIGINT))`;
    case 'timestamp':
      return typeof value === 'string' ? cast(quoteLiteral(value)) : `make_timestamp(${asInteger(value)}::BIGINT)`;
    // timezone('UTC', <wall clock>) is the instant at that UTC wall clock, whatever the session's TimeZone.
    case 'timestamptz':
      return typeof value === 'string' ? cast(quoteLiteral(value)) : `timezone('UTC', make_timestamp(${asInteger(value)}::BIGINT))`;
    case 'timestamp_ns':
      return typeof value === 'string' ? cast(quoteLiteral(value)) : `make_timestamp_ns(${asInteger(value)}::BIGINT)`;
    case 'timestamptz_ns':
      return typeof value === 'string' ? cast(quoteLiteral(value)) : `timezone('UTC', make_timestamp_ns(${asInteger(value)}::BIGINT))`;
    case 'string': return cast(quoteLiteral(String(value)));
    case 'uuid': return cast(quoteLiteral(String(value)));
    case 'binary': return blobLiteral(value);
  }
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(type);
  if (decimal) {
    const scale = Number(decimal[2]);
    const text = typeof value === 'bigint' ? unscaledToText(value, scale) : String(value);
    return cast(quoteLiteral(text));
  }
  if (/^fixed\[\d+\]$/.test(type)) return blobLiteral(value);
  throw new TypeError(`unknown Iceberg type ${type}`);
}

function floatText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return Object.is(n, -0) ? '-0.0' : String(n);
}

function asInteger(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new TypeError(`expected an integer value, got ${String(value)}`);
}

function unscaledToText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

function blobLiteral(value: unknown): string {
  // Iceberg JSON single values for binary/fixed are hex strings.
  const bytes = typeof value === 'string' ? Buffer.from(value, 'hex') : Buffer.from(value as Uint8Array);
  return `from_hex(${quoteLiteral(bytes.toString('hex'))})`;
}
