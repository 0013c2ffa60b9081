// Deletion vectors written by a third party: the RoaringBitmap Java library (what Iceberg's Java writer serializes
// with) lays out the bitmaps, and Floe's reader must return exactly the positions it was given, for every container
// kind and keys up to the largest positive long. Skipped where Java or the library's jar is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { readDeletionVectorBlob } from '../../server/src/iceberg/deletion-vector.js';
import { positionRanges } from '../../server/src/iceberg/roaring64.js';

const javaSource = path.join(__dirname, '../fixtures/roaring-dv-check/RoaringDv.java');
const jar = path.join(homedir(), '.m2/repository/org/roaringbitmap/RoaringBitmap/1.3.0/RoaringBitmap-1.3.0.jar');
const haveJava = existsSync(jar) && spawnSync('java', ['-version']).status === 0;

const big = (key: number, low: number) => (BigInt(key) << 32n) + BigInt(low);
const span = (from: number, to: number, step = 1) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => BigInt(from + i * step));
function pseudoRandom(n: number, below: number): bigint[] {
  let x = 12345;
  return Array.from({ length: n }, () => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return BigInt(x % below); });
}

const CASES: Record<string, bigint[]> = {
  arrays: [1n, 5n, 100n, 65535n, 70000n, 131071n],
  bitmaps: span(0, 131071, 3),
  runs: [...span(0, 99999), ...span(200000, 200010)],
  manyRuns: [0, 1, 2, 3, 4, 5].flatMap((c) => span(c * 65536 + 10, c * 65536 + 5000)),
  mixed: [...span(0, 65535), ...span(65536, 65536 + 300, 7), ...span(131072, 196607, 2), ...span(196608 + 40, 196608 + 50)],
  highKeys: [3n, big(1, 0), big(1, 65536), ...span(0, 9999).map((p) => big(0x200000, Number(p))), big(0x200000, 0xffffffff), big(0x7fffffff, 0xfffffffe), big(0x7fffffff, 0xffffffff)],
  random: [...pseudoRandom(50000, 1 << 20), ...pseudoRandom(3000, 1 << 20).map((p) => p + big(7, 0))],
};

test('the reader returns exactly the positions RoaringBitmap (Java) serialized, for every container kind and key', { skip: !haveJava && `java or ${jar} not installed` }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'floe-dv-java-'));
  try {
    const args: string[] = [];
    for (const [name, positions] of Object.entries(CASES)) {
      writeFileSync(path.join(dir, `${name}.txt`), positions.map(String).join('\n'));
      args.push(path.join(dir, `${name}.txt`), path.join(dir, `${name}.bin`));
    }
    const java = spawnSync('java', ['-cp', jar, javaSource, ...args], { encoding: 'utf8' });
    assert.equal(java.status, 0, java.stderr);
    // what the library chose: [arrays, bitmaps, runs] per case, summed over keys
    const kinds: Record<string, number[]> = {};
    for (const line of java.stdout.trim().split('\n')) {
      const [out, , ...counts] = line.split(' ');
      const name = path.basename(out!, '.bin');
      kinds[name] = (kinds[name] ?? [0, 0, 0]).map((n, i) => n + Number(counts[i]));
    }
    assert.deepEqual(kinds.arrays, [2, 0, 0]);
    assert.deepEqual(kinds.bitmaps, [0, 2, 0]);
    assert.deepEqual(kinds.runs, [0, 0, 3]);  // under 4 containers: no offset header
    assert.deepEqual(kinds.manyRuns, [0, 0, 6]); // 4 or more with runs: offset header
    assert.ok(kinds.mixed![0]! > 0 && kinds.mixed![1]! > 0 && kinds.mixed![2]! > 0, `mixed kinds: ${kinds.mixed}`);

    for (const [name, positions] of Object.entries(CASES)) {
      const file = path.join(dir, `${name}.bin`);
      const bitmap = readDeletionVectorBlob(readFileSync(file), { file, offset: 4n });
      const expected = [...new Set(positions)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const got: bigint[] = [];
      for (const r of positionRanges(bitmap)) for (let p = r.start; p <= r.end; p++) got.push(p);
      assert.equal(bitmap.cardinality, BigInt(expected.length), name);
      assert.deepEqual(got, expected, name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
