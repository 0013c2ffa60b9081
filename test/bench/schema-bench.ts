// Issue #18's schema-aware figures: `floe check` with binding on the generated project (every model bound in DuckDB),
// cold (no kept results) and warm (a second check of the unchanged project, with the bind results kept on disk).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    const editorCold: number[] = [];
    for (let i = 0; i < runs; i++) {
      rmSync(cacheDir, { recursive: true, force: true });
      editorCold.push(await schemaReady(root, cacheDir));
    }
    const editorWarm: number[] = [];
    for (let i = 0; i < runs; i++) editorWarm.push(await schemaReady(root, cacheDir));
    return [
      { name: 'check_bind_10k_ms', summary: summarize(cold.map((x) => x.ms)), size, detail: rss(cold) },
      { name: 'check_bind_10k_warm_ms', summary: summarize(warm.map((x) => x.ms)), size, detail: `${rss(warm) ?? ''}; one model changed: median ${Math.round(summarize(oneEdit.map((x) => x.ms)).median)} ms, ${rss(oneEdit) ?? ''}` },
      { name: 'schema_ready_10k_ms', summary: summarize(editorCold), size },
      { name: 'schema_ready_10k_warm_ms', summary: summarize(editorWarm), size },
    ];
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** The language server started on the project, until it reports every model bound: wall ms. */
async function schemaReady(root: string, cacheDir: string): Promise<number> {
  const started = performance.now();
  const server = await Server.start(root, { ...process.env, FLOE_CACHE_DIR: cacheDir, FLOE_NO_CATALOG: '1' });
  try {
    await server.status((s) => /^All \d+ models bound/.test(s.message ?? ''), 600_000);
    return performance.now() - started;
  } finally {
    await server.stop();
  }
}
