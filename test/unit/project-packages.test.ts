// dbt package resolution with no I/O: version grammar and order, range compatibility, prerelease rules, entry
// checks, the lock hash, and the resolver over in-memory hub data (a stand-in for the outside hub, not our code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, compatible, highestSatisfying, parseSpecifier, parseVersion } from '../../server/src/project/packages/version';
import { parseSpec, redactUrl } from '../../server/src/project/packages/spec';
import { parsePackagesText } from '../../server/src/project/packages/packagesFile';
import { specHash } from '../../server/src/project/packages/lockFile';
import { resolvePackages, type PackageMetadata, type PackageSources, type Pinned } from '../../server/src/project/packages/resolve';
import type { PackageSpec } from '../../server/src/project/packages/spec';

test('versions order as SemVer: prereleases before their release, numeric identifiers numerically', () => {
  const sorted = ['1.0.0', '1.0.0-rc.10', '0.9.9', '1.0.0-rc.2', '1.0.0-alpha', '1.0.0-alpha.1', '1.10.0', '1.2.0'];
  sorted.sort((a, b) => compareVersions(parseVersion(a)!, parseVersion(b)!));
  assert.deepEqual(sorted, ['0.9.9', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-rc.2', '1.0.0-rc.10', '1.0.0', '1.2.0', '1.10.0']);
  assert.deepEqual(parseVersion('1.0'), { major: 1, minor: 0, patch: 0, prerelease: [] }, 'YAML reads 1.0 as a number');
});

test('specifiers: dbt grammar only (no ^, ~, || or x-ranges)', () => {
  assert.equal(parseSpecifier('>=1.0.0')?.op, '>=');
  assert.equal(parseSpecifier('1.2.3')?.op, '=');
  for (const bad of ['^1.0.0', '~1.2', '1.x', '>=1.0.0 <2.0.0', '1.0.0 || 2.0.0', 'latest']) assert.equal(parseSpecifier(bad), undefined, bad);
});

test('compatible: interval intersection, exclusive bounds included', () => {
  const c = (a: string, b: string) => compatible(parseSpecifier(a)!, parseSpecifier(b)!);
  assert.equal(c('>=1.0.0', '<2.0.0'), true);
  assert.equal(c('>=2.0.0', '<2.0.0'), false);
  assert.equal(c('>2.0.0', '<=2.0.0'), false);
  assert.equal(c('>=2.0.0', '<=2.0.0'), true);
  assert.equal(c('1.2.3', '<1.2.3'), false);
  assert.equal(c('1.2.3', '>=1.0.0'), true);
});

test('highestSatisfying: prereleases only when asked for or named in a range', () => {
  const available = ['0.9.0', '1.0.0', '1.1.0', '1.2.0-b1', '2.0.0'];
  const specs = (...t: string[]) => t.map((x) => parseSpecifier(x)!);
  assert.equal(highestSatisfying(available, specs('>=1.0.0', '<2.0.0'), false), '1.1.0');
  assert.equal(highestSatisfying(available, specs('>=1.0.0', '<2.0.0'), true), '1.2.0-b1');
  assert.equal(highestSatisfying(available, specs('>=1.2.0-a', '<2.0.0'), false), '1.2.0-b1');
  assert.equal(highestSatisfying(available, specs('>3.0.0'), false), undefined);
});

test('entries: each source read; mistakes are messages', () => {
  assert.deepEqual(parseSpec({ package: 'dbt-labs/dbt_utils', version: ['>=1.0.0', '<2.0.0'] }), { kind: 'hub', package: 'dbt-labs/dbt_utils', versions: ['>=1.0.0', '<2.0.0'], installPrerelease: false });
  assert.deepEqual(parseSpec({ git: 'https://x/y.git', revision: 1.0, 'warn-unpinned': false }), { kind: 'git', git: 'https://x/y.git', revision: '1', subdirectory: undefined, warnUnpinned: false });
  const errors: Array<[unknown, RegExp]> = [
    [{ package: 'dbt_utils', version: '1.0.0' }, /must be a hub name/],
    [{ package: 'a/b', version: '^1.0.0' }, /not a version or range dbt reads/],
    [{ git: 'https://x', subdirectory: '../up' }, /relative path inside the repository/],
    [{ tarball: 'https://x/y.tgz' }, /needs name:/],
    [{ tarball: 'file:///etc/passwd', name: 'x' }, /http\(s\) URL/],
    [{ private: 'org/repo' }, /use git:/],
    ['dbt_utils', /must be a mapping/],
  ];
  for (const [raw, message] of errors) {
    const spec = parseSpec(raw);
    assert.ok('error' in spec && message.test(spec.error), `${JSON.stringify(raw)} → ${JSON.stringify(spec)}`);
  }
  assert.equal(redactUrl('https://user:token@github.com/org/repo.git'), 'https://***@github.com/org/repo.git');
});

test('packages.yml: env_var rendered, lines kept, an unset variable named', () => {
  const text = 'packages:\n  - package: a/b\n    version: 1.0.0\n  - git: "https://{{ env_var(\'TOKEN\') }}@git.example/r.git"\n';
  const ok = parsePackagesText('/p/packages.yml', text, { TOKEN: 'secret' });
  assert.deepEqual(ok.packages.map((p) => [p.line, p.spec.kind === 'git' ? p.spec.git : p.spec.kind]), [[1, 'hub'], [3, 'https://secret@git.example/r.git']]);
  const tag = parsePackagesText('/p/packages.yml', 'packages:\n  - git: https://x/r.git\n    revision: 1.0\n    warn-unpinned: false\n').packages[0].spec;
  assert.deepEqual(tag, { kind: 'git', git: 'https://x/r.git', revision: '1.0', subdirectory: undefined, warnUnpinned: false }, 'revision 1.0 is the tag 1.0');
  const unset = parsePackagesText('/p/packages.yml', text, {});
  assert.deepEqual(unset.problems, ["/p/packages.yml:4: env_var('TOKEN') is not set and has no default"]);
});

test('the lock hash depends on the entries, not their order', () => {
  const file = (t: string) => parsePackagesText('/p/packages.yml', t).packages;
  const a = file('packages:\n  - package: a/b\n    version: 1.0.0\n  - local: ../x\n');
  const b = file('packages:\n  - local: ../x\n  - package: a/b\n    version: "1.0.0"\n');
  const c = file('packages:\n  - local: ../x\n  - package: a/b\n    version: 1.0.1\n');
  assert.equal(specHash(a), specHash(b));
  assert.notEqual(specHash(a), specHash(c));
});

test('the lock hash is the one dbt writes (package-lock.yml files dbt deps wrote in public projects)', () => {
  const hash = (t: string) => specHash(parsePackagesText('/p/packages.yml', t).packages);
  // 22Raviraj/DbtProject
  assert.equal(hash('packages:\n\n\n  - package: calogica/dbt_expectations\n    version: [">=0.8.0", "<0.9.0"]\n\n \n\n  - package: dbt-labs/dbt_utils\n    version: [">=1.1.0", "<2.0.0"]\n'), 'facb86fb7172c5479993b8c15cd9e21a33a9c0dc');
  // AltimateAI/altimate-demos
  assert.equal(hash('packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.1.1\n  - package: calogica/dbt_expectations\n    version: 0.10.3\n  - package: kgmcquate/testgen\n    version: 1.0.3\n  - package: dbt-labs/codegen\n    version: 0.12.1\n'), '7fdc57f4e64f065e3c10622a2e02ef3b969b9cff');
  assert.notEqual(hash('packages:\n  - package: a/b\n    version: 1.0\n'), hash('packages:\n  - package: a/b\n    version: "1.0"\n'), 'PyYAML reads 1.0 as a float');
});

/** A hub of `org/name` → version → its own packages. */
function memoryHub(data: Record<string, Record<string, PackageSpec[]>>): PackageSources {
  return {
    async hubVersions(pkg) {
      return Object.keys(data[pkg] ?? {});
    },
    async metadata(p: Pinned): Promise<PackageMetadata> {
      assert.equal(p.kind, 'hub');
      if (p.kind !== 'hub') throw new Error('hub only');
      return { name: p.package.split('/')[1], packages: data[p.package][p.version] };
    },
  };
}

const hubSpec = (pkg: string, ...versions: string[]): PackageSpec => ({ kind: 'hub', package: pkg, versions, installPrerelease: false });
const root = (spec: PackageSpec) => ({ spec, requiredBy: 'packages.yml', base: '/p' });

test('resolve: ranges from every requirer intersect; a later requirer lowers an earlier pick', async () => {
  const hub = memoryHub({
    'o/utils': { '1.0.0': [], '1.1.0': [], '1.3.0': [] },
    'o/expect': { '0.5.0': [hubSpec('o/utils', '<1.2.0')] },
  });
  const resolved = await resolvePackages([root(hubSpec('o/utils', '>=1.0.0')), root(hubSpec('o/expect', '0.5.0'))], hub, '/p');
  assert.deepEqual(resolved.map((r) => [r.metadata.name, r.pinned.kind === 'hub' && r.pinned.version]), [['utils', '1.1.0'], ['expect', '0.5.0']]);
});

test('resolve: a conflict names both requirers; no satisfying version lists what there is', async () => {
  const hub = memoryHub({ 'o/utils': { '1.0.0': [], '2.0.0': [] }, 'o/expect': { '0.5.0': [hubSpec('o/utils', '<2.0.0')] } });
  await assert.rejects(resolvePackages([root(hubSpec('o/utils', '>=2.0.0')), root(hubSpec('o/expect', '0.5.0'))], hub, '/p'),
    /version conflict for o\/utils: packages\.yml requires >=2\.0\.0 but expect 0\.5\.0 requires <2\.0\.0/);
  await assert.rejects(resolvePackages([root(hubSpec('o/utils', '>=3.0.0'))], hub, '/p'), /no version of o\/utils on the hub satisfies >=3\.0\.0 \(packages\.yml\); latest versions: 1\.0\.0, 2\.0\.0/);
});

test('resolve: cycles between packages settle', async () => {
  const hub = memoryHub({ 'o/a': { '1.0.0': [hubSpec('o/b', '1.0.0')] }, 'o/b': { '1.0.0': [hubSpec('o/a', '>=1.0.0')] } });
  const resolved = await resolvePackages([root(hubSpec('o/a', '1.0.0'))], hub, '/p');
  assert.deepEqual(resolved.map((r) => r.metadata.name), ['a', 'b']);
});
