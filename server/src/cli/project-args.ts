// Shared CLI plumbing for project commands: load the dbt project, open its lakehouse, close it after.
import fs from 'node:fs';
import path from 'node:path';
import { DbtProject } from '../project/project';
import { openLakehouse, stopLocalCatalogServers, type Lakehouse } from '../run/lakehouse';
import { UsageError } from './command';

/** Loads the dbt project at `dir`; a clear usage error when there is none. */
export function loadProject(dir: string | undefined, usage: string, env: NodeJS.ProcessEnv = process.env): DbtProject {
  if (!dir) throw new UsageError(`expected a PROJECT_DIR\n${usage}`);
  const root = path.resolve(dir);
  if (!fs.existsSync(path.join(root, 'dbt_project.yml'))) throw new UsageError(`${root} has no dbt_project.yml\n${usage}`);
  return DbtProject.load(root, env);
}

/** Runs `body` with the project's lakehouse open; local catalog servers stop afterwards. */
export async function withLakehouse<T>(project: DbtProject, body: (lakehouse: Lakehouse) => Promise<T>): Promise<T> {
  try {
    return await body(await openLakehouse(project));
  } finally {
    await stopLocalCatalogServers();
  }
}
