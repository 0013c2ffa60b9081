// v3 `write-default` (spec "Default values"): a write never omits a known column. A table column the query lacks
// is written with its write-default, or null when it is optional and has none; a required one without a default
// is refused (write-schema.ts). Files then never depend on a reader's initial-default for rows written later.
import type { NestedField, StructType } from '../../iceberg/spec.js';
import { IcebergError } from '../../iceberg/errors.js';
import { defaultLiteral } from '../read/nested-projection.js';
import { quoteIdent, subquery } from './duckdb-to-iceberg.js';
import { WriteError } from './write-error.js';

export interface DefaultedWrite {
  /** The query with one literal column per table column it lacked. */
  sql: string;
  /** The file schema with those columns added. */
  fileSchema: StructType;
  /** The names of the columns filled in. */
  filled: string[];
}

/** Adds the table's columns the file schema lacks, each as its write-default; `table` names the table in errors. */
export function withWriteDefaults(sql: string, fileSchema: StructType, tableFields: NestedField[], table: string): DefaultedWrite {
  const written = new Set(fileSchema.fields.map((f) => f.id));
  const missing = tableFields.filter((f) => !written.has(f.id));
  if (!missing.length) return { sql, fileSchema, filled: [] };
  const columns = missing.map((f) => {
    if (f.required && f['write-default'] === undefined) {
      throw new WriteError('incompatible-schema', `the query has no column "${f.name}", which ${table} requires and which has no write-default`, { table });
    }
    if (typeof f.type !== 'string' && f['write-default'] !== undefined && f['write-default'] !== null) {
      throw new WriteError('unsupported-format', `the query has no column "${f.name}" of ${table}, and Floe cannot write its ${f.type.type} write-default; add the column to the query`, { table });
    }
    try {
      return `${defaultLiteral(f, 'write-default')} AS ${quoteIdent(f.name)}`;
    } catch (e) {
      if (e instanceof IcebergError) throw new WriteError('incompatible-schema', `${table}: ${e.message}`, { table });
      throw e;
    }
  });
  return {
    sql: `SELECT *, ${columns.join(', ')} FROM ${subquery(sql)} AS "__floe_defaults"`,
    fileSchema: { type: 'struct', fields: [...fileSchema.fields, ...missing.map((f) => ({ id: f.id, name: f.name, required: false, type: f.type }))] },
    filled: missing.map((f) => f.name),
  };
}
