// Run with the flaky server (test/e2e/servers/flaky.js), told to crash: the client must not die silently,
// and "Floe: Restart Language Server" must recover once the server can start again. Then a data test run that the
// server holds until cancelled checks the Test Explorer's cancellation.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { floeApi } from '../suite/helpers';

describe('a crashing language server', () => {
  const control = process.env.FLOE_FLAKY_CONTROL ?? '';
  const starts = () => (existsSync(`${control}.starts`) ? readFileSync(`${control}.starts`, 'utf8').trim().split('\n').length : 0);

  it('is restarted a few times, then shows as stopped with a way out', async () => {
    assert.ok(control, 'FLOE_FLAKY_CONTROL is not set');
    const api = await floeApi();
    // vscode-languageclient restarts a crashed server 4 times within 3 minutes, then gives up: 5 starts in all.
    const status = await api.waitForStatus((s) => s.state === 'stopped' && starts() >= 5, 60_000);
    assert.equal(starts(), 5);
    assert.ok(status.state === 'stopped' && /Restart Language Server/.test(status.message), JSON.stringify(status));
  });

  it('recovers through Floe: Restart Language Server', async () => {
    writeFileSync(control, 'ok');
    const api = await floeApi();
    await vscode.commands.executeCommand('floe.restartServer');
    const status = await api.waitForStatus((s) => s.state === 'ready', 30_000);
    assert.equal(status.state === 'ready' && status.models, 1);
    assert.equal(starts(), 6);
  });

  it('once running again, cancels a data test run through LSP cancellation: the stopped tests end as skipped, none as errors', async () => {
    const api = await floeApi();
    if (api.status()?.state !== 'ready') {
      // Run alone (FLOE_E2E_GREP): end the crash loop first.
      writeFileSync(control, 'ok');
      const now = await api.waitForStatus((s) => s.state === 'ready' || s.state === 'stopped', 60_000);
      if (now.state === 'stopped') await vscode.commands.executeCommand('floe.restartServer');
      await api.waitForStatus((s) => s.state === 'ready', 30_000);
    }
    const { dataTests } = api;
    await dataTests.refresh();
    assert.deepEqual(dataTests.tests().map((t) => t.info.id), ['flaky_model.a.not_null', 'flaky_model.b.not_null']);
    const cancel = new vscode.CancellationTokenSource();
    const running = dataTests.run(new vscode.TestRunRequest(), cancel.token);
    await waitForFile(`${control}.runs`);
    cancel.cancel();
    const summary = await running;
    assert.deepEqual({ failed: summary.failed, errored: summary.errored, all: summary.passed + summary.skipped }, { failed: 0, errored: 0, all: 2 }, JSON.stringify(summary));
    assert.ok(summary.skipped >= 1, JSON.stringify(summary));
    assert.deepEqual(JSON.parse(readFileSync(`${control}.runs`, 'utf8')), ['flaky_model.a.not_null', 'flaky_model.b.not_null']);
  });
});

/** Resolves once `file` exists (the flaky server writes it when a request arrives). */
function waitForFile(file: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = setInterval(() => {
      if (existsSync(file)) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(poll);
        reject(new Error(`${file} did not appear within ${timeoutMs} ms`));
      }
    }, 20);
  });
}
