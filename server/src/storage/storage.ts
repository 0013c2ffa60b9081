// The Storage interface (Iceberg's FileIO): everything the engine reads or writes goes through it.

export interface StorageObject {
  uri: string;
  size: number;
  /** Last modification time in ms since the epoch, when the store reports it (orphan cleanup's grace period). */
  modifiedMs?: number;
}

export interface Storage {
  /** Reads a whole object; throws StorageError(kind 'not-found') when absent. */
  read(uri: string): Promise<Uint8Array>;
  /** Reads bytes [start, end) of an object. */
  readRange(uri: string, start: number, end: number): Promise<Uint8Array>;
  /** Writes an object; with ifAbsent, fails with kind 'exists' instead of replacing. */
  write(uri: string, data: Uint8Array, opts?: { ifAbsent?: boolean }): Promise<void>;
  /** Uploads a local file (multipart when large). */
  upload(localPath: string, uri: string): Promise<void>;
  exists(uri: string): Promise<boolean>;
  size(uri: string): Promise<number>;
  delete(uri: string): Promise<void>;
  list(prefix: string): Promise<StorageObject[]>;
  /** A local file path with the object's bytes, for DuckDB; remote objects are cached on disk. */
  localPath(uri: string): Promise<string>;
}

export type StorageErrorKind = 'not-found' | 'exists' | 'denied' | 'expired-credentials' | 'unavailable' | 'io';

export class StorageError extends Error {
  constructor(readonly kind: StorageErrorKind, readonly uri: string, message: string, options?: { cause?: unknown }) {
    super(`${message} (${uri})`, options);
    this.name = 'StorageError';
  }
}

/** Storage credentials and endpoint options, from profiles.yml or vended by the catalog. */
export interface S3Options {
  endpoint?: string;
  region?: string;
  forcePathStyle?: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** When vended session keys stop working, in ms since the epoch (a catalog's `s3.session-token-expires-at-ms`). */
  credentialsExpireAtMs?: number;
  /** Fetches fresh vended keys (the catalog's loadCredentials); the S3 client calls it before the keys expire. */
  refreshCredentials?: () => Promise<S3Options>;
  /** Whose vended keys these are (catalog connection and table): with a refresher, one client per scope is kept. */
  credentialScope?: string;
}
