// The language server's cold index alone (issue #18's ls_index_10k_ms / ls_index_100k_ms), for profiling and A/B runs:
//   node --import tsx test/bench/lsp-cold.ts [--models 10000] [--runs 5] [--keep DIR]
// --keep DIR generates the project there once and reuses it (else a temporary one, removed after). FLOE_BENCH_SERVER
// and FLOE_BENCH_PROFILE apply as in lsp-bench.ts; FLOE_BENCH_NODE_ARGS adds Node flags to the server, and
// FLOE_BENCH_SERVER_STDOUT=<file> keeps its stdout for them (LSP then goes over Node IPC), e.g. with --trace-gc.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateProject } from '../helpers/generateProject';
import { coldIndex, lastModel } from './lsp-bench';
import { summarize } from './measure';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { models: { type: 'string' }, runs: { type: 'string' }, keep: { type: 'string' } } });
  const models = Number(values.models ?? 10_000);
  const runs = Number(values.runs ?? 5);
  const root = values.keep ? path.resolve(values.keep) : path.join(mkdtempSync(path.join(os.tmpdir(), 'floe-cold-')), 'project');
  const { modelFile } = existsSync(path.join(root, 'dbt_project.yml')) && values.keep
    ? { modelFile: (i: number) => path.join(root, 'models', i < 50 ? 'staging' : 'marts', `m${i}.sql`) }
    : generateProject(root, models);
  try {
    const r = await coldIndex(root, modelFile(lastModel(models)), runs);
    const f = (xs: number[]) => { const s = summarize(xs); return `${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`; };
    process.stdout.write(`${models} models, ${runs} runs: wall ${f(r.index)} ms; CPU ${f(r.cpu)} ms (main thread ${f(r.mainCpu)}); server-reported indexing ${r.indexed.length ? f(r.indexed) : '-'} ms; ready → diagnostics ${f(r.afterReady)} ms; RSS ${f(r.rss)} MB; server CPU: start ${r.startCpu.length ? f(r.startCpu) : '-'} ms, index ${r.indexCpu.length ? f(r.indexCpu) : '-'} ms\n`);
  } finally {
    if (!values.keep) rmSync(path.dirname(root), { recursive: true, force: true });
  }
}

main().catch((e: unknown) => { process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`); process.exit(1); });
