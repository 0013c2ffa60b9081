// This machine's VSIX (floe-<platform>-<arch>.vsix), packaged by server/tools/package.mjs only when its inputs changed:
// each build lives in a folder named by a SHA-256 over every source, manifest and shipped file it is made from.
// Hashing the ~300 input files takes tens of milliseconds; a packaging takes a minute.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** What a VSIX is made from: the bundles' sources, the build and packaging tools, and the files it ships. */
const INPUTS = ['client', 'server', 'media', 'syntaxes', 'package.json', 'package-lock.json', 'tsconfig.json', '.vscodeignore',
  'docs/README.vsix.md', 'CHANGELOG.md', 'LICENSE'];

function* files(p) {
  const stat = fs.statSync(p, { throwIfNoEntry: false });
  if (!stat) return;
  if (!stat.isDirectory()) {
    yield p;
    return;
  }
  for (const name of fs.readdirSync(p).sort()) if (name !== 'node_modules') yield* files(path.join(p, name));
}

/** The fingerprint of the inputs at `from` (the repository root by default). */
export function inputsFingerprint(from = root) {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const file of files(path.join(from, input))) {
      hash.update(path.relative(from, file)).update('\0').update(fs.readFileSync(file)).update('\0');
    }
  }
  return hash.digest('hex');
}

export const hostTarget = () => `${process.platform}-${process.arch}`;

/** Keeps the newest few builds (other checkouts or branches may use them), removes older ones and stale partials. */
function prune(outDir, keep = 4) {
  const builds = fs.readdirSync(outDir, { withFileTypes: true }).filter((e) => e.isDirectory())
    .map((e) => ({ dir: path.join(outDir, e.name), partial: e.name.includes('.partial-'), mtime: fs.statSync(path.join(outDir, e.name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  const stale = Date.now() - 3_600_000;
  for (const [i, b] of builds.filter((b) => !b.partial).entries()) if (i >= keep) fs.rmSync(b.dir, { recursive: true, force: true });
  for (const b of builds.filter((b) => b.partial && b.mtime < stale)) fs.rmSync(b.dir, { recursive: true, force: true });
}

/**
 * The host's VSIX, under outDir/<fingerprint>/: packaged unless a build of the current inputs is there. A build is
 * packaged into a partial folder and renamed when complete, so a concurrent run never sees half a VSIX. `say` reports
 * which. Throws with the packager's exit when packaging fails (its output went to stderr).
 */
export function hostVsix(outDir, say = (text) => process.stderr.write(text)) {
  const name = `floe-${hostTarget()}.vsix`;
  const build = path.join(outDir, inputsFingerprint().slice(0, 16));
  const vsix = path.join(build, name);
  if (fs.existsSync(vsix)) {
    say(`Using ${vsix} (packaged from these sources)\n`);
    return vsix;
  }
  say(`Packaging Floe for ${hostTarget()} into ${vsix} (about a minute)\n`);
  fs.mkdirSync(outDir, { recursive: true });
  const partial = `${build}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [path.join(root, 'server/tools/package.mjs'), '--out-dir', partial], {
    cwd: root, stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw new Error(`packaging the VSIX failed (server/tools/package.mjs exit ${r.status ?? r.signal})`);
  }
  if (fs.existsSync(vsix)) fs.rmSync(partial, { recursive: true, force: true }); // a concurrent run finished first
  else fs.renameSync(partial, build);
  prune(outDir);
  return vsix;
}
