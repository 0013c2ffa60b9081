// Issue #18's schema-aware figures: `floe check` with binding on the generated project (every model bound in DuckDB),
// cold (no kept results) and warm (a second check of the unchanged project, with the bind results kept on disk).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { generateProject } from '../helpers/generateProject';
import { summarize } from './measure';
import type { Measured } from './figures';
import { Server } from './lsp-bench';
import { performance } from 'node:perf_hooks';

const REPO = path.resolve(__dirname, '../..');
const TIME = '/usr/bin/time';

/** One `floe check` with binding: wall ms and peak RSS in MB (when /usr/bin/time is there to tell). */
function checkOnce(root: string, cacheDir: string, flags: string[]): { ms: number; rssMb?: number } {
  const args = [path.join(REPO, 'dist/cli.js'), 'check', root, '--format', 'json', ...flags];
  const withTime = existsSync(TIME);
  const started = process.hrtime.bigint();
  let rssMb: number | undefined;
  const env = { ...process.env, FLOE_CACHE_DIR: cacheDir, FLOE_NO_CATALOG: '1' };
  if (withTime) {
    const rssFile = path.join(cacheDir, 'rss');
    const out = execFileSync(TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...args], { encoding: 'utf8', maxBuffer: 256 << 20, env });
    check(out);
    rssMb = Math.round(Number(readFileSync(rssFile, 'utf8').trim()) / 1024);
  } else {
    check(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 256 << 20, env }));
  }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, rssMb };
}

function check(out: string) {
  const report = JSON.parse(out) as { diagnostics: Array<{ severity: string; file: string; message: string }> };
  const errors = report.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`floe check found ${errors.length} errors in the generated project, e.g. ${errors[0].file}: ${errors[0].message}`);
}

export async function schemaFigures(dir: string, models: number, runs: number): Promise<Measured[]> {
  const root = path.join(dir, `schema-project-${models}`);
  if (!existsSync(root)) generateProject(root, models);
  const cacheDir = mkdtempSync(path.join(dir, 'bind-cache-'));
  try {
    const cold = Array.from({ length: runs }, () => checkOnce(root, cacheDir, ['--no-cache']));
    checkOnce(root, cacheDir, []); // keeps the results
    const warm = Array.from({ length: runs }, () => checkOnce(root, cacheDir, []));
    // One model changed: the kept report is not replayed; every other model comes from the kept renders and binds.
    const edited = path.join(root, 'models', 'marts', `m${models - 1}.sql`);
    const original = readFileSync(edited, 'utf8');
    const oneEdit = Array.from({ length: runs }, (_, i) => {
      writeFileSync(edited, `${original}-- edit ${i}\n`);
      try {
        return checkOnce(root, cacheDir, []);
      } finally {
        writeFileSync(edited, original);
      }
    });
    const size = models === 10_000 ? undefined : `${models.toLocaleString('en')} models`;
    const rss = (xs: { rssMb?: number }[]) => (xs[0].rssMb === undefined ? undefined : `peak RSS ${Math.max(...xs.map((x) => x.rssMb!))} MB`);
    const editorCold: Ready[] = [];
    for (let i = 0; i < runs; i++) {
      rmSync(cacheDir, { recursive: true, force: true });
      editorCold.push(await schemaReady(root, cacheDir));
    }
    const editorWarm: Ready[] = [];
    for (let i = 0; i < runs; i++) editorWarm.push(await schemaReady(root, cacheDir));
    const rebinds: Rebind[] = [];
    for (let i = 0; i < runs; i++) rebinds.push(await downstreamRebind(root, cacheDir, models));
    const r = rebinds[0];
    return [
      { name: 'check_bind_10k_ms', summary: summarize(cold.map((x) => x.ms)), size, detail: rss(cold) },
      { name: 'check_bind_10k_warm_ms', summary: summarize(warm.map((x) => x.ms)), size, detail: `${rss(warm) ?? ''}; one model changed: median ${Math.round(summarize(oneEdit.map((x) => x.ms)).median)} ms, ${rss(oneEdit) ?? ''}` },
      { name: 'schema_ready_10k_ms', summary: summarize(editorCold.map((x) => x.ms)), size, detail: `server peak RSS ${Math.max(...editorCold.map((x) => x.peakRssMb))} MB` },
      warmFigure(editorWarm, size),
      {
        name: 'ls_downstream_rebind_ms',
        summary: summarize(rebinds.map((x) => x.ms)),
        size,
        detail: `m${r.model}'s column type changed: ${r.descendants} models downstream, ${r.rebound} bound again; the edited file's diagnostics p95 ${summarize(rebinds.map((x) => x.editP95)).median.toFixed(1)} ms meanwhile (${summarize(rebinds.map((x) => x.quietEditP95)).median.toFixed(1)} ms without the rebind); server peak RSS ${Math.max(...rebinds.map((x) => x.peakRssMb))} MB`,
      },
    ];
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** `schema_ready_10k_warm_ms` from reopens that each published the last session's diagnostics. */
function warmFigure(warm: Ready[], size: string | undefined): Measured {
  if (warm.some((w) => !w.kept)) throw new Error('a reopen of the unchanged project did not publish the kept diagnostics');
  const median = (xs: number[]) => Math.round(summarize(xs).median);
  return {
    name: 'schema_ready_10k_warm_ms',
    summary: summarize(warm.map((x) => x.ms)),
    size,
    detail: `the last session's diagnostics published (server CPU ${median(warm.map((x) => x.cpuMs))} ms until then); its own binds done and the kept ones replaced at ${median(warm.map((x) => x.boundMs))} ms; peak RSS ${Math.max(...warm.map((x) => x.peakRssMb))} MB`,
  };
}

/**
 * `--only reopen`: the editor's reopen of an unchanged project alone (one session first binds it and keeps its
 * diagnostics), for the 10,000-model figure without the rest of the schema suite.
 */
export async function reopenFigures(dir: string, models: number, runs: number): Promise<Measured[]> {
  const root = path.join(dir, `schema-project-${models}`);
  if (!existsSync(root)) generateProject(root, models);
  const cacheDir = mkdtempSync(path.join(dir, 'reopen-cache-'));
  try {
    const first = await schemaReady(root, cacheDir);
    const warm: Ready[] = [];
    for (let i = 0; i < runs; i++) warm.push(await schemaReady(root, cacheDir));
    const figure = warmFigure(warm, models === 10_000 ? undefined : `${models.toLocaleString('en')} models`);
    return [{ ...figure, detail: `${figure.detail}; the first session (cold, nothing kept) ${Math.round(first.ms)} ms` }];
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

interface Ready {
  /** Server spawned until every model's diagnostics were published (status) and a workspace pull answered them. */
  ms: number;
  /** Whether they were the last session's, kept (an unchanged project reopened). */
  kept: boolean;
  /** Until the server's own binds were all done. */
  boundMs: number;
  /** Server CPU until then. */
  cpuMs: number;
  peakRssMb: number;
}

/** The language server started on the project, until every model's binder diagnostics are published (its own or kept ones). */
export async function schemaReady(root: string, cacheDir: string): Promise<Ready> {
  const started = performance.now();
  const server = await Server.start(root, { ...process.env, FLOE_CACHE_DIR: cacheDir, FLOE_NO_CATALOG: '1' }, false);
  try {
    const published = await server.status((s) => /^(All \d+ models bound|Published the last session's diagnostics)/.test(s.message ?? ''), 600_000);
    await server.workspaceDiagnostics();
    const ms = performance.now() - started;
    const cpuMs = server.cpuMs();
    const bound = await server.status((s) => /^All \d+ models bound/.test(s.message ?? ''), 600_000);
    const peakRssMb = Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))?.[1]) / 1024);
    return { ms, kept: published !== bound, boundMs: server.statusTimes.get(bound)! - started, cpuMs, peakRssMb };
  } finally {
    await server.stop();
  }
}

interface Rebind {
  model: number;
  descendants: number;
  /** Until the status bar says every model is bound again, from the edit. */
  ms: number;
  rebound: number;
  /** p95 of the edited file's diagnostics (a pull after each change) while its downstream binds. */
  editP95: number;
  /** The same edits before the change, with nothing downstream to bind. */
  quietEditP95: number;
  peakRssMb: number;
}

/** The generated model with the number of downstream models nearest 500 (the edit), and that number. */
function modelWith500Downstream(root: string): { model: number; descendants: number } {
  const children = new Map<number, number[]>();
  for (const sub of ['staging', 'marts']) {
    for (const f of readdirSync(path.join(root, 'models', sub))) {
      const child = Number(/^m(\d+)\.sql$/.exec(f)?.[1]);
      for (const m of readFileSync(path.join(root, 'models', sub, f), 'utf8').matchAll(/ref\('m(\d+)'\)/g)) {
        const parent = Number(m[1]);
        children.set(parent, [...(children.get(parent) ?? []), child]);
      }
    }
  }
  let best = { model: 0, descendants: 0 };
  for (const model of children.keys()) {
    const seen = new Set<number>();
    const stack = [model];
    while (stack.length) for (const c of children.get(stack.pop()!) ?? []) if (!seen.has(c)) seen.add(c), stack.push(c);
    if (Math.abs(seen.size - 500) < Math.abs(best.descendants - 500)) best = { model, descendants: seen.size };
  }
  return best;
}

/**
 * `ls_downstream_rebind_ms`: the project bound (kept results), a model's `qty` becomes BIGINT, which changes the schema
 * of every model downstream of it; timed until every one is bound again, with the edited file's diagnostics pulled
 * after each of 20 further edits meanwhile (they must not wait for the downstream binds).
 */
export async function downstreamRebind(root: string, cacheDir: string, models: number): Promise<Rebind> {
  const { model, descendants } = modelWith500Downstream(root);
  const file = path.join(root, 'models', model < 50 ? 'staging' : 'marts', `m${model}.sql`);
  const server = await Server.start(root, { ...process.env, FLOE_CACHE_DIR: cacheDir, FLOE_NO_CATALOG: '1' });
  try {
    const allBound = (s: { message?: string }) => Number(/^All (\d+) models bound/.exec(s.message ?? '')?.[1] ?? -1);
    const before = allBound(await server.status((s) => allBound(s) >= models, 600_000));
    const uri = await server.open(file);
    const text = readFileSync(file, 'utf8');
    const widened = model < 50 ? text.replace(', qty,', ', cast(qty as bigint) as qty,') : text.replace(/ as qty,/, '::bigint as qty,');
    if (widened === text) throw new Error(`m${model}: no qty column to change`);
    // the same edits with nothing downstream to bind: what the machine gives an edit without the rebind
    const quiet = await editTimes(server, uri, text);
    const started = performance.now();
    await server.change(uri, widened);
    const done = server.status((s) => allBound(s) > before, 600_000);
    const edits = await editTimes(server, uri, widened);
    const rebound = allBound(await done) - before;
    const ms = performance.now() - started;
    const peakRssMb = Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid}/status`, 'utf8'))?.[1]) / 1024);
    const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
    return { model, descendants, ms, rebound, editP95: p95(edits), quietEditP95: p95(quiet), peakRssMb };
  } finally {
    await server.stop();
  }
}

/** 20 edits (a comment added) of an open file, 50 ms apart: the time to pull its diagnostics after each. */
async function editTimes(server: Server, uri: string, text: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 50));
    await server.change(uri, `${text}-- edit ${i}\n`);
    const t = performance.now();
    await server.diagnostics(uri);
    times.push(performance.now() - t);
  }
  return times;
}
