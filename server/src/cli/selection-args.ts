// `--select` / `--exclude` for every command that selects nodes: the parseArgs options, the request they make,
// and their problems (syntax errors stop the command as usage errors; criteria that matched nothing are warnings).
import { UsageError, type CliIO } from './command';
import { selectionSyntaxProblems, type SelectionProblem, type SelectionRequest } from '../selection/select';

export const SELECTION_OPTIONS = {
  select: { type: 'string', short: 's', multiple: true },
  exclude: { type: 'string', multiple: true },
} as const;

export const SELECTION_USAGE = "[--select 'SELECTOR ...'] [--exclude 'SELECTOR ...']";

/** The request from parsed options; bad syntax is a usage error naming the criterion. */
export function selectionArgs(values: { select?: string[]; exclude?: string[] }, usage: string): SelectionRequest {
  const request = { select: values.select ?? [], exclude: values.exclude ?? [] };
  const errors = selectionSyntaxProblems(request);
  if (errors.length) throw new UsageError(`${errors.map((p) => p.message).join('\n')}\n${usage}`);
  return request;
}

/** Warnings to stderr, as dbt prints them; errors (if any slipped through) stop the command. */
export function reportSelection(io: CliIO, command: string, problems: readonly SelectionProblem[]): void {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new UsageError(errors.map((p) => p.message).join('\n'));
  for (const p of problems) io.err(`floe ${command}: warning: ${p.message}\n`);
}
