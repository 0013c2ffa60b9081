// The on-disk key → value store of the render and bind caches (util/jsonlStore.ts): values parsed only when asked for,
// with what a reopen reads exactly what was kept (keys of any text, the later line winning, lines cut short or of an
// older shape skipped, compaction keeping the newest lines as written).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonlStore } from '../../server/src/util/jsonlStore';

interface Value {
  n: number;
  text: string;
}

/** Runs `fn` with the path of a store file in a temporary folder, removed after. */
function withStoreFile(fn: (file: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-jsonl-'));
  try {
    fn(path.join(dir, 'store.jsonl'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function opened(file: string, max = 100) {
  let validated = 0;
  const valid = (v: unknown): v is Value => {
    validated++;
    return typeof v === 'object' && v !== null && typeof (v as Value).n === 'number' && typeof (v as Value).text === 'string';
  };
  const store = new JsonlStore<Value>(file, valid, max);
  return { store, validated: () => validated };
}

test('a reopened store gives back every kept value, keys of any text, values parsed only when asked for', () => withStoreFile((file) => {
  const keys = ['plain', 'with "quotes"', 'back\\slash\\', 'ends with \\"', 'ü数据✓', '["', '",'];
  const first = opened(file).store;
  keys.forEach((k, n) => first.set(k, { n, text: `value of ${k}\n"quoted"` }));
  first.flush();
  const again = opened(file);
  assert.equal(again.store.size, keys.length);
  assert.equal(again.validated(), 0, 'opening parses no value');
  keys.forEach((k, n) => assert.deepEqual(again.store.get(k), { n, text: `value of ${k}\n"quoted"` }, k));
  assert.equal(again.store.get('absent'), undefined);
  assert.equal(again.validated(), keys.length, 'each value parsed once it was asked for');
  assert.equal(again.store.get('plain'), again.store.get('plain'), 'and kept parsed');
}));

test('the later line wins; a line cut short or of an older shape is no value, and a new one replaces it', () => withStoreFile((file) => {
  fs.writeFileSync(file, [
    JSON.stringify(['a', { n: 1, text: 'old' }]),
    JSON.stringify(['old-shape', { count: 3 }]),
    JSON.stringify(['a', { n: 2, text: 'new' }]),
    'not json at all',
    `${JSON.stringify(['cut', { n: 9, text: 'x' }]).slice(0, 20)}`,
  ].join('\n') + '\n');
  const { store } = opened(file);
  assert.deepEqual(store.get('a'), { n: 2, text: 'new' });
  assert.equal(store.get('old-shape'), undefined);
  assert.equal(store.get('cut'), undefined);
  store.set('old-shape', { n: 4, text: 'current' });
  store.set('cut', { n: 5, text: 'whole' });
  store.flush();
  const again = opened(file).store;
  assert.deepEqual([again.get('a'), again.get('old-shape'), again.get('cut')], [{ n: 2, text: 'new' }, { n: 4, text: 'current' }, { n: 5, text: 'whole' }]);
}));

test('compaction keeps the newest entries, unparsed lines as they were written', () => withStoreFile((file) => {
  const lines = Array.from({ length: 30 }, (_, n) => JSON.stringify([`k${n}`, { n, text: `t${n}` }]));
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  const { store } = opened(file, 10);
  assert.equal(store.size, 10);
  assert.equal(fs.readFileSync(file, 'utf8'), `${lines.slice(-10).join('\n')}\n`, 'the newest ten, byte for byte');
  assert.equal(store.get('k19'), undefined);
  assert.deepEqual(store.get('k29'), { n: 29, text: 't29' });
}));
