// The `partition_by` setting: parsed into an Iceberg partition spec, plus the DuckDB expression that computes
// each partition value in the COPY. Results are Iceberg transform results: year/month/day/hour counted from the
// epoch in UTC, bucket by Iceberg's Murmur3 hash (a UDF over iceberg/transforms), truncate as the spec's
// "Truncate Transform Details" (floor to a multiple of W; the first W code points or bytes).
import type { IcebergType, PartitionField, PartitionSpec, PrimitiveType, StructType, Transform } from '../../iceberg/spec.js';
import { primitiveInfo } from '../../iceberg/types.js';
import { quoteIdent } from './duckdb-to-iceberg.js';
import { quoteLiteral } from '../../sql/quote.js';
import { WriteError } from './write-error.js';

/** One term of partition_by, e.g. `day(ts)` → { transform: 'day', column: 'ts' }. */
export interface PartitionTerm { transform: Transform; column: string }

const TERM = /^\s*(?:(year|month|day|hour|bucket|truncate|identity|void|years|months|days|hours)\s*\(\s*(?:(\d+)\s*,\s*)?("(?:[^"]|"")+"|[^\s(),"]+)\s*(?:,\s*(\d+)\s*)?\)|("(?:[^"]|"")+"|[^\s(),"]+))\s*$/i;

/** The forms partition_by accepts, for messages. */
const ACCEPTED_FORMS = 'col, year(col), month(col), day(col), hour(col), bucket(N, col), truncate(W, col) or void(col)';

/** Iceberg widths and bucket counts are Java ints. */
const MAX_WIDTH = 2_147_483_647;

/** Parses `col, day(ts), bucket(16, id), truncate(4, s)` (Iceberg's SQL forms; Spark's `bucket(id, 16)` order is accepted too). */
export function parsePartitionBy(text: string | string[]): PartitionTerm[] {
  const parts = Array.isArray(text) ? text : splitTopLevel(text);
  return parts.filter((p) => p.trim() !== '').map((part) => {
    const m = TERM.exec(part);
    if (!m) throw new WriteError('bad-partition-by', `cannot read partition_by term "${part.trim()}": use ${ACCEPTED_FORMS}`);
    if (m[5]) return { transform: 'identity', column: unquote(m[5]) };
    const fn = m[1].toLowerCase().replace(/s$/, '');
    const column = unquote(m[3]);
    if (m[2] && m[4]) throw new WriteError('bad-partition-by', `${fn}(${column}) takes one number, not two, in "${part.trim()}"`);
    const n = m[2] ?? m[4];
    if (fn === 'bucket' || fn === 'truncate') {
      if (!n || Number(n) < 1 || Number(n) > MAX_WIDTH) throw new WriteError('bad-partition-by', `${fn}(N, ${column}) needs a positive N up to ${MAX_WIDTH} in "${part.trim()}"`);
      return { transform: `${fn}[${Number(n)}]`, column };
    }
    if (n) throw new WriteError('bad-partition-by', `${fn}(${column}) takes no number in "${part.trim()}"`);
    return { transform: fn as Transform, column };
  });
}

function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0, quoted = false, start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && ch === ',') { out.push(text.slice(start, i)); start = i + 1; }
  }
  out.push(text.slice(start));
  return out;
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name;
}

/** A partition field with the DuckDB expression of its value and the column name DuckDB's PARTITION_BY uses. */
export interface PartitionColumn {
  field: PartitionField;
  sourceType: PrimitiveType;
  resultType: PrimitiveType;
  /** SQL over the written (already cast) columns; its text form is the partition key DuckDB reports. */
  sql: string;
  /** The type `sql`'s text form is read back as (stat-values): `int` for day (days), `binary` for hex text. */
  keyType: PrimitiveType;
  /** The hive directory key: the partition field's name, made unique against the query's columns. */
  alias: string;
  /** Identity-only specs partition by the columns themselves (written into the files), so folders read `col=value`. */
  direct: boolean;
}

/** Builds the partition spec for the terms over the table schema, reusing field ids of an equal existing spec. */
export function planPartitionSpec(terms: PartitionTerm[], schema: StructType, existing: { specs: PartitionSpec[]; lastPartitionId: number }): { spec: PartitionSpec; isNew: boolean; lastPartitionId: number } {
  let next = Math.max(existing.lastPartitionId, 999) + 1;
  const fields: PartitionField[] = terms.map((t) => {
    const source = schema.fields.find((f) => f.name === t.column);
    if (!source) throw new WriteError('bad-partition-by', `partition_by names column "${t.column}", which the query does not have`);
    checkSource(t, source.type);
    return { 'source-id': source.id, 'field-id': 0, name: fieldName(t), transform: t.transform };
  });
  const same = existing.specs.find((s) => s.fields.length === fields.length
    && s.fields.every((f, i) => f['source-id'] === fields[i]['source-id'] && f.transform === fields[i].transform));
  if (same) return { spec: same, isNew: false, lastPartitionId: existing.lastPartitionId };
  for (const f of fields) f['field-id'] = next++;
  const specId = existing.specs.reduce((m, s) => Math.max(m, s['spec-id']), -1) + 1;
  return { spec: { 'spec-id': specId, fields }, isNew: true, lastPartitionId: next - 1 };
}

function fieldName(t: PartitionTerm): string {
  if (t.transform === 'identity') return t.column;
  if (t.transform.startsWith('bucket')) return `${t.column}_bucket`;
  if (t.transform.startsWith('truncate')) return `${t.column}_trunc`;
  if (t.transform === 'void') return `${t.column}_null`;
  return `${t.column}_${t.transform}`;
}

function checkSource(t: PartitionTerm, type: IcebergType): void {
  const bad = (why: string) => new WriteError('bad-partition-by', `cannot partition by ${t.transform}(${t.column}): ${why}`);
  if (typeof type !== 'string') throw bad('it is a nested column');
  const kind = primitiveInfo(type).kind;
  const temporal = ['date', 'timestamp', 'timestamptz'];
  if (t.transform === 'year' || t.transform === 'month' || t.transform === 'day') {
    if (!temporal.includes(kind)) throw bad(`it is ${type}, not a date or timestamp`);
  } else if (t.transform === 'hour') {
    if (kind !== 'timestamp' && kind !== 'timestamptz') throw bad(`it is ${type}, not a timestamp`);
  } else if (t.transform.startsWith('bucket')) {
    if (!['int', 'long', 'decimal', 'date', 'time', 'timestamp', 'timestamptz', 'string', 'uuid', 'binary', 'fixed'].includes(kind)) throw bad(`bucket does not apply to ${type}`);
  } else if (t.transform.startsWith('truncate')) {
    if (!['int', 'long', 'decimal', 'string', 'binary'].includes(kind)) throw bad(`truncate applies to int, long, decimal, string and binary columns, not ${type}`);
  } else if (t.transform === 'identity') {
    if (kind === 'binary' || kind === 'fixed') throw bad('identity partitions on binary columns are not supported; use bucket(N, col)');
  }
}

/** DuckDB functions computing Iceberg's bucket of a long, and of a tagged text form ('s:', 'u:', 'd:', 'b:' + hex); see bucket-udf.ts. */
export const BUCKET_LONG_FUNCTION = 'floe_iceberg_bucket_long';
export const BUCKET_TEXT_FUNCTION = 'floe_iceberg_bucket_text';

/** SQL for each partition field's value, over columns as written to the file. */
export function partitionColumns(spec: PartitionSpec, fileSchema: StructType): PartitionColumn[] {
  const taken = new Set(fileSchema.fields.map((f) => f.name));
  const sourceOf = (field: PartitionField) => fileSchema.fields.find((f) => f.id === field['source-id']);
  const direct = spec.fields.every((f) => f.transform === 'identity' && sourceOf(f));
  return spec.fields.map((field) => {
    const source = sourceOf(field);
    if (!source) {
      // The query lacks the source column: its rows read as NULL there, so the partition value is NULL too.
      let alias = field.name;
      while (taken.has(alias)) alias = `${alias}_`;
      taken.add(alias);
      return { field, sourceType: 'string', resultType: 'string', sql: 'CAST(NULL AS VARCHAR)', keyType: 'string', alias, direct: false };
    }
    if (typeof source.type !== 'string') throw new WriteError('bad-partition-by', `partition field "${field.name}" has a nested source column`);
    let alias = direct ? source.name : field.name;
    while (!direct && taken.has(alias)) alias = `${alias}_`;
    taken.add(alias);
    const { sql, resultType, keyType } = transformSql(field.transform, quoteIdent(source.name), source.type);
    return { field, sourceType: source.type, resultType, sql, keyType, alias, direct };
  });
}

const US_PER_HOUR = 3_600_000_000n, US_PER_DAY = 86_400_000_000n;

type TransformSql = { sql: string; resultType: PrimitiveType; keyType: PrimitiveType };

function transformSql(transform: Transform, col: string, type: PrimitiveType): TransformSql {
  const kind = primitiveInfo(type).kind;
  // timestamptz: year/month read the UTC wall clock, as Iceberg's transforms do.
  const utc = kind === 'timestamptz' ? `timezone('UTC', ${col})` : col;
  // Exact floor division in integers: DuckDB's // truncates toward zero, so subtract the non-negative remainder first.
  const floorDiv = (unit: bigint) => `(epoch_us(${col}) - ((epoch_us(${col}) % ${unit}) + ${unit}) % ${unit}) // ${unit}`;
  const int = (sql: string, resultType: PrimitiveType = 'int'): TransformSql => ({ sql, resultType, keyType: 'int' });
  switch (transform) {
    case 'identity': return { sql: col, resultType: type, keyType: type };
    case 'void': return { sql: 'CAST(NULL AS VARCHAR)', resultType: type, keyType: 'string' };
    case 'year': return int(`CAST(year(${utc}) - 1970 AS INTEGER)`);
    case 'month': return int(`CAST((year(${utc}) - 1970) * 12 + month(${utc}) - 1 AS INTEGER)`);
    case 'day':
      return kind === 'date'
        ? int(`CAST(${col} - DATE '1970-01-01' AS INTEGER)`, 'date')
        : int(`CAST(${floorDiv(US_PER_DAY)} AS INTEGER)`, 'date');
    case 'hour': return int(`CAST(${floorDiv(US_PER_HOUR)} AS INTEGER)`);
    default: {
      const truncate = /^truncate\[(\d+)\]$/.exec(transform);
      if (truncate) return { sql: truncateSql(col, type, Number(truncate[1])), resultType: type, keyType: type };
      const n = /^bucket\[(\d+)\]$/.exec(transform);
      if (!n) throw new WriteError('bad-partition-by', `transform ${transform} is not supported for writes`);
      const input = bucketInput(col, type);
      const fn = input.startsWith('CAST') || input.startsWith('epoch_us') ? BUCKET_LONG_FUNCTION : BUCKET_TEXT_FUNCTION;
      return int(`${fn}(${input}, ${n[1]})`);
    }
  }
}

/** Iceberg's truncate[W] in DuckDB SQL; binary yields the hex of its first W bytes (a BLOB key would print escaped). */
function truncateSql(col: string, type: PrimitiveType, width: number): string {
  const info = primitiveInfo(type);
  // Numbers floor to a multiple of W: v - (((v % W) + W) % W), in a wider type so the sum cannot overflow. Flooring
  // can step below the type's least value (Java's int math would wrap to a wrong partition): fail naming the column.
  const floored = (wide: string, w: string, least: string, duckType: string) => {
    // Compared as v < least + r rather than v - r < least: at DECIMAL(38) the subtraction itself would overflow.
    const v = `CAST(${col} AS ${wide})`, r = `(((${v} % ${w}) + ${w}) % ${w})`;
    const message = `${quoteLiteral(`cannot partition by truncate[${width}](${col}): `)} || CAST(${col} AS VARCHAR) || ${quoteLiteral(` floors below the least ${type}`)}`;
    return `CASE WHEN ${v} < ${least} + ${r} THEN error(${message}) ELSE CAST(${v} - ${r} AS ${duckType}) END`;
  };
  switch (info.kind) {
    case 'int': return floored('BIGINT', String(width), '-2147483648', 'INTEGER');
    case 'long': return floored('HUGEINT', String(width), '-9223372036854775808', 'BIGINT');
    case 'decimal': {
      // W counts unscaled units, so it is W * 10^-scale in the column's scale; DuckDB's decimal % is exact.
      const { precision: p, scale: s } = info, wide = `DECIMAL(38, ${s})`;
      const least = `-${scaledText('9'.repeat(p), s)}`;
      return floored(wide, `CAST('${scaledText(String(width), s)}' AS ${wide})`, `CAST('${least}' AS ${wide})`, `DECIMAL(${p}, ${s})`);
    }
    // DuckDB's substring counts Unicode code points, as the spec asks (not bytes, not grapheme clusters).
    case 'string': return `substring(${col}, 1, ${width})`;
    case 'binary': return `left(hex(${col}), ${2 * width})`;
    default: throw new WriteError('bad-partition-by', `truncate does not apply to ${type}`);
  }
}

/** Unscaled digits as decimal text at a scale, e.g. ('5', 2) → '0.05'. */
function scaledText(unscaled: string, scale: number): string {
  const digits = unscaled.padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Bucket hashes a type-specific form: ints, dates, times and timestamps as a long, decimals by unscaled bytes. */
function bucketInput(col: string, type: PrimitiveType): string {
  const info = primitiveInfo(type);
  switch (info.kind) {
    case 'int': case 'long': return `CAST(${col} AS BIGINT)`;
    case 'date': return `CAST(${col} - DATE '1970-01-01' AS BIGINT)`;
    case 'time': return `CAST(date_diff('microsecond', TIME '00:00:00', ${col}) AS BIGINT)`;
    case 'timestamp': case 'timestamptz': return `epoch_us(${col})`;
    case 'decimal': return `'d:' || CAST(CAST(${col} * ${'1' + '0'.repeat(info.scale)} AS HUGEINT) AS VARCHAR)`;
    case 'uuid': return `'u:' || CAST(${col} AS VARCHAR)`;
    case 'string': return `'s:' || ${col}`;
    default: return `'b:' || hex(${col})`;
  }
}
