// dbt's command-line flags shared by floe run, build, seed, ls, test and compile: --project-dir (default: the current
// folder, or DBT_PROJECT_DIR), --profiles-dir (DBT_PROFILES_DIR), --target/-t (DBT_TARGET), --vars (YAML), --target-path
// (DBT_TARGET_PATH, default target), --threads (nodes built at once; default the target's `threads`),
// --profile, --log-format (DBT_LOG_FORMAT), and dbt's global flags that change nothing here (--no-use-colors, ...).
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { UsageError } from './command';
import { loadProject } from './project-args';
import type { DbtProject } from '../project/project';
import { pyYamlBools, toJs } from '../project/yamlNodes';

export const DBT_OPTIONS = {
  'project-dir': { type: 'string' },
  'profiles-dir': { type: 'string' },
  profile: { type: 'string' },
  target: { type: 'string', short: 't' },
  vars: { type: 'string' },
  'target-path': { type: 'string' },
  threads: { type: 'string' },
  'log-format': { type: 'string' },
  // dbt's global flags an orchestrator may pass; they change nothing in Floe.
  'log-path': { type: 'string' },
  'log-level': { type: 'string' },
  'use-colors': { type: 'boolean' }, 'no-use-colors': { type: 'boolean' },
  'partial-parse': { type: 'boolean' }, 'no-partial-parse': { type: 'boolean' },
  'send-anonymous-usage-stats': { type: 'boolean' }, 'no-send-anonymous-usage-stats': { type: 'boolean' },
  'version-check': { type: 'boolean' }, 'no-version-check': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

export const DBT_USAGE = '[--project-dir DIR] [--profiles-dir DIR] [--profile NAME] [--target NAME] [--vars YAML] [--target-path DIR] [--threads N] [--log-format text|json]';

export interface DbtFlags {
  'project-dir'?: string;
  'profiles-dir'?: string;
  profile?: string;
  target?: string;
  vars?: string;
  'target-path'?: string;
  threads?: string;
  'log-format'?: string;
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

/** dbt's global flags that take a value, which may come before the command (`dbt --log-format json run`). */
const GLOBAL_VALUE_FLAGS = new Set(['--log-format', '--log-path', '--log-level', '--profiles-dir', '--project-dir', '--target-path', '--profile', '--target', '-t']);

/** `floe [GLOBAL FLAGS] COMMAND ARGS` as dbt takes it: the command, and its arguments with the global flags moved behind. */
export function commandAndArgs(argv: readonly string[]): { name: string | undefined; args: string[] } {
  const globals: string[] = [];
  let i = 0;
  while (i < argv.length && argv[i].startsWith('-') && !['-h', '--help'].includes(argv[i])) {
    globals.push(argv[i]);
    if (GLOBAL_VALUE_FLAGS.has(argv[i]) && i + 1 < argv.length) globals.push(argv[++i]);
    i++;
  }
  return { name: argv[i], args: [...argv.slice(i + 1), ...globals] };
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
  if (flags.threads !== undefined) threadsArg(flags.threads, usage);
  const vars = flags.vars === undefined ? undefined : parseVars(flags.vars, usage);
  const project = loadProject(dir ?? flags['project-dir'] ?? env.DBT_PROJECT_DIR ?? '.', usage, projectEnv);
  if (flags.profile !== undefined) {
    if (project.profiles && !(flags.profile in project.profiles.profiles)) {
      throw new UsageError(`--profile ${flags.profile}: ${project.profilesFile} has no such profile (it has ${Object.keys(project.profiles.profiles).join(', ') || 'none'})\n${usage}`);
    }
    project.setCommandLineProfile(flags.profile);
  }
  const outputs = project.profiles?.profiles[project.profileName ?? '']?.outputs;
  if (flags.target !== undefined && outputs && !(flags.target in outputs)) {
    throw new UsageError(`--target ${flags.target}: profile '${project.profileName}' in ${project.profilesFile} has no such target (it has ${Object.keys(outputs).join(', ') || 'none'})\n${usage}`);
  }
  if (vars) project.setCommandLineVars(vars);
  return project;
}

/** `--vars '{key: value}'` (YAML or JSON) as dbt reads it: a mapping, or nothing at all. */
export function parseVars(text: string, usage: string): Record<string, unknown> {
  // Read as a document so values written as integral floats (`{ratio: 1.0}`) stay floats for var() (toJs marks them).
  const doc = YAML.parseDocument(text);
  if (doc.errors.length) throw new UsageError(`--vars is not valid YAML: ${doc.errors[0].message.split('\n')[0]}\n${usage}`);
  const value = toJs(pyYamlBools(doc).contents);
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`--vars must be a YAML mapping such as '{key: value}', got '${text}'\n${usage}`);
  return value as Record<string, unknown>;
}

/** `--threads N`, else DBT_THREADS, else the target's `threads:` in profiles.yml, else 1 (as dbt). */
export function threadsOf(project: DbtProject, flags: DbtFlags, usage: string, env: NodeJS.ProcessEnv = process.env): number {
  const given = flags.threads ?? env.DBT_THREADS;
  if (given !== undefined) return threadsArg(given, usage);
  const fromProfile = project.target.threads;
  return Number.isInteger(fromProfile) && fromProfile > 0 ? fromProfile : 1;
}

function threadsArg(given: string, usage: string): number {
  if (!/^[1-9]\d*$/.test(given)) throw new UsageError(`--threads must be a positive whole number, got '${given}'\n${usage}`);
  return Number(given);
}

/** `--log-format` (or DBT_LOG_FORMAT, which dagster-dbt sets): json prints one dbt structured event per line. */
export function logFormatOf(flags: DbtFlags, usage: string, env: NodeJS.ProcessEnv = process.env): 'text' | 'json' {
  const given = flags['log-format'] ?? env.DBT_LOG_FORMAT ?? 'default';
  if (given === 'json') return 'json';
  if (['text', 'default', 'debug'].includes(given)) return 'text';
  throw new UsageError(`--log-format must be text, default, debug or json, got '${given}'\n${usage}`);
}

/** Where target/ artifacts go: --target-path, DBT_TARGET_PATH, dbt_project.yml's target-path, else `target` (under the project). */
export function targetPathOf(project: DbtProject, flags: DbtFlags, env: NodeJS.ProcessEnv = process.env): string {
  const given = flags['target-path'] ?? env.DBT_TARGET_PATH ?? project.settings.targetPath ?? 'target';
  return path.resolve(project.root, given);
}
