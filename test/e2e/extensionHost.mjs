// Mode (a): the mocha suite inside code-server's extension host, results read from a file the suite writes.
import { existsSync, readFileSync, rmSync, watch } from 'node:fs';
import path from 'node:path';
import { openWorkbench } from './browser.mjs';
import { workbenchUrl } from './codeServer.mjs';

function waitForFile(file, timeoutMs) {
  return new Promise((resolve, reject) => {
    const dir = path.dirname(file);
    const done = (fn) => {
      clearTimeout(timer);
      watcher.close();
      fn();
    };
    const watcher = watch(dir, () => {
      if (existsSync(file)) done(resolve);
    });
    const timer = setTimeout(() => done(() => reject(new Error(`no e2e results after ${timeoutMs / 1000} s (${file})`))), timeoutMs);
    if (existsSync(file)) done(resolve);
  });
}

/**
 * Runs the bundled suite (suiteIndex) against `folder` in the given code-server, which must have been started with
 * the smoke-test driver and FLOE_E2E_RESULTS=resultsFile in its environment. Returns the parsed results.
 */
export async function runExtensionHostSuite({ server, browser, folder, extensionPath, suiteIndex, resultsFile, screenshot, timeoutMs = 240_000 }) {
  rmSync(resultsFile, { force: true });
  const url = workbenchUrl(server, folder, { extensionDevelopmentPath: extensionPath, extensionTestsPath: suiteIndex });
  const page = await openWorkbench(browser, url);
  try {
    await waitForFile(resultsFile, timeoutMs);
    // The file is written in one call; a short read retry covers a watcher firing mid-write.
    let text = readFileSync(resultsFile, 'utf8');
    for (let i = 0; i < 10 && !text.trim().endsWith('}'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      text = readFileSync(resultsFile, 'utf8');
    }
    const results = JSON.parse(text);
    if (results.failed > 0) await screenshot(page, 'extension-host-failure');
    return results;
  } catch (err) {
    await screenshot(page, 'extension-host-timeout').catch(() => {});
    throw err;
  } finally {
    await page.close();
  }
}
