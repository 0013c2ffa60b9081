// A client that takes a completion list's shared edit range from its itemDefaults (LSP 3.17, as VS Code does) gets
// the range once, not on every item; expanded, its items are exactly the items a client without it gets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CompletionRequest, type CompletionItem, type CompletionList } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';

const root = path.resolve(__dirname, '../fixtures/projects/lakehouse');
const mart = path.join(root, 'models/marts/mart_customer_orders.sql');

/** Texts and the place to complete at in each: a ref name, a source, a macro, a config key, a column. */
const CASES: Array<[edit: (t: string) => string, at: string, offset: number]> = [
  [(t) => t.replace("ref('stg_orders')", "ref('stg_')"), "stg_')", 4],
  [(t) => t.replace("ref('stg_orders')", "ref('')"), "')", 0],
  [(t) => `${t}\n{{ source('`, "{{ source('", 11],
  [(t) => `${t}\n{{ cen`, '{{ cen', 6],
  [(t) => `{{ config(mat) }}\n${t}`, 'mat)', 3],
  [(t) => `${t}\n-- select o.`, 'o.', 2],
];

/** A list's items as a client applies its defaults: each with the shared range as its own edit. */
function expanded(answer: CompletionItem[] | CompletionList): CompletionItem[] {
  if (Array.isArray(answer)) return answer;
  const range = answer.itemDefaults?.editRange;
  return answer.items.map(({ textEditText, ...item }) => (range && 'start' in range && !item.textEdit ? { ...item, textEdit: { range, newText: textEditText ?? item.label } } : item));
}

test('completions with itemDefaults are the completions without them, the shared range sent once', async () => {
  const plain = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
  const defaults = await LspClient.start(root, { FLOE_NO_BINDER: '1' }, undefined, { textDocument: { completion: { completionList: { itemDefaults: ['editRange'] } } } });
  try {
    const original = readFileSync(mart, 'utf8');
    let listed = 0;
    for (const [edit, at, offset] of CASES) {
      const text = edit(original);
      const answers = await Promise.all([plain, defaults].map(async (c) => {
        const uri = await c.open(mart, text);
        await c.change(uri, text);
        return c.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(text, at, offset) }) as Promise<CompletionItem[] | CompletionList>;
      }));
      const [without, withDefaults] = answers;
      assert.ok(Array.isArray(without), 'a client without itemDefaults gets plain items');
      assert.deepEqual(expanded(withDefaults), without, `at ${at}`);
      if (!Array.isArray(withDefaults)) {
        listed++;
        assert.ok(withDefaults.items.every((i) => !i.textEdit), 'no item repeats the shared range');
        if (without.length > 3) assert.ok(JSON.stringify(withDefaults).length < JSON.stringify(without).length, 'the list is the smaller answer');
      }
    }
    assert.ok(listed >= 3, `most answers share one range (${listed} of ${CASES.length})`);
  } finally {
    await Promise.all([plain.stop(), defaults.stop()]);
  }
});
