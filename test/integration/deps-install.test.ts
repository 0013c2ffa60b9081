// floe deps against real sources: local git repositories (tags, commits, subdirectories) made with the git binary,
// and a loopback stand-in for the dbt package hub speaking its JSON API and serving tarballs. Covers range
// resolution, transitive packages, package-lock.yml written and honoured, conflicts, unreachable hubs, path
// traversal in archives and missingPackages.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { parse } from 'yaml';
import { installPackages, missingPackages, PackageError } from '../../server/src/project/packages';
import { packageTarball, startPackageHub, type PackageHub } from '../helpers/package-hub';
import { REPO_ROOT } from '../helpers/demo-copy';

let hub: PackageHub;
let scratch: string;

before(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-deps-test-'));
  hub = await startPackageHub();
  for (const version of ['0.9.6', '1.0.0', '1.1.1', '1.2.0-b1', '2.0.0']) await hub.publish({ package: 'dbt-labs/dbt_utils', version, name: 'dbt_utils' });
  for (const version of ['0.9.2', '0.10.1', '0.11.0']) await hub.publish({ package: 'calogica/dbt_date', version, name: 'dbt_date' });
  await hub.publish({ package: 'calogica/dbt_expectations', version: '0.10.1', name: 'dbt_expectations', packages: [{ package: 'calogica/dbt_date', version: ['>=0.9.0', '<0.11.0'] }] });
});
after(async () => {
  await hub.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

let counter = 0;
/** A fresh project folder with these files. */
function project(files: Record<string, string>): string {
  const dir = path.join(scratch, `project${++counter}`);
  for (const [rel, text] of Object.entries({ 'dbt_project.yml': 'name: shop\nprofile: shop\n', ...files })) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const env = () => ({ ...process.env, DBT_PACKAGE_HUB_URL: hub.url });
const install = (dir: string, options: { upgrade?: boolean } = {}) => installPackages(dir, { env: env(), ...options });
const installedVersion = (dir: string, name: string) => /version: '([^']+)'/.exec(fs.readFileSync(path.join(dir, 'dbt_packages', name, 'dbt_project.yml'), 'utf8'))?.[1];
const lockOf = (dir: string) => parse(fs.readFileSync(path.join(dir, 'package-lock.yml'), 'utf8')) as { packages: Array<Record<string, string>>; sha1_hash: string };

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();
}

/** A git repository holding a package in `pkg/`, tagged v1.0 then changed; resolves to the two commits. */
function gitRepo(): { url: string; first: string; second: string } {
  const dir = path.join(scratch, `repo${++counter}`);
  fs.mkdirSync(path.join(dir, 'pkg/macros'), { recursive: true });
  git(dir, 'init', '-q');
  fs.writeFileSync(path.join(dir, 'pkg/dbt_project.yml'), "name: git_pkg\nversion: '1.0'\n");
  fs.writeFileSync(path.join(dir, 'pkg/macros/m.sql'), '{% macro m() %}1{% endmacro %}\n');
  fs.writeFileSync(path.join(dir, 'README.md'), 'root of the repo, not a package\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'one');
  git(dir, 'tag', 'v1.0');
  const first = git(dir, 'rev-parse', 'HEAD');
  fs.writeFileSync(path.join(dir, 'pkg/macros/m.sql'), '{% macro m() %}2{% endmacro %}\n');
  git(dir, 'commit', '-q', '-am', 'two');
  return { url: dir, first, second: git(dir, 'rev-parse', 'HEAD') };
}

test('hub: ranges intersect, the highest release wins (no prerelease), transitive packages resolve, the lock is written', async () => {
  const dir = project({ 'packages.yml': `packages:
  - package: dbt-labs/dbt_utils
    version: [">=1.0.0", "<2.0.0"]
  - package: calogica/dbt_expectations
    version: ">=0.10.0"
` });
  assert.deepEqual(missingPackages(dir).map((m) => [m.name, m.line]), [['dbt_utils', 1], ['dbt_expectations', 3]]);
  const report = await install(dir);
  assert.equal(report.lock, 'written');
  assert.deepEqual(report.installed.map((p) => p.name), ['dbt_utils', 'dbt_expectations', 'dbt_date']);
  assert.equal(installedVersion(dir, 'dbt_utils'), '1.1.1');
  assert.equal(installedVersion(dir, 'dbt_date'), '0.10.1');
  assert.ok(fs.existsSync(path.join(dir, 'dbt_packages/dbt_expectations/macros/version.sql')));
  const lock = lockOf(dir);
  assert.deepEqual(lock.packages, [
    { name: 'dbt_utils', package: 'dbt-labs/dbt_utils', version: '1.1.1' },
    { name: 'dbt_expectations', package: 'calogica/dbt_expectations', version: '0.10.1' },
    { name: 'dbt_date', package: 'calogica/dbt_date', version: '0.10.1' },
  ]);
  assert.match(lock.sha1_hash, /^[0-9a-f]{40}$/);
  assert.deepEqual(missingPackages(dir), []);
});

test('the lock is honoured while packages.yml matches it; --upgrade and an edit resolve again', async () => {
  const dir = project({ 'packages.yml': 'packages:\n  - package: calogica/dbt_date\n    version: "<1.0.0"\n' });
  await install(dir);
  assert.equal(installedVersion(dir, 'dbt_date'), '0.11.0');
  fs.writeFileSync(path.join(dir, 'package-lock.yml'), fs.readFileSync(path.join(dir, 'package-lock.yml'), 'utf8').replace('0.11.0', '0.9.2'));
  const honoured = await install(dir);
  assert.equal(honoured.lock, 'honoured');
  assert.equal(installedVersion(dir, 'dbt_date'), '0.9.2', 'the locked version, not the highest');
  assert.equal((await install(dir, { upgrade: true })).lock, 'written');
  assert.equal(installedVersion(dir, 'dbt_date'), '0.11.0');
  fs.writeFileSync(path.join(dir, 'packages.yml'), 'packages:\n  - package: calogica/dbt_date\n    version: "<0.11.0"\n');
  assert.equal((await install(dir)).lock, 'written');
  assert.equal(installedVersion(dir, 'dbt_date'), '0.10.1');
  assert.equal(lockOf(dir).packages[0].version, '0.10.1');
});

test('install-prerelease or a prerelease in the range admits prereleases; a 503 from the hub is tried again', async () => {
  const dir = project({ 'packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n    version: "<2.0.0"\n    install-prerelease: true\n' });
  hub.failNext('dbt-labs-dbt_utils-1.2.0-b1.tar.gz', 1);
  const before = hub.requests.length;
  await install(dir);
  assert.equal(installedVersion(dir, 'dbt_utils'), '1.2.0-b1');
  assert.equal(hub.requests.slice(before).filter((r) => r.includes('1.2.0-b1.tar.gz')).length, 2, 'one 503, then the tarball');
  hub.failNext('/api/v1/dbt-labs/dbt_utils.json', 3);
  await assert.rejects(install(project({ 'packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.1.1\n' })), /the package hub at .*dbt_utils\.json answered 503/);
});

test('conflicting ranges name both requirers; nothing installed is touched', async () => {
  const dir = project({ 'packages.yml': 'packages:\n  - package: calogica/dbt_expectations\n    version: 0.10.1\n  - package: calogica/dbt_date\n    version: ">=0.11.0"\n' });
  fs.mkdirSync(path.join(dir, 'dbt_packages/kept'), { recursive: true });
  await assert.rejects(install(dir), (e: Error) => {
    assert.ok(e instanceof PackageError);
    assert.match(e.message, /version conflict for calogica\/dbt_date: packages\.yml requires >=0\.11\.0 but dbt_expectations 0\.10\.1 requires <0\.11\.0/);
    return true;
  });
  assert.ok(fs.existsSync(path.join(dir, 'dbt_packages/kept')));
  assert.ok(!fs.existsSync(path.join(dir, 'package-lock.yml')));
});

test('an unreachable hub is an error naming its URL; an unknown package says it is not on the hub, with the closest name from its index', async () => {
  const dir = project({ 'packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.1.1\n' });
  const closed = await startPackageHub();
  await closed.close();
  await assert.rejects(installPackages(dir, { env: { ...process.env, DBT_PACKAGE_HUB_URL: closed.url } }), (e: Error) => {
    assert.match(e.message, new RegExp(`could not reach the package hub at ${closed.url.replace(/[.]/g, '\\.')}api/v1/dbt-labs/dbt_utils\\.json: connection refused`));
    return true;
  });
  const unknown = project({ 'packages.yml': 'packages:\n  - package: nobody/nothing\n    version: 1.0.0\n' });
  await assert.rejects(install(unknown), /package nobody\/nothing is not on the package hub/);
  const typo = project({ 'packages.yml': 'packages:\n  - package: dbt-labs/dbt_util\n    version: 1.0.0\n' });
  await assert.rejects(install(typo), /dbt-labs\/dbt_util is not on the package hub \(.*answered 404\)\. Did you mean 'dbt-labs\/dbt_utils'\?/);
});

test('git: a tag with a subdirectory, then a commit; the lock records the commit and reinstalls it', async () => {
  const repo = gitRepo();
  const dir = project({ 'packages.yml': `packages:\n  - git: "${repo.url}"\n    revision: v1.0\n    subdirectory: pkg\n` });
  assert.equal(missingPackages(dir).length, 1, 'a git package is missing while nothing is installed');
  await install(dir);
  const macro = () => fs.readFileSync(path.join(dir, 'dbt_packages/git_pkg/macros/m.sql'), 'utf8');
  assert.match(macro(), /1\{% endmacro/);
  assert.ok(!fs.existsSync(path.join(dir, 'dbt_packages/git_pkg/README.md')), 'only the subdirectory is installed');
  assert.ok(!fs.existsSync(path.join(dir, 'dbt_packages/git_pkg/.git')));
  assert.deepEqual(lockOf(dir).packages, [{ git: repo.url, name: 'git_pkg', revision: repo.first, subdirectory: 'pkg' }]);
  fs.rmSync(path.join(dir, 'dbt_packages'), { recursive: true });
  assert.deepEqual(missingPackages(dir).map((m) => m.name), ['git_pkg'], 'the lock names it');
  assert.equal((await install(dir)).lock, 'honoured');
  assert.match(macro(), /1\{% endmacro/);
  fs.writeFileSync(path.join(dir, 'packages.yml'), `packages:\n  - git: "${repo.url}"\n    revision: ${repo.second}\n    subdirectory: pkg\n`);
  await install(dir);
  assert.match(macro(), /2\{% endmacro/);
});

test('git: two revisions of one repository name both requirers; a missing revision says so', async () => {
  const repo = gitRepo();
  const local = project({ 'dbt_project.yml': 'name: needs_git\n', 'packages.yml': `packages:\n  - git: "${repo.url}"\n    revision: main\n    subdirectory: pkg\n` });
  const dir = project({ 'packages.yml': `packages:\n  - git: "${repo.url}"\n    revision: v1.0\n    subdirectory: pkg\n  - local: ${path.relative(path.join(scratch, `project${counter + 1}`), local)}\n` });
  await assert.rejects(install(dir), /asked for at more than one revision: v1\.0 \(packages\.yml\) and main \(needs_git\)/);
  const unpinned = project({ 'packages.yml': `packages:\n  - git: "${repo.url}"\n    subdirectory: pkg\n` });
  const warnings: string[] = [];
  await installPackages(unpinned, { env: env(), warn: (line) => warnings.push(line) });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /is not pinned \(it follows the default branch\); set revision:/);
  assert.match(fs.readFileSync(path.join(unpinned, 'dbt_packages/git_pkg/macros/m.sql'), 'utf8'), /2\{% endmacro/, 'the default branch head');
  const bad = project({ 'packages.yml': `packages:\n  - git: "${repo.url}"\n    revision: v9\n` });
  await assert.rejects(install(bad), /has no revision 'v9'/);
});

test('local and tarball packages; a local package is linked, with its own packages installed beside it', async () => {
  const localPkg = project({ 'dbt_project.yml': 'name: local_pkg\n', 'packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 0.9.6\n' });
  const tarball = hub.serve('plain.tgz', await packageTarball('plain-main', { 'dbt_project.yml': 'name: plain_pkg\n' }));
  const dir = project({ 'dependencies.yml': `packages:\n  - local: ../${path.basename(localPkg)}\n  - tarball: ${tarball}\n    name: plain_pkg\n` });
  const report = await install(dir);
  assert.deepEqual(report.installed.map((p) => p.name).sort(), ['dbt_utils', 'local_pkg', 'plain_pkg']);
  assert.ok(fs.lstatSync(path.join(dir, 'dbt_packages/local_pkg')).isSymbolicLink());
  assert.equal(installedVersion(dir, 'dbt_utils'), '0.9.6');
  assert.ok(fs.existsSync(path.join(dir, 'dbt_packages/plain_pkg/dbt_project.yml')));
  assert.deepEqual(lockOf(dir).packages.find((p) => p.name === 'plain_pkg'), { name: 'plain_pkg', tarball });
});

test('a tarball whose entries climb out of its folder is refused and writes nothing outside', async () => {
  const entry = (name: string, text: string) => {
    const body = Buffer.from(text);
    const header = new Header({ path: name, mode: 0o644, size: body.length, type: 'File', mtime: new Date(0) });
    header.encode();
    const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
    return Buffer.concat([header.block!, body, pad]);
  };
  const evil = gzipSync(Buffer.concat([entry('pkg/dbt_project.yml', 'name: evil\n'), entry('pkg/../../escaped.txt', 'gotcha'), Buffer.alloc(1024)]));
  const url = hub.serve('evil.tgz', evil);
  const dir = project({ 'packages.yml': `packages:\n  - tarball: ${url}\n    name: evil\n` });
  await assert.rejects(install(dir), /has entries outside its folder \(pkg\/\.\.\/\.\.\/escaped\.txt\); refusing to install it/);
  assert.ok(!fs.existsSync(path.join(dir, 'dbt_packages/evil')));
  const found = spawnSync('find', [os.tmpdir(), '-maxdepth', '3', '-name', 'escaped.txt'], { encoding: 'utf8' }).stdout;
  assert.equal(found, '');
});

test('a bad packages.yml entry names the file and line', async () => {
  const dir = project({ 'packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n  - git: x\n    local: y\n' });
  await assert.rejects(install(dir), (e: Error) => {
    assert.match(e.message, /packages\.yml:2: dbt-labs\/dbt_utils has no version/);
    assert.match(e.message, /packages\.yml:3: a package entry has exactly one of .* not git and local/);
    return true;
  });
});

const MAIN = path.join(REPO_ROOT, 'server/src/cli/main.ts');
/** Runs the CLI without blocking this process, which serves the hub. */
function floe(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, 'deps', ...args], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, env: env() }, (error, out, err) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, out, err });
    });
  });
}

test('cli: floe deps installs and reports; a conflict exits 1 with the message; bad usage exits 2', async () => {
  const dir = project({ 'packages.yml': 'packages:\n  - package: calogica/dbt_expectations\n    version: 0.10.1\n' });
  const ok = await floe(dir);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /Installing dbt_date from calogica\/dbt_date 0\.10\.1/);
  assert.match(ok.out, /Installed 2 packages into dbt_packages/);
  fs.writeFileSync(path.join(dir, 'packages.yml'), 'packages:\n  - package: calogica/dbt_expectations\n    version: 0.10.1\n  - package: calogica/dbt_date\n    version: 0.11.0\n');
  const conflict = await floe(dir);
  assert.equal(conflict.code, 1);
  assert.match(conflict.err, /^floe deps: version conflict for calogica\/dbt_date: packages\.yml requires 0\.11\.0 but dbt_expectations 0\.10\.1 requires <0\.11\.0/);
  assert.doesNotMatch(conflict.err, /at .*\.ts:\d+/, 'no stack');
  assert.equal((await floe(dir, '--frobnicate')).code, 2);
  assert.equal((await floe(path.join(dir, 'nope'))).code, 2);
});

test('check: packages declared but not installed are one warning at packages.yml, not an error per call; none once installed', async () => {
  const dir = project({
    'packages.yml': '# the packages\npackages:\n  - package: dbt-labs/dbt_utils\n    version: 1.1.1\n',
    'models/a.sql': "select {{ dbt_utils.dbt_utils_version() }} as v, {{ dbt_utils.dbt_utils_version() }} as w from {{ ref('b') }}\n",
    'models/b.sql': 'select 1 as x\n',
    'models/c.sql': "select * from {{ ref('no_such_model') }}\n",
  });
  const check = () => new Promise<{ code: number | null; out: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', MAIN, 'check', dir, '--no-bind'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...env(), FLOE_NO_CATALOG: '1' } }, (error, out) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, out });
    });
  });
  const before = await check();
  const lines = before.out.trim().split('\n');
  assert.deepEqual(lines.filter((l) => /dbt_utils/.test(l)), ['packages.yml:3:1: warning [packages-not-installed] Packages declared but not installed: dbt_utils. Run `floe deps` in the project folder to install them; until then, calls into them are not checked.']);
  assert.ok(lines.some((l) => l.startsWith('models/c.sql:1:') && l.includes('error [unknown-ref]')), 'a true error is still reported');
  assert.equal(before.code, 1);
  await install(dir);
  const afterInstall = await check();
  assert.doesNotMatch(afterInstall.out, /packages-not-installed|dbt_utils/);
});

test('git credentials from env_var never reach git argv nor a message', async () => {
  const bin = path.join(scratch, 'fakebin');
  const record = path.join(scratch, 'git-argv.txt');
  fs.mkdirSync(bin, { recursive: true });
  // A stand-in for the git binary that records what it was given and fails the way git does on a bad host.
  fs.writeFileSync(path.join(bin, 'git'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\nprintf '%s\\n' "$GIT_CONFIG_KEY_0" >> '${record}'\necho "fatal: unable to access 'https://x-token:s3cr3t-token@git.example/org/repo.git/': Could not resolve host: git.example" >&2\nexit 128\n`, { mode: 0o755 });
  const dir = project({ 'packages.yml': 'packages:\n  - git: "https://x-token:{{ env_var(\'GIT_TOKEN\') }}@git.example/org/repo.git"\n    revision: v1\n' });
  await assert.rejects(installPackages(dir, { env: { ...env(), GIT_TOKEN: 's3cr3t-token', PATH: `${bin}:${process.env.PATH}` } }), (e: Error) => {
    assert.match(e.message, /git could not clone https:\/\/\*\*\*@git\.example\/org\/repo\.git at v1: fatal: unable to access 'https:\/\/\*\*\*@git\.example/);
    assert.doesNotMatch(e.message, /s3cr3t/);
    return true;
  });
  const [argv, configKey] = fs.readFileSync(record, 'utf8').split('url.');
  assert.match(argv, /^https:\/\/git\.example\/org\/repo\.git$/m, 'git is given the bare URL');
  assert.doesNotMatch(argv, /s3cr3t/);
  assert.match(configKey, /s3cr3t-token@git\.example/, 'the credentials travel in the environment as an insteadOf rewrite');
});

test('a package-lock.yml written by dbt deps is honoured as it is (AltimateAI/altimate-demos, verbatim)', async () => {
  await hub.publish({ package: 'calogica/dbt_expectations', version: '0.10.3', name: 'dbt_expectations', packages: [{ package: 'calogica/dbt_date', version: ['>=0.10.0', '<0.11.0'] }] });
  await hub.publish({ package: 'kgmcquate/testgen', version: '1.0.3', name: 'testgen' });
  await hub.publish({ package: 'dbt-labs/codegen', version: '0.12.1', name: 'codegen' });
  const lock = 'packages:\n- package: dbt-labs/dbt_utils\n  version: 1.1.1\n- package: calogica/dbt_expectations\n  version: 0.10.3\n- package: kgmcquate/testgen\n  version: 1.0.3\n- package: dbt-labs/codegen\n  version: 0.12.1\n- package: calogica/dbt_date\n  version: 0.10.1\nsha1_hash: 7fdc57f4e64f065e3c10622a2e02ef3b969b9cff\n';
  const dir = project({
    'packages.yml': 'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.1.1\n  - package: calogica/dbt_expectations\n    version: 0.10.3\n  - package: kgmcquate/testgen\n    version: 1.0.3\n  - package: dbt-labs/codegen\n    version: 0.12.1\n',
    'package-lock.yml': lock,
  });
  const report = await install(dir);
  assert.equal(report.lock, 'honoured');
  assert.deepEqual(report.installed.map((p) => p.name), ['dbt_utils', 'dbt_expectations', 'testgen', 'codegen', 'dbt_date']);
  assert.equal(fs.readFileSync(path.join(dir, 'package-lock.yml'), 'utf8'), lock, 'left as dbt wrote it');
  assert.deepEqual(missingPackages(dir), []);
});
