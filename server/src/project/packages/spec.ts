// The package entries of packages.yml, dependencies.yml and package-lock.yml, in dbt's shapes, checked into typed specs.
import { parseSpecifier } from './version';
import { pyYamlBool } from '../yamlFloats';

export type PackageSpec =
  | { kind: 'hub'; package: string; versions: string[]; installPrerelease: boolean }
  | { kind: 'git'; git: string; revision?: string; subdirectory?: string; warnUnpinned: boolean }
  | { kind: 'local'; local: string }
  | { kind: 'tarball'; tarball: string; name: string };

const SOURCES = ['package', 'git', 'local', 'tarball', 'private'] as const;

function scalar(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** A YAML boolean, whether parsed (true) or kept as text ('true', 'False'). */
function flag(value: unknown): boolean | undefined {
  // read with the failsafe schema: `warn-unpinned: no` is the text 'no', False to PyYAML (dbt)
  return typeof value === 'boolean' ? value : typeof value === 'string' ? pyYamlBool(value) : undefined;
}

/** A spec from one YAML entry, or a message saying what is wrong with it. */
export function parseSpec(raw: unknown): PackageSpec | { error: string } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { error: 'a package entry must be a mapping such as `package: dbt-labs/dbt_utils`' };
  const entry = raw as Record<string, unknown>;
  const sources = SOURCES.filter((k) => entry[k] !== undefined);
  if (sources.length !== 1) {
    return { error: sources.length ? `a package entry has exactly one of package:, git:, local: or tarball:, not ${sources.join(' and ')}` : 'a package entry needs one of package:, git:, local: or tarball:' };
  }
  const source = sources[0];
  const value = scalar(entry[source]);
  if (!value) return { error: `${source}: must be a string` };
  switch (source) {
    case 'package': {
      if (!/^[^/\s]+\/[^/\s]+$/.test(value)) return { error: `package: '${value}' must be a hub name such as dbt-labs/dbt_utils` };
      const raw = entry.version;
      const list = Array.isArray(raw) ? raw.map(scalar) : [scalar(raw)];
      if (raw === undefined || raw === null || list.length === 0) return { error: `${value} has no version: a hub package needs version: (for example ">=1.0.0" or [">=1.0.0", "<2.0.0"])` };
      const versions: string[] = [];
      for (const v of list) {
        if (v === undefined || !parseSpecifier(v)) return { error: `${value}: version '${v ?? JSON.stringify(raw)}' is not a version or range dbt reads (1.2.3, >=1.0.0, <2.0.0)` };
        versions.push(v);
      }
      return { kind: 'hub', package: value, versions, installPrerelease: flag(entry['install-prerelease']) === true };
    }
    case 'git': {
      const revision = scalar(entry.revision);
      const subdirectory = scalar(entry.subdirectory);
      if (subdirectory !== undefined && !isInside(subdirectory)) return { error: `subdirectory: '${subdirectory}' must be a relative path inside the repository` };
      return { kind: 'git', git: value, revision, subdirectory, warnUnpinned: flag(entry['warn-unpinned']) !== false };
    }
    case 'local':
      return { kind: 'local', local: value };
    case 'tarball': {
      const name = scalar(entry.name);
      if (!name) return { error: `tarball ${value} needs name: (the package name it installs as)` };
      if (!/^https?:\/\//.test(value)) return { error: `tarball: '${value}' must be an http(s) URL` };
      return { kind: 'tarball', tarball: value, name };
    }
    default:
      return { error: 'private: packages need dbt Cloud; use git: with the repository URL instead' };
  }
}

/** A relative path that stays inside its base (no absolute path, no `..`). */
export function isInside(relative: string): boolean {
  return !/^([/\\]|[A-Za-z]:)/.test(relative) && !relative.split(/[/\\]/).includes('..');
}

/** How a spec is named to the user: the hub name, the git URL (credentials hidden), the path or the URL. */
export function describeSpec(spec: PackageSpec): string {
  switch (spec.kind) {
    case 'hub': return spec.package;
    case 'git': return `${redactUrl(spec.git)}${spec.subdirectory ? ` (${spec.subdirectory})` : ''}`;
    case 'local': return spec.local;
    case 'tarball': return redactUrl(spec.tarball);
  }
}

/** A URL (or any text holding URLs) with every user:password removed, for messages and logs. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s'"]+@/gi, '$1***@');
}
