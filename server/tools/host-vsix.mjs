// This machine's VSIX (floe-<platform>-<arch>.vsix), packaged by server/tools/package.mjs only when its inputs changed:
// a SHA-256 over every source, manifest and shipped file, kept beside the VSIX, says whether the one there is current.
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

function readStamp(stamp) {
  try {
    return fs.readFileSync(stamp, 'utf8').trim();
  } catch {
    return undefined;
  }
}

export const hostTarget = () => `${process.platform}-${process.arch}`;

/**
 * The host's VSIX in outDir, packaged unless the one there was made from the current inputs. `say` reports which.
 * Throws with the packager's exit when packaging fails (its output went to stderr).
 */
export function hostVsix(outDir, say = (text) => process.stderr.write(text)) {
  const vsix = path.join(outDir, `floe-${hostTarget()}.vsix`);
  const stamp = `${vsix}.inputs-sha256`;
  const fingerprint = inputsFingerprint();
  if (fs.existsSync(vsix) && readStamp(stamp) === fingerprint) {
    say(`Using ${vsix} (packaged from these sources)\n`);
    return vsix;
  }
  say(`Packaging Floe for ${hostTarget()} into ${vsix} (about a minute)\n`);
  fs.mkdirSync(outDir, { recursive: true });
  fs.rmSync(stamp, { force: true });
  const r = spawnSync(process.execPath, [path.join(root, 'server/tools/package.mjs'), '--out-dir', outDir], {
    cwd: root, stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`packaging the VSIX failed (server/tools/package.mjs exit ${r.status ?? r.signal})`);
  fs.writeFileSync(stamp, `${fingerprint}\n`);
  return vsix;
}
