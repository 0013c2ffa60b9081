// The language server's cold start, builds or settings side by side: single runs interleaved (order alternating each
// round) after a warm-up of each, every build with its own FLOE_CACHE_DIR (two builds sharing one code cache delete each
// other's at exit), medians of wall time to the first answer, process CPU, main-thread CPU and RSS:
//   node --import tsx test/bench/lsp-cold-ab.ts PROJECT_DIR RUNS 'label:ENV=value,ENV=value' ...
// e.g. 'base:FLOE_BENCH_SERVER=/work/p/base-dist/server.js' 'new:' 'off:FLOE_READ_AHEAD=off'. PROJECT_DIR is one that
// lsp-cold.ts --keep generated (the last model's pull is the first answer).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Server } from './lsp-bench';
import { summarize } from './measure';

async function main(): Promise<void> {
  const [root, runsText, ...specs] = process.argv.slice(2);
  const runs = Number(runsText);
  if (!root || !runs || !specs.length) throw new Error('usage: lsp-cold-ab.ts PROJECT_DIR RUNS label:ENV=value,... ...');
  const models = readdirSync(path.join(root, 'models', 'marts')).length + readdirSync(path.join(root, 'models', 'staging')).length;
  const last = pathToFileURL(path.join(root, 'models', 'marts', `m${models - 1}.sql`)).toString();
  const cacheRoot = path.join(os.tmpdir(), `floe-cold-ab-${process.pid}`);
  const configs = specs.map((spec) => {
    const [label, envs = ''] = spec.split(/:(.*)/s);
    const env = Object.fromEntries(envs.split(',').filter(Boolean).map((kv) => kv.split(/=(.*)/s).slice(0, 2) as [string, string]));
    return { label, env, wall: [] as number[], cpu: [] as number[], main: [] as number[], rss: [] as number[] };
  });
  const base = { ...process.env };
  try {
    for (let round = -1; round < runs; round++) {
      for (const c of round % 2 ? [...configs].reverse() : configs) {
        process.env = { ...base, FLOE_CACHE_DIR: path.join(cacheRoot, c.label), ...c.env };
        const start = performance.now();
        const server = await Server.start(root);
        try {
          await server.diagnostics(last);
          if (round < 0) continue; // the warm-up writes this build's code cache
          c.wall.push(performance.now() - start);
          c.cpu.push(server.cpuMs());
          c.main.push(server.mainThreadCpuMs());
          c.rss.push(server.rssMb());
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    process.env = base;
    rmSync(cacheRoot, { recursive: true, force: true });
  }
  const f = (xs: number[]) => { const s = summarize(xs); return `${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`; };
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  for (const c of configs) process.stdout.write(`${c.label}: wall ${f(c.wall)} ms; CPU ${f(c.cpu)} ms; main thread ${f(c.main)} ms; RSS ${f(c.rss)} MB (load ${load})\n`);
}

main().catch((e: unknown) => { process.stderr.write(`${e instanceof Error ? e.stack ?? e.message : String(e)}\n`); process.exit(1); });
