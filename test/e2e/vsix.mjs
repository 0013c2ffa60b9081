// Mode (c): this machine's VSIX (packaged when the sources changed, or FLOE_E2E_VSIX), installed into a clean
// code-server, activates on a seeded copy of the demo, its server gets ready, and it previews a staging model (DuckDB's
// native binding loads from the installed extension).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { hostVsix } from '../../server/tools/host-vsix.mjs';
import { openWorkbench } from './browser.mjs';
import { workbenchUrl } from './codeServer.mjs';
import { startWithVsix, vsixDir } from './editor.mjs';
import { screenshot } from './screenshots.mjs';
import { floeStatus } from './ui/workbench.mjs';
import { previewModelInVsix } from './vsix-preview.mjs';
import { prepareWorkspace, seedLakehouse } from './workspace.mjs';

/** FLOE_E2E_VSIX when it names an existing VSIX, else this machine's, packaged when the sources changed. */
function packageVsix(log) {
  const given = process.env.FLOE_E2E_VSIX;
  if (given) {
    if (!existsSync(given)) throw new Error(`FLOE_E2E_VSIX=${given} does not exist`);
    return path.resolve(given);
  }
  return hostVsix(vsixDir, (text) => log(`  ${text.trimEnd()}`));
}

/** `workspace` is unused: the check opens its own freshly seeded copy, untouched by the other modes. */
export async function runVsixCheck({ browser, stateDir, log }) {
  const vsix = packageVsix(log);
  const workspace = prepareWorkspace('vsix');
  const lakehouse = seedLakehouse(workspace);
  if (!lakehouse.seeded) {
    log(`  FAIL installed VSIX: could not seed the demo lakehouse (${lakehouse.reason})`);
    return false;
  }
  const server = await startWithVsix(path.join(stateDir, 'code-server-vsix'), vsix, (text) => log(`  ${text.trimEnd()}`));
  let page;
  try {
    page = await openWorkbench(browser, workbenchUrl(server, workspace));
    const status = floeStatus(page);
    await status.filter({ hasText: /Floe: (ready|stopped|error)/ }).waitFor({ timeout: 90_000 });
    const text = await status.innerText();
    if (!text.includes('Floe: ready')) throw new Error(`installed extension did not get ready: status bar says "${text}"`);
    await screenshot(page, 'vsix-ready', { expectText: 'Floe: ready' });
    log('  ok   installed VSIX activates and its server gets ready');
    const { footer } = await previewModelInVsix(page, workspace, screenshot);
    log(`  ok   installed VSIX previews stg_customers (${footer})`);
    return true;
  } catch (err) {
    log(`  FAIL installed VSIX: ${err.message}`);
    if (page) await screenshot(page, 'vsix-failure').catch(() => {});
    return false;
  } finally {
    await page?.close();
    await server.stop();
  }
}
