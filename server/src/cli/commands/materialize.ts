// floe materialize PROJECT_DIR [--select ...] [--exclude ...]: writes the selected gold models into their Iceberg tables.
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../command';
import { materialize, type MaterializedModel } from '../../run/materialize';
import { loadProject, withLakehouse } from '../project-args';
import { reportSelection, selectionArgs, SELECTION_OPTIONS, SELECTION_USAGE } from '../selection-args';
import { startBuildLineage } from '../../openlineage/build-lineage';
import { newInvocation } from '../../artifacts/metadata';

const USAGE = `usage: floe materialize PROJECT_DIR ${SELECTION_USAGE} [--format json|text]`;

export const materializeCommand: CliCommand = {
  summary: 'write gold models (materialized external/table/incremental) into their Iceberg tables',
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...SELECTION_OPTIONS, format: { type: 'string' } } });
    const format = values.format ?? 'text';
    if (format !== 'json' && format !== 'text') throw new UsageError(`--format must be json or text\n${USAGE}`);
    if (positionals.length !== 1) throw new UsageError(`expected PROJECT_DIR\n${USAGE}`);
    const project = loadProject(positionals[0], USAGE);
    const selection = selectionArgs(project, values, USAGE);
    return withLakehouse(project, async (lakehouse) => {
      // OpenLineage as for floe run: the invocation, then START and COMPLETE/FAIL per model written.
      const lineage = startBuildLineage(project, lakehouse, newInvocation({ which: 'materialize', ...values }), (message) => io.err(`${message}\n`));
      const started = new Map<string, string>();
      try {
        const results = await materialize(project, lakehouse, selection, {
          onSelectionWarning: (p) => reportSelection(io, 'materialize', [p]),
          onModel: (model, i, n) => {
            io.err(`[${i + 1}/${n}] ${model}\n`);
            started.set(model, new Date().toISOString());
            lineage?.modelStarted(model, started.get(model)!);
          },
          onModelDone: (model, written, error) => lineage?.modelFinished(model, started.get(model)!, written, error),
        });
        await lineage?.finish(true);
        io.out(format === 'json' ? `${JSON.stringify(results)}\n` : materializeSummary(results));
        return 0;
      } catch (e) {
        await lineage?.finish(false, e instanceof Error ? e.message : String(e));
        throw e;
      }
    });
  },
};

/** One line per written model. */
export function materializeSummary(results: MaterializedModel[]): string {
  return results.map((r) => `${r.model} → ${r.table}: snapshot ${r.snapshot_id}, ${r.rows} rows, ${r.files} file(s), ${r.ms} ms\n`).join('');
}
