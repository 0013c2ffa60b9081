// A DuckDB connection dedicated to binding: its own instance, so stand-ins and USE never touch the preview engine.
import { DuckDBInstance, DuckDBConnection, version } from '@duckdb/node-api';

export interface BindConnection {
  connection: DuckDBConnection;
  /** DuckDB's version: bind results are kept per engine. */
  engine: string;
  close(): void;
}

/** The engine bind results are kept for (sql/bindCache.ts), known without opening an instance (binds may run in workers). */
export function bindEngine(): string {
  return `duckdb ${version()}`;
}

/**
 * Binding reads no data: file access and extension downloads are off (a model's `read_parquet('s3://…')` then fails
 * fast with a permission error the binder reports as "not checked" instead of hanging on the network), one thread.
 */
export async function createBindConnection(): Promise<BindConnection> {
  const instance = await DuckDBInstance.create(':memory:', {
    enable_external_access: 'false',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    threads: '1',
  });
  const connection = await instance.connect();
  return {
    connection,
    engine: bindEngine(),
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
