// Runs node:test over the given tiers (unit, integration) with tsx, since Node 20's --test has no globs.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const tiers = args.filter((a) => !a.startsWith('-'));
const filter = process.env.FLOE_TEST_FILTER;

function walk(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(walk(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = tiers.flatMap((t) => walk(path.join(root, t))).filter((f) => !filter || f.includes(filter)).sort();
if (files.length === 0) {
  console.error(`no test files in ${tiers.join(', ')}`);
  process.exit(1);
}
// Floe's caches (downloaded files, bind results) in a folder of this run: tests never see a developer's or an earlier run's.
const cacheDir = process.env.FLOE_CACHE_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'floe-test-cache-'));
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit', env: { ...process.env, FLOE_CACHE_DIR: cacheDir } });
if (!process.env.FLOE_CACHE_DIR) rmSync(cacheDir, { recursive: true, force: true });
process.exit(r.status ?? 1);
