// Starts code-server on a free loopback port with private state, for one e2e run.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { codeServerBin, node24Env } from './install.mjs';

const userSettings = {
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'files.autoSave': 'off',
  // Each scenario opens a new window on the same folder; unsaved edits of one must not come back in the next.
  'files.hotExit': 'off',
  'workbench.editor.restoreViewState': false,
  'editor.quickSuggestionsDelay': 10,
};

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitHealthy(base, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${base}/healthz within ${timeoutMs} ms`);
}

function prepareDirs(stateDir) {
  const dirs = Object.fromEntries(
    ['user-data', 'extensions', 'config', 'data', 'cache', 'tmp'].map((d) => [d, path.join(stateDir, d)]),
  );
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(path.join(dirs['user-data'], 'User'), { recursive: true });
  writeFileSync(path.join(dirs['user-data'], 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  return dirs;
}

/** Node 24 first on PATH, and XDG folders and TMPDIR private, so code-server writes nothing outside stateDir. */
function privateEnv(dirs, env) {
  return node24Env({
    ...process.env,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    TMPDIR: dirs.tmp,
    ...env,
  });
}

/**
 * Installs a VSIX into the extensions folder of the code-server state in stateDir; --force replaces an installed build
 * of the same version (a repackaged VSIX keeps package.json's version).
 */
export function installExtension(stateDir, vsix) {
  const dirs = prepareDirs(stateDir);
  const args = ['--user-data-dir', dirs['user-data'], '--extensions-dir', dirs.extensions, '--install-extension', vsix, '--force'];
  return execFileSync(codeServerBin, args, { env: privateEnv(dirs, {}), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * Launches code-server. `stateDir` holds its user data, extensions, XDG folders and TMPDIR.
 * Returns { port, base, stop(), extensionsDir, log } where log is the path of its output.
 */
export async function startCodeServer({ stateDir, smokeTestDriver = false, env = {} }) {
  const dirs = prepareDirs(stateDir);
  const port = await freePort();
  const args = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--user-data-dir', dirs['user-data'],
    '--extensions-dir', dirs.extensions,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--reconnection-grace-time', '5',
    '--ignore-last-opened',
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  const logFile = path.join(stateDir, 'code-server.log');
  const out = openSync(logFile, 'w');
  const child = spawn(codeServerBin, args, {
    env: privateEnv(dirs, env),
    stdio: ['ignore', out, out],
    detached: true, // own process group, so stop() also ends its children (extension host, file watcher)
  });
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 3000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitHealthy(base, child, 30_000);
  } catch (err) {
    await stop();
    throw new Error(`${err.message} (log: ${logFile})`);
  }
  return { port, base, stop, extensionsDir: dirs.extensions, log: logFile, stateDir };
}

/**
 * The workbench URL for a folder or a .code-workspace file, optionally loading an extension under development and a
 * test runner.
 */
export function workbenchUrl(server, folder, { extensionDevelopmentPath, extensionTestsPath } = {}) {
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const query = new URLSearchParams(folder.endsWith('.code-workspace') ? { workspace: folder } : { folder });
  if (payload.length) query.set('payload', JSON.stringify(payload));
  return `${server.base}/?${query}`;
}
