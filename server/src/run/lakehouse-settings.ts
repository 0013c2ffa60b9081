// Where a project's lakehouse is, read from its settings alone: no catalog, storage or DuckDB code, so the language
// server can ask at start without loading them (lakehouse.ts connects).
import path from 'node:path';
import type { CatalogSettings } from '../project/profiles';
import type { S3Options } from '../storage/storage';

/** The local lakehouse's warehouse folder for a project. */
export function localWarehouseOf(projectRoot: string): string {
  return path.join(projectRoot, '.floe', 'warehouse');
}

/** S3 options from a profile's plugin block (s3_endpoint, s3_region, keys); path-style when an endpoint is set. */
export function s3OptionsOf(settings: CatalogSettings | undefined): S3Options {
  const s3: S3Options = {
    endpoint: settings?.s3Endpoint,
    region: settings?.s3Region,
    accessKeyId: settings?.s3AccessKeyId,
    secretAccessKey: settings?.s3SecretAccessKey,
    forcePathStyle: settings?.s3Endpoint ? true : undefined,
  };
  for (const k of Object.keys(s3) as (keyof S3Options)[]) if (s3[k] === undefined) delete s3[k];
  return s3;
}
