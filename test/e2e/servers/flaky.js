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
  connection.sendNotification('floe/status', { state: 'ready', projects: [PROJECT], models: 1, errors: 0, warnings: 0 });
});

// Two data tests; a run answers only once cancelled (the first passed, the second stopped by the cancel), or after 20 s.
const PROJECT = 'file:///flaky-project';
const test = (id, line) => ({
  id, label: id, kind: 'not_null', subject: 'flaky_model', severity: 'error',
  uri: `${PROJECT}/models/schema.yml`, range: { start: { line, character: 8 }, end: { line, character: 18 } },
});
connection.onRequest('floe/dataTests', () => ({ tests: [test('flaky_model.a.not_null', 5), test('flaky_model.b.not_null', 8)] }));
connection.onRequest('floe/runDataTests', (params, token) => new Promise((resolve) => {
  appendFileSync(`${control}.runs`, `${JSON.stringify(params.ids ?? null)}\n`); // the test waits for this before cancelling
  const reply = () => resolve({ results: [
    { id: 'flaky_model.a.not_null', status: 'pass', failures: '0', sql: 'select 1', ms: 1 },
    { id: 'flaky_model.b.not_null', status: 'error', failures: '0', message: 'not_null(b) on flaky_model could not run: cancelled', sql: '', ms: 0 },
  ] });
  token.onCancellationRequested(reply);
  setTimeout(reply, 20_000);
}));
connection.listen();
