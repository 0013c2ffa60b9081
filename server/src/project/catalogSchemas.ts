// A SchemaProvider over an Iceberg catalog: the current schema of each source table (DuckDB types) and
// its current snapshot id. Tables the catalog cannot load are left out (the cache keeps what it had).
import type { Catalog } from '../catalog/catalog';
import { duckTypeOf } from '../engine/types';
import { duckFacingSchema } from '../engine/read/column-names';
import type { SchemaProvider, SourceSchema } from './schemaProvider';

export function catalogSchemaProvider(catalog: Catalog): SchemaProvider {
  return {
    async fetch(tables) {
      const out: SourceSchema[] = [];
      for (const table of tables) {
        const parts = table.split('.');
        if (parts.length < 2) continue;
        try {
          const { metadata } = await catalog.loadTable({ namespace: parts.slice(0, -1), name: parts[parts.length - 1] });
          const written = metadata.schemas.find((s) => s['schema-id'] === metadata['current-schema-id']) ?? metadata.schemas[metadata.schemas.length - 1];
          // The names a preview's relation has (names equal ignoring case made distinct), so binding sees the same columns.
          const schema = written && duckFacingSchema(written).schema;
          const snapshot = metadata['current-snapshot-id'];
          out.push({
            table,
            columns: (schema?.fields ?? []).map((f) => ({ name: f.name, type: duckTypeOf(f.type), description: f.doc, fieldId: f.id })),
            snapshotId: snapshot === undefined || snapshot === null || String(snapshot) === '-1' ? undefined : String(snapshot),
          });
        } catch {
          // Not in the catalog (yet) or unreachable: keep the cached schema, if any.
        }
      }
      return out;
    },
  };
}
