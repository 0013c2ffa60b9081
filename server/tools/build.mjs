// Builds the bundles: the extension client, the language server and the floe CLI, into dist/ (or --outdir=DIR, which
// server/tools/package.mjs uses so that packaging leaves the development build in dist/ alone).
// DuckDB's JavaScript (@duckdb/node-api, @duckdb/node-bindings) is bundled; only vscode and the native binding
// packages (@duckdb/node-bindings-<platform>/duckdb.node, a real file) stay external, so .vscodeignore ships
// dist/ plus the binding and no other node_modules file.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/**
 * Libraries the language server needs only on some requests (DuckDB, S3, the local catalog's router, Avro, tar,
 * sql-formatter) are bundled apart into dist/vendor/ and required from there on first use: a cold start then reads and
 * compiles 2.7 MB instead of 5.6 MB (issue #18, ~0.1 s of CPU). The packages of one group share one copy (lib-storage
 * drives client-s3's classes). The CLI stays one file.
 */
const VENDOR = { aws: ['@aws-sdk/client-s3', '@aws-sdk/lib-storage'], duckdb: ['@duckdb/node-api'], 'sql-formatter': ['sql-formatter'], avsc: ['avsc'], 'find-my-way': ['find-my-way'], tar: ['tar'] };
const vendorGroup = new Map(Object.entries(VENDOR).flatMap(([group, packages]) => packages.map((p) => [p, group])));

const vendorPlugin = {
  name: 'vendor',
  setup(build) {
    build.onResolve({ filter: /^[@\w]/ }, (args) => (vendorGroup.has(args.path) ? { path: args.path, namespace: 'vendor' } : undefined));
    build.onResolve({ filter: /^\.\/vendor\// }, (args) => (args.namespace === 'vendor' ? { path: args.path, external: true } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`./vendor/${vendorGroup.get(args.path)}.js`)})[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
  },
};

const vendorEntries = Object.entries(VENDOR).map(([group, packages]) => ({
  stdin: { contents: `module.exports = {${packages.map((p) => `${JSON.stringify(p)}: require(${JSON.stringify(p)})`).join(', ')}};`, resolveDir: root, sourcefile: `vendor-${group}.js`, loader: 'js' },
  outfile: path.join(outdir, 'vendor', `${group}.js`),
}));

const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: path.join(outdir, 'client.js') },
  // server.js starts server-main.js through V8's code cache (server/src/lsp/boot.ts): a start skips most compiling.
  // Its import() calls become require: Node 20 loses a cached script's import() callback (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
  { entryPoints: ['server/src/lsp/boot.ts'], outfile: path.join(outdir, 'server.js') },
  { entryPoints: ['server/src/lsp/main.ts'], outfile: path.join(outdir, 'server-main.js'), plugins: [vendorPlugin], supported: { 'dynamic-import': false } },
  { entryPoints: ['server/src/cli/main.ts'], outfile: path.join(outdir, 'cli.js'), banner: { js: '#!/usr/bin/env node' } },
  // The local catalog's metadata worker thread, started from cli.js and server.js beside it (metadata-codec.ts).
  { entryPoints: ['server/src/catalog/local/metadata-worker.ts'], outfile: path.join(outdir, 'metadata-worker.js') },
  // Binding worker threads (server/src/sql/bindPool.ts), started from cli.js and server.js beside it.
  { entryPoints: ['server/src/sql/bindWorker.ts'], outfile: path.join(outdir, 'bind-worker.js') },
  // The read-ahead worker thread (server/src/project/readAhead.ts): a large project's files read, and schema YAML parsed.
  { entryPoints: ['server/src/project/readAheadWorker.ts'], outfile: path.join(outdir, 'read-ahead-worker.js') },
].filter((e) => existsSync(path.join(root, e.entryPoints[0]))).concat(vendorEntries);

if (watch) {
  for (const e of entries) await (await esbuild.context({ ...common, ...e })).watch();
} else {
  await Promise.all([...entries.map((e) => esbuild.build({ ...common, ...e })), buildMedia({ production, outdir: path.join(outdir, 'media') })]);
  asciiOnly(path.join(outdir, 'server-main.js'));
}

/**
 * The server bundle in ASCII: esbuild escapes non-ASCII in code but keeps comments as written (a `→` in a field's doc
 * comment), and one such character makes the start decode the 2.8 MB bundle as UTF-8 into a two-byte string
 * (util/codeCache.ts), several times the cost of latin1. Rewritten only where every such character sits on a comment
 * line, so no string or regex can change; a comment line has no code after it, so the source map still lines up.
 */
function asciiOnly(file) {
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  let changed = false;
  for (const [i, line] of lines.entries()) {
    if (!/[^\x00-\x7f]/.test(line)) continue;
    if (!/^\s*(\/\/|\/\*|\*)/.test(line) || (line.includes('*/') && !/\*\/\s*$/.test(line))) return;
    lines[i] = line.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    changed = true;
  }
  if (changed) writeFileSync(file, lines.join('\n'));
}
