// npm run bench [-- --quick] [--json] [--only SUITES]: every performance promise of issues 2, 3, 4 and 7, measured
// side by side on generated data. The full run writes docs/benchmarks.md (results, machine, load, notes.md).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadAverage, machine } from './measure';
import type { Measured } from './figures';
import { consoleReport, jsonReport, markdownReport, type RunInfo } from './report';
import { planFigures } from './plan-bench';
import { lsp100kFigures, lspFigures, schemaYamlFigures } from './lsp-bench';
import { openBenchLakehouse, type BenchLakehouse } from './bench-lakehouse';
import { readFigures } from './read-bench';
import { previewFigures } from './preview-bench';
import { writeFigures } from './write-bench';
import { commitFigures } from './commit-bench';
import { checkFigures } from './check-bench';
import { reopenFigures, schemaFigures } from './schema-bench';
import { bigTableFigures } from './bigtables-bench';
import { maintenanceFigures } from './maintenance-bench';
import { columnLineageFigures } from './column-lineage-bench';

const REPO = path.resolve(__dirname, '../..');

const SUITES = ['plan', 'lsp', 'check', 'schema', 'reopen', 'colineage', 'read', 'preview', 'commit', 'write', 'bigtables', 'maintenance'];

interface Sizes { models: number; edits: number; runs: number; ratioRuns: number; bronzeRows: number; writeRows: number; bigWriteRows: number }
// bigWriteRows: FLOE_BENCH_BIG_WRITE_ROWS overrides it (100M rows take minutes on a shared 2-core machine).
const BIG_WRITE = Number(process.env.FLOE_BENCH_BIG_WRITE_ROWS) || 100_000_000;
const FULL: Sizes = { models: 10_000, edits: 200, runs: 5, ratioRuns: 7, bronzeRows: 1_000_000, writeRows: 10_000_000, bigWriteRows: BIG_WRITE };
const QUICK: Sizes = { models: 1_000, edits: 100, runs: 5, ratioRuns: 5, bronzeRows: 1_000_000, writeRows: 1_000_000, bigWriteRows: 10_000_000 };

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, json: { type: 'boolean' }, only: { type: 'string' } } });
  const quick = !!values.quick;
  // --only plan,lsp,read,preview,commit,write runs just those suites (for profiling); it never writes the docs.
  const only = values.only ? new Set(values.only.split(',').map((x) => x.trim())) : undefined;
  const unknown = [...(only ?? [])].filter((x) => !SUITES.includes(x));
  if (unknown.length) throw new Error(`--only: unknown suite ${unknown.join(', ')} (suites: ${SUITES.join(', ')})`);
  const wanted = (key: string) => !only || only.has(key);
  const sizes = quick ? QUICK : FULL;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const started = Date.now();
  const loadBefore = loadAverage();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'floe-bench-'));
  const figures: Measured[] = [];
  const failures: string[] = [];

  const suite = async (key: string, name: string, run: () => Promise<Measured[]>) => {
    if (SUITES.includes(key) && !wanted(key)) return;
    log(`bench: ${name} (at ${((Date.now() - started) / 1000).toFixed(0)} s, load average ${loadAverage()})`);
    try {
      figures.push(...(await run()));
    } catch (e) {
      failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      log(`bench: ${name} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  };

  try {
    await suite('plan', 'scan planning', () => planFigures(dir, sizes.runs));
    await suite('lsp', `language server, ${sizes.models} models`, () => lspFigures(dir, sizes.models, sizes.runs, sizes.edits));
    if (!quick) await suite('lsp', 'language server, 100000 models', () => lsp100kFigures(dir));
    await suite('lsp', 'language server, 800 KB schema.yml', () => schemaYamlFigures(dir, sizes.runs, 20));
    await suite('check', 'floe check, 1,240 models with packages', () => checkFigures(dir, 1240, sizes.runs));
    await suite('schema', `floe check with binding, ${sizes.models} models`, () => schemaFigures(dir, sizes.models, quick ? 3 : sizes.runs));
    // only when asked: the schema suite measures the same figure among its others
    if (only?.has('reopen')) await suite('reopen', `the editor reopening ${sizes.models} unchanged models`, () => reopenFigures(dir, sizes.models, sizes.runs));
    await suite('bigtables', 'big tables (issue 16)', () => bigTableFigures(dir, sizes.runs, sizes.bigWriteRows));
    await suite('maintenance', `compaction of ${quick ? '1,000' : '10,000'} small files`, () => maintenanceFigures(dir, quick ? 1000 : 10_000, sizes.ratioRuns));
    await suite('colineage', 'column lineage, 1,000 models', () => columnLineageFigures(dir, 1000, sizes.runs, sizes.edits));
    let bench: BenchLakehouse | undefined;
    const engine = ['read', 'preview', 'commit', 'write'].some(wanted);
    if (engine) await suite('lakehouse', `bronze orders, ${sizes.bronzeRows} rows`, async () => { bench = await openBenchLakehouse(dir, sizes.bronzeRows); return []; });
    if (bench) {
      const b = bench;
      await suite('read', 'read', () => readFigures(b, sizes.ratioRuns));
      await suite('preview', 'preview', () => previewFigures(b, sizes.ratioRuns));
      await suite('commit', 'commit', () => commitFigures(b, sizes.runs));
      await suite('write', `write, ${sizes.writeRows} rows`, () => writeFigures(b, dir, sizes.writeRows, sizes.ratioRuns));
      await b.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const m = machine();
  const info: RunInfo = {
    quick, command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC', machine: m,
    loadBefore, loadAfter: loadAverage(), seconds: (Date.now() - started) / 1000, failures, commit: commitOf(),
  };
  if (values.json) process.stdout.write(`${JSON.stringify(jsonReport(figures, quick))}\n`);
  else process.stdout.write(`${consoleReport(figures, info)}\n`);
  if (!quick && !only) {
    writeFileSync(path.join(REPO, 'docs', 'benchmarks.md'), markdownReport(figures, info));
    log('bench: wrote docs/benchmarks.md');
  }
  return failures.length ? 1 : 0;
}

/** The commit measured, marked when the working tree (shared by several engineers) had uncommitted changes. */
function commitOf(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'server', 'client'], { cwd: REPO, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} plus uncommitted changes under server/ or client/` : head;
  } catch {
    return 'unknown';
  }
}

main().then((code) => process.exit(code), (e) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
