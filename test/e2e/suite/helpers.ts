// Helpers for tests inside the extension host: reach Floe's API, open demo files, find positions by marker, wait on signals.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FloeApi } from '../../../client/src/api';
import type { StatusParams } from '../../../server/src/protocol';

export const EXTENSION_ID = 'floe.floe';

export async function floeApi(): Promise<FloeApi> {
  const ext = vscode.extensions.getExtension<FloeApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

/** Waits until the server reports ready, and returns that status. */
export async function waitForReady(timeoutMs = 60_000): Promise<StatusParams> {
  const api = await floeApi();
  const status = await api.waitForStatus((s) => s.state === 'ready' || s.state === 'stopped', timeoutMs);
  assert.equal(status.state, 'ready', `server did not become ready: ${JSON.stringify(status)}`);
  return status as StatusParams;
}

/**
 * Waits until the server has bound every model in DuckDB (so hovers and diagnostics know columns).
 * The server says so only in the ready status's message ("All N models bound"); this is the one place that knows.
 */
export async function waitForBound(timeoutMs = 60_000): Promise<StatusParams> {
  const api = await floeApi();
  const status = await api.waitForStatus((s) => s.state === 'stopped' || (s.state === 'ready' && /^All \d+ models bound/.test(s.message ?? '')), timeoutMs);
  assert.equal(status.state, 'ready', `server stopped before binding: ${JSON.stringify(status)}`);
  return status as StatusParams;
}

/** Whether the e2e runner built the demo lakehouse (bronze tables) in the workspace; some checks need it. */
export const hasLakehouse = process.env.FLOE_E2E_LAKEHOUSE === '1';

/**
 * Behaviour the issues ask for that the product does not have yet, in one list. A test marked with a gap still runs:
 * while it fails it is reported as skipped with the gap in its title; once it passes, it fails, asking to drop the mark.
 */
export const KNOWN_GAPS = {
} as const;

export async function withKnownGap(ctx: Mocha.Context, gap: string | undefined, body: () => Promise<void>): Promise<void> {
  if (!gap) return body();
  try {
    await body();
  } catch {
    if (ctx.test) ctx.test.title += ` [known gap: ${gap}]`;
    ctx.skip();
  }
  throw new Error(`passes now, though marked as a known gap (${gap}): remove the mark`);
}

export function workspaceUri(relPath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, relPath);
}

export async function openFile(relPath: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(relPath));
  return vscode.window.showTextDocument(doc);
}

/**
 * The position marked by `|` in `marked`, a snippet that occurs exactly once in the document without the bar.
 * Example: positionOf(doc, "ref('|stg_orders')").
 */
export function positionOf(doc: vscode.TextDocument, marked: string): vscode.Position {
  const bar = marked.indexOf('|');
  assert.ok(bar >= 0, `marker | missing in ${marked}`);
  const snippet = marked.slice(0, bar) + marked.slice(bar + 1);
  const text = doc.getText();
  const at = text.indexOf(snippet);
  assert.ok(at >= 0, `"${snippet}" not found in ${doc.uri.fsPath}`);
  assert.equal(text.indexOf(snippet, at + 1), -1, `"${snippet}" occurs more than once in ${doc.uri.fsPath}`);
  return doc.positionAt(at + bar);
}

/** Replaces the one occurrence of `from` with `to` in the (unsaved) document. */
export async function replaceOnce(doc: vscode.TextDocument, from: string, to: string): Promise<void> {
  const start = positionOf(doc, `|${from}`);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(start, doc.positionAt(doc.offsetAt(start) + from.length)), to);
  assert.ok(await vscode.workspace.applyEdit(edit), `edit of ${doc.uri.fsPath} was refused`);
}

/** Resolves with the document's diagnostics once `accept` holds for them (checked now and on every change). */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
  timeoutMs = 20_000,
): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      if (!accept(diagnostics)) return false;
      clearTimeout(timer);
      sub.dispose();
      resolve(diagnostics);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      sub.dispose();
      const now = vscode.languages.getDiagnostics(uri).map((d) => `${d.range.start.line + 1}: ${d.message}`);
      reject(new Error(`diagnostics of ${uri.fsPath} did not match within ${timeoutMs} ms; now: ${JSON.stringify(now)}`));
    }, timeoutMs);
    check();
  });
}

/** Text of hover contents, whatever form they come in. */
export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : String(c)))
    .join('\n');
}

/** Labels of completion items, as plain strings. */
export function completionLabels(list: vscode.CompletionList): string[] {
  return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

/** Reverts the active editor, so a test leaves the file as it found it. */
export async function revertActive(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.files.revert');
}
