// The I/O side of resolution: package metadata and folders from the hub, git, tarballs and local paths, each
// fetched once into a scratch folder per run.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PackageError } from './errors';
import { fetchBytes } from './download';
import { gitCheckout } from './git';
import { HubClient, type HubVersion } from './hub';
import { readPackagesFile } from './packagesFile';
import { describePinned, type PackageMetadata, type PackageSources, type Pinned } from './resolve';
import { isInside, parseSpec, redactUrl } from './spec';
import { extractTarball } from './tarball';

/** A package folder's dbt_project.yml name and declared packages. */
export function readPackageProject(dir: string, label: string, env: NodeJS.ProcessEnv): PackageMetadata {
  const file = path.join(dir, 'dbt_project.yml');
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new PackageError(missing ? `${label} has no dbt_project.yml (looked in ${dir})` : `${file}: not valid YAML; ${label} can't be installed`);
  }
  const name = (doc as { name?: unknown } | null)?.name;
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new PackageError(`${file}: ${label} needs a name: made of letters, digits and _`);
  const declared = readPackagesFile(dir, env);
  if (declared.problems.length) throw new PackageError(`${label} declares packages that can't be read:\n  ${declared.problems.join('\n  ')}`);
  return { name, packages: declared.packages.map((d) => d.spec), dir };
}

export class PackageFetcher implements PackageSources {
  private readonly fetched = new Map<string, Promise<{ dir: string; commit?: string }>>();
  private counter = 0;

  constructor(
    readonly hub: HubClient,
    private readonly scratch: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly warn: (text: string) => void,
  ) {}

  async hubVersions(pkg: string): Promise<string[]> {
    return [...(await this.hub.package(pkg)).versions.keys()];
  }

  async metadata(pinned: Pinned): Promise<PackageMetadata> {
    if (pinned.kind === 'hub') {
      const v = await this.hubVersion(pinned.package, pinned.version);
      const packages = v.packages.map((raw) => {
        const spec = parseSpec(raw);
        if ('error' in spec) throw new PackageError(`the hub lists an unreadable dependency for ${pinned.package} ${pinned.version}: ${spec.error}`);
        return spec;
      });
      return { name: v.name, packages };
    }
    const { dir, commit } = await this.folder(pinned);
    return { ...readPackageProject(dir, `package ${describePinned(pinned)}`, this.env), commit };
  }

  /** The folder holding the package's files, downloading or cloning it on first use. */
  async folder(pinned: Pinned): Promise<{ dir: string; commit?: string }> {
    if (pinned.kind === 'local') {
      if (!existsSync(pinned.path) || !statSync(pinned.path).isDirectory()) throw new PackageError(`local package ${pinned.local} is not a folder (${pinned.path})`);
      return { dir: pinned.path };
    }
    const key = JSON.stringify(pinned.kind === 'hub' ? [pinned.package, pinned.version] : pinned);
    let found = this.fetched.get(key);
    if (!found) {
      found = this.download(pinned);
      this.fetched.set(key, found);
    }
    return found;
  }

  private async hubVersion(pkg: string, version: string): Promise<HubVersion> {
    const found = (await this.hub.package(pkg)).versions.get(version);
    if (!found) throw new PackageError(`the package hub has no version ${version} of ${pkg}`);
    return found;
  }

  private nextDir(): string {
    const dir = path.join(this.scratch, String(++this.counter));
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  private async download(pinned: Exclude<Pinned, { kind: 'local' }>): Promise<{ dir: string; commit?: string }> {
    switch (pinned.kind) {
      case 'hub': {
        const v = await this.hubVersion(pinned.package, pinned.version);
        const bytes = await fetchBytes(v.tarball, `the tarball of ${pinned.package} ${pinned.version}`);
        if (v.sha1 && createHash('sha1').update(bytes).digest('hex') !== v.sha1.toLowerCase()) {
          throw new PackageError(`the tarball of ${pinned.package} ${pinned.version} at ${redactUrl(v.tarball)} does not match the sha1 the hub lists; try again later`);
        }
        return { dir: await extractTarball(bytes, this.nextDir(), v.tarball, this.warn) };
      }
      case 'tarball': {
        const bytes = await fetchBytes(pinned.tarball, `the tarball of ${pinned.name}`);
        return { dir: await extractTarball(bytes, this.nextDir(), pinned.tarball, this.warn) };
      }
      case 'git': {
        const checkout = path.join(this.nextDir(), 'repo');
        const commit = await gitCheckout(pinned.git, pinned.revision, checkout, this.env);
        if (!pinned.subdirectory) return { dir: checkout, commit };
        const dir = path.join(checkout, pinned.subdirectory);
        if (!isInside(pinned.subdirectory) || !existsSync(dir)) throw new PackageError(`git package ${redactUrl(pinned.git)} has no subdirectory '${pinned.subdirectory}' at ${pinned.revision}`);
        return { dir, commit };
      }
    }
  }
}
