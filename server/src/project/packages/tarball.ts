// Extracts a package tarball (gzip or plain tar) with node-tar, refusing archives whose entries would land outside
// the target folder and skipping links and device files, then finds the package root inside it.
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { extract, type ReadEntry } from 'tar';
import { PackageError } from './errors';
import { redactUrl } from './spec';

const KEPT_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);

/** Whether an archive entry's path stays inside the folder it is extracted into. */
export function safeEntryPath(entryPath: string): boolean {
  const p = entryPath.replace(/\\/g, '/');
  return !p.startsWith('/') && !/^[A-Za-z]:/.test(p) && !p.split('/').includes('..');
}

/**
 * Writes `bytes` (from `url`) under `dest` and returns the package root: the archive's single top folder (as in
 * hub tarballs), or `dest` itself. Warnings (skipped links) go to `warn`.
 */
export async function extractTarball(bytes: Buffer, dest: string, url: string, warn: (text: string) => void): Promise<string> {
  const file = `${dest}.tar`;
  writeFileSync(file, bytes);
  const unsafe: string[] = [];
  const skipped: string[] = [];
  try {
    await extract({
      file,
      cwd: dest,
      strict: true,
      preservePaths: false,
      filter: (entryPath, entry) => {
        if (!safeEntryPath(entryPath)) {
          unsafe.push(entryPath);
          return false;
        }
        const type = (entry as ReadEntry).type;
        if (type && !KEPT_TYPES.has(type)) {
          skipped.push(`${entryPath} (${type})`);
          return false;
        }
        return true;
      },
    });
  } catch (e) {
    if (!unsafe.length) throw new PackageError(`the tarball at ${redactUrl(url)} could not be extracted: ${(e as Error).message}`);
  }
  if (unsafe.length) {
    throw new PackageError(`the tarball at ${redactUrl(url)} has entries outside its folder (${unsafe.slice(0, 3).join(', ')}); refusing to install it`);
  }
  if (skipped.length) warn(`the tarball at ${redactUrl(url)}: skipped ${skipped.length} link or special entr${skipped.length === 1 ? 'y' : 'ies'} (${skipped.slice(0, 3).join(', ')})`);
  const top = readdirSync(dest);
  const root = top.length === 1 && statSync(path.join(dest, top[0])).isDirectory() ? path.join(dest, top[0]) : dest;
  if (!existsSync(path.join(root, 'dbt_project.yml'))) {
    throw new PackageError(`the tarball at ${redactUrl(url)} has no dbt_project.yml at its top (nor in its single top folder)`);
  }
  return root;
}
