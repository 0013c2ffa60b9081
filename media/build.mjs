// Bundles the results webview script for the browser: media/src/results.ts → dist/media/results.js,
// and copies its stylesheet next to it. Called from server/tools/build.mjs; runnable on its own.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function buildMedia({ production = false } = {}) {
  mkdirSync(path.join(root, 'dist/media'), { recursive: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['media/src/results.ts'],
    outfile: 'dist/media/results.js',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome114',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
  });
  copyFileSync(path.join(root, 'media/results.css'), path.join(root, 'dist/media/results.css'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildMedia({ production: process.argv.includes('--production') });
}
