// The one map of command factories. Each command group lives in its own file; add a group by spreading it in here.
import * as vscode from 'vscode';
import type { FloeServer } from '../languageClient';
import { compiledSqlCommands } from './compiledSql';
import { serverCommands } from './server';
import { runCommands } from './run';
import { packageCommands } from './packages';

/** What a command may use; the client stays thin, so this is all there is. */
export interface CommandContext {
  extension: vscode.ExtensionContext;
  server: FloeServer;
  output: vscode.LogOutputChannel;
}

export type CommandFactory = (ctx: CommandContext) => (...args: any[]) => unknown;

export const commandFactories: Record<string, CommandFactory> = {
  ...serverCommands,
  ...compiledSqlCommands,
  ...runCommands,
  ...packageCommands,
};

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(commandFactories).map(([id, factory]) => vscode.commands.registerCommand(id, factory(ctx)));
}
