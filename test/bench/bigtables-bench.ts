// Issue 16's big-table figures. The tables are generated cheaply: manifests list 100 files of 100 rows each, and
// only the files a measurement reads exist on disk (written by one DuckDB COPY); the rest are metadata only.
// Every figure goes through Floe's read path (floe query's runQuery, or tableRelation as previews use it).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { planScan } from '../../server/src/iceberg/scan';
import { writeManifest } from '../../server/src/iceberg/manifest';
import { writeManifestList } from '../../server/src/iceberg/manifest-list';
import { parseTableMetadata } from '../../server/src/iceberg/metadata-json';
import { encodeValue } from '../../server/src/iceberg/single-value';
import type { ManifestFile, TableMetadata } from '../../server/src/iceberg/spec';
import { storageFor } from '../../server/src/storage/factory';
import type { S3Storage } from '../../server/src/storage/s3';
import { FileCache } from '../../server/src/storage/cache';
import { DuckSession } from '../../server/src/engine/session';
import { registerIcebergTable } from '../../server/src/engine/read/register-table';
import '../../server/src/engine/read/default-planner';
import { parseQueryArgs, runQuery } from '../../server/src/cli/commands/query';
import { startMoto } from '../helpers/moto';
import { rowGroupStarts } from '../helpers/iceberg-table';
import { startTestCatalog } from '../helpers/local-catalog';
import { connectRestCatalog } from '../../server/src/catalog/rest-client';
import { sample, sideBySide, summarize, timed, type Timing } from './measure';
import { ratioFigure, type Measured } from './figures';

const FILES_PER_MANIFEST = 100;
const ROWS_PER_FILE = 100;
const REPO = path.resolve(__dirname, '../..');

function metadataJson(location: string): string {
  return JSON.stringify({
    'format-version': 2, 'table-uuid': '1b7c0e7e-1f4e-4c55-9d0e-3f8f7c1a2b16', location, 'last-sequence-number': 1, 'last-updated-ms': 1700000000000,
    'last-column-id': 3, 'current-schema-id': 0,
    schemas: [{ type: 'struct', 'schema-id': 0, fields: [
      { id: 1, name: 'id', required: false, type: 'long' }, { id: 2, name: 'grp', required: false, type: 'int' }, { id: 3, name: 'v', required: false, type: 'double' },
    ] }],
    'default-spec-id': 0, 'partition-specs': [{ 'spec-id': 0, fields: [{ name: 'grp', transform: 'identity', 'source-id': 2, 'field-id': 1000 }] }],
    'last-partition-id': 1000, 'default-sort-order-id': 0, 'sort-orders': [{ 'order-id': 0, fields: [] }],
    properties: {}, 'current-snapshot-id': 1, refs: { main: { 'snapshot-id': 1, type: 'branch' } },
    snapshots: [{ 'snapshot-id': 1, 'sequence-number': 1, 'timestamp-ms': 1700000000000, 'manifest-list': `${location}/metadata/snap-1.avro`, summary: { operation: 'append' }, 'schema-id': 0 }],
    'snapshot-log': [], 'metadata-log': [],
  });
}

/** File k holds ids k*100 … k*100+99 of group (partition) k/100: one manifest per group. */
const filePath = (location: string, k: number) => `${location}/data/k=${k}/data_0.parquet`;

/** Writes the real Parquet files for file numbers `ks` under `dataRoot` (one COPY, a folder per file). */
export async function writeRealFiles(dataRoot: string, ks: number[]): Promise<void> {
  if (ks.length === 0) return;
  mkdirSync(dataRoot, { recursive: true });
  const session = await DuckSession.open();
  try {
    await session.run(`COPY (SELECT k, (k * ${ROWS_PER_FILE} + r)::BIGINT AS id, (k // ${FILES_PER_MANIFEST})::INTEGER AS grp, (r * 0.5 + 1)::DOUBLE AS v
      FROM unnest([${ks.join(',')}]) AS a(k), range(${ROWS_PER_FILE}) AS b(r) ORDER BY k, r)
      TO '${path.join(dataRoot, 'data')}' (FORMAT parquet, PARTITION_BY (k), FIELD_IDS {id: 1, grp: 2, v: 3}, OVERWRITE_OR_IGNORE true)`);
  } finally {
    session.close();
  }
}

/**
 * A table of `manifests` × 100 files at `location` (metadata written under `root`, which is `location` for local
 * tables). Manifests listed are `listed` (all by default): a table of some of the same manifests reads just their files.
 */
export function writeTableMetadata(root: string, location: string, manifests: number, sizes: Map<number, number>, listed?: number[], rowsPerFile = ROWS_PER_FILE, splitOffsets?: Map<number, bigint[]>): TableMetadata {
  mkdirSync(path.join(root, 'metadata'), { recursive: true });
  const metadata = parseTableMetadata(metadataJson(location));
  const schema = metadata.schemas[0]!, spec = metadata['partition-specs'][0]!;
  const written: ManifestFile[] = [];
  for (const m of listed ?? Array.from({ length: manifests }, (_, i) => i)) {
    const entries = Array.from({ length: FILES_PER_MANIFEST }, (_, i) => {
      const k = m * FILES_PER_MANIFEST + i;
      return {
        status: 1 as const, 'snapshot-id': 1n, 'sequence-number': 1n, 'file-sequence-number': 1n, 'data-file': {
          content: 0 as const, 'file-path': filePath(location, k), 'file-format': 'PARQUET' as const, partition: { grp: m },
          'record-count': BigInt(rowsPerFile), 'file-size-in-bytes': BigInt(sizes.get(k) ?? 2000), ...(splitOffsets?.has(k) ? { 'split-offsets': splitOffsets.get(k) } : {}),
          'value-counts': new Map([[1, BigInt(rowsPerFile)], [2, BigInt(rowsPerFile)], [3, BigInt(rowsPerFile)]]), 'null-value-counts': new Map([[1, 0n], [2, 0n], [3, 0n]]), 'nan-value-counts': new Map([[3, 0n]]),
          'lower-bounds': new Map([[1, encodeValue('long', BigInt(k * rowsPerFile))], [2, encodeValue('int', m)], [3, encodeValue('double', 0)]]),
          'upper-bounds': new Map([[1, encodeValue('long', BigInt(k * rowsPerFile + rowsPerFile - 1))], [2, encodeValue('int', m)], [3, encodeValue('double', 50.5)]]),
        },
      };
    });
    const manifestPath = `${location}/metadata/manifest-${m}.avro`;
    const { bytes, manifest } = writeManifest({ formatVersion: 2, schema, spec, snapshotId: 1n, sequenceNumber: 1n, entries, path: manifestPath });
    writeFileSync(path.join(root, 'metadata', `manifest-${m}.avro`), bytes);
    written.push(manifest);
  }
  writeFileSync(path.join(root, 'metadata', 'snap-1.avro'), writeManifestList({ formatVersion: 2, snapshotId: 1n, sequenceNumber: 1n, manifests: written }).bytes);
  writeFileSync(path.join(root, 'metadata', 'v1.metadata.json'), metadataJson(location));
  writeFileSync(path.join(root, 'metadata', 'version-hint.text'), '1');
  return metadata;
}

export function sizesOf(root: string, ks: number[]): Map<number, number> {
  return new Map(ks.map((k) => [k, statSync(filePath(root, k)).size]));
}

const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const query = (location: string, sql: string, notes?: string[]) =>
  runQuery(parseQueryArgs(['--table', `t=${location}`, '--format', 'json', sql]), (n) => notes?.push(n));

export async function bigTableFigures(dir: string, runs: number, writeRows: number): Promise<Measured[]> {
  // FLOE_BENCH_BIGTABLES=s3 measures only s3_cold_preview_ratio (it needs none of the big tables).
  if (process.env.FLOE_BENCH_BIGTABLES === 's3') return [await s3ColdFigure(dir, runs)];
  const out: Measured[] = [];
  const io = (root: string) => { const s = storageFor(root); return { read: (p: string) => s.read(p) }; };

  // count_13k_files_ms: 130 manifests of 100 metadata-only files
  const countRoot = path.join(dir, 'count-13k');
  const countMeta = writeTableMetadata(countRoot, countRoot, 130, new Map());
  const notes: string[] = [];
  const counts = await sample(runs, async () => {
    const t = await timed(() => query(countRoot, 'SELECT count(*) AS n FROM t', notes));
    if (!t.value.includes('"1300000"')) throw new Error(`count_13k_files: unexpected answer ${t.value}`);
    return t;
  });
  if (!notes.every((n) => n.includes('metadata'))) throw new Error('count_13k_files was not answered from metadata');
  const planAll = await sample(3, () => timed(() => planScan(countMeta, {}, io(countRoot))));
  out.push({
    name: 'count_13k_files_ms', summary: summarize(counts.map((t) => t.ms)), cpuMs: summarize(counts.map((t) => t.cpuMs)),
    detail: `floe query 'SELECT count(*)'; baseline, planning the 13,000 files a read needs before its first file: ${summarize(planAll.map((t) => t.ms)).median.toFixed(0)} ms`,
  });

  // 100,000 files in 1,000 manifests; real files: the first manifest's, and 1% (manifests 500-509) for the filter
  const bigRoot = path.join(dir, 'big-100k');
  const firstFiles = range(0, FILES_PER_MANIFEST), onePercent = range(500 * FILES_PER_MANIFEST, 10 * FILES_PER_MANIFEST);
  await writeRealFiles(bigRoot, [...firstFiles, ...onePercent]);
  const bigMeta = writeTableMetadata(bigRoot, bigRoot, 1000, sizesOf(bigRoot, [...firstFiles, ...onePercent]));
  const limited = await sample(runs, async () => {
    const t = await timed(() => query(bigRoot, 'SELECT * FROM t LIMIT 100'));
    if (JSON.parse(t.value).rows.length !== 100) throw new Error('preview_limit_100k_files: not 100 rows');
    return t;
  });
  const short = await planScan(bigMeta, { rowLimit: 100n }, io(bigRoot));
  const fullPlan = await timed(() => planScan(bigMeta, {}, io(bigRoot)));
  out.push({
    name: 'preview_limit_100k_files_ms', summary: summarize(limited.map((t) => t.ms)), cpuMs: summarize(limited.map((t) => t.cpuMs)),
    detail: `floe query 'SELECT * … LIMIT 100'; ${short.metrics.manifestsRead} manifest(s) and ${short.tasks.length} file(s) read for 100 rows; baseline, planning all 100,000 files: ${fullPlan.ms.toFixed(0)} ms`,
  });

  // filtered_preview_1pct_ratio: the same filtered preview on a table of just those 10 manifests
  const onlyRoot = path.join(dir, 'big-1pct');
  writeTableMetadata(onlyRoot, onlyRoot, 1000, sizesOf(bigRoot, onePercent), range(500, 10));
  symlinkSync(path.join(bigRoot, 'data'), path.join(onlyRoot, 'data')); // the very same files
  const filtered = 'SELECT * FROM t WHERE grp >= 500 AND grp <= 509 LIMIT 100';
  const check = (s: string) => { if (JSON.parse(s).rows.length !== 100) throw new Error('filtered preview: not 100 rows'); };
  const f = await sideBySide(runs, async () => { const t = await timed(() => query(bigRoot, filtered)); check(t.value); return t; },
    async () => { const t = await timed(() => query(onlyRoot, filtered)); check(t.value); return t; });
  out.push({ ...ratioFigure('filtered_preview_1pct_ratio', f), detail: '1,000 of 100,000 files by partition; baseline: a table of only those files' });

  out.push(await s3ColdFigure(dir, runs));
  out.push(await writeMemoryFigure(writeRows));
  return out;
}

/** s3_cold_preview_ratio: a LIMIT 100 preview of a 10-file table from moto S3 with an empty cache, against local disk. */
async function s3ColdFigure(dir: string, runs: number): Promise<Measured> {
  const moto = await startMoto(['bench']);
  try {
    const localRoot = path.join(dir, 's3-local'), stage = path.join(dir, 's3-stage'), location = 's3://bench/t';
    // 10 files of 100 rows are too small to show a download: 10 real files of 200,000 rows each
    mkdirSync(localRoot, { recursive: true });
    const session = await DuckSession.open();
    try {
      await session.run(`COPY (SELECT k, (k * 200000 + r)::BIGINT AS id, (k // ${FILES_PER_MANIFEST})::INTEGER AS grp, random()::DOUBLE AS v FROM range(10) a(k), range(200000) b(r))
        TO '${path.join(localRoot, 'data')}' (FORMAT parquet, PARTITION_BY (k), FIELD_IDS {id: 1, grp: 2, v: 3}, OVERWRITE_OR_IGNORE true)`);
    } finally {
      session.close();
    }
    const sizes = sizesOf(localRoot, range(0, 10));
    writeTableMetadata(localRoot, localRoot, 1, sizes, [0], 200_000);
    writeTableMetadata(stage, location, 1, sizes, [0], 200_000);
    // The same table at s3://bench/o with each file's row group starts in its manifest entry, as Java, Spark and
    // PyIceberg writers record them (Floe's writer and DuckDB's do not): the first row group comes with the footer.
    const withOffsets = 's3://bench/o', stageOffsets = path.join(dir, 's3-stage-offsets');
    writeTableMetadata(stageOffsets, withOffsets, 1, sizes, [0], 200_000, await rowGroupStartsOf(range(0, 10).map((k) => filePath(localRoot, k))));
    const client = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const put = async (key: string, file: string) => { await client.send(new PutObjectCommand({ Bucket: 'bench', Key: key, Body: readFileSync(file) })); };
    for (const [prefix, staged] of [['t', stage], ['o', stageOffsets]]) {
      for (const name of readdirSync(path.join(staged, 'metadata'))) await put(`${prefix}/metadata/${name}`, path.join(staged, 'metadata', name));
      for (const k of range(0, 10)) await put(`${prefix}/data/k=${k}/data_0.parquet`, filePath(localRoot, k));
    }
    // One cache (so one S3 client, as in a running editor), emptied before every S3 run: the files are never cached.
    const cache = new FileCache(mkdtempSync(path.join(dir, 'cache-')));
    const preview = async (source: string, cold: boolean) => {
      if (cold) for (const name of readdirSync(cache.dir)) rmSync(path.join(cache.dir, name), { recursive: true, force: true });
      return timed(async () => {
        const s = await DuckSession.open();
        try {
          await registerIcebergTable(s, 't', source, { s3: moto.s3, rowLimit: 100, ...(cold ? { storage: { cache } } : {}) });
          const r = await s.query('SELECT * FROM t LIMIT 100');
          if (r.rows.length !== 100) throw new Error('s3 preview: not 100 rows');
        } finally {
          s.close();
        }
      });
    };
    // Requests per cold preview, counted on the very client the previews use (the factory shares one per option set)
    const requests = { t: 0, o: 0 };
    (storageFor(location, { s3: { ...moto.s3 }, cache }) as S3Storage).client.middlewareStack.add((next) => (args) => {
      requests[(args.input as { Key: string }).Key.startsWith('o/') ? 'o' : 't']++;
      return next(args);
    }, { step: 'initialize' });
    // Like with like: the S3 side reads a table this process holds nothing of in memory (plans and footers are
    // cached per local path), so the baseline is a local folder not read before: the same metadata, written anew,
    // over the very same data files. The old baseline, the one local folder read again and again, is in the detail.
    let fresh = 0;
    const coldLocal = () => {
      const root = path.join(dir, `s3-local-${fresh++}`);
      writeTableMetadata(root, root, 1, sizes, [0], 200_000);
      symlinkSync(path.join(localRoot, 'data'), path.join(root, 'data'));
      return root;
    };
    const warm: Timing[] = [], offsets: Timing[] = [];
    let fetched = 0;
    const r = await sideBySide(runs, async () => {
      const t = await preview(location, true);
      fetched = diskBytes(cache.dir); // what a cold run fetched (blocks on disk: a partial copy is a sparse file)
      return t;
    }, async (run) => {
      const t = await preview(coldLocal(), false);
      const w = await preview(localRoot, false);
      const o = await preview(withOffsets, true);
      if (run >= 0) { warm.push(w); offsets.push(o); }
      return t;
    });
    const perRun = requests.t / (runs + 1), perRunOffsets = requests.o / (runs + 1);
    const floor = await motoRequestMs(moto.endpoint, 'bench/t/metadata/version-hint.text');
    const median = (ts: Timing[], key: 'ms' | 'cpuMs' = 'ms') => summarize(ts.map((t) => t[key])).median;
    const versus = (ts: Timing[], base: Timing[]) => `${median(ts).toFixed(1)} ms, ratio ${(median(ts) / median(base)).toFixed(2)} (CPU ${median(ts, 'cpuMs').toFixed(1)} ms, ratio ${(median(ts, 'cpuMs') / median(base, 'cpuMs')).toFixed(2)})`;
    return { ...ratioFigure('s3_cold_preview_ratio', r), detail: `10 files of ~${(sizes.get(0)! / 1e6).toFixed(1)} MB; each S3 run with an empty file cache; a run fetched ${(fetched / 1e6).toFixed(2)} MB of data files in ${perRun} S3 requests, each waiting for the one before; a bare GET to moto takes ${floor.toFixed(1)} ms (median), so moto alone is ${(perRun * floor).toFixed(0)} ms of a run (with the local work on top, a ratio of at least ${((median(r.baseline) + perRun * floor) / median(r.baseline)).toFixed(2)}); the same table with split offsets in its manifest: ${perRunOffsets} requests (the last two at once, so ${perRunOffsets - 1} in sequence: a ratio of at least ${((median(r.baseline) + (perRunOffsets - 1) * floor) / median(r.baseline)).toFixed(2)}), ${versus(offsets, r.baseline)}; against the one local folder read again (plan and footers in memory): S3 ${versus(r.floe, warm)}` };
  } finally {
    await moto.stop();
  }
}

/**
 * The median wall time of a bare GET to moto, with no SDK, signing or parsing: moto's own per-request cost, the
 * floor of any S3 read through it (its server, werkzeug, closes every connection, so each request pays a TCP connect).
 */
async function motoRequestMs(endpoint: string, key: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const start = performance.now();
    // moto checks no signature until auth is enabled, but refuses a request that carries none
    const res = await fetch(`${endpoint}/${key}`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0' } });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`moto GET ${key}: ${res.status}`);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[10];
}

/** Where each row group of each file starts (the split offsets a Java writer records), by file number. */
async function rowGroupStartsOf(files: string[]): Promise<Map<number, bigint[]>> {
  const session = await DuckSession.open();
  try {
    return new Map(await Promise.all(files.map(async (f, k) => [k, await rowGroupStarts(session, f)] as const)));
  } finally {
    session.close();
  }
}

function diskBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => {
    const p = path.join(dir, e.name);
    return n + (e.isDirectory() ? diskBytes(p) : statSync(p).blocks * 512);
  }, 0);
}

/** Peak RSS of `floe write` creating a table of `rows` rows, in its own process (GNU time's maximum resident set). */
async function writeMemoryFigure(rows: number): Promise<Measured> {
  const catalog = await startTestCatalog();
  try {
    const started = performance.now();
    const sql = `SELECT i AS id, i % 1000 AS grp, i * 0.5 AS v, md5(i::VARCHAR) AS s FROM range(${rows}) r(i)`;
    const args = ['-f', '%M', process.execPath, path.join(REPO, 'dist', 'cli.js'), 'write', '--catalog', catalog.uri, '--warehouse', catalog.name, '--mode', 'create', 'bench.big', sql];
    await (await connectRestCatalog({ uri: catalog.uri, warehouse: catalog.name })).createNamespace(['bench']);
    const peakKb = await new Promise<number>((resolve, reject) => {
      const child = spawn('/usr/bin/time', args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      child.on('exit', (code) => {
        const kb = Number(err.trim().split('\n').at(-1));
        if (code !== 0 || !Number.isFinite(kb)) reject(new Error(`floe write failed (${code}): ${err.slice(-500)}`)); else resolve(kb);
      });
    });
    const mb = peakKb / 1024;
    const seconds = (performance.now() - started) / 1000;
    return { name: 'write_100m_peak_mb', summary: summarize([mb]), detail: `floe write --mode create of ${rows.toLocaleString('en')} rows (4 columns) in ${seconds.toFixed(0)} s`, ...(rows === 100_000_000 ? {} : { size: `${rows.toLocaleString('en')} rows` }) };
  } finally {
    await catalog.close();
  }
}
