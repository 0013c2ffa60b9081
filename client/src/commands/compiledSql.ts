// "Show Compiled SQL": opens the model's compiled SQL beside it, read-only, following edits.
import * as vscode from 'vscode';
import { compiledSqlUri } from '../compiledSqlProvider';
import { LANGUAGE_ID } from '../language';
import type { CommandFactory } from './index';

export const compiledSqlCommands: Record<string, CommandFactory> = {
  'floe.showCompiledSql': () => async (resource?: vscode.Uri) => {
    const model = resource instanceof vscode.Uri ? resource : vscode.window.activeTextEditor?.document.uri;
    if (!model) {
      void vscode.window.showInformationMessage('Open a dbt model file to see its compiled SQL.');
      return undefined;
    }
    const doc = await vscode.workspace.openTextDocument(compiledSqlUri(model));
    const sqlDoc = doc.languageId === LANGUAGE_ID ? await vscode.languages.setTextDocumentLanguage(doc, 'sql') : doc;
    return vscode.window.showTextDocument(sqlDoc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  },
};
