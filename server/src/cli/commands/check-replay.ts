// The part of `floe check` that runs before anything else loads: its arguments, its report's two formats, and the
// replay of the last report when the project is unchanged (cli/checkSnapshot.ts). It imports nothing heavy, so the
// CLI can answer an unchanged project without loading the project model, Jinja or DuckDB (see cli/main.ts).
import path from 'node:path';
import { existsSync } from 'node:fs';
import { UsageError, type CliIO } from '../command';
import { CheckSnapshot, type CheckReport } from '../checkSnapshot';

export const CHECK_USAGE = 'check PROJECT_DIR|--project-dir DIR [--profiles-dir DIR] [--target NAME] [--format json|text] [--no-bind] [--no-cache] [--jobs N] [--vars YAML]';

export interface JsonDiagnostic {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: 'error' | 'warning' | 'info';
  code: string;
  message: string;
}

export interface CheckOptions {
  root: string;
  format: 'json' | 'text';
  bind: boolean;
  cache: boolean;
  /** Binding worker threads (0: bind in process); one per core when absent. */
  jobs?: number;
  /** `--vars`, as dbt takes it (YAML or JSON): a check with them is neither replayed nor kept. */
  vars?: string;
  /** dbt's `--profiles-dir` and `--target`: given to the project as DBT_PROFILES_DIR and DBT_TARGET are. */
  profilesDir?: string;
  target?: string;
}

export function parseCheckArgs(args: string[]): CheckOptions {
  let format = 'text';
  let bind = true;
  let cache = true;
  let jobs: number | undefined;
  let vars: string | undefined;
  let profilesDir: string | undefined;
  let target: string | undefined;
  const rest: string[] = [];
  // `--flag value` or `--flag=value`
  const valueOf = (flag: string, i: number): [string, number] | undefined => {
    if (args[i] === flag) {
      if (args[i + 1] === undefined || args[i + 1].startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return [args[i + 1], i + 1];
    }
    return args[i].startsWith(`${flag}=`) ? [args[i].slice(flag.length + 1), i] : undefined;
  };
  for (let i = 0; i < args.length; i++) {
    const projectDir = valueOf('--project-dir', i), profiles = valueOf('--profiles-dir', i), targetName = valueOf('--target', i);
    if (projectDir) [rest[rest.length], i] = projectDir;
    else if (profiles) [profilesDir, i] = profiles;
    else if (targetName) [target, i] = targetName;
    else if (args[i] === '--format') format = args[++i] ?? '';
    else if (args[i].startsWith('--format=')) format = args[i].slice('--format='.length);
    else if (args[i] === '--no-bind') bind = false;
    else if (args[i] === '--no-cache') cache = false;
    else if (args[i] === '--jobs' || args[i].startsWith('--jobs=')) {
      const value = args[i] === '--jobs' ? args[++i] ?? '' : args[i].slice('--jobs='.length);
      jobs = Number(value);
      if (!/^\d+$/.test(value) || jobs > 32) throw new UsageError(`--jobs must be a whole number from 0 (bind in process) to 32, not '${value}'`);
    }
    else if (args[i] === '--vars') vars = args[++i] ?? '';
    else if (args[i].startsWith('--vars=')) vars = args[i].slice('--vars='.length);
    else rest.push(args[i]);
  }
  if (format !== 'json' && format !== 'text') throw new UsageError(`--format must be json or text, not '${format}'`);
  if (rest.length !== 1) throw new UsageError(`usage: floe ${CHECK_USAGE}`);
  const root = path.resolve(rest[0]);
  if (!existsSync(path.join(root, 'dbt_project.yml'))) throw new UsageError(`${root} has no dbt_project.yml`);
  if (profilesDir !== undefined && !existsSync(path.join(path.resolve(profilesDir), 'profiles.yml'))) throw new UsageError(`--profiles-dir: ${path.resolve(profilesDir)} has no profiles.yml`);
  if (target === '') throw new UsageError('--target needs a value');
  return { root, format, bind, cache, jobs, vars, profilesDir: profilesDir && path.resolve(profilesDir), target };
}

/** Prints a report; the exit code is 1 when it has errors. */
export function printCheckReport(report: CheckReport<JsonDiagnostic>, format: 'json' | 'text', io: CliIO): number {
  const out = report.diagnostics;
  if (format === 'json') {
    io.out(`${JSON.stringify({ models: report.models, diagnostics: out }, null, 2)}\n`);
  } else {
    for (const d of out) io.out(`${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} [${d.code}] ${d.message}\n`);
    const errors = out.filter((d) => d.severity === 'error').length;
    io.out(`${report.models} models, ${errors} error(s), ${out.length - errors} other diagnostic(s)\n`);
  }
  return out.some((d) => d.severity === 'error') ? 1 : 0;
}

/** `floe check`: the kept report when the project is unchanged since it was kept, else the whole check (./check.ts). */
export async function runCheck(args: string[], io: CliIO): Promise<number> {
  const options = parseCheckArgs(args);
  // as dbt's flags override the environment; the check reads them as env vars, so its kept report is keyed by them
  if (options.profilesDir !== undefined) process.env.DBT_PROFILES_DIR = options.profilesDir;
  if (options.target !== undefined) process.env.DBT_TARGET = options.target;
  // the kept report is keyed by the project's files, not by command-line vars
  const snapshot = options.cache && options.vars === undefined ? new CheckSnapshot(options.root, options.bind) : undefined;
  const kept = snapshot?.replay<JsonDiagnostic>();
  if (kept) return printCheckReport(kept, options.format, io);
  // the project model, Jinja and DuckDB load only now
  const { checkAndKeep } = await import('./check.js');
  return printCheckReport(await checkAndKeep(options, snapshot, io), options.format, io);
}
