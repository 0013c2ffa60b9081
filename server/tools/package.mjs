// Packages platform VSIXes: floe-<target>.vsix, each with the DuckDB native binding of its own platform.
//   node server/tools/package.mjs [--target linux-x64|darwin-arm64|...|all (comma-separated)] [--out-dir DIR] [--skip-build]
// Default target: this machine's platform. The production bundles are built once, into the staging area (dist/ keeps
// the development build); each target is packaged from a staging folder holding the shipped files, those bundles and
// node_modules/@duckdb/node-bindings-<target>, so the host's installed binding never leaks into another platform's
// VSIX. A binding not installed here (npm installs only the host's optional package) is fetched with `npm pack` at the
// version package-lock.json pins, checked against the lock's integrity and cached in node_modules/.cache/floe-vsix
// (FLOE_VSIX_CACHE overrides).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tar from 'tar';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** VS Code target → the @duckdb/node-api binding package that @duckdb/node-bindings requires on that platform. */
export const TARGETS = {
  'linux-x64': '@duckdb/node-bindings-linux-x64',
  'linux-arm64': '@duckdb/node-bindings-linux-arm64',
  'darwin-x64': '@duckdb/node-bindings-darwin-x64',
  'darwin-arm64': '@duckdb/node-bindings-darwin-arm64',
  'win32-x64': '@duckdb/node-bindings-win32-x64',
};

/** The extension page's README, for users; the repository's README.md is for developers. Its image links are relative
 * to the installed extension's root (media/screenshots/...), where vsce puts it as readme.md. */
export const USER_README = 'docs/README.vsix.md';
/** What ships from the repository (the .vscodeignore whitelist then picks the files inside these folders). */
const SHIPPED = ['package.json', '.vscodeignore', USER_README, 'CHANGELOG.md', 'LICENSE', 'syntaxes', 'media'];

export const vsixName = (target) => `floe-${target}.vsix`;

/** A failure the user can act on: main prints its message alone, after cleaning up. */
class PackageError extends Error {}

function fail(message) {
  throw new PackageError(message);
}

/** The command line: --target (default: this machine), --out-dir (default: the repository root), --skip-build. */
function parseCommandLine(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { target: { type: 'string' }, 'out-dir': { type: 'string' }, 'skip-build': { type: 'boolean' } },
    }));
  } catch (err) {
    fail(`${err.message}. Usage: npm run package -- [--target all|${Object.keys(TARGETS).join('|')}] [--out-dir DIR] [--skip-build]`);
  }
  return { targets: parseTargets(values.target), outDir: path.resolve(values['out-dir'] ?? root), skipBuild: values['skip-build'] === true };
}

function parseTargets(given) {
  const host = `${process.platform}-${process.arch}`;
  if (given === undefined) {
    if (!TARGETS[host]) fail(`no VSIX target for this machine (${host}); pass --target with one of ${Object.keys(TARGETS).join(', ')}`);
    return [host];
  }
  if (given === 'all') return Object.keys(TARGETS);
  const targets = given.split(',').map((t) => t.trim()).filter(Boolean);
  if (targets.length === 0) fail(`--target needs a value: all or one of ${Object.keys(TARGETS).join(', ')}`);
  for (const t of targets) if (!TARGETS[t]) fail(`unknown target '${t}': use all or one of ${Object.keys(TARGETS).join(', ')}`);
  return targets;
}

function lockedVersion(pkg) {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const entry = lock.packages?.[`node_modules/${pkg}`];
  if (!entry?.version || !entry.integrity) fail(`package-lock.json pins no version of ${pkg}; run npm install`);
  return entry;
}

/**
 * The binding package's folder: the installed one when it is the locked version, else a verified, cached download.
 * Safe when two packagings share the cache: each downloads and unpacks into its own temporary folder, and the first to
 * finish names the cached one.
 */
async function bindingDir(pkg, cacheDir) {
  const { version, integrity } = lockedVersion(pkg);
  const installed = path.join(root, 'node_modules', pkg);
  if (readVersion(installed) === version) return installed;
  const cached = path.join(cacheDir, `${pkg.replace('/', '+')}@${version}`);
  if (readVersion(cached) === version) return cached;

  const work = fs.mkdtempSync(path.join(cacheDir, 'download-'));
  try {
    console.log(`  fetching ${pkg}@${version} from the npm registry`);
    const packed = npm(['pack', `${pkg}@${version}`, '--json', '--pack-destination', work], {
      cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (packed.status !== 0) {
      fail(`could not fetch ${pkg}@${version} with npm pack (exit ${packed.status ?? packed.signal}); check the npm registry is reachable, or package only this machine's target`);
    }
    const tarball = path.join(work, JSON.parse(packed.stdout)[0].filename);
    const [algorithm, expected] = integrity.split(/-(.*)/s);
    const actual = createHash(algorithm).update(fs.readFileSync(tarball)).digest('base64');
    if (actual !== expected) fail(`${pkg}@${version}: the downloaded tarball does not match package-lock.json's integrity`);
    const unpacked = path.join(work, 'package');
    fs.mkdirSync(unpacked);
    await tar.x({ file: tarball, cwd: unpacked, strip: 1 });
    if (readVersion(unpacked) !== version) fail(`${pkg}@${version}: the tarball holds no package.json of that version`);
    if (readVersion(cached) !== version) {
      fs.rmSync(cached, { recursive: true, force: true });
      try {
        fs.renameSync(unpacked, cached);
      } catch (err) {
        if (readVersion(cached) !== version) throw err;
      }
    }
    return cached;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** npm's own CLI when run by `npm run` (no shell, also on Windows), else `npm` from PATH (npm.cmd needs a shell there). */
function npm(args, options) {
  const cli = process.env.npm_execpath;
  if (cli && /npm-cli\.js$/.test(cli)) return spawnSync(process.execPath, [cli, ...args], options);
  return spawnSync('npm', args, { ...options, shell: process.platform === 'win32' });
}

function readVersion(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** Hard links when possible: a binding is up to 120 MB and vsce only reads the staged files. */
function linkTree(from, to) {
  if (fs.statSync(from).isDirectory()) {
    fs.mkdirSync(to, { recursive: true });
    for (const name of fs.readdirSync(from)) linkTree(path.join(from, name), path.join(to, name));
    return;
  }
  fs.mkdirSync(path.dirname(to), { recursive: true });
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

/**
 * The staging folder for one target: the shipped files, the production bundles and the binding. Its package.json
 * declares the binding as the only dependency, which is what the bundles need at run time, so vsce's
 * `npm list --production` finds exactly that package in the staged node_modules.
 */
function stage(target, binding, distDir, stageRoot) {
  const dir = path.join(stageRoot, target);
  for (const entry of SHIPPED) linkTree(path.join(root, entry), path.join(dir, entry));
  linkTree(distDir, path.join(dir, 'dist'));
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  manifest.dependencies = { [TARGETS[target]]: readVersion(binding) };
  delete manifest.devDependencies;
  fs.rmSync(path.join(dir, 'package.json')); // a hard link to the repository's: replace it, never write through it
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
  linkTree(binding, path.join(dir, 'node_modules', TARGETS[target]));
  return dir;
}

/** Runs a node script; a failure names the step (the tool's own output, already shown, says why). */
function run(step, args, cwd) {
  const r = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) fail(`${step} failed (exit ${r.status ?? r.signal})`);
}

async function main() {
  const { targets, outDir, skipBuild } = parseCommandLine(process.argv.slice(2));
  fs.mkdirSync(outDir, { recursive: true });
  const cacheDir = path.resolve(process.env.FLOE_VSIX_CACHE || path.join(root, 'node_modules', '.cache', 'floe-vsix'));
  fs.mkdirSync(cacheDir, { recursive: true });
  const stageRoot = fs.mkdtempSync(path.join(cacheDir, 'stage-'));
  try {
    // Production bundles into the staging folder, once for every target; --skip-build ships the current dist/.
    let distDir = path.join(root, 'dist');
    if (!skipBuild) {
      distDir = path.join(stageRoot, 'dist');
      run('the production build', [path.join(root, 'server/tools/build.mjs'), '--production', `--outdir=${distDir}`], root);
    }
    for (const target of targets) {
      const binding = await bindingDir(TARGETS[target], cacheDir);
      const bin = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
      run(`vsce package --target ${target}`, [bin, 'package', '--target', target, '--readme-path', USER_README,
        '--allow-missing-repository', '--no-rewrite-relative-links', '--out', path.join(outDir, vsixName(target))],
      stage(target, binding, distDir, stageRoot));
    }
  } finally {
    fs.rmSync(stageRoot, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await main();
  } catch (err) {
    if (!(err instanceof PackageError)) throw err;
    console.error(`package: ${err.message}`);
    process.exitCode = 1;
  }
}
