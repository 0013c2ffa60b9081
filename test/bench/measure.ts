// Sampling and summaries for the benchmark suite: warm-up, then N timed runs; median with min and max.
import os from 'node:os';
import { performance } from 'node:perf_hooks';

export interface Summary { median: number; min: number; max: number; samples: number[] }

export function summarize(samples: number[]): Summary {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], samples };
}

/** The value at or below which `p` (0..1) of the samples fall (nearest rank). */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

/** Wall time and this process's CPU time (every thread, DuckDB's included) of one call, in ms. */
export interface Timing { ms: number; cpuMs: number }

export async function timed<T>(fn: () => Promise<T>): Promise<Timing & { value: T }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await fn();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, value };
}

/** One warm-up call, then `runs` timed calls of `fn`, which returns its own measurement. */
export async function sample<T>(runs: number, fn: (run: number) => Promise<T>): Promise<T[]> {
  await fn(-1);
  const out: T[] = [];
  for (let i = 0; i < runs; i++) out.push(await fn(i));
  return out;
}

export interface SideBySide { ratios: number[]; cpuRatios: number[]; floe: Timing[]; baseline: Timing[] }

/**
 * A ratio measured side by side: each run times the baseline and Floe back to back (alternating which goes
 * first), so load from other processes on this shared machine hits both alike.
 */
export async function sideBySide(
  runs: number, floe: (run: number) => Promise<Timing>, baseline: (run: number) => Promise<Timing>, opts: { floeFirst?: boolean } = {},
): Promise<SideBySide> {
  if (opts.floeFirst) { await floe(-1); await baseline(-1); } else { await baseline(-1); await floe(-1); }
  const out: SideBySide = { ratios: [], cpuRatios: [], floe: [], baseline: [] };
  for (let i = 0; i < runs; i++) {
    let f: Timing, b: Timing;
    if (i % 2 === 0) { b = await baseline(i); f = await floe(i); } else { f = await floe(i); b = await baseline(i); }
    out.floe.push(f); out.baseline.push(b); out.ratios.push(f.ms / b.ms); out.cpuRatios.push(f.cpuMs / b.cpuMs);
  }
  return out;
}

export function loadAverage(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(' / ');
}

export function machine(): { cores: number; memoryGiB: number; cpu: string; node: string } {
  const cpus = os.cpus();
  return { cores: cpus.length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), cpu: cpus[0]?.model.trim() ?? 'unknown', node: process.version };
}
