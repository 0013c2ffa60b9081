// Splitting dbt YAML at top-level keys and list items: which layouts split, and where.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitTopLevel } from '../../server/src/project/yamlChunks';

const LISTS = new Set(['sources', 'models', 'seeds', 'snapshots']);

/** The chunks of `text` as "kind key: first line", or undefined when it must be parsed whole. */
function check(text: string, expected: string[] | undefined) {
  const chunks = splitTopLevel(text, LISTS);
  const got = chunks?.map((c) => `${c.kind} ${c.key}: ${text.slice(c.start, c.end).split('\n')[0]}`);
  assert.deepEqual(got, expected);
  if (!chunks) return;
  // Chunks are in order, do not overlap, and every list item ends where the next chunk or the file ends.
  for (let i = 1; i < chunks.length; i++) assert.ok(chunks[i - 1].end <= chunks[i].start, `chunk ${i} overlaps the one before`);
  assert.equal(chunks.at(-1)?.end ?? text.length, text.length);
}

test('indented and compact lists split per item; other keys stay whole', () => {
  check('version: 2\nmodels:\n  - name: a\n    columns:\n      - name: x\n  - name: b\n', ['value version: version: 2', 'item models:   - name: a', 'item models:   - name: b']);
  check('models:\n- name: a\n  columns:\n  - name: x\n- name: b\n', ['item models: - name: a', 'item models: - name: b']);
  check('sources:\n  - name: s\n    tables:\n      - name: t\nmodels:\n  - name: m\n', ['item sources:   - name: s', 'item models:   - name: m']);
  check('exposures:\n- name: e\n  owner: x\nmodels:\n  - name: m\n', ['value exposures: exposures:', 'item models:   - name: m']);
});

test('comments, blank lines, CRLF and block scalars do not split items', () => {
  check('models:\n# lead comment\n\n  - name: a\n    description: |\n      - name: not an item\n# between\n  - name: b\n', ['item models:   - name: a', 'item models:   - name: b']);
  check('models:\r\n  - name: a\r\n  - name: b\r\n', ['item models:   - name: a\r', 'item models:   - name: b\r']);
  check('models:\n', []);
  check('models:\n  - name: a\n    description: 5 * 3 & co. Wow! a<b\n', ['item models:   - name: a']);
});

test('layouts outside the plain subset are parsed whole', () => {
  check('models: [{name: a}]\n', undefined);
  check('defaults: &d {materialized: view}\nmodels:\n  - name: a\n    config: *d\n', undefined);
  check('models:\n  - name: a\n    description: !!str 5\n', undefined);
  check('models:\n  - name: a\n    config:\n      <<: {materialized: view}\n', undefined);
  check('models:\n  - name: a\nmodels:\n  - name: b\n', undefined);
  check('---\nmodels:\n  - name: a\n', undefined);
  check('"models":\n  - name: a\n', undefined);
  check('models:\n  name: a\n', undefined);
  check('models:\n  - name: a\n- name: b\n', undefined);
  check('  - stray\nmodels:\n  - name: a\n', undefined);
});
