// The Catalog view's table maintenance: Optimize Table, Expire Snapshots, Rewrite Manifests. Each first runs as a
// dry run that says what would change, asks, then runs with progress and a Cancel button; the server does the work.
import * as vscode from 'vscode';
import {
  ExplorerMaintenanceProgressNotification, ExplorerMaintenanceRequest,
  type ExplorerNode, type MaintenanceAction, type MaintenanceParams, type MaintenanceResult,
} from '../../../server/src/protocol/explorer';
import { parseDuration } from '../../../server/src/util/quantities';
import type { ExplorerContext } from './explorerCommands';
import { request, tableParams } from './explorerCommands';

const TITLES: Record<MaintenanceAction, { title: string; verb: string }> = {
  optimize: { title: 'Optimize Table', verb: 'Optimize' },
  expireSnapshots: { title: 'Expire Snapshots', verb: 'Expire' },
  rewriteManifests: { title: 'Rewrite Manifests', verb: 'Rewrite' },
};

/** Asks for the options (expire), runs the dry run, asks to go on, runs it. */
export async function maintainTable(ctx: ExplorerContext, node: ExplorerNode, action: MaintenanceAction): Promise<void> {
  const { title, verb } = TITLES[action];
  const options: Partial<MaintenanceParams> = {};
  if (action === 'expireSnapshots') {
    const age = await vscode.window.showInputBox({
      title, prompt: 'Expire snapshots older than (e.g. 5d, 12h, 0 for any age)', value: '5d',
      validateInput: (v) => { try { parseDuration(v); return undefined; } catch (e) { return `Duration ${(e as Error).message}`; } },
    });
    if (age === undefined) return;
    const keep = await vscode.window.showInputBox({
      title, prompt: 'Keep at least this many of each branch\'s latest snapshots (refs and tags are always kept)', value: '1',
      validateInput: (v) => (/^[1-9]\d*$/.test(v.trim()) ? undefined : 'A whole number of at least 1.'),
    });
    if (keep === undefined) return;
    options.olderThanMs = parseDuration(age);
    options.retainLast = Number(keep.trim());
  }
  const table = [...tableParams(node).namespace, tableParams(node).table].join('.');
  const dry = await run(ctx, node, action, true, options, `${title}: ${table} (dry run)`);
  if (!dry) return;
  if ('error' in dry) return void (dry.cancelled ? undefined : vscode.window.showErrorMessage(dry.error));
  log(ctx, dry);
  if (!dry.changes) return void vscode.window.showInformationMessage(dry.summary);
  const go = `${verb} ${table}`;
  // Expiring deletes files for good: a warning, not a note.
  const ask = action === 'expireSnapshots' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const answer = await ask(`${dry.summary}.`, { modal: true, detail: detailOf(action, dry.overview ?? dry.lines) }, go);
  if (answer !== go) return;
  const result = await run(ctx, node, action, false, options, `${title}: ${table}`);
  if (!result) return;
  if ('error' in result) {
    if (result.cancelled) return void vscode.window.showInformationMessage(result.error);
    return void vscode.window.showErrorMessage(result.error);
  }
  log(ctx, result);
  void vscode.window.showInformationMessage(result.summary);
  const parent = ctx.tree.getParent(node);
  if (parent) ctx.tree.refreshNode(parent);
  else ctx.tree.refresh();
}

async function run(ctx: ExplorerContext, node: ExplorerNode, action: MaintenanceAction, dryRun: boolean, options: Partial<MaintenanceParams>, title: string): Promise<MaintenanceResult | undefined> {
  const progressToken = `${action}:${Date.now().toString(36)}:${Math.random().toString(36).slice(2)}`;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, cancel) =>
    request(ctx, async (client) => {
      let reported = 0;
      const sub = client.onNotification(ExplorerMaintenanceProgressNotification.type, (p) => {
        if (p.progressToken !== progressToken) return;
        const increment = p.percent !== undefined && p.percent > reported ? p.percent - reported : undefined;
        if (increment) reported = p.percent!;
        progress.report({ message: p.message, increment });
      });
      try {
        return await client.sendRequest(ExplorerMaintenanceRequest.type, { ...tableParams(node), ...options, action, dryRun, progressToken }, cancel);
      } finally {
        sub.dispose();
      }
    }));
}

function log(ctx: ExplorerContext, r: { summary: string; lines: string[] }): void {
  for (const line of r.lines) ctx.output.info(line);
  ctx.output.info(r.summary);
}

function detailOf(action: MaintenanceAction, lines: string[]): string {
  const shown = lines.slice(0, 8).join('\n') + (lines.length > 8 ? `\n… and ${lines.length - 8} more (see the Floe output)` : '');
  const what = action === 'optimize'
    ? 'The rewrite commits as one snapshot; the table reads the same rows. Old files stay until their snapshots expire.'
    : action === 'expireSnapshots'
      ? 'Expired snapshots can no longer be previewed or restored. Files a kept snapshot uses are never deleted.'
      : 'The table keeps the same files and rows; planning reads fewer manifests.';
  return shown ? `${shown}\n\n${what}` : what;
}
