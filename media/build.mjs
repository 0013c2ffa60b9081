// Bundles the webview scripts for the browser (media/src/results.ts → dist/media/results.js, media/src/lineage/main.ts →
// dist/media/lineage.js) and copies their stylesheets next to them. Called from server/tools/build.mjs; runnable on its own.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Each webview: its bundle name (also its stylesheet's, media/NAME.css) and its entry script. */
const ENTRIES = { results: 'media/src/results.ts', lineage: 'media/src/lineage/main.ts' };

/** Builds into outdir (default dist/media, relative to the repo root or absolute). */
export async function buildMedia({ production = false, outdir = 'dist/media' } = {}) {
  const out = path.resolve(root, outdir);
  mkdirSync(out, { recursive: true });
  await Promise.all(Object.entries(ENTRIES).map(([name, entry]) => esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: path.join(out, `${name}.js`),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome114',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
  })));
  for (const name of Object.keys(ENTRIES)) copyFileSync(path.join(root, `media/${name}.css`), path.join(out, `${name}.css`));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length);
  await buildMedia({ production: process.argv.includes('--production'), outdir });
}
