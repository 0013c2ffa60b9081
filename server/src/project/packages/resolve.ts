// Package resolution as dbt does it, with no I/O of its own: requirements from the project and from every pinned
// package are merged per source, hub ranges intersected and the highest satisfying version picked, until the set of
// requirements stops changing. Fetching (hub JSON, git, tarballs, local folders) sits behind `PackageSources`.
import path from 'node:path';
import { PackageError } from './errors';
import { describeSpec, type PackageSpec } from './spec';
import { compatible, highestSatisfying, latestRelease, parseSpecifier, type Specifier } from './version';

export interface Requirement {
  spec: PackageSpec;
  /** Who asks for it: `packages.yml` or `dbt_expectations 0.10.1`. */
  requiredBy: string;
  /** The folder a `local:` path is relative to. */
  base: string;
}

/** A package fixed to one version (hub), revision (git), folder (local) or URL (tarball). */
export type Pinned =
  | { kind: 'hub'; package: string; version: string; latest?: string }
  | { kind: 'git'; git: string; revision: string; subdirectory?: string; warnUnpinned: boolean }
  | { kind: 'local'; local: string; path: string }
  | { kind: 'tarball'; tarball: string; name: string };

export interface PackageMetadata {
  /** The package's dbt_project.yml name: the folder it installs as. */
  name: string;
  /** What the package itself declares. */
  packages: PackageSpec[];
  /** The folder its `local:` entries are relative to. */
  dir?: string;
  /** For git: the commit the revision resolved to, written to the lock. */
  commit?: string;
}

export interface PackageSources {
  /** Every version the hub lists for `org/name`. */
  hubVersions(pkg: string): Promise<string[]>;
  metadata(pinned: Pinned): Promise<PackageMetadata>;
}

export interface ResolvedPackage {
  pinned: Pinned;
  metadata: PackageMetadata;
}

/** The key under which dbt merges requirements for the same package (a pinned one has the same key). */
export function sourceKey(spec: PackageSpec | Pinned, base: string): string {
  switch (spec.kind) {
    case 'hub': return `hub:${spec.package}`;
    case 'git': return `git:${spec.git.replace(/\.git$/, '')}#${spec.subdirectory ?? ''}`;
    case 'local': return `local:${path.resolve(base, spec.local)}`;
    case 'tarball': return `tarball:${spec.tarball}`;
  }
}

/** Pins one package from every requirement for it; errors name the requirers that disagree. */
export async function pin(group: Requirement[], sources: PackageSources, root: string): Promise<Pinned> {
  const first = group[0].spec;
  switch (first.kind) {
    case 'hub': {
      const specs: Array<Specifier & { requiredBy: string }> = [];
      for (const r of group) {
        if (r.spec.kind !== 'hub') continue;
        for (const text of r.spec.versions) specs.push({ ...parseSpecifier(text)!, requiredBy: r.requiredBy });
      }
      for (let i = 0; i < specs.length; i++) {
        for (let j = i + 1; j < specs.length; j++) {
          if (!compatible(specs[i], specs[j])) {
            throw new PackageError(`version conflict for ${first.package}: ${specs[i].requiredBy} requires ${specs[i].text} but ${specs[j].requiredBy} requires ${specs[j].text}; no version satisfies both`);
          }
        }
      }
      const available = await sources.hubVersions(first.package);
      const prerelease = group.some((r) => r.spec.kind === 'hub' && r.spec.installPrerelease);
      const version = highestSatisfying(available, specs, prerelease);
      if (!version) {
        const wanted = specs.map((s) => `${s.text} (${s.requiredBy})`).join(', ');
        const recent = available.slice(-5).join(', ') || 'none';
        throw new PackageError(`no version of ${first.package} on the hub satisfies ${wanted}; latest versions: ${recent}`);
      }
      return { kind: 'hub', package: first.package, version, latest: latestRelease(available) };
    }
    case 'git': {
      const revisions = new Map<string, string>();
      for (const r of group) if (r.spec.kind === 'git') revisions.set(r.spec.revision ?? 'HEAD', r.requiredBy);
      if (revisions.size > 1) {
        const asked = [...revisions].map(([rev, by]) => `${rev} (${by})`).join(' and ');
        throw new PackageError(`git package ${describeSpec(first)} is asked for at more than one revision: ${asked}; dbt needs exactly one`);
      }
      const warnUnpinned = group.every((r) => r.spec.kind !== 'git' || r.spec.warnUnpinned);
      return { kind: 'git', git: first.git, revision: [...revisions.keys()][0], subdirectory: first.subdirectory, warnUnpinned };
    }
    case 'local': {
      const abs = path.resolve(group[0].base, first.local);
      return { kind: 'local', local: group[0].base === root ? first.local : path.relative(root, abs) || '.', path: abs };
    }
    case 'tarball':
      return { kind: 'tarball', tarball: first.tarball, name: first.name };
  }
}

/** A short label for a pinned package, used as the requirer of its own dependencies. */
export function pinnedLabel(pinned: Pinned, name: string): string {
  switch (pinned.kind) {
    case 'hub': return `${name} ${pinned.version}`;
    case 'git': return `${name} (git ${pinned.revision})`;
    default: return name;
  }
}

const MAX_ROUNDS = 50;

/**
 * Resolves the project's requirements and everything they require. The result is in first-required order, one entry
 * per package; two sources installing under the same name are an error.
 */
export async function resolvePackages(roots: Requirement[], sources: PackageSources, root: string): Promise<ResolvedPackage[]> {
  let requirements = roots;
  let previous = '';
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const groups = new Map<string, Requirement[]>();
    for (const r of requirements) {
      const key = sourceKey(r.spec, r.base);
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    const resolved: ResolvedPackage[] = [];
    const next = [...roots];
    for (const group of groups.values()) {
      const pinned = await pin(group, sources, root);
      const metadata = await sources.metadata(pinned);
      resolved.push({ pinned, metadata });
      const requiredBy = pinnedLabel(pinned, metadata.name);
      for (const spec of metadata.packages) next.push({ spec, requiredBy, base: metadata.dir ?? root });
    }
    const signature = JSON.stringify(next.map((r) => [sourceKey(r.spec, r.base), r.spec, r.requiredBy]));
    if (signature === previous) {
      checkNames(resolved);
      return resolved;
    }
    previous = signature;
    requirements = next;
  }
  throw new PackageError(`package resolution did not settle after ${MAX_ROUNDS} rounds; check for packages whose versions require each other in a cycle`);
}

function checkNames(resolved: ResolvedPackage[]): void {
  const seen = new Map<string, Pinned>();
  for (const r of resolved) {
    const other = seen.get(r.metadata.name);
    if (other) throw new PackageError(`two packages install as '${r.metadata.name}': ${describePinned(other)} and ${describePinned(r.pinned)}; keep one of them`);
    seen.set(r.metadata.name, r.pinned);
  }
}

export function describePinned(p: Pinned): string {
  switch (p.kind) {
    case 'hub': return `${p.package} ${p.version}`;
    case 'git': return `${describeSpec({ kind: 'git', git: p.git, subdirectory: p.subdirectory, warnUnpinned: true })} at ${p.revision}`;
    case 'local': return `local ${p.local}`;
    case 'tarball': return `tarball ${describeSpec({ kind: 'tarball', tarball: p.tarball, name: p.name })}`;
  }
}
