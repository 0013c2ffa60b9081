// Completions as LSP items (lsp/convert.ts): a shared edit range goes once into itemDefaults only where every item
// has it and the client takes it; otherwise each item keeps its own edit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toCompletions } from '../../server/src/lsp/convert';
import { LineIndex } from '../../server/src/project/lineIndex';
import type { Completion } from '../../server/src/features/completion';

const index = new LineIndex("select * from {{ ref('stg_') }}\n");
const at = (label: string, replaceStart: number, replaceEnd: number, insertText?: string): Completion => ({ label, kind: 'model', replaceStart, replaceEnd, insertText });

test('one shared range: a list with itemDefaults, an item whose text is not its label says so', () => {
  const list = toCompletions(index, [at('stg_a', 22, 26), at('stg_b', 22, 26, "stg_b')")], true);
  assert.ok(!Array.isArray(list));
  assert.deepEqual(list.itemDefaults?.editRange, { start: { line: 0, character: 22 }, end: { line: 0, character: 26 } });
  assert.deepEqual(list.items.map((i) => [i.label, i.textEdit, i.textEditText]), [['stg_a', undefined, undefined], ['stg_b', undefined, "stg_b')"]]);
});

test('ranges that differ, or a client without itemDefaults: every item with its own edit', () => {
  for (const [items, defaults] of [[[at('a', 22, 26), at('b', 21, 26)], true], [[at('a', 22, 26), at('b', 22, 26)], false]] as const) {
    const answer = toCompletions(index, [...items], defaults);
    assert.ok(Array.isArray(answer));
    assert.deepEqual(answer.map((i) => i.textEdit && 'range' in i.textEdit ? i.textEdit.range.start.character : -1), items.map((c) => c.replaceStart));
  }
});
