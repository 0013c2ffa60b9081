// floe materialize PROJECT_DIR [--select ...] [--exclude ...]: writes the selected gold models into their Iceberg tables.
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../command';
import { materialize, type MaterializedModel } from '../../run/materialize';
import { loadProject, withLakehouse } from '../project-args';
import { reportSelection, selectionArgs, SELECTION_OPTIONS, SELECTION_USAGE } from '../selection-args';

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
      const results = await materialize(project, lakehouse, selection, {
        onSelectionWarning: (p) => reportSelection(io, 'materialize', [p]),
        onModel: (model, i, n) => io.err(`[${i + 1}/${n}] ${model}\n`),
      });
      io.out(format === 'json' ? `${JSON.stringify(results)}\n` : materializeSummary(results));
      return 0;
    });
  },
};

/** One line per written model. */
export function materializeSummary(results: MaterializedModel[]): string {
  return results.map((r) => `${r.model} → ${r.table}: snapshot ${r.snapshot_id}, ${r.rows} rows, ${r.files} file(s), ${r.ms} ms\n`).join('');
}
