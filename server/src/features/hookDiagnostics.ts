// The project's on-run-start definitions DuckDB refuses, at their hook in dbt_project.yml: what such a statement would
// define is then missing from every bind, so the models reading it report errors whose cause is here.
import type { DuckDBConnection } from '@duckdb/node-api';
import { standInsOf } from '../sql/binder';
import { usePrelude } from '../sql/hookPrelude';
import { runStartDefinitions } from '../project/runStartHooks';
import type { ProjectDiagnostic } from '../project/types';
import type { DbtProject } from '../project/project';

/** Longest part of a statement quoted in its diagnostic. */
const QUOTED_CHARS = 60;

export async function hookDiagnostics(project: DbtProject, conn: DuckDBConnection): Promise<ProjectDiagnostic[]> {
  const definitions = runStartDefinitions(project);
  if (!definitions.length) return [];
  const failures = await standInsOf(conn).exclusive(() => usePrelude(conn, definitions.map((d) => d.sql)));
  // a statement naming what only the project's database holds cannot be judged; packages' hooks are not the user's
  return failures.filter((f) => !f.unjudged && definitions[f.index].root).map((f) => {
    const d = definitions[f.index];
    const statement = d.written.replace(/\s+/g, ' ');
    const quoted = statement.length > QUOTED_CHARS ? `${statement.slice(0, QUOTED_CHARS)}…` : statement;
    return {
      file: d.file,
      start: d.start,
      end: d.end,
      // a syntax error fails `dbt run` wherever it runs; anything else may depend on the database it runs in
      severity: f.kind === 'syntax' ? ('error' as const) : ('warning' as const),
      code: 'hook-sql',
      message: `DuckDB rejects this on-run-start statement (${quoted}): ${f.message}. Models are checked without what it defines.`,
    };
  });
}
