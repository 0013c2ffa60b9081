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
    // DuckDB has no nanosecond TIMESTAMPTZ; the instant is kept in a TIMESTAMP_NS (UTC).
    case 'timestamptz_ns': return 'TIMESTAMP_NS';
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
    case 'float': case 'double': {
      const n = Number(value);
      return Number.isFinite(n) ? cast(String(n)) : cast(quoteLiteral(Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity'));
    }
    case 'date':
      return typeof value === 'string' ? cast(quoteLiteral(value)) : `(DATE '1970-01-01' + ${asInteger(value)}::INTEGER)`;
    case 'time':
      return typeof value === 'string' ? cast(quoteLiteral(value)) : `(TIME '00:00:00' + to_microseconds(${asInteger(value)}::BIGINT))`;
    case 'timestamp':
      return typeof value === 'string' ? cast(quoteLiteral(value)) : `make_timestamp(${asInteger(value)}::BIGINT)`;
    case 'timestamptz':
      return typeof value === 'string' ? cast(quoteLiteral(value)) : `(TIMESTAMPTZ '1970-01-01 00:00:00+00' + to_microseconds(${asInteger(value)}::BIGINT))`;
    case 'timestamp_ns': case 'timestamptz_ns':
      return typeof value === 'string' ? cast(quoteLiteral(value)) : `make_timestamp_ns(${asInteger(value)}::BIGINT)`;
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
