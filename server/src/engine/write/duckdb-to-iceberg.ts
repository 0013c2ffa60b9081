// Maps a query's DuckDB column types to Iceberg types (ids assigned later), and Iceberg types back to the
// DuckDB type a written column is cast to. DECIMAL stays decimal(p,s): a mart's money column never becomes DOUBLE.
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import type { IcebergType, PrimitiveType } from '../../iceberg/spec.js';
import { primitiveInfo } from '../../iceberg/types.js';
import { WriteError } from './write-error.js';
import { tokenize } from '../../sql/lexer.js';
import { quoteIdent, quoteLiteral } from '../../sql/quote.js';

export { quoteIdent };

/** An Iceberg type shape before field ids are assigned (ids are 0). */
export type UnassignedType = IcebergType;

interface TypeLike { typeId: DuckDBTypeId; alias?: string; toString(): string }

/** The Iceberg type a DuckDB column type is stored as; throws WriteError naming the column when Iceberg has none. */
export function icebergTypeOf(column: string, duck: DuckDBType): UnassignedType {
  const t = duck as unknown as TypeLike & Record<string, unknown>;
  switch (t.typeId) {
    case DuckDBTypeId.BOOLEAN: return 'boolean';
    case DuckDBTypeId.TINYINT: case DuckDBTypeId.SMALLINT: case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT: case DuckDBTypeId.USMALLINT: return 'int';
    case DuckDBTypeId.BIGINT: case DuckDBTypeId.UINTEGER: return 'long';
    case DuckDBTypeId.UBIGINT: return 'decimal(20, 0)';
    case DuckDBTypeId.HUGEINT: return 'decimal(38, 0)';
    case DuckDBTypeId.FLOAT: return 'float';
    case DuckDBTypeId.DOUBLE: return 'double';
    case DuckDBTypeId.DECIMAL: return `decimal(${t.width as number}, ${t.scale as number})`;
    case DuckDBTypeId.DATE: return 'date';
    case DuckDBTypeId.TIME: return 'time';
    case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_S: case DuckDBTypeId.TIMESTAMP_MS: return 'timestamp';
    case DuckDBTypeId.TIMESTAMP_TZ: return 'timestamptz';
    case DuckDBTypeId.VARCHAR: case DuckDBTypeId.ENUM: return 'string';
    case DuckDBTypeId.BLOB: return 'binary';
    case DuckDBTypeId.UUID: return 'uuid';
    case DuckDBTypeId.LIST: case DuckDBTypeId.ARRAY:
      return { type: 'list', 'element-id': 0, element: icebergTypeOf(`${column}.element`, t.valueType as DuckDBType), 'element-required': false };
    case DuckDBTypeId.MAP:
      return {
        type: 'map',
        'key-id': 0, key: icebergTypeOf(`${column}.key`, t.keyType as DuckDBType),
        'value-id': 0, value: icebergTypeOf(`${column}.value`, t.valueType as DuckDBType), 'value-required': false,
      };
    case DuckDBTypeId.STRUCT: {
      const names = t.entryNames as string[], types = t.entryTypes as DuckDBType[];
      return { type: 'struct', fields: names.map((name, i) => ({ id: 0, name, required: false, type: icebergTypeOf(`${column}.${name}`, types[i]) })) };
    }
    default:
      throw new WriteError('unsupported-type', `column "${column}" has DuckDB type ${t.toString()}, which Iceberg cannot store; cast it in the query (e.g. to VARCHAR or TIMESTAMP)`);
  }
}

/** The DuckDB type a column of this Iceberg type is written as. */
export function duckTypeSql(type: IcebergType): string {
  if (typeof type === 'string') return primitiveDuckType(type);
  switch (type.type) {
    case 'struct': return `STRUCT(${type.fields.map((f) => `${quoteIdent(f.name)} ${duckTypeSql(f.type)}`).join(', ')})`;
    case 'list': return `${duckTypeSql(type.element)}[]`;
    case 'map': return `MAP(${duckTypeSql(type.key)}, ${duckTypeSql(type.value)})`;
  }
}

function primitiveDuckType(type: PrimitiveType): string {
  const info = primitiveInfo(type);
  switch (info.kind) {
    case 'boolean': return 'BOOLEAN';
    case 'int': return 'INTEGER';
    case 'long': return 'BIGINT';
    case 'float': return 'FLOAT';
    case 'double': return 'DOUBLE';
    case 'decimal': return `DECIMAL(${info.precision}, ${info.scale})`;
    case 'date': return 'DATE';
    case 'time': return 'TIME';
    case 'timestamp': return 'TIMESTAMP';
    case 'timestamptz': return 'TIMESTAMPTZ';
    case 'timestamp_ns': return 'TIMESTAMP_NS';
    case 'timestamptz_ns': return 'TIMESTAMPTZ';
    case 'string': return 'VARCHAR';
    case 'uuid': return 'UUID';
    case 'binary': case 'fixed': return 'BLOB';
  }
}

/** A query as a parenthesised subquery: trailing semicolons dropped, newlines so a final `-- comment` cannot eat the parenthesis. */
export function subquery(sql: string): string {
  // Tokens, not a regex: a ';' inside a string or quoted identifier (e.g. 'a; -- b') is data and must stay.
  let text = sql;
  const tokens = tokenize(sql);
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i];
    if (t.kind === 'comment') continue;
    if (t.kind !== 'punct' || t.text !== ';') break;
    text = text.slice(0, t.start) + text.slice(t.end);
  }
  return `(\n${text}\n)`;
}
