// Prepares a throwaway copy of the project the e2e tests open (tests edit files), under .test-artifacts/.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// FLOE_E2E_ARTIFACTS gives a run its own folder, so two runs on one checkout never share state.
export const artifactsDir = process.env.FLOE_E2E_ARTIFACTS ? path.resolve(process.env.FLOE_E2E_ARTIFACTS) : path.join(root, '.test-artifacts');
export const screenshotsDir = path.join(artifactsDir, 'screenshots');

/** The demo project when present; the tests are written against its models. */
export function sourceProject() {
  const demo = path.join(root, 'demo');
  if (existsSync(path.join(demo, 'dbt_project.yml'))) return demo;
  throw new Error('demo/dbt_project.yml is missing: the e2e tests open the demo project');
}

/**
 * Fresh copy of the demo project under .test-artifacts/e2e/workspace/NAME/demo, without generated state (.floe/,
 * target/): a lakehouse is tied to its folder (the local catalog keeps tables under its own warehouse), so each copy
 * is seeded on its own. Returns its absolute path.
 */
export function prepareWorkspace(name = 'main') {
  const dir = path.join(artifactsDir, 'e2e', 'workspace', name, 'demo');
  rmSync(path.dirname(dir), { recursive: true, force: true });
  mkdirSync(path.dirname(dir), { recursive: true });
  cpSync(sourceProject(), dir, {
    recursive: true,
    filter: (src) => !/[\\/](\.floe|target|dbt_packages|logs)([\\/]|$)/.test(path.relative(root, src)),
  });
  return dir;
}

// A second, tiny dbt project for the multi-root workspace; its model names differ from the demo's on purpose.
const shopProject = {
  'dbt_project.yml': "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\nmodel-paths: ['models']\n",
  'profiles.yml': "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n",
  'models/shop_customers.sql': "select 1 as customer_id, 'Ada' as name\n",
  'models/shop_customer_count.sql': "select count(*) as customers\nfrom {{ ref('shop_customers') }}\n",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: shop_customers\n    columns:\n      - name: customer_id\n        data_tests:\n          - not_null\n',
  // an installed package with a test of its own: the Test Explorer lists it under the package, and runs it
  'dbt_packages/shop_checks/dbt_project.yml': "name: shop_checks\nversion: '1.0.0'\nconfig-version: 2\n",
  'dbt_packages/shop_checks/models/shop_calendar.sql': 'select 1 as day_id\n',
  'dbt_packages/shop_checks/models/schema.yml': 'version: 2\nmodels:\n  - name: shop_calendar\n    columns:\n      - name: day_id\n        data_tests: [unique]\n',
};

/** A .code-workspace with the demo copy and the small shop project as two roots. Returns the file's path. */
export function prepareMultiRootWorkspace(demoDir) {
  const base = path.join(artifactsDir, 'e2e', 'workspace');
  const shop = path.join(base, 'shop');
  rmSync(shop, { recursive: true, force: true });
  for (const [rel, text] of Object.entries(shopProject)) {
    mkdirSync(path.dirname(path.join(shop, rel)), { recursive: true });
    writeFileSync(path.join(shop, rel), text);
  }
  const file = path.join(base, 'multi.code-workspace');
  writeFileSync(file, JSON.stringify({ folders: [{ path: demoDir }, { path: shop }], settings: {} }, null, 2));
  return file;
}

/**
 * Builds the demo lakehouse in the workspace copy with `floe demo DIR` (bronze tables, marts), so sources have schemas.
 * Returns false, with the reason, when the CLI cannot do it (yet); tests that need the lakehouse then skip.
 */
export function seedLakehouse(dir) {
  const r = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), 'demo', dir], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status === 0) return { seeded: true };
  const reason = (r.stderr || r.stdout || String(r.error ?? `exit ${r.status}`)).trim().split('\n').pop();
  return { seeded: false, reason };
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(prepareWorkspace() + '\n');
