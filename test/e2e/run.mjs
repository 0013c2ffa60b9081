// `npm run test:e2e`: the editor tier. Installs the tools on first use, then runs in code-server + headless chromium:
//   (0) the TextMate grammar, tokenized by VS Code's own engine (no browser);
//   (a) the mocha suite inside the extension host (test/e2e/suite), results through a file;
//   (b) UI scenarios driven with Playwright (test/e2e/ui/*.ui.mjs), with checked screenshots;
//   (r) the client against a purpose-built crashing server (test/e2e/resilience), in its own code-server;
//   (c) this machine's VSIX (packaged when the sources changed, or FLOE_E2E_VSIX) installed into a clean code-server
//       gets ready and previews a model;
//   (clean) `npm run demo -- --editor` on a clean machine (temporary HOME, nothing cached): it installs Node 24,
//       code-server and the VSIX, prints the URL, the URL opens Floe ready on the demo, Ctrl+C stops it (minutes:
//       code-server's install compiles native modules; the time is printed).
// Flags: --only=grammar|host|ui|resilience|vsix|clean (repeatable; default all), FLOE_E2E_GREP filters host tests,
// FLOE_E2E_UI filters UI scenarios by file name. Exits 1 when anything fails.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { launchBrowser, openWorkbench } from './browser.mjs';
import { buildSuite } from './build.mjs';
import { startCodeServer, workbenchUrl } from './codeServer.mjs';
import { runExtensionHostSuite } from './extensionHost.mjs';
import { runGrammarCheck } from './grammar.mjs';
import { ensureTools } from './install.mjs';
import { screenshot } from './screenshots.mjs';
import { artifactsDir, prepareMultiRootWorkspace, prepareWorkspace, root, screenshotsDir, seedLakehouse } from './workspace.mjs';

const only = process.argv.filter((a) => a.startsWith('--only=')).map((a) => a.slice('--only='.length));
const wants = (mode) => only.length === 0 || only.includes(mode);

function log(msg) {
  process.stdout.write(`${msg}\n`);
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

async function runHostMode(server, stateDir, workspace, resultsFile, suite = 'suite', attempt = 1) {
  const suiteIndex = await buildSuite(suite);
  // A fresh browser profile per suite, as for UI scenarios: the web workbench keeps per-workspace state in it.
  const browser = await launchBrowser(stateDir);
  const results = await runExtensionHostSuite({
    server,
    browser,
    folder: workspace,
    extensionPath: root,
    suiteIndex,
    resultsFile,
    screenshot: (page, name) => screenshot(page, `${suite}-${name}`),
  }).finally(() => browser.close());
  for (const t of results.tests) {
    log(`  ${{ passed: 'ok  ', failed: 'FAIL', skipped: 'skip' }[t.state]} ${t.title} (${t.durationMs} ms)`);
    if (t.error) log(t.error.split('\n').slice(0, 6).map((l) => `       ${l}`).join('\n'));
  }
  log(`extension host (${suite}): ${results.passed} passed, ${results.failed} failed`);
  // The web workbench sometimes never opens a window's folders (seen once in a few runs for the multi-root
  // workspace): a failed "before all" setup with nothing else run is retried once in a fresh browser.
  const setupOnly = results.failed > 0 && results.passed === 0 && results.tests.every((t) => t.state !== 'failed' || /"before all" hook/.test(t.title));
  if (setupOnly && attempt === 1) {
    log(`extension host (${suite}): setup failed before any test ran; retrying once`);
    return runHostMode(server, stateDir, workspace, resultsFile, suite, 2);
  }
  // A suite that ran nothing has failed to load, unless a grep filtered everything out.
  return results.failed === 0 && (results.passed > 0 || Boolean(process.env.FLOE_E2E_GREP));
}

async function runUiMode(server, stateDir, seeded) {
  const dir = path.join(root, 'test/e2e/ui');
  const scenarios = readdirSync(dir).filter((f) => f.endsWith('.ui.mjs') && (!process.env.FLOE_E2E_UI || f.includes(process.env.FLOE_E2E_UI))).sort();
  let ok = true;
  for (const file of scenarios) {
    const scenario = await import(path.join(dir, file));
    // A fresh profile and folder per scenario: the workbench restores unsaved editors of a folder it has seen.
    const browser = await launchBrowser(stateDir);
    const folder = prepareWorkspace(`ui-${path.basename(file, '.ui.mjs')}`);
    if (seeded) seedLakehouse(folder);
    const page = await openWorkbench(browser, workbenchUrl(server, folder, { extensionDevelopmentPath: root }));
    const started = Date.now();
    try {
      await scenario.run({
        page,
        workspace: folder,
        assert,
        screenshot: (name, opts) => screenshot(page, `${path.basename(file, '.ui.mjs')}-${name}`, opts),
      });
      log(`  ok   ${scenario.name} (${Date.now() - started} ms)`);
    } catch (err) {
      ok = false;
      log(`  FAIL ${scenario.name}: ${err.message}`);
      await screenshot(page, `${path.basename(file, '.ui.mjs')}-failure`).catch(() => {});
    } finally {
      await browser.close();
    }
  }
  return ok;
}

/** The resilience suite runs in its own code-server, whose extension host starts test/e2e/servers/flaky.js. */
async function runResilienceMode(stateDir, workspace) {
  const dir = path.join(stateDir, 'resilience');
  mkdirSync(dir, { recursive: true });
  const control = path.join(dir, 'flaky-control');
  writeFileSync(control, 'crash');
  const resultsFile = path.join(dir, 'results.json');
  const server = await startCodeServer({
    stateDir: path.join(dir, 'code-server'),
    smokeTestDriver: true,
    env: {
      FLOE_E2E_RESULTS: resultsFile,
      FLOE_SERVER_MODULE: path.join(root, 'test/e2e/servers/flaky.js'),
      FLOE_FLAKY_CONTROL: control,
    },
  });
  try {
    return await runHostMode(server, stateDir, workspace, resultsFile, 'resilience');
  } finally {
    await server.stop();
  }
}

async function main() {
  const started = Date.now();
  ensureTools();
  const stateDir = path.join(artifactsDir, 'e2e', 'state');
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(screenshotsDir, { recursive: true, force: true }); // only this run's screenshots are artifacts
  mkdirSync(stateDir, { recursive: true });
  // One workspace for every mode: tests revert their edits and never save them.
  const workspace = prepareWorkspace();
  const lakehouse = seedLakehouse(workspace);
  log(lakehouse.seeded ? 'demo lakehouse seeded' : `demo lakehouse not seeded (${lakehouse.reason}); tests that need it skip`);
  const resultsFile = path.join(stateDir, 'results.json');
  const server = await startCodeServer({
    stateDir: path.join(stateDir, 'code-server'),
    smokeTestDriver: true,
    env: { FLOE_E2E_RESULTS: resultsFile, FLOE_E2E_LAKEHOUSE: lakehouse.seeded ? '1' : '' },
  });
  let ok = true;
  try {
    if (wants('grammar')) {
      const { total, failures } = await runGrammarCheck();
      for (const f of failures) log(`  FAIL ${f}`);
      log(`grammar: ${total - failures.length}/${total} ok`);
      ok = failures.length === 0 && ok;
    }
    if (wants('host')) {
      log('extension host suite');
      ok = (await runHostMode(server, stateDir, workspace, resultsFile)) && ok;
      log('extension host suite, multi-root workspace');
      ok = (await runHostMode(server, stateDir, prepareMultiRootWorkspace(workspace), resultsFile, 'multiroot')) && ok;
      // (the results file is removed before each run, so one path serves both suites)
    }
    if (wants('ui')) {
      log('UI scenarios');
      ok = (await runUiMode(server, stateDir, lakehouse.seeded)) && ok;
    }
    if (wants('resilience')) {
      log('resilience (purpose-built crashing server)');
      ok = (await runResilienceMode(stateDir, workspace)) && ok;
    }
    if (wants('vsix')) {
      log('VSIX install');
      const { runVsixCheck } = await import('./vsix.mjs');
      const browser = await launchBrowser(stateDir);
      ok = (await runVsixCheck({ browser, stateDir, workspace, log }).finally(() => browser.close())) && ok;
    }
    if (wants('clean')) {
      log('clean machine: npm run demo -- --editor in a temporary HOME (installs code-server: several minutes)');
      const { runCleanMachine } = await import('./clean-machine.mjs');
      const browser = await launchBrowser(stateDir);
      ok = (await runCleanMachine({ browser, log }).finally(() => browser.close())) && ok;
    }
  } finally {
    await server.stop();
  }
  log(`e2e ${ok ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s (artifacts: ${path.relative(root, artifactsDir)}/)`);
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`e2e: ${err.stack ?? err}\n`);
  process.exit(1);
});
