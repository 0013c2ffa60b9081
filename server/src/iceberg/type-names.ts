// A column type as people write it in a dbt contract or as DuckDB prints it, read as the Iceberg type it is stored
// as: DuckDB's names (INTEGER, VARCHAR, TIMESTAMP WITH TIME ZONE, STRUCT(a INT), INT[]), Iceberg's (int, long, string,
// timestamptz, struct<a: int>, list<int>) and the usual aliases (int4, text, numeric(p,s), bool, ...). Hand-written:
// no library reads both spellings, and the nested forms need a small recursive parser.
import type { IcebergType, NestedField, PrimitiveType } from './spec.js';
import { formatType } from './types.js';

/** A type name read: the Iceberg type, or why it cannot be one. */
export type TypeNameResult = { ok: true; type: IcebergType } | { ok: false; message: string };

const PRIMITIVES: Record<string, PrimitiveType> = {
  boolean: 'boolean', bool: 'boolean', logical: 'boolean',
  tinyint: 'int', int1: 'int', smallint: 'int', int2: 'int', short: 'int', integer: 'int', int: 'int', int4: 'int', signed: 'int',
  utinyint: 'int', usmallint: 'int',
  bigint: 'long', int8: 'long', long: 'long', uinteger: 'long',
  ubigint: 'decimal(20, 0)', hugeint: 'decimal(38, 0)', int128: 'decimal(38, 0)',
  float: 'float', float4: 'float', real: 'float',
  double: 'double', float8: 'double', 'double precision': 'double',
  date: 'date', time: 'time', 'time without time zone': 'time',
  timestamp: 'timestamp', datetime: 'timestamp', 'timestamp without time zone': 'timestamp', timestamp_s: 'timestamp', timestamp_ms: 'timestamp', timestamp_us: 'timestamp',
  timestamptz: 'timestamptz', 'timestamp with time zone': 'timestamptz', timestamp_tz: 'timestamptz',
  timestamp_ns: 'timestamp_ns', timestamptz_ns: 'timestamptz_ns',
  varchar: 'string', string: 'string', text: 'string', char: 'string', bpchar: 'string', 'character varying': 'string', character: 'string', nvarchar: 'string',
  uuid: 'uuid',
  blob: 'binary', binary: 'binary', bytea: 'binary', varbinary: 'binary',
};

/** DuckDB's DECIMAL with no precision. */
const DEFAULT_DECIMAL: PrimitiveType = 'decimal(18, 3)';

/** Reads a type name; `DECIMAL` alone is DuckDB's DECIMAL(18,3), `VARCHAR(20)` is a string. */
export function parseTypeName(text: string): TypeNameResult {
  try {
    const p = new Parser(text);
    const type = p.type();
    p.end();
    return { ok: true, type };
  } catch (e) {
    return { ok: false, message: e instanceof TypeNameError ? e.message : String(e) };
  }
}

/** Whether two types are the same, field names compared case-insensitively and ids ignored. */
export function sameType(a: IcebergType, b: IcebergType): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a.type !== b.type) return false;
  if (a.type === 'list' && b.type === 'list') return sameType(a.element, b.element);
  if (a.type === 'map' && b.type === 'map') return sameType(a.key, b.key) && sameType(a.value, b.value);
  if (a.type === 'struct' && b.type === 'struct') {
    return a.fields.length === b.fields.length && a.fields.every((f, i) => f.name.toLowerCase() === b.fields[i].name.toLowerCase() && sameType(f.type, b.fields[i].type));
  }
  return false;
}

/** A type for messages: Iceberg's spelling. */
export const typeText = formatType;

class TypeNameError extends Error {}

class Parser {
  private at = 0;
  constructor(private readonly text: string) {}

  type(): IcebergType {
    let t = this.base();
    // DuckDB's list and array suffixes: INT[], INT[3], INT[][]
    while (this.eat('[')) {
      this.skipWhile(/[0-9\s]/);
      this.expect(']');
      t = list(t);
    }
    return t;
  }

  end(): void {
    this.space();
    if (this.at < this.text.length) throw new TypeNameError(`unexpected "${this.text.slice(this.at)}" in type "${this.text.trim()}"`);
  }

  private base(): IcebergType {
    this.space();
    const word = this.words();
    if (!word) throw new TypeNameError(`no type name in "${this.text.trim()}"`);
    switch (word) {
      case 'decimal': case 'numeric': case 'dec': return this.decimal();
      case 'struct': case 'row': return this.struct();
      case 'list': case 'array': {
        const [, close] = this.opener();
        const element = this.type();
        this.expect(close);
        return list(element);
      }
      case 'map': {
        const [, close] = this.opener();
        const key = this.type();
        this.expect(',');
        const value = this.type();
        this.expect(close);
        return { type: 'map', 'key-id': 0, key, 'value-id': 0, value, 'value-required': false };
      }
      case 'fixed': {
        this.expect('[');
        const n = this.number();
        this.expect(']');
        return `fixed[${n}]`;
      }
    }
    const primitive = PRIMITIVES[word];
    if (!primitive) throw new TypeNameError(`unknown type "${word}"`);
    // VARCHAR(20), CHAR(3), TIMESTAMP(6): a length or precision Iceberg does not keep
    if (this.peek('(')) {
      this.expect('(');
      this.number();
      this.expect(')');
    }
    return primitive;
  }

  private decimal(): PrimitiveType {
    if (!this.eat('(')) return DEFAULT_DECIMAL;
    const precision = this.number();
    const scale = this.eat(',') ? this.number() : 0;
    this.expect(')');
    if (precision < 1 || precision > 38 || scale > precision) throw new TypeNameError(`decimal(${precision}, ${scale}) is not a valid decimal: precision is 1 to 38 and scale at most the precision`);
    return `decimal(${precision}, ${scale})`;
  }

  private struct(): IcebergType {
    const [, close] = this.opener();
    const fields: NestedField[] = [];
    do {
      this.space();
      const name = this.fieldName();
      this.space();
      this.eat(':');
      fields.push({ id: 0, name, required: false, type: this.type() });
    } while (this.eat(','));
    this.expect(close);
    return { type: 'struct', fields };
  }

  /** `(` in DuckDB's spelling, `<` in Iceberg's and Spark's; the closer that must match. */
  private opener(): [string, string] {
    if (this.eat('(')) return ['(', ')'];
    if (this.eat('<')) return ['<', '>'];
    throw new TypeNameError(`expected "(" or "<" in type "${this.text.trim()}"`);
  }

  private fieldName(): string {
    const quoted = /^"((?:[^"]|"")*)"/.exec(this.text.slice(this.at));
    if (quoted) {
      this.at += quoted[0].length;
      return quoted[1].replace(/""/g, '"');
    }
    const m = /^[A-Za-z_][\w$]*/.exec(this.text.slice(this.at));
    if (!m) throw new TypeNameError(`expected a field name in type "${this.text.trim()}"`);
    this.at += m[0].length;
    return m[0];
  }

  /** A type name of one or more words, lower case ("timestamp with time zone", "double precision"). */
  private words(): string {
    const rest = this.text.slice(this.at);
    const multi = /^(timestamp\s+with(?:out)?\s+time\s+zone|time\s+without\s+time\s+zone|double\s+precision|character\s+varying)\b/i.exec(rest);
    const m = multi ?? /^[A-Za-z_][\w]*/.exec(rest);
    if (!m) return '';
    this.at += m[0].length;
    return m[0].toLowerCase().replace(/\s+/g, ' ');
  }

  private number(): number {
    this.space();
    const m = /^\d+/.exec(this.text.slice(this.at));
    if (!m) throw new TypeNameError(`expected a number in type "${this.text.trim()}"`);
    this.at += m[0].length;
    return Number(m[0]);
  }

  private space(): void {
    this.skipWhile(/\s/);
  }

  private skipWhile(re: RegExp): void {
    while (this.at < this.text.length && re.test(this.text[this.at])) this.at++;
  }

  private peek(c: string): boolean {
    this.space();
    return this.text[this.at] === c;
  }

  private eat(c: string): boolean {
    if (!this.peek(c)) return false;
    this.at++;
    return true;
  }

  private expect(c: string): void {
    if (!this.eat(c)) throw new TypeNameError(`expected "${c}" in type "${this.text.trim()}"`);
  }
}

function list(element: IcebergType): IcebergType {
  return { type: 'list', 'element-id': 0, element, 'element-required': false };
}
