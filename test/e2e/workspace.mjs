// Prepares a throwaway copy of the project the e2e tests open (tests edit files), under .test-artifacts/.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const artifactsDir = path.join(root, '.test-artifacts');
export const screenshotsDir = path.join(artifactsDir, 'screenshots');

/** The demo project when present; the tests are written against its models. */
export function sourceProject() {
  const demo = path.join(root, 'demo');
  if (existsSync(path.join(demo, 'dbt_project.yml'))) return demo;
  throw new Error('demo/dbt_project.yml is missing: the e2e tests open the demo project');
}

/** Fresh copy of the demo project, without generated state (.floe/, target/). Returns its absolute path. */
export function prepareWorkspace() {
  const dir = path.join(artifactsDir, 'e2e', 'workspace', 'demo');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  cpSync(sourceProject(), dir, {
    recursive: true,
    filter: (src) => !/[\\/](\.floe|target|dbt_packages|logs)([\\/]|$)/.test(path.relative(root, src)),
  });
  return dir;
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(prepareWorkspace() + '\n');
