// `--select` / `--exclude` / `--selector` for every command that selects nodes: the parseArgs options, the request
// they make (a `--selector` or the `default: true` one from the project's selectors.yml), and their problems:
// syntax errors stop the command as usage errors; criteria that matched nothing are warnings.
import path from 'node:path';
import { UsageError, type CliIO } from './command';
import type { DbtProject } from '../project/project';
import { selectionSyntaxProblems, yamlSelectorRequest, type IndirectSelection, type SelectionProblem, type SelectionRequest } from '../selection/select';
import { INDIRECT_SELECTIONS } from '../selection/syntax';
import { unresolvedDataTests } from '../project/dataTests';

export const SELECTION_OPTIONS = {
  select: { type: 'string', short: 's', multiple: true },
  exclude: { type: 'string', multiple: true },
  selector: { type: 'string' },
  'indirect-selection': { type: 'string' },
} as const;

export const SELECTION_USAGE = "[--select 'SELECTOR ...'] [--exclude 'SELECTOR ...'] [--selector NAME] [--indirect-selection eager|cautious|buildable|empty]";

export interface SelectionFlags {
  select?: string[];
  exclude?: string[];
  selector?: string;
  'indirect-selection'?: string;
}

/** The request the flags make for this project; bad syntax or an unknown selector is a usage error naming it. */
export function selectionArgs(project: DbtProject, flags: SelectionFlags, usage: string): SelectionRequest {
  const indirectSelection = indirectMode(flags['indirect-selection'] ?? process.env.DBT_INDIRECT_SELECTION, usage);
  const request = { select: flags.select ?? [], exclude: flags.exclude ?? [], ...(indirectSelection ? { indirectSelection } : {}) };
  const fail = (problems: SelectionProblem[]) => new UsageError(`${problems.map((p) => p.message).join('\n')}\n${usage}`);
  const errors = selectionSyntaxProblems(request);
  if (errors.length) throw fail(errors);
  const given = request.select.length > 0 || request.exclude.length > 0;
  if (flags.selector !== undefined && given) throw new UsageError(`--selector cannot be combined with --select or --exclude\n${usage}`);
  if (given) return request;
  const yaml = yamlSelectorRequest(project, flags.selector);
  if (Array.isArray(yaml)) throw fail(yaml);
  return yaml ? { ...yaml, ...(indirectSelection ? { indirectSelection } : {}) } : request;
}

/** `--indirect-selection` (or dbt's DBT_INDIRECT_SELECTION), checked. */
function indirectMode(value: string | undefined, usage: string): IndirectSelection | undefined {
  if (value === undefined || value === '') return undefined;
  const mode = value.toLowerCase() as IndirectSelection;
  if (!INDIRECT_SELECTIONS.includes(mode)) throw new UsageError(`--indirect-selection must be one of ${INDIRECT_SELECTIONS.join(', ')}, not '${value}'\n${usage}`);
  return mode;
}

/** Warnings to stderr, as dbt prints them; errors (if any slipped through) stop the command. */
export function reportSelection(io: CliIO, command: string, problems: readonly SelectionProblem[]): void {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new UsageError(errors.map((p) => p.message).join('\n'));
  for (const p of problems) io.err(`floe ${command}: warning: ${p.message}\n`);
}

/**
 * A warning to stderr for each test dbt drops because a ref or source names no node, as dbt warns when it parses
 * (NodeNotFoundOrDisabled); such a test is in no selection, run or manifest.
 */
export function reportUnresolvedTests(io: CliIO, command: string, project: DbtProject): void {
  for (const t of unresolvedDataTests(project)) {
    if (!t.warns) continue; // a test of a disabled node: dbt drops it silently
    io.err(`floe ${command}: warning: test ${t.name} (${path.relative(project.root, t.file)}): ${t.reason}; dbt skips it\n`);
  }
}
