// Chooses the Storage for a URI by its scheme: local files or S3.
import { LocalStorage } from './local';
import { S3Storage } from './s3';
import { StorageError, type S3Options, type Storage } from './storage';
import type { FileCache } from './cache';

export interface StorageOptions {
  s3?: S3Options;
  cache?: FileCache;
}

const local = new LocalStorage();
const s3Clients = new Map<string, S3Storage>();
const MAX_S3_CLIENTS = 64;

/** Clients are shared per option set; refreshing vended keys are shared per scope, whatever keys they hold now. */
function clientKey(options: StorageOptions): string {
  const { refreshCredentials, credentialScope, accessKeyId, secretAccessKey, sessionToken, credentialsExpireAtMs, ...rest } = options.s3 ?? {};
  const keys = refreshCredentials && credentialScope ? { credentialScope } : { accessKeyId, secretAccessKey, sessionToken };
  return JSON.stringify([rest, keys, options.cache?.dir ?? '']);
}

/** True for s3://, s3a:// and s3n:// URIs. */
export function isS3Uri(uri: string): boolean {
  return /^s3[an]?:\/\//.test(uri);
}

/** The Storage for a URI: LocalStorage for paths and file:// URIs, an S3Storage (reused per option set) for s3://. */
export function storageFor(uri: string, options: StorageOptions = {}): Storage {
  if (isS3Uri(uri)) {
    const id = clientKey(options);
    let s3 = s3Clients.get(id);
    if (!s3) {
      s3 = new S3Storage({ ...options.s3, cache: options.cache });
      s3Clients.set(id, s3);
      // Every vended key or refreshing table scope makes a client: keep the most recent ones only.
      if (s3Clients.size > MAX_S3_CLIENTS) s3Clients.delete(s3Clients.keys().next().value!);
    }
    return s3;
  }
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(uri) && !uri.startsWith('file:')) {
    throw new StorageError('io', uri, `unsupported storage scheme '${uri.slice(0, uri.indexOf(':'))}' (supported: file, s3)`);
  }
  return local;
}
