// Headless Debian chromium through playwright-core, with the flags that work on this machine.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './install.mjs';

const args = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** A persistent context on a fresh profile; close() ends the browser. */
export async function launchBrowser(stateDir) {
  const profile = mkdtempSync(path.join(stateDir ?? os.tmpdir(), 'chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    viewport: { width: 1400, height: 900 },
  });
}

/** Opens a workbench URL and waits until the workbench is drawn. */
export async function openWorkbench(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
  return page;
}
