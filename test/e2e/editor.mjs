// VS Code in the browser with Floe as it ships: this machine's VSIX (packaged when the sources changed) installed with
// --install-extension into a private extensions folder of a code-server state, then code-server started on loopback.
// Shared by `npm run demo -- --editor` (server/tools/demo-editor.mjs), the e2e tier's VSIX and clean-machine modes, and
//   node test/e2e/editor.mjs PROJECT_DIR, which prints the URL and serves until Ctrl+C (the demo: npm run demo -- --editor,
//   which works in a copy so the repository's demo/ is never written to).
import path from 'node:path';
import { hostVsix } from '../../server/tools/host-vsix.mjs';
import { installExtension, startCodeServer, workbenchUrl } from './codeServer.mjs';
import { cacheDir, ensureEditorTools } from './install.mjs';

/** Where the editor's VSIX is packaged: in the tools cache, so a clean cache starts from the sources. */
export const vsixDir = path.join(cacheDir, 'vsix');

/** Installs `vsix` into stateDir's extensions folder (replacing an older build of the same version), starts code-server. */
export async function startWithVsix(stateDir, vsix, say = () => {}) {
  say(`Installing ${path.basename(vsix)} into ${path.join(stateDir, 'extensions')}\n`);
  const installed = installExtension(stateDir, vsix).trim().split('\n').pop();
  if (installed) say(`${installed}\n`);
  return startCodeServer({ stateDir });
}

/**
 * Installs the editor's tools (saying what first), packages or reuses the VSIX, installs it and starts code-server.
 * Resolves with { server, url } for `folder`; `say` receives every progress line.
 */
export async function openInEditor(folder, { stateDir, say = (t) => process.stdout.write(t) }) {
  ensureEditorTools(say);
  const vsix = hostVsix(vsixDir, say);
  const server = await startWithVsix(stateDir, vsix, say);
  return { server, url: workbenchUrl(server, path.resolve(folder)) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const folder = process.argv[2];
  if (!folder) {
    process.stderr.write('usage: node test/e2e/editor.mjs PROJECT_DIR\n(for the demo, run `npm run demo -- --editor`: it opens a working copy, never the repository\'s demo/)\n');
    process.exit(2);
  }
  const { server, url } = await openInEditor(folder, { stateDir: path.join(cacheDir, 'editor-state') });
  process.stdout.write(`Floe in code-server: open ${url}\n(Ctrl+C to stop)\n`);
  const quit = async () => {
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
}
