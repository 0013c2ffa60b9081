// A WorkspaceEdit applied to the texts it was made from: each changed file's new text, by path relative to `dir`.
import path from 'node:path';
import type { TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';

export function appliedEdit(edit: WorkspaceEdit, dir: string, texts: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const change of edit.documentChanges ?? []) {
    const c = change as TextDocumentEdit;
    const rel = path.relative(dir, new URL(c.textDocument.uri).pathname);
    out[rel] = TextDocument.applyEdits(TextDocument.create(c.textDocument.uri, 'plaintext', 0, texts[rel]), c.edits as TextEdit[]);
  }
  return out;
}
