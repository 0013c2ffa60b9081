// package-lock.yml in dbt's shape: `packages:` (every resolved package, pinned, with its install `name`) and
// `sha1_hash` of the declared entries (dbt's recipe, dbtHash.ts), so a lock is honoured only while packages.yml
// still says the same, whichever of dbt or Floe wrote it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { PackageError } from './errors';
import type { DeclaredPackage } from './packagesFile';
import type { Pinned, ResolvedPackage } from './resolve';
import { parseSpec, type PackageSpec } from './spec';
import { dbtSpecHash } from './dbtHash';

export const LOCK_FILE = 'package-lock.yml';

export interface LockedPackage {
  pinned: Pinned;
  name?: string;
}

export interface LockFile {
  file: string;
  packages: LockedPackage[];
  sha1Hash?: string;
}

/** The sha1_hash dbt writes for these declared entries. */
export function specHash(declared: DeclaredPackage[]): string {
  return dbtSpecHash(declared.map((d) => d.dbtDict));
}

/** Reads package-lock.yml; undefined when there is none. A lock that can't be read is an error naming the file. */
export function readLock(root: string): LockFile | undefined {
  const file = path.join(root, LOCK_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let doc: unknown;
  try {
    doc = parse(text, { schema: 'failsafe' });
  } catch (e) {
    throw new PackageError(`${file}: not valid YAML (${(e as Error).message.split('\n')[0]}); delete it and run floe deps again`);
  }
  const root_ = (doc ?? {}) as { packages?: unknown; sha1_hash?: unknown };
  const list = Array.isArray(root_.packages) ? root_.packages : [];
  const packages = list.map((raw, i) => {
    const entry = raw as Record<string, unknown>;
    const spec = parseSpec(entry?.package !== undefined && entry.version === undefined ? { ...entry, version: '0.0.0' } : omit(entry, 'name'));
    if ('error' in spec) throw new PackageError(`${file}: entry ${i + 1}: ${spec.error}`);
    const name = typeof entry.name === 'string' ? entry.name : undefined;
    return { pinned: pinnedFromSpec(spec, root), name };
  });
  return { file, packages, sha1Hash: typeof root_.sha1_hash === 'string' ? root_.sha1_hash : undefined };
}

function omit(entry: Record<string, unknown>, key: string): Record<string, unknown> {
  if (!entry || typeof entry !== 'object' || entry.tarball !== undefined) return entry;
  const { [key]: _drop, ...rest } = entry;
  return rest;
}

function pinnedFromSpec(spec: PackageSpec, root: string): Pinned {
  switch (spec.kind) {
    case 'hub': return { kind: 'hub', package: spec.package, version: spec.versions[0] };
    case 'git': return { kind: 'git', git: spec.git, revision: spec.revision ?? 'HEAD', subdirectory: spec.subdirectory, warnUnpinned: spec.warnUnpinned };
    case 'local': return { kind: 'local', local: spec.local, path: path.resolve(root, spec.local) };
    case 'tarball': return { kind: 'tarball', tarball: spec.tarball, name: spec.name };
  }
}

/** One lock entry as dbt writes it: the pinned source, its resolved commit for git, and the install name. */
function lockEntry(r: ResolvedPackage): Record<string, unknown> {
  const p = r.pinned;
  const entry: Record<string, unknown> = { name: r.metadata.name };
  switch (p.kind) {
    case 'hub': Object.assign(entry, { package: p.package, version: p.version }); break;
    case 'git':
      Object.assign(entry, { git: p.git, revision: r.metadata.commit ?? p.revision });
      if (p.subdirectory) entry.subdirectory = p.subdirectory;
      if (!p.warnUnpinned) entry['warn-unpinned'] = false;
      break;
    case 'local': entry.local = p.local; break;
    case 'tarball': entry.tarball = p.tarball; break;
  }
  return Object.fromEntries(Object.keys(entry).sort().map((k) => [k, entry[k]]));
}

export function writeLock(root: string, resolved: ResolvedPackage[], declared: DeclaredPackage[]): string {
  const file = path.join(root, LOCK_FILE);
  const text = stringify({ packages: resolved.map(lockEntry), sha1_hash: specHash(declared) }, { indentSeq: true, lineWidth: 0 });
  writeFileSync(file, text);
  return file;
}
