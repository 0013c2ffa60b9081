// Opens a project in code-server with Floe loaded from this repo, and prints the local URL for a person to visit.
// Usage: node test/e2e/editor.mjs [PROJECT_DIR]   (default demo/; run `npm run build` first). Ctrl+C stops it.
// Meant for `npm run demo -- --editor`, which can call openInEditor() after preparing the demo.
import path from 'node:path';
import { startCodeServer, workbenchUrl } from './codeServer.mjs';
import { cacheDir, ensureTools } from './install.mjs';
import { root } from './workspace.mjs';

/** Starts code-server for `project`; resolves with { url, stop }. */
export async function openInEditor(project = path.join(root, 'demo')) {
  ensureTools();
  const server = await startCodeServer({ stateDir: path.join(cacheDir, 'editor-state') });
  const url = workbenchUrl(server, path.resolve(project), { extensionDevelopmentPath: root });
  return { url, stop: server.stop };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { url, stop } = await openInEditor(process.argv[2]);
  process.stdout.write(`Floe in code-server: ${url}\n(Ctrl+C to stop)\n`);
  const quit = async () => {
    await stop();
    process.exit(0);
  };
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
}
