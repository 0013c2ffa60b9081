// Builds the bundles: the extension client, the language server and the floe CLI.
// vscode and DuckDB's native binding stay external; .vscodeignore ships dist/ plus the binding.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { buildMedia } from '../../media/build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  external: ['vscode', '@duckdb/node-api', '@duckdb/node-bindings', '@duckdb/node-bindings-*'],
  logLevel: 'warning',
  absWorkingDir: root,
};

const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js' },
  { entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
].filter((e) => existsSync(path.join(root, e.entryPoints[0])));

if (watch) {
  for (const e of entries) await (await esbuild.context({ ...common, ...e })).watch();
} else {
  await Promise.all([...entries.map((e) => esbuild.build({ ...common, ...e })), buildMedia({ production })]);
}
