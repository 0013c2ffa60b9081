import type { CliCommand } from '../command';

export const compileCommand: CliCommand = {
  summary: '(not implemented yet)',
  async run(_args, io) {
    io.err('floe compile: not implemented yet\n');
    return 2;
  },
};
