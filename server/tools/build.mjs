// Builds the bundles: the extension client, the language server and the floe CLI, into dist/ (or --outdir=DIR, which
// server/tools/package.mjs uses so that packaging leaves the development build in dist/ alone).
// DuckDB's JavaScript (@duckdb/node-api, @duckdb/node-bindings) is bundled; only vscode and the native binding
// packages (@duckdb/node-bindings-<platform>/duckdb.node, a real file) stay external, so .vscodeignore ships
// dist/ plus the binding and no other node_modules file.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { buildMedia } from '../../media/build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const outdir = path.resolve(root, process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist');

/** Identifies this build of the server (its version and a hash of its sources): keys on-disk caches of its results. */
function buildId() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) hash.update(p.slice(root.length)).update(readFileSync(p));
    }
  };
  walk(path.join(root, 'server/src'));
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  return `${version}-${hash.digest('hex').slice(0, 16)}`;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  // `@duckdb/node-bindings-*` matches only the per-platform packages (`@duckdb/node-bindings-linux-x64/duckdb.node`),
  // not `@duckdb/node-bindings` itself, whose loader JS is bundled.
  // `tsx` is named only when the local catalog runs from source (its worker thread then needs tsx's loader).
  external: ['vscode', '@duckdb/node-bindings-*', 'tsx'],
  logLevel: 'warning',
  absWorkingDir: root,
  define: { __FLOE_BUILD__: JSON.stringify(buildId()) },
};

const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: path.join(outdir, 'client.js') },
  { entryPoints: ['server/src/lsp/main.ts'], outfile: path.join(outdir, 'server.js') },
  { entryPoints: ['server/src/cli/main.ts'], outfile: path.join(outdir, 'cli.js'), banner: { js: '#!/usr/bin/env node' } },
  // The local catalog's metadata worker thread, started from cli.js and server.js beside it (metadata-codec.ts).
  { entryPoints: ['server/src/catalog/local/metadata-worker.ts'], outfile: path.join(outdir, 'metadata-worker.js') },
  // Binding worker threads (server/src/sql/bindPool.ts), started from cli.js and server.js beside it.
  { entryPoints: ['server/src/sql/bindWorker.ts'], outfile: path.join(outdir, 'bind-worker.js') },
].filter((e) => existsSync(path.join(root, e.entryPoints[0])));

if (watch) {
  for (const e of entries) await (await esbuild.context({ ...common, ...e })).watch();
} else {
  await Promise.all([...entries.map((e) => esbuild.build({ ...common, ...e })), buildMedia({ production, outdir: path.join(outdir, 'media') })]);
}
