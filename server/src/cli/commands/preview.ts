// floe preview PROJECT_DIR MODEL: runs a model over its upstream chain with a row limit and prints the rows.
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../command';
import { formatResult, RESULT_FORMATS, type ResultFormat } from '../../engine/results';
import { preparePreview } from '../../run/preview';
import { loadProject, withLakehouse } from '../project-args';

const USAGE = 'usage: floe preview PROJECT_DIR MODEL [--limit N] [--format json|csv|table]';

export const previewCommand: CliCommand = {
  summary: 'run a model over its upstream chain (row-limited) and print the rows',
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { limit: { type: 'string' }, format: { type: 'string' } } });
    const format = (values.format ?? 'table') as ResultFormat;
    if (!RESULT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${RESULT_FORMATS.join(', ')}\n${USAGE}`);
    const limit = values.limit === undefined ? 100 : Number(values.limit);
    if (!Number.isSafeInteger(limit) || limit < 0) throw new UsageError(`--limit must be a whole number\n${USAGE}`);
    if (positionals.length !== 2) throw new UsageError(`expected PROJECT_DIR and MODEL\n${USAGE}`);
    const project = loadProject(positionals[0], USAGE);
    return withLakehouse(project, async (lakehouse) => {
      const preview = await preparePreview(project, lakehouse, { model: positionals[1], limit });
      try {
        const result = await preview.guard(() => preview.run.session.query(preview.sql));
        io.out(formatResult(result, format));
        return 0;
      } finally {
        await preview.run.close();
      }
    });
  },
};
