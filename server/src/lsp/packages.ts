// floe/packagesMissing (once per project and missing set) and floe/installPackages (floe deps from the editor, then a
// re-index of the project so the macros of the new packages resolve).
import type { Connection } from 'vscode-languageserver';
import type { DbtProject } from '../project/project';
import type { Workspace } from '../project/workspace';
import { missingPackages, missingPackagesMessage } from '../project/packages/missing';
import { PackageError } from '../project/packages/errors';
import { InstallPackagesRequest, PackagesMissingNotification, type InstallPackagesResult } from '../protocol';
import { pathToUri, uriToPath } from './convert';

export function registerPackageHandlers(connection: Connection, workspace: Workspace, onReindexed: (project: DbtProject) => void): { check(project: DbtProject): void } {
  const told = new Map<string, string>();

  const check = (project: DbtProject) => {
    const missing = missingPackages(project.root);
    const key = missing.map((m) => m.name).sort().join(',');
    if (told.get(project.root) === key) return;
    told.set(project.root, key);
    if (!missing.length) return;
    void connection.sendNotification(PackagesMissingNotification.type, {
      project: pathToUri(project.root), packages: missing.map((m) => m.name), message: missingPackagesMessage(missing),
    }).catch(() => undefined);
  };

  connection.onRequest(InstallPackagesRequest.type, async (params): Promise<InstallPackagesResult> => {
    const root = uriToPath(params.project);
    const project = workspace.projects.find((p) => p.root === root);
    if (!project) return { ok: false, message: `${params.project} is not a dbt project Floe knows` };
    try {
      // Loaded on first use: the fetchers (tar, HTTP) are not needed to start.
      const { installPackages } = await import('../project/packages/install.js');
      const report = await installPackages(project.root);
      project.reload();
      onReindexed(project);
      told.delete(project.root);
      check(project);
      const names = report.installed.map((p) => p.name).join(', ');
      return { ok: true, message: report.installed.length ? `Installed ${names} into ${report.installPath}` : 'No packages to install' };
    } catch (e) {
      // PackageError messages name the package, the file and what to do; anything else is a bug worth its text only.
      return { ok: false, message: e instanceof PackageError ? e.message : `floe deps failed: ${e instanceof Error ? e.message : String(e)}` };
    }
  });

  return { check };
}
