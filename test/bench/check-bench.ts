// `floe check` cold on a generated project shaped like real ones (1,240 models over a root project and packages,
// dispatch, dbt built-ins): the CLI as CI runs it, static checks and rendering of every model (--no-bind: binding
// is issue #18's figure). The project checks clean, so a regression that adds false errors also fails here.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { generatePackagedProject } from '../helpers/generatePackagedProject';
import { summarize } from './measure';
import type { Measured } from './figures';
import { pathToFileURL } from 'node:url';
import { Server } from './lsp-bench';

const REPO = path.resolve(__dirname, '../..');

export async function checkFigures(dir: string, models: number, runs: number): Promise<Measured[]> {
  const root = path.join(dir, 'packaged-project');
  generatePackagedProject(root, models);
  const wall: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const out = execFileSync(process.execPath, [path.join(REPO, 'dist/cli.js'), 'check', root, '--no-bind', '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    wall.push(Number(process.hrtime.bigint() - started) / 1e6);
    const report = JSON.parse(out) as { diagnostics: Array<{ file: string; message: string }> };
    if (report.diagnostics.length) throw new Error(`floe check found ${report.diagnostics.length} problems in a project dbt compiles, e.g. ${report.diagnostics[0].file}: ${report.diagnostics[0].message}`);
  }
  // The editor on the same project: server start to the first diagnostics of a root model answered.
  const first: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const server = await Server.start(root);
    try {
      const diags = await server.diagnostics(pathToFileURL(path.join(root, 'models', 'shop_m10.sql')).toString());
      first.push(performance.now() - started);
      if (diags.length) throw new Error(`the language server found problems in a project dbt compiles: ${diags.map((d) => d.message).join('; ')}`);
    } finally {
      await server.stop();
    }
  }
  const size = models === 1240 ? undefined : `${models} models`;
  return [
    { name: 'check_packages_1240_ms', summary: summarize(wall), size },
    { name: 'ls_first_diagnostics_1240_ms', summary: summarize(first), size },
  ];
}
