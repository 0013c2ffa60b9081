// Runs the extension-host suite in a downloaded desktop VS Code (@vscode/test-electron), for machines with internet.
// This machine cannot download VS Code; `npm run test:e2e` (code-server) is the path that runs here and in CI.
// Usage: npx tsx test/e2e/electron.ts   (builds first: npm run build)
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(__dirname, '../..');

async function main(): Promise<void> {
  execFileSync(process.execPath, [path.join(root, 'test/e2e/build.mjs')], { stdio: 'inherit' });
  const workspace = execFileSync(process.execPath, [path.join(root, 'test/e2e/workspace.mjs')], { encoding: 'utf8' }).trim();
  const userData = mkdtempSync(path.join(os.tmpdir(), 'floe-e2e-user-'));
  await runTests({
    version: 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'dist/test/e2e/suite/index.js'),
    extensionTestsEnv: { FLOE_E2E_RESULTS: path.join(root, '.test-artifacts/e2e/electron-results.json') },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--user-data-dir', userData],
  });
}

main().catch((err: unknown) => {
  console.error(`e2e (electron): ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
