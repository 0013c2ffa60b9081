// `npm run demo -- --editor` hands over to this script: it opens the demo project in code-server (VS Code in the
// browser) with Floe installed from this checkout (a link in its extensions folder), prints the local URL, and serves
// until Ctrl+C.
// Usage: node server/tools/demo-editor.mjs DIR [--state DIR]   (FLOE_DEMO_EDITOR_STATE also sets the state folder)
// It reuses the e2e harness's installer and launcher (test/e2e/install.mjs, codeServer.mjs): a dev tool importing test
// code is acceptable here, and it keeps one place that knows how to install and start code-server on this machine.
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCodeServer, workbenchUrl } from '../../test/e2e/codeServer.mjs';
import { cacheDir, ensureTools } from '../../test/e2e/install.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const USAGE = 'usage: node server/tools/demo-editor.mjs DIR [--state DIR]';

function fail(message) {
  process.stderr.write(`demo-editor: ${message}\n`);
  process.exit(2);
}

/**
 * Installs this checkout as an ordinary extension by linking it into the extensions folder. (An extensionDevelopmentPath
 * payload loads only under the smoke-test driver, which also hides notifications: not what a person should see.)
 */
function linkExtension(extensionsDir) {
  const { publisher, name, version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  mkdirSync(extensionsDir, { recursive: true });
  const link = path.join(extensionsDir, `${publisher}.${name}-${version}`);
  for (const entry of readdirSync(extensionsDir)) {
    const at = path.join(extensionsDir, entry);
    if (entry.startsWith(`${publisher}.${name}-`) && (at !== link || realpathSync(at) !== root)) rmSync(at, { recursive: true, force: true });
  }
  if (!existsSync(link)) symlinkSync(root, link, 'dir');
}

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { state: { type: 'string' } } });
  if (positionals.length !== 1) fail(USAGE);
  const folder = path.resolve(positionals[0]);
  if (!existsSync(path.join(folder, 'dbt_project.yml'))) fail(`${folder} has no dbt_project.yml (${USAGE})`);
  if (!existsSync(path.join(root, 'dist', 'client.js'))) fail('dist/client.js is missing: run npm run build first');

  process.stdout.write('Preparing the editor (the first run installs code-server, about 3 minutes)…\n');
  ensureTools();
  // Editor state (settings, extensions, caches) stays outside the project, so the demo folder holds only the demo.
  const stateDir = path.resolve(values.state ?? process.env.FLOE_DEMO_EDITOR_STATE ?? path.join(cacheDir, 'demo-editor'));
  linkExtension(path.join(stateDir, 'extensions')); // the folder startCodeServer gives --extensions-dir
  const server = await startCodeServer({ stateDir });
  const url = workbenchUrl(server, folder);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping code-server…\n');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  process.stdout.write(`\nFloe demo in VS Code (code-server ${server.base}), project ${folder}\n`);
  process.stdout.write(`Open ${url}\n`);
  process.stdout.write('Then open models/staging/stg_customers.sql and click "▶ Preview", or a mart and "Materialize";\n');
  process.stdout.write('the Lakehouse view in the activity bar shows the catalog.\n');
  process.stdout.write(`Press Ctrl+C to stop. (code-server log: ${server.log})\n`);
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
