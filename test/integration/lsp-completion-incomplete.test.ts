// A completion list that is partial says so (isIncomplete), so VS Code asks again as the user types: a `ref('` list cut
// at the cap until the typed text narrows it, and columns after `alias.` read from a model whose bind in DuckDB is still
// to come. Never a list that stays incomplete: bound, failed or without a binder, the answer is complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompletionRequest, type CompletionItem, type CompletionList } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';
import { writeTempProject } from '../helpers/demo-copy';
import { generateProject } from '../helpers/generateProject';

type Answer = CompletionItem[] | CompletionList | null;
const itemsOf = (a: Answer) => (Array.isArray(a) ? a : a?.items ?? []).map((i) => i.label);
const incomplete = (a: Answer) => !Array.isArray(a) && !!a?.isIncomplete;

const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nprofile: shop\n',
  'profiles.yml': "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n",
  // its text names `h` only: `id` comes from DuckDB's bind (slow: its constant is folded as the bind prepares it)
  'models/upstream.sql': "select *, md5(repeat('x', 4000000)) as h from range(3) as t(id)\n",
  'models/broken.sql': 'select * fromm nowhere\n',
};
const MART = "select u.x, b.x\nfrom {{ ref('upstream') }} as u\ncross join {{ ref('broken') }} as b\n";

test('columns of a model still to bind are an incomplete list until its bind lands, then complete', async () => {
  const root = writeTempProject('floe-completion-incomplete-', { ...FILES, 'models/mart.sql': MART });
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-completion-incomplete-cache-'));
  const client = await LspClient.start(root, { FLOE_CACHE_DIR: cache });
  try {
    const uri = await client.open(path.join(root, 'models/mart.sql'), MART);
    const complete = (at: string) => client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(MART, at, 2) }) as Promise<Answer>;
    const first = await complete('u.x');
    assert.ok(incomplete(first), 'asked before the bind: partial');
    assert.deepEqual(itemsOf(first), ['h']);
    let answer = first;
    const until = Date.now() + 90_000;
    while (incomplete(answer) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      answer = await complete('u.x');
    }
    assert.ok(!incomplete(answer), 'complete once the model is bound');
    assert.deepEqual(itemsOf(answer).sort(), ['h', 'id']);
    assert.ok(!incomplete(await complete('u.x')), 'and stays complete');
    // a model that does not bind: complete once its (failed) bind is done, not incomplete forever
    await client.waitForStatus((s) => /All \d+ models bound/.test(s.message ?? ''), 90_000);
    assert.ok(!incomplete(await complete('b.x')));
  } finally {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('without a binder, the columns a model\'s text gives are a complete list', async () => {
  const root = writeTempProject('floe-completion-no-binder-', { ...FILES, 'models/mart.sql': MART });
  const client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
  try {
    const uri = await client.open(path.join(root, 'models/mart.sql'), MART);
    const answer = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(MART, 'u.x', 2) }) as Answer;
    assert.deepEqual(itemsOf(answer), ['h']);
    assert.ok(!incomplete(answer));
  } finally {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("ref(' on a large project: the best 500 names, incomplete until the typed text narrows the list", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-completion-cap-'));
  const { modelFile } = generateProject(root, 1500);
  const file = modelFile(1499);
  const client = await LspClient.start(root, { FLOE_NO_BINDER: '1' }, undefined, { textDocument: { completion: { completionList: { itemDefaults: ['editRange', 'data'] } } } });
  try {
    const base = `${fs.readFileSync(file, 'utf8')}\n{{ ref('`;
    const uri = await client.open(file, base);
    const at = async (typed: string) => {
      const text = `${base}${typed}')}}`;
      await client.change(uri, text);
      return client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(text, `ref('${typed}'`, 5 + typed.length) }) as Promise<Answer>;
    };
    const all = await at('');
    assert.equal(itemsOf(all).length, 500);
    assert.ok(incomplete(all));
    assert.ok(JSON.stringify(all).length < 40_000, `${JSON.stringify(all).length} bytes`);
    // typed text: names starting with it first (m1, m10…, m100…), and only names holding its characters in order
    const some = await at('m1');
    assert.ok(incomplete(some));
    assert.ok(itemsOf(some).slice(0, 100).every((l) => l.startsWith('m1')));
    const narrow = await at('m14');
    assert.ok(!incomplete(narrow), 'narrowed below the cap: complete');
    const labels = itemsOf(narrow);
    assert.ok(labels.includes('m14') && labels.includes('m1499') === false && labels.includes('m1489') && labels.includes('m1045'));
    assert.ok(labels.every((l) => /m.*1.*4/.test(l)));
  } finally {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
