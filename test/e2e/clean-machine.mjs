// Mode (clean): a newcomer's first `npm run demo -- --editor`, on a machine where nothing is cached: a temporary HOME
// (so an empty npm cache, ~/.cache/floe/demo and the tools cache FLOE_E2E_CACHE under it) and none of the outer npm's
// variables. It must say what it installs, install Node 24 and code-server from the npm registry, package and install
// the VSIX, run the demo in its working copy and print the loopback URL; the URL then opens, in the test chromium, a
// workbench where Floe (the installed VSIX, no development payload) goes from "starting" to "ready"; Ctrl+C stops it
// all. code-server's npm install (its native modules compile) is most of the cost: 13 minutes in all on the shared
// 2-core machine at load 12, 10 at load 8; the time is printed.
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openWorkbench } from './browser.mjs';
import { withoutNpmRun } from './install.mjs';
import { screenshot } from './screenshots.mjs';
import { floeStatus } from './ui/workbench.mjs';
import { root } from './workspace.mjs';

const URL_LINE = /^ {2}(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m;
const WAIT_FOR_URL_MS = 15 * 60_000; // code-server's install alone took 3 minutes on an idle machine

/** A fresh user's environment: HOME is new, caches and config folders follow it, no variables of an outer npm run. */
function newcomerEnv(home) {
  const env = withoutNpmRun(process.env);
  for (const k of Object.keys(env)) if (/^(XDG_|FLOE_)/.test(k)) delete env[k];
  return { ...env, HOME: home, FLOE_E2E_CACHE: path.join(home, '.cache', 'floe-e2e') };
}

/** Resolves with the URL line's URL; rejects when the command exits first or takes too long. */
function urlPrinted(cli, output, exited) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL within ${WAIT_FOR_URL_MS / 60_000} minutes`)), WAIT_FOR_URL_MS);
    const check = () => {
      const m = URL_LINE.exec(output());
      if (!m) return;
      clearTimeout(timer);
      resolve(m[1]);
    };
    cli.stdout.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`npm run demo -- --editor exited (${code}) before printing the URL`));
    });
  });
}

function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stillServing(base) {
  try {
    await fetch(`${base}/healthz`);
    return true;
  } catch {
    return false;
  }
}

export async function runCleanMachine({ browser, log }) {
  const started = Date.now();
  const home = mkdtempSync(path.join(os.tmpdir(), 'floe-clean-home-'));
  const env = newcomerEnv(home);
  const cli = spawn('npm', ['run', 'demo', '--', '--editor'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: SIGINT reaches npm, the CLI and the editor script as a Ctrl+C does
  });
  let out = '';
  cli.stdout.on('data', (d) => (out += d));
  cli.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => cli.once('exit', (code, signal) => resolve(code ?? signal)));
  let page;
  let ok = false;
  try {
    const url = await urlPrinted(cli, () => out, exited);
    const printedAt = Date.now();
    const expect = (cond, what) => {
      if (!cond) throw new Error(what);
    };
    expect(/The editor needs, on first use:\n(.*\n)*?.*Node 24\.[\s\S]*code-server [\d.]+, VS Code in the browser/.test(out),
      'the plan of what gets installed (Node 24, code-server) should come first');
    expect(!/chromium/i.test(out), 'the editor path should not install (or mention) chromium');
    const copy = path.join(home, '.cache', 'floe', 'demo');
    expect(out.includes(`: ${copy}\n`), `the demo should say it runs in its working copy ${copy}`);
    expect(out.includes('Materializing gold marts'), 'the demo should run before the editor opens');
    const params = new URL(url).searchParams;
    expect(params.get('folder') === copy, `the URL should open the working copy: ${url}`);
    expect(!params.has('payload'), `the URL should load no development payload: ${url}`);
    expect(/Stop it with Ctrl\+C here, or kill \d+/.test(out), 'the output should say how to stop it');
    const extensions = path.join(env.FLOE_E2E_CACHE, 'demo-editor', 'extensions');
    const installed = readdirSync(extensions).filter((e) => e.startsWith('floe.floe-'));
    expect(installed.length === 1 && lstatSync(path.join(extensions, installed[0])).isDirectory(),
      `the VSIX should be installed as a folder in ${extensions}: ${installed}`);
    log(`  ok   installed Node 24, code-server and the VSIX, ran the demo and printed the URL in ${((printedAt - started) / 1000).toFixed(0)} s`);

    page = await openWorkbench(browser, url);
    const status = floeStatus(page);
    await status.waitFor({ timeout: 60_000 });
    const first = await status.innerText();
    expect(/Floe: (starting|indexing|ready)/.test(first), `the status bar should say Floe is starting: "${first}"`);
    await page.locator('.statusbar-item', { hasText: 'Floe: ready' }).first().waitFor({ timeout: 90_000 });
    await screenshot(page, 'clean-machine-ready', { expectText: 'Floe: ready' });
    log(`  ok   the URL opens the working copy with the installed Floe: "${first.trim()}", then "${(await status.innerText()).trim()}"`);
    ok = true;
  } catch (err) {
    log(`  FAIL clean machine: ${err.message}\n${out.split('\n').slice(-40).map((l) => `       ${l}`).join('\n')}`);
    if (page) await screenshot(page, 'clean-machine-failure').catch(() => {});
  } finally {
    await page?.close();
  }
  // Ctrl+C in a terminal signals the whole foreground group; npm itself dies of it at once, while the CLI and the editor
  // script stop code-server and exit. Done when every process of the group is gone: their shared output pipe closes,
  // and npm is reaped (until then it is a zombie of the group).
  const closed = new Promise((resolve) => cli.stdout.once('close', resolve));
  if (cli.exitCode === null) process.kill(-cli.pid, 'SIGINT');
  const stopStarted = Date.now();
  await Promise.race([Promise.all([closed, exited]), new Promise((r) => setTimeout(r, 30_000))]);
  const stopMs = Date.now() - stopStarted;
  const base = /on (http:\/\/127\.0\.0\.1:\d+) \(loopback/.exec(out)?.[1];
  const stopped = !groupAlive(cli.pid) && out.includes('Stopping code-server') && !(base && (await stillServing(base)));
  if (!stopped) {
    const left = spawnSync('ps', ['-o', 'pid,stat,cmd', '-g', String(cli.pid)], { encoding: 'utf8' }).stdout;
    log(`  FAIL clean machine: Ctrl+C should stop code-server and every process of the command (${base ?? 'no base URL printed'}); `
      + `left after ${stopMs} ms:\n${left}${out.split('\n').slice(-8).map((l) => `       ${l}`).join('\n')}`);
    ok = false;
    try {
      process.kill(-cli.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  } else if (ok) {
    log(`  ok   Ctrl+C stops code-server and the command (${stopMs} ms)`);
  }
  rmSync(home, { recursive: true, force: true });
  log(`clean machine: ${ok ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return ok;
}
