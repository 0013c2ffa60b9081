// Which declared packages are not installed, for one project-level hint ("run floe deps") instead of an error at
// every call into a package. Reads files only; never throws; guesses nothing it can't check (no false warnings).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { readLock, specHash, type LockFile } from './lockFile';
import { readPackagesFile } from './packagesFile';
import { sourceKey } from './resolve';
import { describeSpec, type PackageSpec } from './spec';
import { packagesInstallPath } from './installPath';

export interface MissingPackage {
  /** The folder name it would install as (its dbt_project.yml name). */
  name: string;
  /** How it is declared: `dbt-labs/dbt_utils`, a git URL (credentials hidden), a path or a tarball URL. */
  source: string;
  /** packages.yml / dependencies.yml, or package-lock.yml for a package only the lock names (a transitive one). */
  file: string;
  /** 0-based line of its entry in `file`. */
  line: number;
}

function projectName(dir: string): string | undefined {
  try {
    const name = (parse(readFileSync(path.join(dir, 'dbt_project.yml'), 'utf8')) as { name?: unknown } | null)?.name;
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

function lockLines(lock: LockFile): number[] {
  const text = readFileSync(lock.file, 'utf8').split('\n');
  return text.flatMap((l, i) => (/^\s*-\s/.test(l) ? [i] : []));
}

/** The install name a declared package is known to have, or undefined when only installing it would tell. */
function knownName(spec: PackageSpec, root: string, locked: Map<string, string>): string | undefined {
  const fromLock = locked.get(sourceKey(spec, root));
  if (fromLock) return fromLock;
  switch (spec.kind) {
    case 'hub': return spec.package.split('/')[1];
    case 'tarball': return spec.name;
    case 'local': return projectName(path.resolve(root, spec.local));
    case 'git': return undefined;
  }
}

/**
 * Declared packages (and, while package-lock.yml matches, the packages it pins) that have no folder with a
 * dbt_project.yml in the install path. Empty when nothing is declared or the files can't be read.
 */
export function missingPackages(projectRoot: string, env: NodeJS.ProcessEnv = process.env): MissingPackage[] {
  try {
    const root = path.resolve(projectRoot);
    const declared = readPackagesFile(root, env);
    if (!declared.packages.length) return [];
    const installPath = packagesInstallPath(root);
    const installed = (name: string) => existsSync(path.join(installPath, name, 'dbt_project.yml'));
    let lock: LockFile | undefined;
    try {
      lock = readLock(root);
    } catch {
      lock = undefined;
    }
    const current = lock && lock.sha1Hash === specHash(declared.packages) ? lock : undefined;
    const locked = new Map<string, string>();
    for (const p of current?.packages ?? []) if (p.name) locked.set(sourceKey(p.pinned, root), p.name);
    const nothingInstalled = !existsSync(installPath) || readdirSync(installPath).length === 0;
    const missing: MissingPackage[] = [];
    const named = new Set<string>();
    for (const d of declared.packages) {
      const name = knownName(d.spec, root, locked);
      if (name) named.add(name);
      if (name ? !installed(name) : nothingInstalled) missing.push({ name: name ?? describeSpec(d.spec), source: describeSpec(d.spec), file: d.file, line: d.line });
    }
    if (current) {
      const lines = lockLines(current);
      current.packages.forEach((p, i) => {
        if (!p.name || named.has(p.name) || installed(p.name)) return;
        missing.push({ name: p.name, source: p.name, file: current.file, line: lines[i] ?? 0 });
      });
    }
    return missing;
  } catch {
    return [];
  }
}

/** The one project-level message for missing packages, with the command that installs them. */
export function missingPackagesMessage(missing: MissingPackage[]): string {
  const names = [...new Set(missing.map((m) => m.name))];
  return `Packages declared but not installed: ${names.join(', ')}. Run \`floe deps\` in the project folder to install them; until then, calls into them are not checked.`;
}

/** Whether a diagnostic's message is about a missing package (its name as a whole word), so it need not be shown. */
export function mentionsMissingPackage(message: string, missing: MissingPackage[]): boolean {
  return missing.some((m) => new RegExp(`(^|[^A-Za-z0-9_])${m.name.replace(/[^A-Za-z0-9_]/g, '\\$&')}([^A-Za-z0-9_]|$)`).test(message));
}
