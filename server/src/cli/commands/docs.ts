// floe docs generate: dbt docs generate — target/manifest.json with every model compiled, and target/catalog.json with
// the columns and types of models, seeds and sources (from their Iceberg schemas, or DuckDB binding the views).
// Exit 0 even when some relations could not be described (they are listed in catalog.json's errors and on stderr), as dbt.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../command';
import { dbtCompiledSql } from '../../project/dbtCompile';
import { selectableGraph } from '../../selection/graph';
import { openLakehouse, stopLocalCatalogServers } from '../../run/lakehouse';
import { newInvocation } from '../../artifacts/metadata';
import { buildManifest } from '../../artifacts/manifest';
import { buildCatalog } from '../../artifacts/catalog';
import { sqlDialect } from '../../features/binding';
import type { DbtProject } from '../../project/project';
import { writeArtifact } from '../../artifacts/write';
import { DBT_OPTIONS, DBT_USAGE, dbtProject, expandMultiValueFlags, targetPathOf } from '../dbt-args';

const USAGE = `usage: floe docs generate ${DBT_USAGE}`;

export const docsCommand: CliCommand = {
  summary: 'dbt docs generate: write target/manifest.json and target/catalog.json',
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'generate') throw new UsageError(sub ? `unknown subcommand '${sub}'\n${USAGE}` : USAGE);
    let parsed;
    try {
      parsed = parseArgs({ args: expandMultiValueFlags(rest), allowPositionals: false, strict: true, options: { ...DBT_OPTIONS } });
    } catch (e) {
      throw new UsageError(`${(e as Error).message}\n${USAGE}`);
    }
    const project = dbtProject(parsed.values, USAGE);
    const invocation = newInvocation({ which: 'generate', ...parsed.values });
    const target = targetPathOf(project, parsed.values);
    const compiled = new Map<string, string>();
    for (const n of selectableGraph(project).nodes.values()) {
      if (n.resourceType !== 'model' || n.modelNode!.file.endsWith('.py')) continue;
      const c = dbtCompiledSql(project, n.modelNode!.file);
      if ('sql' in c) compiled.set(n.id, c.sql);
    }
    const manifestFile = writeArtifact(target, 'manifest.json', buildManifest(project, invocation, compiled));
    try {
      let lakehouse;
      try {
        lakehouse = await openLakehouse(project);
      } catch (e) {
        io.err(`floe docs: the lakehouse of ${project.name} (target ${project.target.name}) is unavailable: ${e instanceof Error ? e.message : String(e)}\n`);
        return 2;
      }
      const { catalog, absent } = await buildCatalog(project, lakehouse, invocation);
      const catalogFile = writeArtifact(target, 'catalog.json', catalog);
      for (const error of (catalog.errors as string[] | null) ?? []) io.err(`floe docs: warning: ${error}\n`);
      if (absent > 0) io.out(`${absentNote(project, absent)}\n`);
      io.out(`wrote ${path.relative(process.cwd(), manifestFile) || manifestFile} and ${path.relative(process.cwd(), catalogFile) || catalogFile}\n`);
      return 0;
    } finally {
      await stopLocalCatalogServers();
    }
  },
};

/** The one line about what catalog.json leaves out: relations the lakehouse does not have, as dbt's catalog does. */
function absentNote(project: DbtProject, absent: number): string {
  const views = sqlDialect(project) === 'other' ? `; a ${project.target.adapter} project's views are described by its warehouse, not in DuckDB` : '';
  return `catalog.json leaves out ${absent} relation${absent === 1 ? '' : 's'} the lakehouse does not have (sources not loaded, models not built${views}), as dbt's catalog lists only what exists`;
}
