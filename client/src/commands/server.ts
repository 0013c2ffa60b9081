// Commands about the language server itself: restart it, show its output.
import type { CommandFactory } from './index';

export const serverCommands: Record<string, CommandFactory> = {
  'floe.restartServer': (ctx) => () => ctx.server.restart(),
  'floe.showOutput': (ctx) => () => ctx.output.show(true),
};
