// V8's code cache for the language server bundle (server/src/util/codeCache.ts, lsp/boot.ts): written by a first
// start, used by the next, and never trusted when it is torn, corrupt, another build's or another bundle's. Runs real
// bundles in child processes (each start is a fresh V8, as the editor's), and dist/server.js itself over LSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO = path.resolve(__dirname, '../..');
const CODE_CACHE = path.join(REPO, 'server/src/util/codeCache.ts');

/** A bundle with functions to cache, its own require, and a result on stdout (later, as the server's run). */
const BUNDLE = `"use strict";
const path = require('node:path');
function add(a, b) { return a + b; }
module.exports = { answer: [1, 2, 3].map((x) => add(x, 1)).join(',') + ':' + path.basename(__filename) };
setImmediate(() => process.stdout.write(module.exports.answer + ':' + typeof require('node:os').cpus + '\\n'));
`;

/** Runs `bundle` through runWithCodeCache in a new process (the cachedData path); its state, then the bundle's output. */
function start(bundle: string, dir: string, build = 'b1'): { state: string; output: string } {
  const script = `const { runWithCodeCache } = require(${JSON.stringify(CODE_CACHE)});
const run = runWithCodeCache(${JSON.stringify(bundle)}, ${JSON.stringify(dir)}, ${JSON.stringify(build)}, { builtin: false });
process.stdout.write(run.state + '\\n');
process.on('exit', () => run.save());`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' }).trim().split('\n');
  return { state: out[0], output: out[1] };
}

function fixture(): { bundle: string; dir: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'floe-code-cache-'));
  const bundle = path.join(root, 'bundle.js');
  writeFileSync(bundle, BUNDLE);
  return { bundle, dir: path.join(root, 'cache') };
}

const cacheFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v8cache'));

test('a first start writes the cache and the next uses it, with the same result', () => {
  const { bundle, dir } = fixture();
  const first = start(bundle, dir);
  assert.equal(first.state, 'missing');
  assert.equal(first.output, '2,3,4:bundle.js:function');
  assert.equal(cacheFiles(dir).length, 1);
  const second = start(bundle, dir);
  assert.equal(second.state, 'used');
  assert.equal(second.output, first.output);
});

test('a corrupt or torn cache is never given to V8: the start runs as without one and writes it anew', () => {
  const { bundle, dir } = fixture();
  start(bundle, dir);
  const file = path.join(dir, cacheFiles(dir)[0]);
  const good = readFileSync(file);
  const flipped = Buffer.from(good);
  flipped[flipped.length - 100] ^= 0xff;
  for (const bad of [flipped, good.subarray(0, good.length >> 1), Buffer.from('garbage'), Buffer.alloc(0)]) {
    writeFileSync(file, bad);
    const run = start(bundle, dir);
    assert.equal(run.state, 'corrupt', `${bad.length} bytes`);
    assert.equal(run.output, '2,3,4:bundle.js:function');
    assert.equal(start(bundle, dir).state, 'used', 'rewritten by the start that found it corrupt');
  }
});

test("a new build or a changed bundle never reads an older cache, and the older one is removed", () => {
  const { bundle, dir } = fixture();
  start(bundle, dir, 'b1');
  const old = cacheFiles(dir);
  const next = start(bundle, dir, 'b2');
  assert.equal(next.state, 'missing');
  assert.equal(next.output, '2,3,4:bundle.js:function');
  assert.equal(cacheFiles(dir).length, 1);
  assert.notDeepEqual(cacheFiles(dir), old);
  // the same length and another text (V8 alone would take the old cache for it): a new time names another cache
  writeFileSync(bundle, BUNDLE.replace('add(x, 1)', 'add(x, 2)'));
  utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
  const changed = start(bundle, dir, 'b2');
  assert.equal(changed.state, 'missing');
  assert.equal(changed.output, '3,4,5:bundle.js:function');
});

test('dist/server.js starts over a corrupt code cache and answers (npm run build first)', async () => {
  const cacheRoot = mkdtempSync(path.join(os.tmpdir(), 'floe-code-cache-server-'));
  const env = { ...process.env, FLOE_CACHE_DIR: cacheRoot, FLOE_NO_CATALOG: '1', FLOE_NO_BINDER: '1' };
  const initialize = async (): Promise<string> => {
    const child = spawn(process.execPath, [path.join(REPO, 'dist/server.js'), '--stdio'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: pathToFileURL(cacheRoot).toString(), capabilities: {} } });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer to initialize in 30 s')), 30_000);
      child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('"serverInfo"')) { clearTimeout(timer); resolve(); } });
    });
    const exit = JSON.stringify({ jsonrpc: '2.0', method: 'exit' });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(exit)}\r\n\r\n${exit}`);
    await new Promise((r) => child.once('exit', r));
    return out;
  };
  assert.match(await initialize(), /"name":"floe"/);
  const dir = path.join(cacheRoot, 'code');
  assert.equal(cacheFiles(dir).length, 1, 'written at exit');
  writeFileSync(path.join(dir, cacheFiles(dir)[0]), Buffer.from('floe-code-cache-1\nnot a cache'));
  assert.match(await initialize(), /"name":"floe"/);
  assert.match(await initialize(), /"name":"floe"/, 'and over the cache that start wrote');
  // a cached script's import() would fail under Node 20 (see codeCache.ts): the build leaves none
  assert.doesNotMatch(readFileSync(path.join(REPO, 'dist/server-main.js'), 'utf8'), /[^\w.$]import\(/);
});
