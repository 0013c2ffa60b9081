// Bundles the in-extension-host suite (test/e2e/suite) into dist/test/e2e/suite: one file per test, plus the mocha runner.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const suiteOutDir = path.join(root, 'dist/test/e2e/suite');
export const suiteIndex = path.join(suiteOutDir, 'index.js');

export async function buildSuite() {
  const srcDir = path.join(root, 'test/e2e/suite');
  const entryPoints = readdirSync(srcDir)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
    .map((f) => path.join(srcDir, f));
  rmSync(suiteOutDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: suiteOutDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    // mocha is loaded from the repo's node_modules at run time; vscode is the extension host's.
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
    absWorkingDir: root,
  });
  return suiteIndex;
}

if (import.meta.url === `file://${process.argv[1]}`) await buildSuite();
