// Run with the flaky server (test/e2e/servers/flaky.js), told to crash: the client must not die silently,
// and "Floe: Restart Language Server" must recover once the server can start again.
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
});
