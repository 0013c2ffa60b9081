// dbt's command-line flags shared by floe run, build, seed, ls, test and compile: --project-dir (default: the current
// folder, or DBT_PROJECT_DIR), --profiles-dir (DBT_PROFILES_DIR), --target/-t (DBT_TARGET), --vars (YAML), --target-path
// (DBT_TARGET_PATH, default target), --threads (accepted; Floe builds one node at a time in one DuckDB session).
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { UsageError } from './command';
import { loadProject } from './project-args';
import type { DbtProject } from '../project/project';

export const DBT_OPTIONS = {
  'project-dir': { type: 'string' },
  'profiles-dir': { type: 'string' },
  target: { type: 'string', short: 't' },
  vars: { type: 'string' },
  'target-path': { type: 'string' },
  threads: { type: 'string' },
} as const;

export const DBT_USAGE = '[--project-dir DIR] [--profiles-dir DIR] [--target NAME] [--vars YAML] [--target-path DIR] [--threads N]';

export interface DbtFlags {
  'project-dir'?: string;
  'profiles-dir'?: string;
  target?: string;
  vars?: string;
  'target-path'?: string;
  threads?: string;
}

/** Flags that take several values, as dbt's nargs='+': `--select a b` is `--select a --select b`. */
const MULTI_VALUE = new Set(['--select', '-s', '--exclude', '--resource-type', '--output-keys']);

/** The arguments with dbt's multi-value flags split into one flag per value, for parseArgs (these commands take no positionals). */
export function expandMultiValueFlags(args: readonly string[]): string[] {
  const out: string[] = [];
  let flag: string | undefined;
  for (const arg of args) {
    if (arg.startsWith('-')) {
      const name = arg.split('=')[0];
      flag = MULTI_VALUE.has(name) ? name : undefined;
      out.push(arg);
    } else if (flag && out[out.length - 1] !== flag) {
      out.push(flag, arg);
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Loads the project the flags name, with their profiles folder, target and vars; mistakes are usage errors. */
export function dbtProject(flags: DbtFlags, usage: string, env: NodeJS.ProcessEnv = process.env, dir?: string): DbtProject {
  const projectEnv = { ...env };
  const profilesDir = flags['profiles-dir'];
  if (profilesDir !== undefined) {
    const file = path.resolve(profilesDir, 'profiles.yml');
    if (!fs.existsSync(file)) throw new UsageError(`--profiles-dir ${profilesDir} has no profiles.yml (${file})\n${usage}`);
    projectEnv.DBT_PROFILES_DIR = path.resolve(profilesDir);
  }
  if (flags.target !== undefined) projectEnv.DBT_TARGET = flags.target;
  if (flags.threads !== undefined && !/^[1-9]\d*$/.test(flags.threads)) throw new UsageError(`--threads must be a positive whole number, got '${flags.threads}'\n${usage}`);
  const vars = flags.vars === undefined ? undefined : parseVars(flags.vars, usage);
  const project = loadProject(dir ?? flags['project-dir'] ?? env.DBT_PROJECT_DIR ?? '.', usage, projectEnv);
  const outputs = project.profiles?.profiles[project.settings.profile ?? '']?.outputs;
  if (flags.target !== undefined && outputs && !(flags.target in outputs)) {
    throw new UsageError(`--target ${flags.target}: profile '${project.settings.profile}' in ${project.profilesFile} has no such target (it has ${Object.keys(outputs).join(', ') || 'none'})\n${usage}`);
  }
  if (vars) project.setCommandLineVars(vars);
  return project;
}

/** `--vars '{key: value}'` (YAML or JSON) as dbt reads it: a mapping, or nothing at all. */
export function parseVars(text: string, usage: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = YAML.parse(text);
  } catch (e) {
    throw new UsageError(`--vars is not valid YAML: ${(e as Error).message.split('\n')[0]}\n${usage}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`--vars must be a YAML mapping such as '{key: value}', got '${text}'\n${usage}`);
  return value as Record<string, unknown>;
}

/** Where target/ artifacts go: --target-path, DBT_TARGET_PATH, dbt_project.yml's target-path, else `target` (under the project). */
export function targetPathOf(project: DbtProject, flags: DbtFlags, env: NodeJS.ProcessEnv = process.env): string {
  const given = flags['target-path'] ?? env.DBT_TARGET_PATH ?? project.settings.targetPath ?? 'target';
  return path.resolve(project.root, given);
}
