// Ctrl+C (SIGINT) or a kill (SIGTERM) ends the floe CLI at once with a short message and the shell's code for the
// signal, whatever DuckDB is doing: `floe check` while its binding workers are inside DuckDB calls (ending them there
// once aborted the process: `terminate called after throwing an instance of 'Napi::Error'`), and a query DuckDB is
// running on the main thread (the exit once waited for it to finish).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { slowBindProject } from '../helpers/slowBindProject';

const cli = path.resolve(__dirname, '../../dist/cli.js');
const built = { skip: !existsSync(cli) && 'dist/cli.js is not built (npm run build)' };

/** CPU time (user + system, all threads) the process has used so far, in ms (Linux /proc). */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/**
 * Runs the CLI and sends `signal` once it has used `busyMs` of CPU (well past loading: at work in DuckDB); resolves to
 * its exit code, signal, stderr and how long it took to end after the signal.
 */
function interrupted(args: string[], signal: NodeJS.Signals, busyMs: number): Promise<{ code: number | null; killedBy: NodeJS.Signals | null; stderr: string; ms: number }> {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, FLOE_CACHE_DIR: mkdtempSync(path.join(os.tmpdir(), 'floe-interrupt-home-')), FLOE_NO_CATALOG: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  let sent = 0;
  const poll = setInterval(() => {
    if (sent || cpuMs(child.pid!) < busyMs) return;
    sent = performance.now();
    child.kill(signal);
  }, 20);
  return new Promise((resolve) => child.on('exit', (code, killedBy) => {
    clearInterval(poll);
    resolve({ code, killedBy, stderr, ms: sent ? performance.now() - sent : -1 });
  }));
}

const skip = built.skip || (process.platform !== 'linux' && 'reads the CPU time from /proc');

for (const [signal, code, said] of [['SIGINT', 130, 'interrupted'], ['SIGTERM', 143, 'terminated']] as const) {
  test(`floe check ${said} (${signal}) while binding exits ${code} with a short message`, { skip }, async () => {
    // 300 models of ~20 ms each on two workers: seconds of binding; loading the project takes well under a second of CPU
    const r = await interrupted(['check', slowBindProject(300), '--no-cache', '--jobs', '2'], signal, 1500);
    assert.ok(r.ms >= 0, `it ended before it was sent ${signal}: ${r.stderr}`);
    assert.equal(r.killedBy, null, `killed by ${r.killedBy}: ${r.stderr}`);
    assert.equal(r.code, code, r.stderr);
    assert.equal(r.stderr, `floe: ${said}\n`);
  });
}

test('floe query interrupted while DuckDB runs its query ends at once', { skip }, async () => {
  // about a minute of DuckDB work if it ran to the end
  const r = await interrupted(['query', 'select sum(i) from range(30000000000) t(i)'], 'SIGINT', 2000);
  assert.ok(r.ms >= 0, `it ended before it was sent SIGINT: ${r.stderr}`);
  assert.equal(r.killedBy, null, r.stderr);
  assert.equal(r.code, 130, r.stderr);
  assert.equal(r.stderr, 'floe: interrupted\n');
  assert.ok(r.ms < 5000, `ended ${Math.round(r.ms)} ms after the signal`);
});
