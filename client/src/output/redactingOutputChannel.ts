// A log output channel that redacts every message before showing it, so the language client's traces never print secrets.
import * as vscode from 'vscode';

const redactedMethods = new Set(['append', 'appendLine', 'replace', 'trace', 'debug', 'info', 'warn', 'error']);

export function createRedactingOutputChannel(name: string, redact: (text: string) => string): vscode.LogOutputChannel {
  const channel = vscode.window.createOutputChannel(name, { log: true });
  const redactArg = (arg: unknown): unknown =>
    typeof arg === 'string' ? redact(arg) : arg instanceof Error ? redactError(arg, redact) : arg;
  // A Proxy keeps every other member (logLevel, events, show, dispose) exactly as VS Code made it.
  return new Proxy(channel, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || !redactedMethods.has(prop) || typeof value !== 'function') return value;
      return (...args: unknown[]) => value.apply(target, args.map(redactArg));
    },
  });
}

function redactError(err: Error, redact: (text: string) => string): Error {
  const copy = new Error(redact(err.message));
  copy.name = err.name;
  return copy;
}
