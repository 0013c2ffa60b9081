// `floe deps`: resolve the declared packages (or take package-lock.yml while it matches them), write the lock, and
// install every package under its project name in dbt_packages/ (or packages-install-path). Installs into a staging
// folder first, so a failed run leaves the previous packages in place.
import { cpSync, mkdtempSync, renameSync, rmSync, symlinkSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PackageError } from './errors';
import { HubClient, hubUrl } from './hub';
import { readLock, specHash, writeLock } from './lockFile';
import { readPackagesFile } from './packagesFile';
import { describePinned, resolvePackages, type ResolvedPackage } from './resolve';
import { PackageFetcher } from './sources';
import { compareVersions, parseVersion } from './version';
import { packagesInstallPath } from './installPath';

export { packagesInstallPath };

export interface DepsOptions {
  env?: NodeJS.ProcessEnv;
  /** Re-resolve even when package-lock.yml matches (dbt's `--upgrade`). */
  upgrade?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
  warn?: (line: string) => void;
}

export interface DepsReport {
  installPath: string;
  installed: Array<{ name: string; from: string }>;
  /** Whether package-lock.yml was (re)written, or honoured as it was. */
  lock: 'written' | 'honoured' | 'none';
}


export async function installPackages(projectRoot: string, options: DepsOptions = {}): Promise<DepsReport> {
  const root = path.resolve(projectRoot);
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const warn = options.warn ?? log;
  const installPath = packagesInstallPath(root);
  const declared = readPackagesFile(root, env);
  if (declared.problems.length) throw new PackageError(`packages can't be read:\n  ${declared.problems.join('\n  ')}`);
  if (!declared.packages.length) {
    log('No packages declared in packages.yml or dependencies.yml; nothing to install.');
    return { installPath, installed: [], lock: 'none' };
  }
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'floe-deps-'));
  try {
    const hub = new HubClient(hubUrl(env), warn);
    const fetcher = new PackageFetcher(hub, scratch, env, warn);
    const lock = readLock(root);
    let resolved: ResolvedPackage[];
    let lockState: DepsReport['lock'];
    if (lock && !options.upgrade && lock.sha1Hash === specHash(declared.packages)) {
      log(`Using ${path.basename(lock.file)} (it matches ${path.basename(declared.file!)}).`);
      resolved = [];
      for (const entry of lock.packages) resolved.push({ pinned: entry.pinned, metadata: await fetcher.metadata(entry.pinned) });
      lockState = 'honoured';
    } else {
      if (lock) log(`${path.basename(declared.file!)} changed since ${path.basename(lock.file)} was written${options.upgrade ? ' (or --upgrade)' : ''}; resolving again.`);
      const roots = declared.packages.map((d) => ({ spec: d.spec, requiredBy: path.basename(d.file), base: root }));
      resolved = await resolvePackages(roots, fetcher, root);
      lockState = 'written';
    }
    const staging = `${installPath}.floe-staging-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const installed: DepsReport['installed'] = [];
    try {
      for (const r of resolved) {
        const from = describePinned(r.pinned);
        log(`Installing ${r.metadata.name} from ${from}`);
        const dest = path.join(staging, r.metadata.name);
        if (r.pinned.kind === 'local') {
          linkOrCopy(r.pinned.path, dest);
        } else {
          const { dir } = await fetcher.folder(r.pinned);
          cpSync(dir, dest, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
        }
        noteUnpinned(r, warn);
        noteUpdate(r, log);
        installed.push({ name: r.metadata.name, from });
      }
      if (lockState === 'written') log(`Wrote ${path.relative(root, writeLock(root, resolved, declared.packages))}`);
      rmSync(installPath, { recursive: true, force: true });
      renameSync(staging, installPath);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    return { installPath, installed, lock: lockState };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A local package is a symlink to its folder, as dbt makes it; a copy where links aren't allowed. */
function linkOrCopy(target: string, dest: string): void {
  try {
    symlinkSync(target, dest, 'dir');
  } catch {
    cpSync(target, dest, { recursive: true });
  }
}

function noteUnpinned(r: ResolvedPackage, warn: (line: string) => void): void {
  const p = r.pinned;
  if (p.kind !== 'git' || !p.warnUnpinned || !['HEAD', 'main', 'master'].includes(p.revision)) return;
  const how = p.revision === 'HEAD' ? 'not pinned (it follows the default branch)' : `pinned to the "${p.revision}" branch`;
  warn(`warning: git package ${describePinned(p)} is ${how}; set revision: to a tag or commit so installs don't change under you (or warn-unpinned: false)`);
}

function noteUpdate(r: ResolvedPackage, log: (line: string) => void): void {
  const p = r.pinned;
  if (p.kind !== 'hub' || !p.latest) return;
  const latest = parseVersion(p.latest);
  const current = parseVersion(p.version);
  if (latest && current && compareVersions(latest, current) > 0) log(`  update available: ${p.package} ${p.latest}`);
}

