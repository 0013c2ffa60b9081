// Mocha entry run inside the extension host (test-electron or code-server). The window may not close when tests end,
// so results also go to a JSON file: FLOE_E2E_RESULTS, or results.json next to this bundle.
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

export interface SuiteResults {
  passed: number;
  failed: number;
  tests: Array<{ title: string; state: 'passed' | 'failed' | 'skipped'; durationMs: number; error?: string }>;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, grep: process.env.FLOE_E2E_GREP });
  for (const f of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));
  const resultsFile = process.env.FLOE_E2E_RESULTS ?? path.join(__dirname, 'results.json');
  const results: SuiteResults = { passed: 0, failed: 0, tests: [] };
  return new Promise((resolve, reject) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failures) => {
        writeFileSync(resultsFile, JSON.stringify(results, null, 2));
        if (failures > 0) reject(new Error(`${failures} e2e test(s) failed`));
        else resolve();
      });
    } catch (err) {
      // A test file that throws while loading: say so at once, instead of the runner waiting minutes for results.
      const error = err instanceof Error ? err.stack ?? err.message : String(err);
      writeFileSync(resultsFile, JSON.stringify({ passed: 0, failed: 1, tests: [{ title: 'loading the suite', state: 'failed', durationMs: 0, error }] }, null, 2));
      return reject(err);
    }
    runner.on('pass', (t) => {
      results.passed++;
      results.tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration ?? 0 });
    });
    runner.on('pending', (t) => {
      results.tests.push({ title: t.fullTitle(), state: 'skipped', durationMs: 0 });
    });
    runner.on('fail', (t, err: Error) => {
      results.failed++;
      results.tests.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration ?? 0, error: err.stack ?? err.message });
    });
  });
}
