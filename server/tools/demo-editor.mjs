// `npm run demo -- --editor` hands over to this script: it opens the demo project in code-server (VS Code in the
// browser) with Floe installed from this checkout's VSIX, as it ships, prints the loopback URL for the user's own
// browser and how to stop it, and serves until Ctrl+C (or SIGTERM).
// Usage: node server/tools/demo-editor.mjs DIR [--state DIR]   (FLOE_DEMO_EDITOR_STATE also sets the state folder)
// It reuses the e2e harness's installer and launcher (test/e2e/editor.mjs, install.mjs, codeServer.mjs): a dev tool
// importing test code is acceptable here, and it keeps one place that knows how to install and start code-server.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openInEditor } from '../../test/e2e/editor.mjs';
import { cacheDir, CODE_SERVER_VERSION } from '../../test/e2e/install.mjs';

const USAGE = 'usage: node server/tools/demo-editor.mjs DIR [--state DIR]';

function fail(message) {
  process.stderr.write(`demo-editor: ${message}\n`);
  process.exit(2);
}

async function main() {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { state: { type: 'string' } } });
  if (positionals.length !== 1) fail(USAGE);
  const folder = path.resolve(positionals[0]);
  if (!existsSync(path.join(folder, 'dbt_project.yml'))) fail(`${folder} has no dbt_project.yml (${USAGE})`);

  // Editor state (settings, extensions, caches) stays outside the project, so the demo folder holds only the demo.
  const stateDir = path.resolve(values.state ?? process.env.FLOE_DEMO_EDITOR_STATE ?? path.join(cacheDir, 'demo-editor'));
  const { server, url } = await openInEditor(folder, { stateDir });

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

  process.stdout.write([
    '',
    `Floe is running in VS Code for the browser: code-server ${CODE_SERVER_VERSION} on ${server.base} (loopback only, no password),`,
    `with the project ${folder}.`,
    'Open this URL in your browser:',
    `  ${url}`,
    'The status bar shows "Floe: starting", then "Floe: ready". Open models/staging/stg_customers.sql and click',
    '"▶ Preview", or a mart and "Materialize"; the Lakehouse view in the activity bar shows the catalog.',
    `Stop it with Ctrl+C here, or kill ${process.pid}. (Editor state: ${stateDir}; log: ${server.log})`,
    '',
  ].join('\n'));
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
