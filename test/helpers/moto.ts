// Starts a private moto_server (S3) on a free loopback port for one test file, and stops it after.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { createServer } from 'node:net';
import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import type { S3Options } from '../../server/src/storage/storage';

export interface Moto {
  endpoint: string;
  /** S3 options pointing at this server with dummy credentials (moto accepts any until auth is enabled). */
  s3: S3Options;
  createBucket(name: string): Promise<void>;
  /** Creates an IAM user allowed s3:*, then makes moto check signatures; returns that user's credentials. */
  enableAuth(): Promise<{ accessKeyId: string; secretAccessKey: string }>;
  /**
   * Before auth is on: an admin allowed everything and `count` users allowed s3:*, one access key each (IAM allows
   * two per user); then makes moto check signatures. `revoke` deletes a key (signed as the admin), after which
   * moto refuses it: short-lived vended keys that really stop working.
   */
  enableAuthWithKeyPool(count: number): Promise<KeyPool>;
  stop(): Promise<void>;
}

export interface PoolKey { user: string; accessKeyId: string; secretAccessKey: string }
export interface KeyPool {
  admin: { accessKeyId: string; secretAccessKey: string };
  keys: PoolKey[];
  revoke(key: PoolKey): Promise<void>;
}

/** Starts moto_server and waits until it answers; fails clearly when moto_server is not installed. */
export async function startMoto(buckets: string[] = []): Promise<Moto> {
  const which = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' });
  if (which.status !== 0 || !which.stdout.trim()) {
    throw new Error('moto_server is not installed or not on PATH: S3 integration tests need it (pip install "moto[server]")');
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  await waitUntilAnswering(endpoint, child, () => stderr);
  const s3: S3Options = { endpoint, region: 'us-east-1', forcePathStyle: true, accessKeyId: 'test', secretAccessKey: 'test' };
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const createBucket = async (name: string) => { await client.send(new CreateBucketCommand({ Bucket: name })); };
  for (const b of buckets) await createBucket(b);
  return {
    endpoint,
    s3,
    createBucket,
    enableAuth: () => enableAuth(endpoint),
    enableAuthWithKeyPool: (count) => enableAuthWithKeyPool(endpoint, count),
    stop: () => stop(child),
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited = false;
  child.once('exit', () => { exited = true; });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`moto_server exited before answering:\n${log()}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/data.json`);
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error(`moto_server did not answer on ${endpoint} within 60 s:\n${log()}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

// IAM Query calls; moto routes by the credential scope, and does not check signatures until auth is enabled.
async function iam(endpoint: string, params: Record<string, string>): Promise<string> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ Version: '2010-05-08', ...params }).toString(),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`moto IAM ${params.Action} failed: ${res.status} ${text}`);
  return text;
}

async function userWithKey(endpoint: string, user: string, action: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  await iam(endpoint, { Action: 'CreateUser', UserName: user });
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
  await iam(endpoint, { Action: 'PutUserPolicy', UserName: user, PolicyName: 'allow', PolicyDocument: policy });
  const xml = await iam(endpoint, { Action: 'CreateAccessKey', UserName: user });
  const accessKeyId = /<AccessKeyId>([^<]+)</.exec(xml)?.[1];
  const secretAccessKey = /<SecretAccessKey>([^<]+)</.exec(xml)?.[1];
  if (!accessKeyId || !secretAccessKey) throw new Error(`moto CreateAccessKey answered without a key: ${xml}`);
  return { accessKeyId, secretAccessKey };
}

/** SHA-256 (and HMAC-SHA-256 when given a secret) in the shape the SigV4 signer takes. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void { this.hash.update(bytes(data)); }
  async digest(): Promise<Uint8Array> { return new Uint8Array(this.hash.digest()); }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

async function enableAuthWithKeyPool(endpoint: string, count: number): Promise<KeyPool> {
  const admin = await userWithKey(endpoint, 'floe-admin', '*');
  const keys: PoolKey[] = [];
  for (let i = 0; i < count; i++) keys.push({ user: `floe-vended-${i}`, ...(await userWithKey(endpoint, `floe-vended-${i}`, 's3:*')) });
  const res = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
  if (!res.ok) throw new Error(`moto reset-auth failed: ${res.status}`);
  const signer = new SignatureV4({ service: 'iam', region: 'us-east-1', credentials: admin, sha256: Sha256 });
  const url = new URL(endpoint);
  return {
    admin,
    keys,
    async revoke(key) {
      const body = new URLSearchParams({ Version: '2010-05-08', Action: 'DeleteAccessKey', UserName: key.user, AccessKeyId: key.accessKeyId }).toString();
      const signed = await signer.sign({
        method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {},
        headers: { host: url.host, 'content-type': 'application/x-www-form-urlencoded' }, body,
      });
      const out = await fetch(endpoint, { method: 'POST', headers: signed.headers as Record<string, string>, body });
      if (!out.ok) throw new Error(`moto DeleteAccessKey failed: ${out.status} ${await out.text()}`);
    },
  };
}

async function enableAuth(endpoint: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  await iam(endpoint, { Action: 'CreateUser', UserName: 'floe-test' });
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
  await iam(endpoint, { Action: 'PutUserPolicy', UserName: 'floe-test', PolicyName: 's3-all', PolicyDocument: policy });
  const xml = await iam(endpoint, { Action: 'CreateAccessKey', UserName: 'floe-test' });
  const accessKeyId = /<AccessKeyId>([^<]+)</.exec(xml)?.[1];
  const secretAccessKey = /<SecretAccessKey>([^<]+)</.exec(xml)?.[1];
  if (!accessKeyId || !secretAccessKey) throw new Error(`moto CreateAccessKey answered without a key: ${xml}`);
  const res = await fetch(`${endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
  if (!res.ok) throw new Error(`moto reset-auth failed: ${res.status}`);
  return { accessKeyId, secretAccessKey };
}
