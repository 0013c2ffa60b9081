// A purpose-built language server for resilience tests. It reads FLOE_FLAKY_CONTROL on every start:
// "crash" exits right after initialize (like a server dying on a bad project); "ok" reports ready with one model.
const { appendFileSync, readFileSync } = require('node:fs');
const { createConnection, ProposedFeatures } = require('vscode-languageserver/node');

const control = process.env.FLOE_FLAKY_CONTROL;
const mode = readFileSync(control, 'utf8').trim();
appendFileSync(`${control}.starts`, `${mode}\n`); // one line per start, so tests can count restarts
const connection = createConnection(ProposedFeatures.all);
connection.onInitialize(() => ({ capabilities: {} }));
connection.onInitialized(() => {
  if (mode === 'crash') {
    connection.console.error('flaky server: crashing as told');
    setTimeout(() => process.exit(3), 50);
    return;
  }
  connection.console.log('flaky server: ready; client_secret=flaky-secret-value');
  connection.sendNotification('floe/status', { state: 'ready', projects: [], models: 1, errors: 0, warnings: 0 });
});
connection.listen();
