// `--select` / `--exclude` / `--selector` for every command that selects nodes: the parseArgs options, the request
// they make (a `--selector` or the `default: true` one from the project's selectors.yml), and their problems:
// syntax errors stop the command as usage errors; criteria that matched nothing are warnings.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError, type CliIO } from './command';
import type { DbtProject } from '../project/project';
import { selectionSyntaxProblems, type SelectionProblem, type SelectionRequest } from '../selection/select';
import { parseYamlSelectors, yamlSelector } from '../selection/yamlSelectors';

export const SELECTION_OPTIONS = {
  select: { type: 'string', short: 's', multiple: true },
  exclude: { type: 'string', multiple: true },
  selector: { type: 'string' },
} as const;

export const SELECTION_USAGE = "[--select 'SELECTOR ...'] [--exclude 'SELECTOR ...'] [--selector NAME]";

export interface SelectionFlags {
  select?: string[];
  exclude?: string[];
  selector?: string;
}

/** The request the flags make for this project; bad syntax or an unknown selector is a usage error naming it. */
export function selectionArgs(project: DbtProject, flags: SelectionFlags, usage: string): SelectionRequest {
  const request = { select: flags.select ?? [], exclude: flags.exclude ?? [] };
  const fail = (problems: SelectionProblem[]) => new UsageError(`${problems.map((p) => p.message).join('\n')}\n${usage}`);
  const errors = selectionSyntaxProblems(request);
  if (errors.length) throw fail(errors);
  const given = request.select.length > 0 || request.exclude.length > 0;
  if (flags.selector !== undefined && given) throw new UsageError(`--selector cannot be combined with --select or --exclude\n${usage}`);
  if (given) return request;
  const file = path.join(project.root, 'selectors.yml');
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    if (flags.selector !== undefined) throw new UsageError(`--selector ${flags.selector}: ${project.name} has no selectors.yml (${file})`);
    return request;
  }
  const selectors = parseYamlSelectors(file, text);
  if (selectors.problems.length) throw fail(selectors.problems);
  const name = flags.selector ?? [...selectors.selectors.values()].find((s) => s.default)?.name;
  if (name === undefined) return request;
  const definition = yamlSelector(selectors, name);
  if ('message' in definition) throw fail([definition]);
  return { definition: { op: 'union', members: [definition], expect: `selector:${name}` } };
}

/** Warnings to stderr, as dbt prints them; errors (if any slipped through) stop the command. */
export function reportSelection(io: CliIO, command: string, problems: readonly SelectionProblem[]): void {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new UsageError(errors.map((p) => p.message).join('\n'));
  for (const p of problems) io.err(`floe ${command}: warning: ${p.message}\n`);
}
