// dbt's package version semantics: `1.2.3`, `=1.2.3`, `>=1.0.0`, `<2.0.0` (one comparator per string, a list
// intersects), prereleases ordered as in SemVer 2.0. Hand-written rather than npm's `semver` because dbt's grammar is
// narrower: npm would read `1.2` as 1.2.x and accept `^`/`~`/`||`, which dbt rejects, so results would differ.

export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
}

export type Operator = '>=' | '>' | '<=' | '<' | '=';

/** One requirement such as `>=1.0.0`, with the text it came from. */
export interface Specifier {
  op: Operator;
  version: Version;
  text: string;
}

const VERSION = /^v?(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** `1.2.3`, `1.2.3-b1`, `v1.2.3+build`; a missing minor or patch reads as 0 (YAML turns `1.0` into a number). */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0), prerelease: m[4] ? m[4].split('.') : [] };
}

export function parseSpecifier(text: string): Specifier | undefined {
  const m = /^\s*(>=|<=|>|<|=)?\s*(.+)$/.exec(text);
  const version = m ? parseVersion(m[2]) : undefined;
  if (!m || !version) return undefined;
  return { op: (m[1] ?? '=') as Operator, version, text: text.trim() };
}

export function formatVersion(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease.length ? `-${v.prerelease.join('.')}` : ''}`;
}

/** SemVer precedence: numbers, then a prerelease sorts before its release, identifiers compared field by field. */
export function compareVersions(a: Version, b: Version): number {
  for (const key of ['major', 'minor', 'patch'] as const) {
    if (a[key] !== b[key]) return a[key] < b[key] ? -1 : 1;
  }
  if (!a.prerelease.length || !b.prerelease.length) return b.prerelease.length - a.prerelease.length;
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) < Number(y) ? -1 : 1;
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

export function satisfies(v: Version, s: Specifier): boolean {
  const c = compareVersions(v, s.version);
  switch (s.op) {
    case '=': return c === 0;
    case '>=': return c >= 0;
    case '>': return c > 0;
    case '<=': return c <= 0;
    case '<': return c < 0;
  }
}

interface Bound {
  version: Version;
  inclusive: boolean;
}

function bounds(s: Specifier): { lower?: Bound; upper?: Bound } {
  const inclusive = s.op !== '>' && s.op !== '<';
  const b = { version: s.version, inclusive };
  if (s.op === '=') return { lower: b, upper: b };
  return s.op.startsWith('>') ? { lower: b } : { upper: b };
}

/** Whether some version satisfies both; each specifier is an interval, so pairwise checks decide a whole list. */
export function compatible(a: Specifier, b: Specifier): boolean {
  const x = bounds(a);
  const y = bounds(b);
  const lowers = [x.lower, y.lower].filter((l): l is Bound => !!l);
  const uppers = [x.upper, y.upper].filter((u): u is Bound => !!u);
  for (const lower of lowers) {
    for (const upper of uppers) {
      const c = compareVersions(lower.version, upper.version);
      if (c > 0 || (c === 0 && !(lower.inclusive && upper.inclusive))) return false;
    }
  }
  return true;
}

/**
 * The highest of `available` satisfying every specifier. Prereleases are candidates only when asked for, or when a
 * specifier names one, as in dbt.
 */
export function highestSatisfying(available: string[], specs: Specifier[], installPrerelease: boolean): string | undefined {
  const allowPre = installPrerelease || specs.some((s) => s.version.prerelease.length > 0);
  let best: { text: string; version: Version } | undefined;
  for (const text of available) {
    const version = parseVersion(text);
    if (!version || (version.prerelease.length && !allowPre)) continue;
    if (!specs.every((s) => satisfies(version, s))) continue;
    if (!best || compareVersions(version, best.version) > 0) best = { text, version };
  }
  return best?.text;
}

/** The newest installable release (for "update available" notes). */
export function latestRelease(available: string[]): string | undefined {
  return highestSatisfying(available, [], false);
}
