// The definitions the project's on-run-start hooks make (sql/hookPrelude.ts), for binding: each hook rendered in its
// package's context, in dbt's order (installed packages' hooks by package name, the root project's last, so its
// `CREATE OR REPLACE` wins), with where its template is in dbt_project.yml.
import path from 'node:path';
import type { DbtProject } from './project';
import { environmentOf, settingsHooks } from './jinjaEnvironment';
import { splitKeywords } from '../jinja/environment';
import { definitionStatements } from '../sql/hookPrelude';

export interface HookDefinition {
  /** The statement as binding runs it (made TEMP), and as the hook renders it. */
  sql: string;
  written: string;
  /** The dbt_project.yml holding the hook, and the offsets of the hook's value there. */
  file: string;
  start: number;
  end: number;
  /** The hook is the root project's own (packages' hooks are not the user's to fix). */
  root: boolean;
}

/**
 * What run_query() gives a hook: binding has no rows, so a hook that reads anything of the result (its rows, its
 * columns, even whether it is None) does not render, and what it would define is left out rather than guessed.
 */
const NO_ROWS: object = new Proxy({}, {
  get() {
    throw new Error('a query result is read');
  },
  has() {
    throw new Error('a query result is read');
  },
});

const kept = new WeakMap<DbtProject, { version: string; definitions: HookDefinition[] }>();

/** The definitions every binding connection makes before the project's models bind; kept per project version. */
export function runStartDefinitions(project: DbtProject): HookDefinition[] {
  const version = `${project.version}:${project.macroVersion}:${project.target.adapter}`;
  const cached = kept.get(project);
  if (cached?.version === version) return cached.definitions;
  const definitions: HookDefinition[] = [];
  // a hook is SQL for the project's database: only DuckDB's is run by the binder
  if (project.target.adapter === 'duckdb') {
    const packages = [...project.packages].sort((a, b) => Number(a.isRoot) - Number(b.isRoot) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const pkg of packages) {
      for (const hook of pkg.settings.onRunStart) {
        const sql = renderedHook(project, pkg.name, hook.template);
        if (sql === undefined) continue;
        for (const s of definitionStatements(sql)) definitions.push({ sql: s.sql, written: sql.slice(s.start, s.end), file: path.join(pkg.root, 'dbt_project.yml'), start: hook.start, end: hook.end, root: pkg.isRoot });
      }
    }
  }
  kept.set(project, { version, definitions });
  return definitions;
}

/**
 * A hook's SQL as dbt runs it when the run starts (`execute` true): what its macros hand run_query() while it renders
 * (run then), then what it renders to; undefined when it does not render, e.g. it reads a query's rows, which binding
 * has none of (dbt reports a real failure itself).
 */
function renderedHook(project: DbtProject, packageName: string, template: string): string | undefined {
  if (!/\{[{%]/.test(template)) return template;
  const ran: string[] = [];
  const runQuery = (...args: unknown[]) => {
    const { positional, named } = splitKeywords(args);
    const sql = positional[0] ?? named.sql;
    if (typeof sql === 'string') ran.push(sql);
    return NO_ROWS;
  };
  try {
    const rendered = environmentOf(project).renderString(template, { ...settingsHooks(project, packageName, 'on-run-start'), execute: true, overrides: { run_query: runQuery } });
    return [...ran, rendered].join(';\n');
  } catch {
    return undefined;
  }
}
