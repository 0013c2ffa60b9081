// Where a project's packages are installed, apart from install.ts so that asking which are missing (at every
// editor start) does not load the fetchers (tar, HTTP).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDbtProjectFile } from '../dbtProjectFile';
import { PackageError } from './errors';

/** The folder packages install into; refused when it would contain the project itself. */
export function packagesInstallPath(root: string): string {
  const file = path.join(root, 'dbt_project.yml');
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new PackageError(`${root} has no dbt_project.yml`);
  }
  const dir = path.resolve(root, parseDbtProjectFile(file, text, path.basename(root)).packagesPath);
  const rel = path.relative(dir, root);
  if (rel === '' || !rel.startsWith('..')) throw new PackageError(`${file}: packages-install-path '${path.relative(root, dir) || '.'}' would hold the project itself; use a folder such as dbt_packages`);
  return dir;
}
