// `server/tools/package.mjs --target all` builds once and packages the five platform VSIXes; each archive must carry
// its own platform's DuckDB binding (checked by the binaries' header bytes) and no other's, the production bundles,
// the user README, and no sources or tests. Costs about a minute (five vsce runs compressing 15-120 MB bindings) plus,
// on a machine that never packaged, about 110 MB downloaded once into node_modules/.cache/floe-vsix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import JSZip from 'jszip';
import { REPO_ROOT } from '../helpers/demo-copy';
import { binaryFormat } from '../helpers/binary-format';

interface Platform {
  binding: string;
  library: string;
  format: RegExp;
  libraryFormat: RegExp;
}

const PLATFORMS: Record<string, Platform> = {
  'linux-x64': { binding: 'node-bindings-linux-x64', library: 'libduckdb.so', format: /^ELF x86-64$/, libraryFormat: /^ELF x86-64$/ },
  'linux-arm64': { binding: 'node-bindings-linux-arm64', library: 'libduckdb.so', format: /^ELF aarch64$/, libraryFormat: /^ELF aarch64$/ },
  'darwin-x64': { binding: 'node-bindings-darwin-x64', library: 'libduckdb.dylib', format: /^Mach-O x86_64$/, libraryFormat: /^Mach-O (x86_64|universal .*x86_64)/ },
  'darwin-arm64': { binding: 'node-bindings-darwin-arm64', library: 'libduckdb.dylib', format: /^Mach-O arm64$/, libraryFormat: /^Mach-O (arm64|universal .*arm64)/ },
  'win32-x64': { binding: 'node-bindings-win32-x64', library: 'duckdb.dll', format: /^PE x64$/, libraryFormat: /^PE x64$/ },
};
const NATIVE = /\.(node|so|dylib|dll)$/;

let outDir: string;
const zips = new Map<string, JSZip>();

before(async () => {
  outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-vsix-'));
  const r = spawnSync(process.execPath, ['server/tools/package.mjs', '--target', 'all', '--out-dir', outDir], {
    cwd: REPO_ROOT, encoding: 'utf8', timeout: 900_000,
  });
  assert.equal(r.status, 0, `package.mjs failed:\n${r.stdout}\n${r.stderr}`);
  for (const target of Object.keys(PLATFORMS)) {
    zips.set(target, await JSZip.loadAsync(fs.readFileSync(path.join(outDir, `floe-${target}.vsix`))));
  }
}, { timeout: 900_000 });
after(() => fs.rmSync(outDir, { recursive: true, force: true }));

/** The first bytes of an entry, without inflating a 100 MB library whole. */
function head(zip: JSZip, name: string, bytes = 4096): Promise<Uint8Array> {
  const file = zip.file(name);
  assert.ok(file, `${name} is missing`);
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let length = 0;
    const stream = file.nodeStream('nodebuffer');
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= bytes) {
        stream.pause();
        resolve(Buffer.concat(chunks).subarray(0, bytes));
      }
    });
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

const names = (zip: JSZip) => Object.values(zip.files).filter((f) => !f.dir).map((f) => f.name);

for (const [target, platform] of Object.entries(PLATFORMS)) {
  test(`${target}: its own DuckDB binding, in the format of its platform, and no other native binary`, async () => {
    const zip = zips.get(target)!;
    const dir = `extension/node_modules/@duckdb/${platform.binding}/`;
    const modules = names(zip).filter((n) => n.startsWith('extension/node_modules/'));
    assert.deepEqual(modules.sort(), ['LICENSE', 'duckdb.node', platform.library, 'package.json'].map((f) => dir + f).sort());
    assert.deepEqual(names(zip).filter((n) => NATIVE.test(n)).sort(), [dir + 'duckdb.node', dir + platform.library].sort());
    assert.match(binaryFormat(await head(zip, dir + 'duckdb.node')), platform.format);
    assert.match(binaryFormat(await head(zip, dir + platform.library)), platform.libraryFormat);

    const manifest = await zip.file('extension.vsixmanifest')!.async('string');
    assert.match(manifest, new RegExp(`TargetPlatform="${target}"`));
    const pkg = JSON.parse(await zip.file('extension/package.json')!.async('string'));
    assert.deepEqual(Object.keys(pkg.dependencies), [`@duckdb/${platform.binding}`], 'the binding is the only run-time dependency');
    assert.equal(pkg.devDependencies, undefined);
  });

  test(`${target}: production bundles, grammar, media and the user README; no sources, tests or source maps`, async () => {
    const zip = zips.get(target)!;
    const all = names(zip);
    for (const file of ['dist/client.js', 'dist/server.js', 'dist/server-main.js', 'dist/cli.js', 'dist/metadata-worker.js', 'dist/bind-worker.js', 'dist/read-ahead-worker.js', 'dist/vendor/duckdb.js', 'dist/vendor/aws.js', 'dist/media/results.js',
      'syntaxes/jinja-sql.tmLanguage.json', 'media/icon.png', 'package.json', 'LICENSE.txt', 'changelog.md', 'readme.md']) {
      assert.ok(all.includes(`extension/${file}`), `${file} is missing from ${target}`);
    }
    assert.doesNotMatch(await zip.file('extension/dist/server.js')!.async('string'), /sourceMappingURL/, 'a production bundle');
    const strays = all.filter((n) => /\.(ts|map|mjs)$/.test(n) || /^extension\/(client|server|test|demo|docs|\.scratch)\//.test(n));
    assert.deepEqual(strays, []);

    const readme = await zip.file('extension/readme.md')!.async('string');
    assert.equal(readme, fs.readFileSync(path.join(REPO_ROOT, 'docs/README.vsix.md'), 'utf8'), 'the VSIX carries the user README');
    for (const image of readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)) {
      assert.ok(all.includes(`extension/${image[1]}`), `the README shows ${image[1]}, which the VSIX does not carry`);
    }
  });
}
