// dbt packages: the "declared but not installed" notification with a button that runs floe deps in the server, and
// the Floe: Install Packages (floe deps) command.
import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import { InstallPackagesRequest, PackagesMissingNotification } from '../../../server/src/protocol';
import type { CommandContext, CommandFactory } from './index';

const INSTALL = 'Run floe deps';

async function install(client: BaseLanguageClient, project: string): Promise<void> {
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Floe: installing dbt packages (floe deps)' },
    () => client.sendRequest(InstallPackagesRequest.type, { project }));
  if (result.ok) void vscode.window.showInformationMessage(`Floe: ${result.message}`);
  else void vscode.window.showErrorMessage(`Floe: ${result.message}`);
}

/** Listens for floe/packagesMissing while the client runs; one notification per project and missing set. */
export function watchMissingPackages(ctx: CommandContext, client: BaseLanguageClient): vscode.Disposable {
  return client.onNotification(PackagesMissingNotification.type, async (params) => {
    ctx.output.appendLine(`floe: ${params.message}`);
    const choice = await vscode.window.showWarningMessage(`Floe: ${params.message}`, INSTALL);
    if (choice === INSTALL) await install(client, params.project);
  });
}

export const packageCommands: Record<string, CommandFactory> = {
  'floe.installPackages': (ctx) => async () => {
    const client = ctx.server.languageClient;
    if (!client?.isRunning()) return void vscode.window.showWarningMessage('The Floe language server is not running. Run "Floe: Restart Language Server".');
    const projects = ctx.server.status && 'projects' in ctx.server.status ? ctx.server.status.projects : [];
    const pick = projects.length > 1
      ? await vscode.window.showQuickPick(projects.map((p) => ({ label: vscode.Uri.parse(p).fsPath, project: p })), { placeHolder: 'Install the packages of which dbt project?' })
      : projects[0] ? { project: projects[0] } : undefined;
    if (pick) await install(client, pick.project);
  },
};
