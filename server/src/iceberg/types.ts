// Iceberg type strings and type rules: parsing/formatting primitives, and which type changes are allowed.
import type { IcebergType, PrimitiveType } from './spec.js';
import { IcebergError } from './errors.js';

const SIMPLE = new Set<string>([
  'boolean', 'int', 'long', 'float', 'double', 'date', 'time', 'timestamp', 'timestamptz',
  'timestamp_ns', 'timestamptz_ns', 'string', 'uuid', 'binary',
]);
const V3_ONLY = /^(unknown|variant|geometry|geography)\b/i;
const DECIMAL = /^decimal\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$/i;
const FIXED = /^fixed\s*\[\s*(\d+)\s*\]$/i;

/** A parsed primitive: its kind plus decimal precision/scale or fixed length. */
export type PrimitiveInfo =
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'fixed'; length: number }
  | { kind: Exclude<PrimitiveType, `decimal(${number}, ${number})` | `fixed[${number}]`> };

/** Parses and normalises a primitive type string ("decimal(10,2)" becomes "decimal(10, 2)"). */
export function parsePrimitiveType(text: string): PrimitiveType {
  const t = text.trim();
  const lower = t.toLowerCase();
  if (SIMPLE.has(lower)) return lower as PrimitiveType;
  const d = DECIMAL.exec(t);
  if (d) {
    const precision = Number(d[1]), scale = Number(d[2]);
    if (precision < 1 || precision > 38 || scale > precision) {
      throw new IcebergError('invalid-argument', `invalid decimal type "${text}": precision must be 1..38 and scale <= precision`);
    }
    return `decimal(${precision}, ${scale})`;
  }
  const f = FIXED.exec(t);
  if (f) {
    const length = Number(f[1]);
    if (length < 1) throw new IcebergError('invalid-argument', `invalid fixed type "${text}": length must be positive`);
    return `fixed[${length}]`;
  }
  if (V3_ONLY.test(t)) throw new IcebergError('unsupported', `Iceberg type "${text}" is not supported yet`);
  throw new IcebergError('invalid-argument', `unknown Iceberg type "${text}"`);
}

/** Splits a primitive type into its kind and parameters. */
export function primitiveInfo(type: PrimitiveType): PrimitiveInfo {
  const d = DECIMAL.exec(type);
  if (d) return { kind: 'decimal', precision: Number(d[1]), scale: Number(d[2]) };
  const f = FIXED.exec(type);
  if (f) return { kind: 'fixed', length: Number(f[1]) };
  return { kind: type as Exclude<PrimitiveType, `decimal(${number}, ${number})` | `fixed[${number}]`> };
}

export function isPrimitive(type: IcebergType): type is PrimitiveType {
  return typeof type === 'string';
}

/** Formats a type for people: primitives as is, nested types in a compact SQL-like form. */
export function formatType(type: IcebergType): string {
  if (typeof type === 'string') return type;
  switch (type.type) {
    case 'struct': return `struct<${type.fields.map((f) => `${f.name}: ${formatType(f.type)}`).join(', ')}>`;
    case 'list': return `list<${formatType(type.element)}>`;
    case 'map': return `map<${formatType(type.key)}, ${formatType(type.value)}>`;
  }
}

/**
 * Whether a column of type `from` may be changed to `to` (spec "Schema Evolution"):
 * int→long, float→double, decimal(P,S)→decimal(P',S) with P' ≥ P; date→timestamp only in v3.
 */
export function canPromote(from: PrimitiveType, to: PrimitiveType, formatVersion = 2): boolean {
  if (from === to) return true;
  if (from === 'int' && to === 'long') return true;
  if (from === 'float' && to === 'double') return true;
  if (formatVersion >= 3 && from === 'date' && (to === 'timestamp' || to === 'timestamp_ns')) return true;
  const a = primitiveInfo(from), b = primitiveInfo(to);
  return a.kind === 'decimal' && b.kind === 'decimal' && a.scale === b.scale && b.precision >= a.precision;
}
