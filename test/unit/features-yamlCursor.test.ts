// The YAML cursor scan: enclosing keys and list items at the | cursor, on well-formed and mid-edit text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cursor } from '../helpers/projectTexts';
import { yamlCursorAt, pathText } from '../../server/src/features/yamlCursor';

/** At |: the path (`models.-.columns.-`), the key whose value the cursor is in, and the enclosing model's name. */
function check(textWithBar: string, expected: { path: string; key?: string; model?: string; word?: string } | undefined) {
  const { text, offset } = cursor(textWithBar);
  const c = yamlCursorAt(text, offset);
  if (!expected) return assert.equal(c, undefined);
  assert.ok(c);
  const model = c.path[1]?.kind === 'item' ? c.path[1].name : undefined;
  assert.deepEqual({ path: pathText(c.path), key: c.key, model, word: c.word }, { key: undefined, model: undefined, word: '', ...expected });
}

test('paths through models, columns, tests and config', () => {
  check('version: 2\nmodels:\n  - name: |', { path: 'models.-', key: 'name' });
  check('models:\n- name: a\n- name: b|', { path: 'models.-', key: 'name', model: 'b', word: 'b' });
  check('models:\n  - description: x\n    name: m\n    columns:\n      - name: |', { path: 'models.-.columns.-', key: 'name', model: 'm' });
  check('models:\n  - name: a\n    columns:\n      - name: x\n  - name: b\n    columns:\n    - name: y\n      tests:\n      - |', { path: 'models.-.columns.-.tests.-', model: 'b' });
  check('models:\n  - name: "q"\n    config:\n      |', { path: 'models.-.config', model: 'q' });
  check('models:\n  - name: m\n    data_tests:\n      - relationships:\n          arguments:\n            to: ref(\'x|', { path: 'models.-.data_tests.-.relationships.arguments', key: 'to', model: 'm', word: 'x' });
});

test('blank lines, comments and block scalars between do not break the path', () => {
  check('models:\n\n  # docs\n  - name: m\n    description: >\n      long: text\n      more\n\n    columns:\n      - name: |', { path: 'models.-.columns.-', key: 'name', model: 'm' });
});

test('comments and unreadable lines give nothing or a short path, never a throw', () => {
  check('models:\n  # - name: |', undefined);
  for (const t of ['|', '\n\n|', '- |', '::|', '  - - |', 'a: [\n  |', '"x": |']) assert.doesNotThrow(() => yamlCursorAt(cursor(t).text, cursor(t).offset));
});
