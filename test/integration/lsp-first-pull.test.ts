// The first diagnostics pull after ready is answered before the background (DuckDB's load, the bind order) takes the
// thread: the answer waits on its settings from the client, and a background started meanwhile held it back ~0.1 s at
// 10k models (issue #18). Runs the bundle (dist/server.js, as the editor does; build first), whose DuckDB loads
// synchronously, with a client that answers workspace/configuration as VS Code does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LspClient } from '../helpers/lspClient';
import { generateProject } from '../helpers/generateProject';

const STARTS = 'floe: background binding starts';

test("the first pull's answer is written before the background starts, and the background starts after it", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-first-pull-'));
  const root = path.join(dir, 'project');
  const { modelFile } = generateProject(root, 200);
  const events: string[] = [];
  const client = await LspClient.start(root, { FLOE_CACHE_DIR: path.join(dir, 'cache') }, {}, { built: true });
  try {
    client.connection.onNotification('window/logMessage', (m: { message: string }) => { if (m.message === STARTS) events.push('background'); });
    const answer = await client.diagnostics(client.uri(modelFile(199)));
    events.push('answer');
    assert.deepEqual(answer.filter((d) => d.severity === 1), []);
    for (let waited = 0; !events.includes('background') && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(events, ['answer', 'background']);
    assert.ok(client.alive, client.stderr.join(''));
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
