// Completions as LSP items (lsp/convert.ts): a shared edit range, and the `data` that leaves an item's detail to
// completionItem/resolve, go once into itemDefaults only where every item has them and the client takes them;
// otherwise each item keeps its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toCompletions } from '../../server/src/lsp/convert';
import { LineIndex } from '../../server/src/project/lineIndex';
import type { Completion } from '../../server/src/features/completion';

const index = new LineIndex("select * from {{ ref('stg_') }}\n");
const at = (label: string, replaceStart: number, replaceEnd: number, insertText?: string): Completion => ({ label, kind: 'model', replaceStart, replaceEnd, insertText });
const later = (c: Completion): Completion => ({ ...c, later: true });
const RANGE = { editRange: true, data: false };
const NONE = { editRange: false, data: false };
const BOTH = { editRange: true, data: true };

test('one shared range: a list with itemDefaults, an item whose text is not its label says so', () => {
  const list = toCompletions(index, [at('stg_a', 22, 26), at('stg_b', 22, 26, "stg_b')")], RANGE);
  assert.ok(!Array.isArray(list));
  assert.deepEqual(list.itemDefaults?.editRange, { start: { line: 0, character: 22 }, end: { line: 0, character: 26 } });
  assert.deepEqual(list.items.map((i) => [i.label, i.textEdit, i.textEditText]), [['stg_a', undefined, undefined], ['stg_b', undefined, "stg_b')"]]);
});

test('ranges that differ, or a client without itemDefaults: every item with its own edit', () => {
  for (const [items, defaults] of [[[at('a', 22, 26), at('b', 21, 26)], RANGE], [[at('a', 22, 26), at('b', 22, 26)], NONE]] as const) {
    const answer = toCompletions(index, [...items], defaults);
    assert.ok(Array.isArray(answer));
    assert.deepEqual(answer.map((i) => i.textEdit && 'range' in i.textEdit ? i.textEdit.range.start.character : -1), items.map((c) => c.replaceStart));
  }
});

test('items whose detail resolves later: their data once in itemDefaults where every item has it, else on each', () => {
  const all = toCompletions(index, [later(at('stg_a', 22, 26)), later(at('stg_b', 21, 26))], BOTH);
  assert.ok(!Array.isArray(all));
  assert.deepEqual(all.itemDefaults, { data: 'later' }, 'the ranges differ: only the data is shared');
  assert.ok(all.items.every((i) => i.data === undefined && i.textEdit), 'each item keeps its range and takes the shared data');

  const some = toCompletions(index, [later(at('stg_a', 22, 26)), at('pkg', 22, 26)], BOTH);
  assert.ok(!Array.isArray(some));
  assert.deepEqual(some.itemDefaults, { editRange: { start: { line: 0, character: 22 }, end: { line: 0, character: 26 } } });
  assert.deepEqual(some.items.map((i) => i.data), ['later', undefined]);

  const plain = toCompletions(index, [later(at('stg_a', 22, 26)), later(at('stg_b', 22, 26))], NONE);
  assert.ok(Array.isArray(plain));
  assert.deepEqual(plain.map((i) => i.data), ['later', 'later'], 'a client without itemDefaults gets the data on each item');
});
