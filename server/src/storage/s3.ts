// S3Storage: the Storage interface over S3 and S3-compatible stores (MinIO, moto), with
// static, session or catalog-vended credentials. Remote files reach DuckDB through the on-disk cache.
import { createWriteStream, promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  S3Client, GetObjectCommand, PutObjectCommand, HeadObjectCommand, DeleteObjectCommand, ListObjectsV2Command,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { StorageError, type S3Options, type Storage, type StorageObject } from './storage';
import { FileCache, type ProgressListener } from './cache';
import { parquetHeadCopy, type HeadCopy, type HeadOptions } from './parquet-head';
import { CredentialRefreshError, refreshingCredentialsOf, type RefreshingCredentials } from './s3-credentials';

const MULTIPART_PART_SIZE = 8 * 1024 * 1024;

export interface S3Location { bucket: string; key: string }

/** Splits s3://bucket/key (also s3a:// and s3n://) into bucket and key. */
export function parseS3Uri(uri: string): S3Location {
  const m = /^s3[an]?:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new StorageError('io', uri, 'not an s3:// URI');
  return { bucket: m[1], key: m[2] };
}

/** Reads S3 options from a catalog's table or config properties (LoadTableResult.config), over a base. */
export function s3OptionsFromProperties(props: Record<string, string>, base: S3Options = {}): S3Options {
  const out: S3Options = { ...base };
  if (props['s3.endpoint']) out.endpoint = props['s3.endpoint'];
  if (props['client.region'] ?? props['s3.region']) out.region = props['client.region'] ?? props['s3.region'];
  if (props['s3.path-style-access'] !== undefined) out.forcePathStyle = props['s3.path-style-access'] === 'true';
  if (props['s3.access-key-id']) out.accessKeyId = props['s3.access-key-id'];
  if (props['s3.secret-access-key']) out.secretAccessKey = props['s3.secret-access-key'];
  if (props['s3.session-token']) out.sessionToken = props['s3.session-token'];
  // Iceberg 1.7+ catalogs say when each provider's keys expire; `expiration-time` is what older Polaris sent.
  const expires = Number(props['s3.session-token-expires-at-ms'] ?? props['expiration-time']);
  if (Number.isFinite(expires) && expires > 0) out.credentialsExpireAtMs = expires;
  return out;
}

/** Something that fetches a table's vended config anew (a catalog's loadCredentials), shared per `scope`. */
export interface TableConfigRefresher { scope: string; refresh(): Promise<Record<string, string>> }

/**
 * S3 options for a table from its catalog config over a base; with a refresher and expiring keys, the storage
 * fetches new keys through it before they expire.
 */
export function s3OptionsForTable(config: Record<string, string>, base: S3Options = {}, refresher?: TableConfigRefresher): S3Options {
  const out = s3OptionsFromProperties(config, base);
  if (!refresher || out.credentialsExpireAtMs === undefined) return out;
  return { ...out, credentialScope: refresher.scope, refreshCredentials: async () => s3OptionsFromProperties(await refresher.refresh()) };
}

/** The inverse of s3OptionsFromProperties: S3 options as catalog table config (the local catalog vends them). */
export function s3PropertiesOf(s3: S3Options): Record<string, string> {
  const config: Record<string, string> = {};
  if (s3.endpoint) config['s3.endpoint'] = s3.endpoint;
  if (s3.region) config['client.region'] = s3.region;
  if (s3.forcePathStyle !== undefined) config['s3.path-style-access'] = String(s3.forcePathStyle);
  if (s3.accessKeyId) config['s3.access-key-id'] = s3.accessKeyId;
  if (s3.secretAccessKey) config['s3.secret-access-key'] = s3.secretAccessKey;
  if (s3.sessionToken) config['s3.session-token'] = s3.sessionToken;
  return config;
}

/** S3 options from the usual AWS environment variables (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_REGION, keys). */
export function s3OptionsFromEnv(env: NodeJS.ProcessEnv = process.env): S3Options {
  const out: S3Options = {};
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  if (endpoint) out.endpoint = endpoint;
  if (env.AWS_REGION ?? env.AWS_DEFAULT_REGION) out.region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (env.AWS_S3_FORCE_PATH_STYLE !== undefined) out.forcePathStyle = env.AWS_S3_FORCE_PATH_STYLE === 'true';
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    out.accessKeyId = env.AWS_ACCESS_KEY_ID;
    out.secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (env.AWS_SESSION_TOKEN) out.sessionToken = env.AWS_SESSION_TOKEN;
  }
  return out;
}

export interface S3StorageOptions extends S3Options {
  /** The cache that localPath fills; a default on-disk cache when omitted. */
  cache?: FileCache;
  /** Keys per ListObjectsV2 page (S3's default, 1000, when omitted). */
  listPageSize?: number;
}

/** S3 error codes that mean the key is no longer good, after which fresh vended keys may succeed. */
const STALE_KEY_CODES = new Set(['ExpiredToken', 'TokenRefreshRequired', 'RequestExpired', 'ExpiredTokenException', 'InvalidAccessKeyId', 'InvalidToken']);

export class S3Storage implements Storage {
  readonly client: S3Client;
  private readonly cache: FileCache;
  /** Vended keys that are refreshed through the catalog; undefined for static or ambient credentials. */
  readonly credentials: RefreshingCredentials | undefined;

  constructor(readonly options: S3StorageOptions = {}) {
    const config: S3ClientConfig = {
      region: options.region ?? process.env.AWS_REGION ?? 'us-east-1',
      forcePathStyle: options.forcePathStyle ?? Boolean(options.endpoint),
      // S3-compatible stores often reject the SDK's newer default checksums; only send them when required.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    if (options.endpoint) config.endpoint = options.endpoint;
    this.credentials = refreshingCredentialsOf(options);
    if (this.credentials) {
      config.credentials = this.credentials.provider();
    } else if (options.accessKeyId && options.secretAccessKey) {
      config.credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey, sessionToken: options.sessionToken };
    }
    this.client = new S3Client(config);
    this.cache = options.cache ?? new FileCache();
  }

  async read(uri: string): Promise<Uint8Array> {
    const { bucket, key } = parseS3Uri(uri);
    try {
      const res = await this.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await res.Body!.transformToByteArray();
    } catch (e) {
      throw storageErrorFromS3(e, uri, 'read');
    }
  }

  async readRange(uri: string, start: number, end: number): Promise<Uint8Array> {
    if (end <= start) return new Uint8Array(0);
    const { bucket, key } = parseS3Uri(uri);
    try {
      const res = await this.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` }));
      return await res.Body!.transformToByteArray();
    } catch (e) {
      if (httpStatus(e) === 416) return new Uint8Array(0);
      throw storageErrorFromS3(e, uri, 'read');
    }
  }

  /** The object's last `n` bytes (one suffix-range request) and its whole size, from the answer's Content-Range. */
  async readTail(uri: string, n: number): Promise<{ bytes: Uint8Array; size: number }> {
    const { bucket, key } = parseS3Uri(uri);
    try {
      const res = await this.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=-${n}` }));
      const bytes = await res.Body!.transformToByteArray();
      const total = /\/(\d+)$/.exec(res.ContentRange ?? '')?.[1];
      return { bytes, size: total === undefined ? bytes.length : Number(total) };
    } catch (e) {
      throw storageErrorFromS3(e, uri, 'read');
    }
  }

  async write(uri: string, data: Uint8Array, opts: { ifAbsent?: boolean } = {}): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    try {
      await this.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, IfNoneMatch: opts.ifAbsent ? '*' : undefined }));
    } catch (e) {
      throw storageErrorFromS3(e, uri, 'write');
    }
  }

  /** Uploads a local file; multipart (8 MiB parts, 4 in flight) when it is larger than one part. */
  async upload(localPath: string, uri: string): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    try {
      const { size } = await fs.stat(localPath);
      if (size <= MULTIPART_PART_SIZE) {
        await this.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await fs.readFile(localPath) }));
        return;
      }
      const { createReadStream } = await import('node:fs');
      // A whole new upload when S3 refused a stale key mid-way (its parts are aborted, the object is written once).
      await this.withFreshKeys(() => new Upload({
        client: this.client,
        params: { Bucket: bucket, Key: key, Body: createReadStream(localPath) },
        partSize: MULTIPART_PART_SIZE,
        queueSize: 4,
        leavePartsOnError: false,
      }).done());
    } catch (e) {
      if (e instanceof StorageError) throw e;
      if ((e as NodeJS.ErrnoException)?.code === 'ENOENT') throw new StorageError('not-found', localPath, 'local file to upload not found', { cause: e });
      throw storageErrorFromS3(e, uri, 'upload');
    }
  }

  async exists(uri: string): Promise<boolean> {
    try {
      await this.head(uri);
      return true;
    } catch (e) {
      if (e instanceof StorageError && e.kind === 'not-found') return false;
      throw e;
    }
  }

  async size(uri: string): Promise<number> {
    return (await this.head(uri)).size;
  }

  async delete(uri: string): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    try {
      await this.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (e) {
      throw storageErrorFromS3(e, uri, 'delete');
    }
  }

  /** Lists every object under a key prefix, following ListObjectsV2 continuation tokens. */
  async list(prefix: string): Promise<StorageObject[]> {
    const { bucket, key } = parseS3Uri(prefix);
    const scheme = prefix.slice(0, prefix.indexOf('://'));
    const out: StorageObject[] = [];
    let token: string | undefined;
    try {
      do {
        const res = await this.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token, MaxKeys: this.options.listPageSize }));
        for (const o of res.Contents ?? []) out.push({ uri: `${scheme}://${bucket}/${o.Key}`, size: Number(o.Size ?? 0), modifiedMs: o.LastModified?.getTime() });
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
    } catch (e) {
      throw storageErrorFromS3(e, prefix, 'list');
    }
    return out;
  }

  /** Downloads the object into the cache (once) and returns the cached path; `size` (when known) validates the copy. */
  async localPath(uri: string, opts: { size?: number; onProgress?: ProgressListener } = {}): Promise<string> {
    const { bucket, key } = parseS3Uri(uri);
    return this.cache.get({ uri, size: opts.size }, (temp, onBytes) => this.download(uri, temp, onBytes), opts.onProgress);
  }

  /** Streams the object (or bytes [start, end) of it, written at that offset of an existing file) to a local file. */
  private async download(uri: string, localPath: string, onBytes: (n: number) => void, range?: { start: number; end: number }): Promise<number> {
    const { bucket, key } = parseS3Uri(uri);
    try {
      const res = await this.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range && `bytes=${range.start}-${range.end - 1}` }));
      const body = res.Body as Readable;
      let n = 0;
      body.on('data', (chunk: Buffer) => { n += chunk.length; onBytes(chunk.length); });
      await pipeline(body, range ? createWriteStream(localPath, { flags: 'r+', start: range.start }) : createWriteStream(localPath));
      if (res.ContentLength !== undefined && n !== Number(res.ContentLength)) {
        throw new StorageError('io', uri, `download truncated: got ${n} of ${res.ContentLength} bytes`);
      }
      return n;
    } catch (e) {
      if (e instanceof StorageError) throw e;
      throw storageErrorFromS3(e, uri, 'download');
    }
  }

  /**
   * A local copy holding at least the first `rows` rows of a Parquet object: only its first row groups, fetched
   * by range, when they hold them (see parquet-head.ts), else the whole file as localPath makes it.
   */
  async localHead(uri: string, opts: HeadOptions): Promise<HeadCopy> {
    return parquetHeadCopy({
      uri,
      tail: (n) => this.readTail(uri, n),
      range: (start, end) => this.readRange(uri, start, end),
      rangeInto: (start, end, localPath, onBytes) => this.download(uri, localPath, onBytes, { start, end }),
      whole: () => this.localPath(uri, { size: opts.size, onProgress: opts.onProgress }),
    }, this.cache, opts);
  }

  /** Sends a command; when S3 refuses vended keys as stale, fetches new ones and sends it once more. */
  private readonly send = ((command: Parameters<S3Client['send']>[0]) => this.withFreshKeys(() => this.client.send(command))) as S3Client['send'];

  private async withFreshKeys<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (!this.credentials || !STALE_KEY_CODES.has(s3ErrorCode(e))) throw e;
      await this.credentials.renew();
      return run();
    }
  }

  private async head(uri: string): Promise<{ size: number; etag?: string }> {
    const { bucket, key } = parseS3Uri(uri);
    try {
      const res = await this.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { size: Number(res.ContentLength ?? 0), etag: res.ETag };
    } catch (e) {
      throw storageErrorFromS3(e, uri, 'stat');
    }
  }
}

function s3ErrorCode(e: unknown): string {
  return (e as { Code?: string })?.Code ?? (e as { name?: string })?.name ?? '';
}

function httpStatus(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

/** Maps an AWS SDK error to a StorageError kind, naming the URI and what was being done. */
export function storageErrorFromS3(e: unknown, uri: string, action: string): StorageError {
  const name = (e as { name?: string; Code?: string })?.name ?? '';
  const code = (e as { Code?: string })?.Code ?? name;
  const status = httpStatus(e);
  const detail = (e as Error)?.message ?? String(e);
  if (e instanceof CredentialRefreshError) {
    return new StorageError('expired-credentials', uri, `S3 credentials have expired while trying to ${action}, and ${e.message}`, { cause: e });
  }
  if (['ExpiredToken', 'TokenRefreshRequired', 'RequestExpired', 'ExpiredTokenException'].includes(code)) {
    return new StorageError('expired-credentials', uri, `S3 credentials have expired while trying to ${action}; refresh them (or reload the table to get new vended credentials)`, { cause: e });
  }
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'InvalidToken', 'CredentialsProviderError'].includes(code) || name === 'CredentialsProviderError') {
    return new StorageError('denied', uri, `S3 rejected the credentials while trying to ${action} (${code}): check the access key id and secret`, { cause: e });
  }
  if (code === 'AccessDenied' || status === 403) {
    return new StorageError('denied', uri, `S3 denied access while trying to ${action}`, { cause: e });
  }
  if (code === 'NoSuchKey' || code === 'NotFound' || status === 404) {
    const what = code === 'NoSuchBucket' ? 'bucket not found' : 'object not found';
    return new StorageError('not-found', uri, `${what} while trying to ${action}`, { cause: e });
  }
  if (code === 'NoSuchBucket') return new StorageError('not-found', uri, `bucket not found while trying to ${action}`, { cause: e });
  if (code === 'PreconditionFailed' || status === 412 || code === 'ConditionalRequestConflict' || status === 409) {
    return new StorageError('exists', uri, 'object already exists', { cause: e });
  }
  const sys = (e as NodeJS.ErrnoException)?.code;
  if (sys === 'ECONNREFUSED' || sys === 'ENOTFOUND' || sys === 'ECONNRESET' || sys === 'ETIMEDOUT' || name === 'TimeoutError' || (status !== undefined && status >= 500)) {
    return new StorageError('unavailable', uri, `S3 is unavailable while trying to ${action}: ${detail}`, { cause: e });
  }
  return new StorageError('io', uri, `cannot ${action}: ${detail}`, { cause: e });
}
