// Where source schemas come from: a SchemaProvider (the Iceberg catalog, later) in front of an on-disk
// cache at <project>/.floe/cache/schemas.json, so schemas also work offline. YAML columns are the fallback.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Column } from './types';

export interface SourceSchema {
  /** Iceberg table identifier, e.g. demo.bronze.bronze_customers. */
  table: string;
  columns: Column[];
  /** Current snapshot id as a decimal string (int64 never passes through a JS number). */
  snapshotId?: string;
  /** When it was read from the catalog (ISO time). */
  fetchedAt?: string;
}

/** Asked for Iceberg table schemas; the catalog engineer's client implements it. */
export interface SchemaProvider {
  fetch(tables: string[]): Promise<SourceSchema[]>;
}

interface CacheFile {
  version: 1;
  tables: Record<string, SourceSchema>;
}

export class SchemaCache {
  private tables = new Map<string, SourceSchema>();
  private readonly file: string;

  constructor(projectRoot: string, readDisk = true) {
    this.file = path.join(projectRoot, '.floe', 'cache', 'schemas.json');
    if (!readDisk) return;
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as CacheFile;
      for (const [k, v] of Object.entries(parsed.tables ?? {})) this.tables.set(k, v);
    } catch {
      // No cache yet, or unreadable: start empty; the next refresh rewrites it.
    }
  }

  /** Puts schemas in the cache without writing the file (tests, and providers that persist elsewhere). */
  remember(schemas: SourceSchema[]): void {
    for (const s of schemas) this.tables.set(s.table, s);
  }

  get(table: string): SourceSchema | undefined {
    return this.tables.get(table);
  }

  /** Asks the provider for the given tables and stores what it returns. Errors leave the cache as it was. */
  async refresh(provider: SchemaProvider, tables: string[]): Promise<number> {
    const fresh = await provider.fetch(tables);
    for (const s of fresh) this.tables.set(s.table, { ...s, fetchedAt: s.fetchedAt ?? new Date().toISOString() });
    mkdirSync(path.dirname(this.file), { recursive: true });
    const out: CacheFile = { version: 1, tables: Object.fromEntries(this.tables) };
    writeFileSync(this.file, JSON.stringify(out, null, 2));
    return fresh.length;
  }
}
