// Runs the real `floe` CLI from source in a child process, with the environment a user would give it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(__dirname, '../..');
const main = path.join(root, 'server/src/cli/main.ts');
// By file URL, so the loader is found whatever folder the command runs in (a project folder outside the repo).
const tsx = pathToFileURL(require.resolve('tsx')).href;

export interface CliRun { code: number | null; out: string; err: string }

/** `floe ARGS` with extra environment variables; resolves when it exits. */
export function runFloe(args: string[], env: Record<string, string | undefined> = {}, cwd = root): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', tsx, main, ...args], { cwd, env: { ...process.env, ...env } });
  let out = '', err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  return once(child, 'close').then(([code]) => ({ code: code as number | null, out, err }));
}
