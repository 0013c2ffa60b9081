// floe demo [DIR]: the main job end to end on the local lakehouse — bronze Iceberg tables, a staging
// preview, every gold mart materialized, the data tests run, then the marts' first rows read back from the catalog.
// Without DIR it runs in a working copy of the shipped demo project (demo-working-copy.ts).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand, type CliIO } from '../command';
import { formatTable } from '../../engine/results';
import { DuckSession } from '../../engine/session';
import { registerIcebergTable } from '../../engine/read/register-table';
import { preparePreview } from '../../run/preview';
import { materialize } from '../../run/materialize';
import { DEMO_SIZES, writeDemoBronze, type DemoSize } from '../../run/demo-bronze';
import { parseTableIdentifier } from '../../run/model-chain';
import { loadProject, withLakehouse } from '../project-args';
import { materializeSummary } from './materialize';
import { dataTestExitCode, dataTestReport } from './test';
import { projectDataTests } from '../../project/dataTests';
import { runDataTests } from '../../run/data-tests';
import { besideCli, demoWorkingCopyDir, refreshDemoWorkingCopy, shippedDemo } from '../demo-working-copy';

const USAGE = 'usage: floe demo [DIR] [--size small|medium|large] [--rows N] [--editor]';
const PREVIEW_MODEL = 'stg_customers';

export const demoCommand: CliCommand = {
  summary: 'run the example project end to end on the local lakehouse',
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { size: { type: 'string' }, rows: { type: 'string' }, editor: { type: 'boolean' } } });
    const size = sizeOf(values.size, values.rows);
    const project = loadProject(positionals[0] !== undefined ? path.resolve(positionals[0]) : workingCopy(io), USAGE);
    const started = performance.now();
    const code = await withLakehouse(project, async (lakehouse) => {
      const step = (text: string) => io.out(`\n== ${text}\n`);
      io.out(`Floe demo: ${project.root}\nLakehouse: ${lakehouse.kind} catalog ${lakehouse.uri} (warehouse '${lakehouse.warehouse}')\n`);

      step(`Writing bronze Iceberg tables (${size.customers} customers, ${size.orders} orders, ${size.products} products)`);
      for (const b of await writeDemoBronze(lakehouse, path.join(project.root, 'bronze'), size)) {
        io.out(`demo.bronze.${b.name}: snapshot ${b.snapshotId}, ${b.rows} rows, ${b.files} file(s)\n`);
      }

      step(`Previewing staging model ${PREVIEW_MODEL} (first 5 rows)`);
      const preview = await preparePreview(project, lakehouse, { model: PREVIEW_MODEL, limit: 5 });
      try {
        io.out(formatTable(await preview.guard(() => preview.run.session.query(preview.sql))));
      } finally {
        await preview.run.close();
      }

      step('Materializing gold marts');
      const results = await materialize(project, lakehouse, undefined);
      io.out(materializeSummary(results));

      const tests = projectDataTests(project);
      step(`Running ${tests.length} data tests (schema.yml and tests/)`);
      const testResults = await runDataTests(project, lakehouse, tests);
      io.out(dataTestReport(tests, testResults));
      const testsFailed = dataTestExitCode(tests, testResults);

      step('Gold tables, read back from the catalog');
      await printGold(lakehouse, results.map((r) => r.table), io);
      io.out(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s.\n`);
      return testsFailed;
    });
    return code === 0 && values.editor ? openEditor(project.root, io) : code;
  },
};

/** No folder given: a fresh working copy of the shipped demo project, so the checkout's demo/ stays as shipped. */
function workingCopy(io: CliIO): string {
  const source = shippedDemo();
  if (!source) throw new UsageError(`no folder given and no demo project beside this floe: pass the project folder\n${USAGE}`);
  const target = demoWorkingCopyDir();
  refreshDemoWorkingCopy(source, target);
  io.out(`Working copy of ${source}: ${target}\n(made afresh on each run; \`floe demo DIR\` runs in DIR instead)\n`);
  return target;
}

/** --editor: hands over to server/tools/demo-editor.mjs (code-server with Floe), or says how to run it. */
function openEditor(dir: string, io: CliIO): Promise<number> {
  const script = besideCli(path.join('server', 'tools', 'demo-editor.mjs'));
  if (!script) {
    io.out(`\nTo try the project in VS Code, run from the Floe repository:\n  node server/tools/demo-editor.mjs ${dir}\n`);
    return Promise.resolve(0);
  }
  io.out('\n== Opening the demo project in VS Code (code-server)\n');
  const child = spawn(process.execPath, [script, dir], { stdio: 'inherit' });
  // Ctrl+C reaches the script too (same terminal); it stops code-server and exits, and so do we. A SIGTERM sent to us
  // alone is passed on, so code-server never outlives the command.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  return new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
}

async function printGold(lakehouse: Awaited<Parameters<Parameters<typeof withLakehouse>[1]>[0]>, tables: string[], io: CliIO): Promise<void> {
  const session = await DuckSession.open();
  try {
    for (const table of tables) {
      const loaded = await lakehouse.catalog.loadTable(parseTableIdentifier(table));
      const relation = await registerIcebergTable(session, 'gold_preview', loaded, { s3: lakehouse.s3, tableName: table });
      const count = await session.query('SELECT count(*) AS n FROM gold_preview');
      io.out(`\n${table} — ${count.rows[0][0]} rows, snapshot ${relation.snapshotId}\n  metadata: ${loaded.metadataLocation}\n`);
      io.out(formatTable(await session.query('SELECT * FROM gold_preview LIMIT 3')));
    }
  } finally {
    session.close();
  }
}

function sizeOf(size: string | undefined, rows: string | undefined): DemoSize {
  if (rows !== undefined) {
    const n = Number(rows);
    if (!Number.isSafeInteger(n) || n < 10) throw new UsageError(`--rows must be a whole number ≥ 10\n${USAGE}`);
    return { customers: Math.max(10, Math.floor(n / 5)), orders: n, products: Math.max(10, Math.floor(n / 25)) };
  }
  const chosen = DEMO_SIZES[size ?? 'small'];
  if (!chosen) throw new UsageError(`--size must be one of ${Object.keys(DEMO_SIZES).join(', ')}\n${USAGE}`);
  return chosen;
}

