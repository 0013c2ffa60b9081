// server/tools/host-vsix.mjs repackages the editor's VSIX only when what it is made from changes: the fingerprint of a
// checkout follows its sources and shipped files, and ignores node_modules and files that do not ship.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const moduleUrl = pathToFileURL(path.resolve(__dirname, '../../server/tools/host-vsix.mjs')).href;
const load = (): Promise<{ inputsFingerprint(from: string): string }> => import(moduleUrl);

const checkout = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-host-vsix-'));
after(() => fs.rmSync(checkout, { recursive: true, force: true }));

function write(rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(checkout, rel)), { recursive: true });
  fs.writeFileSync(path.join(checkout, rel), text);
}

test('the fingerprint changes with a source, a manifest or a shipped file, and not with node_modules or other files', async () => {
  const { inputsFingerprint } = await load();
  write('client/src/extension.ts', 'export {};\n');
  write('server/src/lsp/main.ts', 'export {};\n');
  write('package.json', '{"name":"floe"}\n');
  write('docs/README.vsix.md', '# Floe\n');
  write('server/node_modules/x/index.js', '1');
  const first = inputsFingerprint(checkout);
  assert.match(first, /^[0-9a-f]{64}$/);

  write('server/node_modules/x/index.js', '2');
  write('docs/architecture.md', 'not shipped');
  write('test/unit/a.test.ts', 'not shipped');
  assert.equal(inputsFingerprint(checkout), first, 'node_modules, docs other than the VSIX README and tests do not count');

  for (const [rel, text] of [['server/src/lsp/main.ts', 'export const x = 1;\n'], ['package.json', '{"name":"floe","version":"2"}\n'],
    ['docs/README.vsix.md', '# Floe 2\n'], ['media/walkthrough/new.md', 'new']]) {
    const before = inputsFingerprint(checkout);
    write(rel, text);
    assert.notEqual(inputsFingerprint(checkout), before, `${rel} counts`);
  }
  // A renamed file with the same content is a different input.
  const before = inputsFingerprint(checkout);
  fs.renameSync(path.join(checkout, 'client/src/extension.ts'), path.join(checkout, 'client/src/main.ts'));
  assert.notEqual(inputsFingerprint(checkout), before);
});
