import { test } from 'node:test';
import assert from 'node:assert/strict';
import { docBlocksOf, docUsesIn } from '../../server/src/project/docBlocks';

const names = (text: string, spans: { name: string; start: number; end: number }[]) => spans.map((s) => [s.name, text.slice(s.start, s.end)]);

test('docs blocks: their names and exact name spans, with whitespace control', () => {
  const text = '{% docs a %}x{% enddocs %}\n{%- docs  b_2 -%}\ny\n{% enddocs %}\n{% doc c %}{% docsx d %}';
  assert.deepEqual(names(text, docBlocksOf(text)), [['a', 'a'], ['b_2', 'b_2']]);
});

test("doc() uses: one or two quoted arguments, either quote; anything else is not a use", () => {
  const text = `description: "{{ doc('a') }} {{ doc("pkg", "b") }} {{ doc( 'c' ) }}" x: "{{ doc(var('d')) }} {{ mydoc('e') }} {{ doc('f', 'g', 'h') }}"`;
  assert.deepEqual(names(text, docUsesIn(text)).map(([n]) => n), ['a', 'b', 'c']);
  for (const s of docUsesIn(text)) assert.equal(text.slice(s.start, s.end), s.name);
});
