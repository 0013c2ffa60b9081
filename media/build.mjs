// Bundles the results webview script for the browser: media/src/results.ts → dist/media/results.js,
// and copies its stylesheet next to it. Called from server/tools/build.mjs; runnable on its own.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds into outdir (default dist/media, relative to the repo root or absolute). */
export async function buildMedia({ production = false, outdir = 'dist/media' } = {}) {
  const out = path.resolve(root, outdir);
  mkdirSync(out, { recursive: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['media/src/results.ts'],
    outfile: path.join(out, 'results.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome114',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
  });
  copyFileSync(path.join(root, 'media/results.css'), path.join(out, 'results.css'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length);
  await buildMedia({ production: process.argv.includes('--production'), outdir });
}
