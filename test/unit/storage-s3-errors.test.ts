import { test } from 'node:test';
import assert from 'node:assert/strict';
import { storageErrorFromS3, parseS3Uri, s3OptionsFromEnv } from '../../server/src/storage/s3';
import { isS3Uri, storageFor } from '../../server/src/storage/factory';
import { LocalStorage } from '../../server/src/storage/local';
import { S3Storage } from '../../server/src/storage/s3';

const URI = 's3://bucket/t/data/f.parquet';
function sdkError(name: string, status?: number, code?: string) {
  return Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: status }, ...(code ? { code } : {}) });
}
function check(error: unknown, kind: string, pattern?: RegExp) {
  const e = storageErrorFromS3(error, URI, 'read');
  assert.equal(e.kind, kind, `${(error as Error).name}`);
  assert.ok(e.message.includes(URI), e.message);
  if (pattern) assert.match(e.message, pattern);
}

test('AWS errors map to storage error kinds naming the URI', () => {
  check(sdkError('ExpiredToken', 400), 'expired-credentials', /expired/);
  check(sdkError('TokenRefreshRequired', 400), 'expired-credentials');
  check(sdkError('InvalidAccessKeyId', 403), 'denied', /credentials/);
  check(sdkError('SignatureDoesNotMatch', 403), 'denied', /credentials/);
  check(sdkError('AccessDenied', 403), 'denied', /denied/);
  check(sdkError('NoSuchKey', 404), 'not-found');
  check(sdkError('NotFound', 404), 'not-found');
  check(sdkError('NoSuchBucket', 404), 'not-found', /bucket/);
  check(sdkError('PreconditionFailed', 412), 'exists');
  check(sdkError('InternalError', 500), 'unavailable');
  check(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'unavailable');
  check(sdkError('Weird', 400), 'io');
});

test('s3 URIs and options', () => {
  assert.deepEqual(parseS3Uri('s3://b/a/b/c.parquet'), { bucket: 'b', key: 'a/b/c.parquet' });
  assert.deepEqual(parseS3Uri('s3a://b'), { bucket: 'b', key: '' });
  assert.equal(isS3Uri('s3n://x/y'), true);
  assert.equal(isS3Uri('/tmp/x'), false);
  assert.ok(storageFor('/tmp/x') instanceof LocalStorage);
  assert.ok(storageFor('file:///tmp/x') instanceof LocalStorage);
  assert.ok(storageFor('s3://b/k', { s3: { region: 'eu-west-1' } }) instanceof S3Storage);
  assert.equal(storageFor('s3://b/k', { s3: { region: 'eu-west-1' } }), storageFor('s3://c/k', { s3: { region: 'eu-west-1' } }));
  assert.throws(() => storageFor('gs://b/k'), /unsupported storage scheme 'gs'/);
  assert.deepEqual(s3OptionsFromEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9000', AWS_REGION: 'x', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_SESSION_TOKEN: 'c' }),
    { endpoint: 'http://127.0.0.1:9000', region: 'x', accessKeyId: 'a', secretAccessKey: 'b', sessionToken: 'c' });
});
