// The status bar's problem counts: "ready" carries every file's count (as the Problems panel has them), and the counts
// follow edits (the status the binder's progress sends), recounted in slices (FLOE_COUNT_SLICE_MS=0: 64 files a slice)
// so no request waits behind a large project's count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkspaceDiagnosticRequest } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';
import { generateProject } from '../helpers/generateProject';
import type { StatusParams } from '../../server/src/protocol';

const MODELS = 300;
/** Models given a ref to a model that does not exist: one error each. */
const BROKEN = [60, 120, 180, 240, 299];

const counted = (errors: number) => (s: StatusParams) => s.state === 'ready' && !s.counting && s.errors === errors;

test('ready counts every file; edits are counted again in slices, ending at the last text', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-problem-count-'));
  const root = path.join(dir, 'project');
  const { modelFile } = generateProject(root, MODELS);
  for (const i of BROKEN) fs.appendFileSync(modelFile(i), "\n-- {{ ref('no_such_model') }}\n");
  const client = await LspClient.start(root, { FLOE_NO_BINDER: '1', FLOE_COUNT_SLICE_MS: '0', FLOE_CACHE_DIR: path.join(dir, 'cache') });
  try {
    const ready = client.statuses.find((s) => s.state === 'ready')!;
    assert.deepEqual([ready.models, ready.errors, ready.counting], [MODELS, BROKEN.length, undefined], 'the cold index counts before ready');
    const pulled = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const errors = pulled.items.flatMap((i) => (i.kind === 'full' ? i.items : [])).filter((d) => d.severity === 1);
    assert.equal(errors.length, ready.errors, 'the Problems panel and the status bar agree');

    const file = modelFile(10);
    const valid = fs.readFileSync(file, 'utf8');
    const uri = await client.open(file);
    const before = client.statuses.length;
    // a burst of edits: the counts end at the last text
    await client.change(uri, `${valid}\n-- {{ ref('typo_one') }}\n`);
    await client.change(uri, `${valid}\n-- {{ ref('typo_one') }} {{ ref('typo_two') }}\n`);
    const after = await client.waitForStatus((s) => client.statuses.indexOf(s) >= before && counted(BROKEN.length + 2)(s));
    const since = client.statuses.slice(before, client.statuses.indexOf(after));
    assert.ok(since.some((s) => s.counting), `the recount ran in slices, saying so meanwhile: ${JSON.stringify(since)}`);

    const mark = client.statuses.length;
    await client.change(uri, valid);
    await client.waitForStatus((s) => client.statuses.indexOf(s) >= mark && counted(BROKEN.length)(s));
    assert.ok(client.alive, client.stderr.join(''));
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
