// Bundles an in-extension-host suite (test/e2e/<name>/*.test.ts, default "suite") into dist/test/e2e/<name>/:
// one file per test plus the mocha runner (suite/index.ts), which loads every *.test.js beside it.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Builds test/e2e/<name>; returns the absolute path of its index.js, the extensionTestsPath. */
export async function buildSuite(name = 'suite') {
  const srcDir = path.join(root, 'test/e2e', name);
  const outDir = path.join(root, 'dist/test/e2e', name);
  const entryPoints = { index: path.join(root, 'test/e2e/suite/index.ts') };
  for (const f of readdirSync(srcDir).filter((f) => f.endsWith('.test.ts'))) entryPoints[f.slice(0, -3)] = path.join(srcDir, f);
  rmSync(outDir, { recursive: true, force: true });
  await esbuild.build({
    entryPoints,
    outdir: outDir,
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
  return path.join(outDir, 'index.js');
}

if (import.meta.url === `file://${process.argv[1]}`) await buildSuite(process.argv[2]);
