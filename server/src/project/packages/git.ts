// Fetches a git package with the `git` binary: a shallow clone of a branch or tag, else a full clone and checkout
// (a commit). Credentials in the URL never reach argv: git gets the bare URL and rewrites it from the environment.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { PackageError } from './errors';
import { redactUrl } from './spec';

interface GitRun {
  ok: boolean;
  stdout: string;
  stderr: string;
  missing?: boolean;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<GitRun> {
  return new Promise((resolve) => {
    execFile('git', args, { env, maxBuffer: 16 * 1024 * 1024, timeout: 10 * 60_000 }, (error, stdout, stderr) => {
      const missing = (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
      resolve({ ok: !error, stdout: String(stdout), stderr: String(stderr), missing });
    });
  });
}

/** The environment git runs in: no prompts, and any user:password in the URL passed as an insteadOf rewrite. */
function gitEnv(url: string, bare: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GIT_TERMINAL_PROMPT: '0' };
  if (bare !== url) Object.assign(env, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: `url.${url}.insteadOf`, GIT_CONFIG_VALUE_0: bare });
  return env;
}

function lastLine(text: string): string {
  return redactUrl(text.trim().split('\n').filter((l) => !/^warning:/i.test(l)).pop() ?? '').slice(0, 300);
}

/** Clones `url` at `revision` ('HEAD' for the default branch) into `dest`; resolves to the checked-out commit. */
export async function gitCheckout(url: string, revision: string, dest: string, baseEnv: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (url.startsWith('-') || revision.startsWith('-')) throw new PackageError(`git package ${redactUrl(url)}: '${revision}' is not a revision`);
  const bare = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/i, '$1');
  const env = gitEnv(url, bare, baseEnv);
  const shown = redactUrl(url);
  const shallow = revision === 'HEAD' ? ['clone', '--quiet', '--depth', '1', '--', bare, dest] : ['clone', '--quiet', '--depth', '1', '--branch', revision, '--', bare, dest];
  let r = await run(shallow, env);
  if (r.missing) throw new PackageError(`git is not installed or not on PATH; it is needed to install ${shown}`);
  if (!r.ok && revision !== 'HEAD') {
    // Not a branch or tag: a commit, which needs the full history.
    rmSync(dest, { recursive: true, force: true });
    r = await run(['clone', '--quiet', '--no-checkout', '--', bare, dest], env);
    if (r.ok) {
      r = await run(['-C', dest, 'checkout', '--quiet', revision, '--'], env);
      if (!r.ok) throw new PackageError(`git package ${shown} has no revision '${revision}' (branch, tag or commit): ${lastLine(r.stderr)}`);
    }
  }
  if (!r.ok) throw new PackageError(`git could not clone ${shown}${revision === 'HEAD' ? '' : ` at ${revision}`}: ${lastLine(r.stderr)}`);
  const head = await run(['-C', dest, 'rev-parse', 'HEAD'], env);
  if (!head.ok) throw new PackageError(`git could not read the commit of ${shown}: ${lastLine(head.stderr)}`);
  return head.stdout.trim();
}
